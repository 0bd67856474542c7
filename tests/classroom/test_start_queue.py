"""Games start a few at a time: each holds a start slot from its fork until its first screen is drawn."""

from __future__ import annotations

import asyncio
import itertools
import sys

import pytest
from ssh_helpers import connect, read_until, start_game

from convquest.classroom.pty_child import PtyChild
from convquest.classroom.server import FIRST_SCREEN_BYTES

# Says when it started, builds its "first screen" for a while, draws it, then waits for a key.
SLOW_SCREEN = f"""
import os, sys, time
os.write(1, f"started {{time.monotonic()}}\\r\\n".encode())
time.sleep(float(sys.argv[1]))
os.write(1, b"#" * {FIRST_SCREEN_BYTES + 100} + b"\\r\\ndrawn\\r\\n")
os.read(0, 1)
"""


def slow_screen(build_seconds: float) -> list[str]:
    return [sys.executable, "-c", SLOW_SCREEN, str(build_seconds)]


async def _first_screen(argv: list[str], timeout: float) -> tuple[bool, float]:
    child = await PtyChild.spawn(argv, {"PATH": "/usr/bin:/bin"})
    child.start_output(lambda data: None)
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        return await child.first_screen(FIRST_SCREEN_BYTES, quiet=0.05, timeout=timeout), loop.time() - started
    finally:
        child.hang_up(0.5)
        await child.wait()
        child.close()


async def test_a_first_screen_is_a_screenful_written_then_a_pause():
    drawn, seconds = await _first_screen(slow_screen(0.3), timeout=20)
    assert drawn and seconds >= 0.3  # not at the few bytes written first


async def test_a_program_that_draws_no_screen_holds_its_slot_only_until_the_timeout():
    argv = [sys.executable, "-c", "import os; os.write(1, b'hello\\r\\n'); os.read(0, 1)"]
    drawn, seconds = await _first_screen(argv, timeout=0.5)
    assert not drawn and 0.5 <= seconds < 5


async def test_a_program_that_exits_before_drawing_frees_its_slot_at_once():
    drawn, seconds = await _first_screen([sys.executable, "-c", "pass"], timeout=20)
    assert drawn and seconds < 10


@pytest.mark.slow  # three SSH logins and a warm parent importing the game; the slot's timing is checked above
async def test_a_class_logging_in_at_once_starts_one_game_per_slot(serve):
    server = await serve(child_argv=None)
    # The server's own program, a stand-in for the game, and one slot: each next game starts
    # only once the previous one has drawn its first screen.
    server.config.argv_for = lambda username: slow_screen(0.3)
    server._starting = asyncio.Semaphore(1)
    conns = [await connect(server, username=f"s{n}") for n in range(3)]
    try:
        games = await asyncio.gather(*(start_game(conn) for conn in conns))
        screens = await asyncio.gather(*(read_until(game.stdout, b"drawn", timeout=30) for game in games))
        starts = sorted(float(screen.split(b"started ", 1)[1].split()[0]) for screen in screens)
        assert all(later - earlier >= 0.3 for earlier, later in itertools.pairwise(starts)), starts
    finally:
        for conn in conns:
            conn.close()
