"""`serve --quiz` end to end: real SSH clients, the real `convquest quiz` in each session.

Log in with the class code, answer, drop the connection mid-quiz, reconnect, resume at the first
unanswered question, finish; the results show every answer, and the server kept a row per session.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import shutil
import signal

import pytest
from quiz_helpers import right, write_quiz, wrong
from ssh_helpers import CODE, connect, eventually, read_until, start_game, wait_reaped

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.cli import main

pytestmark = pytest.mark.slow  # the real quiz game, started in a PTY per session

ENV = {"TEXTUAL_ANIMATIONS": "none"}


class Terminal:
    """Everything a session drew, read continuously (as a real terminal would), with a way to wait
    for a piece of text drawn after a given point."""

    def __init__(self, game) -> None:
        self.game = game
        self.data = b""
        self._changed = asyncio.Event()
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while chunk := await self.game.stdout.read(65536):
            self.data += chunk
            self._changed.set()
        self._changed.set()

    async def wait_for(self, marker: bytes, since: int = 0, timeout: float = 20.0) -> int:
        """Where `marker` ends, once it has been drawn after offset `since`."""

        async def poll() -> int:
            while (at := self.data.find(marker, since)) < 0:
                self._changed.clear()
                if self._reader.done():
                    raise AssertionError(f"the session ended before {marker!r}")
                await self._changed.wait()
            return at + len(marker)

        try:
            return await asyncio.wait_for(poll(), timeout)
        except TimeoutError:
            visible = re.findall(rb"[^\x1b]{3,}", self.data[since:])[-40:]
            raise AssertionError(f"no {marker!r} within {timeout} s; drawn since: {visible!r}") from None

    async def type(self, text: str, then: bytes, *, at_once: bool = False) -> int:
        """Type `text` key by key (or all in one packet, as a quick typist's keys may travel),
        press Enter, and wait for `then` to be drawn."""
        since = len(self.data)
        if at_once:
            self.game.stdin.write(text.encode() + b"\r")
        else:
            for key in text.encode():
                self.game.stdin.write(bytes([key]))
                await asyncio.sleep(0.02)
            self.game.stdin.write(b"\r")
        return await self.wait_for(then, since)

    def stop(self) -> None:
        self._reader.cancel()


async def wait_for_answers(db_path, count: int, timeout: float = 10.0):
    """The answers in the database, once there are `count` of them (the screen moves on only after)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        db = ResultsDB.open(db_path)
        try:
            rows = db.answers("week-3", "alice")
        finally:
            db.close()
        if len(rows) >= count or asyncio.get_running_loop().time() > deadline:
            return rows
        await asyncio.sleep(0.05)


async def test_a_student_answers_drops_reconnects_resumes_and_finishes(serve, tmp_path, capsys):
    quiz_file = write_quiz(tmp_path)
    server = await serve(child_argv=None, child_env=ENV, quiz_file=quiz_file)
    paper = load_quiz(quiz_file).paper_for("alice")
    problems = [q.problem() for q in paper.questions]
    db_path = server.config.results_db
    given = [right(problems[0]), wrong(problems[1]), right(problems[2])]

    async with await connect(server, username="alice") as conn:
        term = Terminal(await start_game(conn, size=(100, 30)))
        await term.wait_for(b"question 1 of 3", timeout=30)
        await term.type("seven", b"Not an answer")  # a slip: explained, not saved
        # Wiped and retyped in one packet: the box must apply the keys in order.
        await term.type("\x15" + given[0], b"question 2 of 3", at_once=True)
        rows = await wait_for_answers(db_path, 1)
        assert [(r.question, r.answer, r.correct) for r in rows] == [(1, given[0], True)]
        pid = next(iter(server.children)).pid
        term.stop()
        conn.abort()  # the Wi-Fi drops mid-quiz
    assert await wait_reaped(pid, timeout=10)

    async with await connect(server, username="alice") as conn:
        term = Terminal(await start_game(conn, size=(100, 30)))
        await term.wait_for(b"question 2 of 3", timeout=30)
        await term.wait_for(b"Welcome back")
        await term.type(given[1], b"question 3 of 3")
        await term.type(given[2], b"Score: 2 of 3")
        term.game.stdin.write(b"q")
        await asyncio.wait_for(term.game.wait_closed(), 15)
        term.stop()
    assert term.game.exit_status == 0

    code = main(["results", "--data-dir", str(server.config.data_dir), "--format", "csv"])
    assert code == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert [row[f"q{n}_answer"] for n in (1, 2, 3)] == given
    assert [row[f"q{n}_correct"] for n in (1, 2, 3)] == ["1", "0", "1"]
    assert row["status"] == "completed"

    await server.close()  # the session log is flushed when the server stops
    db = ResultsDB.open(db_path)
    sessions = db.sessions()
    db.close()
    assert [(s.student, s.quiz_id) for s in sessions] == [("alice", "week-3")] * 2
    assert all(s.disconnected_at is not None for s in sessions)


async def test_the_server_notes_who_is_connected_while_they_are(serve, tmp_path):
    server = await serve()  # the echo child: sessions are recorded whatever the game is
    async with await connect(server, username="bob") as conn:
        game = await start_game(conn)
        await read_until(game.stdout, b"ready")
        deadline = asyncio.get_running_loop().time() + 5
        while True:
            db = ResultsDB.open(server.config.results_db)
            open_now = [s.student for s in db.open_sessions()]
            db.close()
            if open_now or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.05)
        assert open_now == ["bob"]
        game.stdin.write(b"q")
        await asyncio.wait_for(game.wait_closed(), 10)
    await server.close()
    db = ResultsDB.open(server.config.results_db)
    (session,) = db.sessions()
    db.close()
    assert session.disconnected_at is not None and session.reason.startswith("game exited")


