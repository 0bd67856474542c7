"""Fixtures shared across the test folders."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from tests import sweeps

# The quick suite's hypothesis default (tests that name their own count go through sweeps.examples).
settings.register_profile("quick", max_examples=10)


def pytest_configure(config: pytest.Config) -> None:
    """`-m "not slow"` outside CI is the quick suite: fewer seeds and examples (tests/sweeps.py).
    CI=true always runs the full counts, whatever -m says."""
    if "not slow" in (config.option.markexpr or "") and os.environ.get("CI") != "true":
        sweeps.QUICK = True
        settings.load_profile("quick")


# After each key, click and pause, Pilot waits until the app looks idle: 20 ms sleeps until one
# passes with under 1 ms of CPU (twice for a key), with the screen repainting on a 60 fps timer.
# Headless, the app is done within a few milliseconds, so most of the 60–70 ms a key took was
# waiting: half the UI tests' time, about 20 s of the quick suite. The same check on 2 ms windows,
# with repaints due well within one, passes the UI tests (also under CI=true, and beside two busy
# processes).
PILOT_WINDOW = 0.002
PACE = {
    ("textual._wait", "SLEEP_GRANULARITY"): PILOT_WINDOW,
    ("textual._wait", "SLEEP_IDLE"): PILOT_WINDOW / 10,
    # Shorter than the window, so that a repaint due falls in it.
    ("textual.screen", "UPDATE_PERIOD"): PILOT_WINDOW / 4,
}


def pace_pilot() -> None:
    """Textual's pace for Pilot (private constants, read at each use), in this process only: the games
    the SSH, web and PTY tests start keep a player's pace."""
    import importlib

    from textual.pilot import Pilot

    for (module_name, name), value in PACE.items():
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            raise RuntimeError(f"{module_name}.{name} is gone: tests/conftest.py's pace_pilot needs its new name")
        setattr(module, name, value)
    if not hasattr(Pilot.resize_terminal, "paced"):
        Pilot.resize_terminal = resize_then_wait(Pilot.resize_terminal)


def resize_then_wait(resize_terminal):
    """The app passes a resize on to its screens 1/120 s later (its `_resize_timer`), longer than an
    idle window: wait for that (at most 10 s), then for the layout."""

    async def resize(pilot, width: int, height: int) -> None:
        await resize_terminal(pilot, width, height)
        for _ in range(int(10 / PILOT_WINDOW)):
            if pilot.app._resize_timer is None:
                break
            await asyncio.sleep(PILOT_WINDOW)
        await pilot.pause()

    resize.paced = True
    return resize


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Once something has imported Textual's screens, so a run of engine tests never imports Textual.
    if "textual.screen" in sys.modules:
        pace_pilot()


@pytest.fixture
def store(tmp_path: Path):
    """A real progress Store in tmp_path (the UI and practice tests both play against one)."""
    from convquest.store import Store

    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
async def classroom_server(tmp_path: Path):
    """`await classroom_server(**config)` starts a ClassroomServer in the test's loop (free port,
    data in tmp_path) for the classroom and browser-door tests; every one is closed (games
    reaped) after."""
    from convquest.classroom.server import ClassroomServer, ServerConfig

    servers: list[ClassroomServer] = []

    async def start(**config) -> ClassroomServer:
        server = ClassroomServer(
            ServerConfig(
                **{"data_dir": tmp_path / "data", "port": 0, "hangup_grace": 1.0, "warm": sweeps.warm(), **config}
            )
        )
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()
