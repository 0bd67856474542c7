"""The real `convquest play` served over SSH: it draws its home screen and quits cleanly."""

from __future__ import annotations

import asyncio

import pytest
from ssh_helpers import connect, read_until, start_game

from convquest.cli import COMMANDS

pytestmark = pytest.mark.slow  # the real game, started in a PTY per session


def test_play_is_a_command():
    # What the served session runs (`convquest` with no command is `play`): if it goes, so does this.
    assert any(command.words == ("play",) for command in COMMANDS)


async def test_the_game_draws_its_home_screen_through_ssh_and_quits(serve, tmp_path):
    server = await serve(child_argv=None, child_env={"TEXTUAL_ANIMATIONS": "none"})
    async with await connect(server, username="dana") as conn:
        game = await start_game(conn, size=(100, 30))
        screen = await read_until(game.stdout, b"Progress:", timeout=20)
        assert b"\x1b[?1049h" in screen  # full-screen: the alternate screen is on
        game.stdin.write(b"\x11")  # ctrl+q
        await asyncio.wait_for(game.wait_closed(), 10)
    assert game.exit_status == 0
    # The game kept this student's progress in their own folder.
    assert any((tmp_path / "data" / "students" / "dana").iterdir())
