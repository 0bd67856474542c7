"""Warm sessions: children forked from the prepared parent are set up as a fresh process would be,
their exits reach the server, and a parent that dies is replaced without losing its children."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from ssh_helpers import connect, eventually, pid_from, read_until, start_game, wait_reaped

from convquest.classroom import warm as warm_module
from convquest.classroom.pty_child import PtyChild
from convquest.classroom.server import INHERITED_ENV
from convquest.classroom.warm import WarmParent, forkable
from convquest.cli import build_parser

pytestmark = pytest.mark.skipif(warm_module.unavailable_reason() is not None, reason="warm sessions need Linux")

# Reports what it was given as one JSON line, then exits with the status typed as one digit.
PROBE = r"""
import fcntl, gc, json, os, random, signal, struct, sys, termios
rows, cols, _, _ = struct.unpack("HHHH", fcntl.ioctl(0, termios.TIOCGWINSZ, b"\0" * 8))
try:
    os.close(os.open("/dev/tty", os.O_RDWR))
    ctty = True
except OSError:
    ctty = False
links = {}
for fd in os.listdir("/proc/self/fd"):
    try:
        links[fd] = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass  # the listing's own descriptor, closed by now
numpy = sys.modules.get("numpy")
info = dict(
    pid=os.getpid(), ppid=os.getppid(), sid=os.getsid(0), foreground=os.tcgetpgrp(0), ctty=ctty,
    size=[cols, rows], env=dict(os.environ), cwd=os.getcwd(), argv=sys.argv, fds=links,
    random=random.random(), numpy=None if numpy is None else numpy.random.random(),
    handlers={name: repr(signal.getsignal(getattr(signal, name))) for name in ("SIGCHLD", "SIGINT", "SIGTERM", "SIGHUP")},
    wakeup_fd=signal.set_wakeup_fd(-1), gc=gc.isenabled(), stdout_lines=sys.stdout.line_buffering,
)
print(json.dumps(info), flush=True)
sys.exit(int(os.read(0, 1)))
"""
PROBE_ARGV = [sys.executable, "-c", PROBE, "one", "two"]


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def base_env() -> dict[str, str]:
    return {k: os.environ[k] for k in INHERITED_ENV if k in os.environ} | {"LC_ALL": "C.UTF-8"}


class Output:
    """Everything a PtyChild wrote, with a wait for a piece of it."""

    def __init__(self, child: PtyChild) -> None:
        self.data = b""
        self._changed = asyncio.Event()
        child.start_output(self._feed)

    def _feed(self, data: bytes) -> None:
        self.data += data
        self._changed.set()

    async def line(self, timeout: float = 20.0) -> bytes:
        async def poll() -> bytes:
            while b"\n" not in self.data:
                self._changed.clear()
                await self._changed.wait()
            return self.data.split(b"\n", 1)[0]

        return await asyncio.wait_for(poll(), timeout)


@pytest.fixture
async def warm():
    """`await warm(preload)` starts a warm parent; each is closed after the test."""
    parents: list[WarmParent] = []

    async def start(preload=("numpy",)) -> WarmParent:
        parent = WarmParent(base_env(), preload=preload, game=False)
        await parent.start()
        assert parent.ready
        parents.append(parent)
        return parent

    yield start
    for parent in parents:
        await parent.close()


async def probe(parent: WarmParent | None, tmp_path, user: str, size=(100, 30, 0, 0)) -> tuple[PtyChild, dict]:
    folder = tmp_path / user
    folder.mkdir()
    env = base_env() | {"TERM": "xterm-kitty", "COLORTERM": "truecolor", "CONVQUEST_USER": user}
    child = await PtyChild.spawn(PROBE_ARGV, env, size, cwd=str(folder), warm=parent)
    return child, json.loads(await Output(child).line())


async def finish(child: PtyChild, status: int) -> int:
    child.write(str(status).encode())
    try:
        return await asyncio.wait_for(child.wait(), 20)
    finally:
        child.close()


@pytest.mark.slow
async def test_a_forked_child_is_its_own_session_with_its_own_terminal_env_and_folder(warm, tmp_path):
    parent = await warm()
    child, info = await probe(parent, tmp_path, "alice")
    assert info["ppid"] == parent.pid and parent.forks == 1  # forked, not started fresh
    assert info["sid"] == info["pid"] == info["foreground"]  # session leader, in the terminal's foreground
    assert info["ctty"] and info["size"] == [100, 30]
    assert info["cwd"] == str(tmp_path / "alice")
    assert info["argv"] == ["-c", "one", "two"]
    env = info["env"]
    assert (env["TERM"], env["COLORTERM"], env["CONVQUEST_USER"]) == ("xterm-kitty", "truecolor", "alice")
    assert "OPENBLAS_NUM_THREADS" not in env  # the parent's own setting stays the parent's
    # Nothing of the parent's is left open: its socket and wake-up pipe are closed, 0-2 are the PTY.
    assert sorted(info["fds"]) == ["0", "1", "2"]
    assert len(set(info["fds"].values())) == 1 and info["fds"]["0"].startswith("/dev/pts/")
    assert info["handlers"]["SIGCHLD"] == "<Handlers.SIG_DFL: 0>"
    assert info["handlers"]["SIGINT"] == fresh_sigint_handler()
    assert info["wakeup_fd"] == -1 and info["gc"] and info["stdout_lines"]
    assert await finish(child, 0) == 0


def fresh_sigint_handler() -> str:
    """SIGINT's handler in a Python started from here: Python's own, unless SIGINT was ignored when
    this run began (a shell's `&` without job control does that), since an ignored signal stays
    ignored through exec. A forked session must match a fresh one either way."""
    code = "import signal; print(repr(signal.getsignal(signal.SIGINT)))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.slow
async def test_two_children_have_their_own_random_numbers_and_folders(warm, tmp_path):
    parent = await warm()
    (first, one), (second, two) = [await probe(parent, tmp_path, user) for user in ("bob", "carol")]
    assert one["numpy"] is not None  # NumPy was the parent's: its global generator must be reseeded
    assert one["random"] != two["random"] and one["numpy"] != two["numpy"]
    assert (one["cwd"], two["cwd"]) == (str(tmp_path / "bob"), str(tmp_path / "carol"))
    assert (one["env"]["CONVQUEST_USER"], two["env"]["CONVQUEST_USER"]) == ("bob", "carol")
    assert await finish(first, 0) == 0 and await finish(second, 0) == 0


async def test_the_exit_status_and_a_kill_reach_the_server_and_the_child_is_reaped(warm, tmp_path):
    parent = await warm()
    child, info = await probe(parent, tmp_path, "dana")
    assert await finish(child, 7) == 7
    assert await wait_reaped(info["pid"])
    killed, info = await probe(parent, tmp_path, "erin")
    os.kill(info["pid"], signal.SIGKILL)
    assert await asyncio.wait_for(killed.wait(), 20) == -signal.SIGKILL
    killed.close()
    assert await wait_reaped(info["pid"])


@pytest.mark.slow
async def test_a_killed_parent_is_restarted_and_its_running_children_still_reported(warm, tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="convquest.classroom")
    parent = await warm()
    orphan, info = await probe(parent, tmp_path, "frank")
    first_parent = parent.pid
    os.kill(first_parent, signal.SIGKILL)
    await eventually(lambda: parent.ready and parent.pid not in (None, first_parent), "a new warm parent ready")
    assert parent.starts == 2
    assert any("warm parent gone" in r.getMessage() for r in caplog.records)
    # The orphan goes on running; the server, its subreaper, learns its exit and reaps it.
    assert await finish(orphan, 5) == 5
    assert await wait_reaped(info["pid"])
    child, info = await probe(parent, tmp_path, "gina")
    assert info["ppid"] == parent.pid
    assert await finish(child, 0) == 0


@pytest.mark.slow
async def test_what_cannot_be_forked_starts_fresh(warm, tmp_path):
    assert not forkable(["cat"]) and not forkable([sys.executable, "-I", "-c", "pass"])
    assert forkable([sys.executable, "-m", "convquest"]) and forkable([sys.executable, "game.py"])
    parent = await warm(preload=())
    await parent.close()  # not running: every session is a fresh process
    child, info = await probe(parent, tmp_path, "hal")
    assert info["ppid"] == os.getpid()
    assert await finish(child, 0) == 0


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if parent_of(int(entry)) == pid:
                    found.append(int(entry))
            except (OSError, IndexError):
                continue  # gone meanwhile
    return found


@pytest.mark.slow
async def test_a_fork_not_answered_in_time_starts_fresh_and_the_late_child_is_killed(
    warm, tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.WARNING, logger="convquest.classroom")
    parent = await warm(preload=())
    monkeypatch.setattr(warm_module, "_FORK_TIMEOUT", 0.5)
    os.kill(parent.pid, signal.SIGSTOP)  # a parent that does not answer
    try:
        child, info = await probe(parent, tmp_path, "jo")
    finally:
        os.kill(parent.pid, signal.SIGCONT)
    assert info["ppid"] == os.getpid()  # started fresh, on a PTY of its own
    # The parent, running again, forks the request it was sent; that child must not live on.
    late = "after its session had started fresh; killed it"
    await eventually(lambda: any(late in r.getMessage() for r in caplog.records), "the late child killed")
    await eventually(lambda: parent.forks == 0 and not children_of(parent.pid), "the late child reaped")
    assert await finish(child, 0) == 0


@pytest.mark.slow
async def test_sessions_are_forked_through_ssh_and_no_warm_makes_them_fresh(serve, tmp_path):
    warm_server = await serve(warm=True)
    fresh_server = await serve(warm=False, data_dir=tmp_path / "fresh")
    assert fresh_server.warm is None
    for server, parent in ((warm_server, warm_server.warm.pid), (fresh_server, os.getpid())):
        async with await connect(server) as conn:
            game = await start_game(conn)
            pid = pid_from(await read_until(game.stdout, b"ready"))
            assert parent_of(pid) == parent
            game.stdin.write(b"q")
            await asyncio.wait_for(game.wait_closed(), 10)
        assert game.exit_status == 3
        await eventually(lambda s=server: s.children == frozenset(), "the session's child forgotten")
    assert build_parser().parse_args(["serve", "--no-warm"]).warm is False
    assert build_parser().parse_args(["serve"]).warm is True


@pytest.mark.slow
async def test_the_real_game_is_forked_from_a_parent_that_preloaded_it(serve, tmp_path):
    server = await serve(warm=True, child_argv=None, child_env={"TEXTUAL_ANIMATIONS": "none"})
    async with await connect(server, username="ivy") as conn:
        game = await start_game(conn, size=(100, 30))
        await read_until(game.stdout, b"Progress:", timeout=30)
        (child,) = server.children
        assert parent_of(child.pid) == server.warm.pid
        game.stdin.write(b"\x11")  # ctrl+q
        await asyncio.wait_for(game.wait_closed(), 10)
    assert game.exit_status == 0
    assert any((tmp_path / "data" / "students" / "ivy").iterdir())
