"""The teacher ends the quiz while a student sits it over SSH (the real `convquest quiz` in the
session): the student's screen says so within a few seconds; a reopened student logs in again and
carries on where they were."""

from __future__ import annotations

import asyncio

import pytest
from quiz_helpers import right, write_quiz
from ssh_helpers import connect, start_game
from test_ssh_quiz import ENV, Terminal, wait_for_answers

from convquest.classroom.quiz import load_quiz
from convquest.classroom.sitting import REFRESH_EVERY
from convquest.cli import main

pytestmark = pytest.mark.slow  # the real quiz game, started in a PTY per session


async def test_class_end_reaches_a_connected_student_and_reopen_lets_them_carry_on(serve, tmp_path, capsys):
    quiz_file = write_quiz(tmp_path)
    server = await serve(child_argv=None, child_env=ENV, quiz_file=quiz_file)
    data_dir = str(server.config.data_dir)
    problems = [q.problem() for q in load_quiz(quiz_file).paper_for("alice").questions]

    async with await connect(server, username="alice") as conn:
        term = Terminal(await start_game(conn, size=(100, 30)))
        await term.wait_for(b"question 1 of 3", timeout=30)
        await term.type(right(problems[0]), b"question 2 of 3")
        since = len(term.data)
        # As the teacher types it in another terminal; the command's own sqlite writes are short.
        code = await asyncio.to_thread(main, ["class", "end", "--yes", "--data-dir", data_dir])
        assert code == 0 and "1 sitting(s) ended (alice)" in capsys.readouterr().out
        ended_at = asyncio.get_running_loop().time()
        await term.wait_for(b"Your teacher ended the quiz.", since, timeout=20)
        # Seen at the sitting's next read of its row (a busy test machine may add a little).
        assert asyncio.get_running_loop().time() - ended_at < REFRESH_EVERY + 8
        term.game.stdin.write(b"q")
        await asyncio.wait_for(term.game.wait_closed(), 10)
        term.stop()

    code = await asyncio.to_thread(main, ["class", "reopen", "alice", "--data-dir", data_dir])
    assert code == 0 and "reopened alice's sitting" in capsys.readouterr().out
    async with await connect(server, username="alice") as conn:
        term = Terminal(await start_game(conn, size=(100, 30)))
        await term.wait_for(b"question 2 of 3", timeout=30)
        await term.wait_for(b"Welcome back")
        await term.type(right(problems[1]), b"question 3 of 3")
        term.stop()
    rows = await wait_for_answers(server.config.results_db, 2)
    assert [(r.question, r.correct) for r in rows] == [(1, True), (2, True)]