async def test_a_broken_quiz_file_stops_the_server_before_anyone_connects(serve, tmp_path):
    from convquest.classroom.server import ServeError

    broken = write_quiz(tmp_path, text='[quiz]\nid = "q"\ntitle = "T"\nminutes = -5\n')
    with pytest.raises(ServeError) as caught:
        await serve(child_argv=None, quiz_file=broken)
    assert "quiz.minutes" in str(caught.value) and "question" in str(caught.value)


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH's ssh client is not installed")
async def test_the_same_quiz_through_openssh_with_a_killed_client(serve, tmp_path):
    from test_ssh_openssh import run_ssh

    quiz_file = write_quiz(tmp_path, feedback="after-each")
    server = await serve(child_argv=None, child_env=ENV, quiz_file=quiz_file)
    paper = load_quiz(quiz_file).paper_for("alice")
    problems = [q.problem() for q in paper.questions]
    given = [right(problems[0]), right(problems[1]), wrong(problems[2])]

    async def type_answer(ssh, screen, text: str, then: bytes) -> None:
        # Each key is drawn (the answer box echoes it) before the next, as a person types.
        for key in text.encode():
            drawn = len(screen.data)
            ssh.write(bytes([key]))
            await eventually(lambda drawn=drawn: len(screen.data) > drawn, f"{bytes([key])!r} drawn")
        ssh.write(b"\r")
        await screen.wait_for(then, timeout=20)

    ssh, screen = await run_ssh(server.port, tmp_path, "password", CODE, size=(100, 30))
    try:
        await screen.wait_for(b"question 1 of 3", timeout=30)
        await type_answer(ssh, screen, given[0], b"question 2 of 3")
        await screen.wait_for("Q1: ✓ right.".encode())  # after-each: the verdict shows at once
        ssh.signal_group(signal.SIGKILL)  # the student's terminal is closed without a goodbye
        await asyncio.wait_for(ssh.wait(), 10)
    finally:
        ssh.close()
    rows = await wait_for_answers(server.config.results_db, 1)
    assert [(r.question, r.answer) for r in rows] == [(1, given[0])]

    ssh, screen = await run_ssh(server.port, tmp_path, "keyboard-interactive", CODE, size=(100, 30))
    try:
        await screen.wait_for(b"Welcome back", timeout=30)
        assert b"question 2 of 3" in screen.data
        await type_answer(ssh, screen, given[1], b"question 3 of 3")
        await type_answer(ssh, screen, given[2], b"Score: 2 of 3")
        ssh.write(b"q")
        status = await asyncio.wait_for(ssh.wait(), 15)
    finally:
        ssh.hang_up(0.5)
        await ssh.wait()
        ssh.close()
    assert status == 0
    rows = await wait_for_answers(server.config.results_db, 3)
    assert [(r.answer, r.correct) for r in rows] == [(given[0], True), (given[1], True), (given[2], False)]
