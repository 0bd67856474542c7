"""The real `convquest play` served over SSH: it draws its home screen and quits cleanly."""

from __future__ import annotations

import asyncio

import pytest
from ssh_helpers import connect, read_until, start_game

cli = pytest.importorskip("convquest.cli", reason="the CLI is not written yet")
if not any(command.words == ("play",) for command in getattr(cli, "COMMANDS", ())):
    pytest.skip("`convquest play` does not exist yet", allow_module_level=True)


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
