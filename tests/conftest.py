"""Fixtures shared across the test folders."""

from __future__ import annotations

import os
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
