"""Two classroom servers (real `convquest serve` processes) sharing one PostgreSQL: one is killed
mid-quiz, and its students, logging in to the other, carry on where they were and lose nothing."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest
from quiz_helpers import right, write_quiz, wrong
from ssh_helpers import CODE, PATIENCE, connect_port, eventually, start_game
from test_ssh_quiz import Terminal

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB

pytestmark = pytest.mark.slow  # two servers and the real quiz game in a PTY per session


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data_dir, port: int, quiz_file, results: str) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "convquest", "--data-dir", str(data_dir), "serve", "--port", str(port)]
    argv += ["--class-code", CODE, "--quiz", str(quiz_file), "--results", results]
    with open(data_dir.with_suffix(".log"), "wb") as log:  # a file: a pipe nobody reads would fill
        return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)


async def listening(port: int, server: subprocess.Popen[bytes], log) -> None:
    deadline = asyncio.get_running_loop().time() + PATIENCE * 3
    while True:
        if server.poll() is not None:
            raise AssertionError(f"the server on port {port} exited: {log.read_text()}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no server listening on port {port}") from None
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return


async def test_a_killed_servers_students_log_in_to_the_other_and_lose_nothing(tmp_path, postgres_url):
    quiz_file = write_quiz(tmp_path)
    quiz = load_quiz(quiz_file)
    ports = free_port(), free_port()
    servers = [serve(tmp_path / name, port, quiz_file, postgres_url) for name, port in zip("ab", ports, strict=True)]
    try:
        await asyncio.gather(
            *(
                listening(port, server, tmp_path / f"{name}.log")
                for name, port, server in zip("ab", ports, servers, strict=True)
            )
        )
        # alice has answered two questions on server a when it dies, bob one.
        done = {"alice": 2, "bob": 1}
        given = {}
        for student in done:
            problems = [q.problem() for q in quiz.paper_for(student).questions]
            given[student] = [right(problems[0]), wrong(problems[1]), right(problems[2])]
        on_a = {}
        for student, count in done.items():
            conn = await connect_port(ports[0], student)
            term = Terminal(await start_game(conn, size=(100, 30)))
            await term.wait_for(b"question 1 of 3", timeout=60)
            for n in range(count):
                await term.type(given[student][n], f"question {n + 2} of 3".encode())
            on_a[student] = (conn, term)
        db = ResultsDB.open(postgres_url)
        started = {s.student: s.started_at for s in db.sittings("week-3")}
        db.close()

        killed_at = time.monotonic()
        os.killpg(servers[0].pid, signal.SIGKILL)  # a crash: no goodbye to anyone; its games lose their terminals
        servers[0].wait(timeout=PATIENCE)
        for conn, term in on_a.values():
            await asyncio.wait_for(conn.wait_closed(), PATIENCE)
            term.stop()

        for student, count in done.items():
            async with await connect_port(ports[1], student) as conn:
                term = Terminal(await start_game(conn, size=(100, 30)))
                await term.wait_for(f"question {count + 1} of 3".encode(), timeout=60)
                await term.wait_for(b"Welcome back")
                for n in range(count, 3):
                    then = f"question {n + 2} of 3" if n < 2 else "Score: 2 of 3"
                    await term.type(given[student][n], then.encode())
                term.stop()
        print(f"\nfrom the kill to both students finished on the other server: {time.monotonic() - killed_at:.1f} s")

        db = ResultsDB.open(postgres_url)
        try:
            for student in done:
                rows = db.answers("week-3", student)
                assert [(r.question, r.part, r.answer) for r in rows] == [
                    (n + 1, 0, text) for n, text in enumerate(given[student])
                ]
                sitting = db.sitting("week-3", student)
                assert sitting is not None
                assert (sitting.started_at, sitting.finish_reason) == (started[student], "completed")
        finally:
            db.close()

        def sessions() -> list:
            with contextlib.closing(ResultsDB.open(postgres_url)) as db:
                return db.sessions()

        # Server b wrote its two sessions, closed; a's two stay open until a restarts (b's start did
        # not close them: a restart closes only the server's own).
        await eventually(lambda: sum(s.disconnected_at is not None for s in sessions()) == 2, "b's sessions closed")
        assert sorted((s.student, s.disconnected_at is None) for s in sessions()) == [
            ("alice", False), ("alice", True), ("bob", False), ("bob", True)
        ]  # fmt: skip
    finally:
        for server in servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=PATIENCE)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
