"""A second login during a quiz, with the real `convquest quiz` in each session: the first is told
and hung up, nothing it answered is lost, and the sitting goes on where it was."""

from __future__ import annotations

import asyncio

import pytest
from quiz_helpers import right, write_quiz, wrong
from ssh_helpers import connect, start_game, wait_reaped
from test_ssh_quiz import ENV, Terminal, wait_for_answers

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.classroom.session import TAKEN_OVER, TAKEN_OVER_MESSAGE

pytestmark = pytest.mark.slow  # the real quiz game, started in a PTY per session


async def test_a_second_login_mid_quiz_takes_over_and_the_sitting_goes_on(serve, tmp_path):
    quiz_file = write_quiz(tmp_path)
    server = await serve(child_argv=None, child_env=ENV, quiz_file=quiz_file)
    problems = [q.problem() for q in load_quiz(quiz_file).paper_for("alice").questions]
    given = [right(problems[0]), wrong(problems[1]), right(problems[2])]

    async with await connect(server, username="alice") as first_conn:
        first = Terminal(await start_game(first_conn, size=(100, 30)))
        await first.wait_for(b"question 1 of 3", timeout=30)
        await first.type(given[0], b"question 2 of 3")
        first_pid = next(iter(server.children)).pid

        async with await connect(server, username="alice") as second_conn:
            second = Terminal(await start_game(second_conn, size=(100, 30)))
            await second.wait_for(b"question 2 of 3", timeout=30)
            assert await wait_reaped(first_pid, timeout=1)  # gone before the new game started
            await first.wait_for(TAKEN_OVER_MESSAGE.encode())
            await asyncio.wait_for(first.game.wait_closed(), 10)
            assert first.game.exit_status == 1
            await second.type(given[1], b"question 3 of 3")
            await second.type(given[2], b"Score: 2 of 3")
            second.stop()
        first.stop()

    rows = await wait_for_answers(server.config.results_db, 3)
    assert [(r.question, r.answer) for r in rows] == [(1, given[0]), (2, given[1]), (3, given[2])]
    await server.close()  # the session log is flushed when the server stops
    db = ResultsDB.open(server.config.results_db)
    reasons = [s.reason for s in db.sessions()]
    db.close()
    assert reasons[0] == TAKEN_OVER and len(reasons) == 2
