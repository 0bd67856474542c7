"""A roster class through the stock OpenSSH client, its password typed by Debian's `sshpass`:
each student's own password, one student's failures not blocking another, and a second login
taking the session over."""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest
from ssh_helpers import Screen

from convquest.classroom.pty_child import PtyChild
from convquest.classroom.session import TAKEN_OVER_MESSAGE

SSH = shutil.which("ssh")
SSHPASS = shutil.which("sshpass")
pytestmark = pytest.mark.slow

PASSWORDS = {"alice": "apple-tree", "bob": "blue-sky"}


@pytest.fixture
def clients() -> tuple[str, str]:
    missing = [name for name, path in (("ssh", SSH), ("sshpass", SSHPASS)) if path is None]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        reason = f"{' and '.join(missing)} {verb} not installed (apt-get install openssh-client sshpass)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the real-client login tests, but {reason}")
        pytest.skip(reason)
    assert SSH is not None and SSHPASS is not None
    return SSH, SSHPASS


@pytest.fixture
async def class_server(serve, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,password\n" + "".join(f"{s},{p}\n" for s, p in PASSWORDS.items()))
    roster.chmod(0o600)
    return await serve(class_code=None, roster=roster, failed_logins_per_id=5, failed_logins_per_address=200)


class Login:
    """One `sshpass -e ssh -tt student@127.0.0.1` on a terminal of its own."""

    def __init__(self, child: PtyChild, screen: Screen) -> None:
        self.child = child
        self.screen = screen

    @classmethod
    async def start(cls, clients, port: int, tmp_path, student: str, password: str, *extra: str) -> Login:
        ssh, sshpass = clients
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),  # no ~/.ssh of the machine running the tests
            "TERM": "xterm-256color",
            "SSHPASS": password,  # -e: the password stays out of the process list
        }
        argv = [
            sshpass,
            "-e",
            ssh,
            "-tt",
            "-F",
            "/dev/null",
            "-p",
            str(port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "PreferredAuthentications=password",
            "-o",
            "NumberOfPasswordPrompts=1",
            "-o",
            "LogLevel=ERROR",
            *extra,
            f"{student}@127.0.0.1",
        ]
        child = await PtyChild.spawn(argv, env, (90, 25, 0, 0))
        screen = Screen()
        child.start_output(screen.feed)
        return cls(child, screen)

    async def status(self, timeout: float = 15.0) -> int:
        status = await asyncio.wait_for(self.child.wait(), timeout)
        await self.child.output_ended(1)
        return status

    async def end(self) -> None:
        self.child.hang_up(0.5)
        await self.child.wait()
        self.child.close()


async def refused(clients, port, tmp_path, student, password, said: bytes = b"Permission denied") -> None:
    login = await Login.start(clients, port, tmp_path, student, password)
    try:
        assert await login.status() != 0
    finally:
        await login.end()
    assert said in login.screen.data, login.screen.data
    assert b"ready" not in login.screen.data


async def test_openssh_logs_in_with_the_students_own_password_only(clients, class_server, tmp_path):
    port = class_server.port
    login = await Login.start(clients, port, tmp_path, "alice", PASSWORDS["alice"])
    try:
        await login.screen.wait_for(b"ready")
        assert b"env user=alice" in login.screen.data
        login.child.write(b"q")
        assert await login.status() == 3  # the game's own exit status
    finally:
        await login.end()
    await refused(clients, port, tmp_path, "alice", PASSWORDS["bob"])
    await refused(clients, port, tmp_path, "zoe", PASSWORDS["alice"], b"zoe is not on this class's roster")


async def test_openssh_twelve_failures_for_one_id_leave_another_ids_login_working(clients, class_server, tmp_path):
    port = class_server.port
    for attempt in range(12):
        # The fifth wrong password is told to wait; later tries are refused before any password.
        said = b"Permission denied" if attempt < 4 else b"too many failed logins for alice from 127.0.0.1"
        await refused(clients, port, tmp_path, "alice", "guess", said)
    await refused(clients, port, tmp_path, "alice", PASSWORDS["alice"], b"too many failed logins for alice")
    login = await Login.start(clients, port, tmp_path, "bob", PASSWORDS["bob"])
    try:
        await login.screen.wait_for(b"ready")
        assert b"env user=bob" in login.screen.data
    finally:
        await login.end()


async def test_openssh_a_second_login_takes_over_and_the_first_is_told(clients, class_server, tmp_path):
    port = class_server.port
    first = await Login.start(clients, port, tmp_path, "alice", PASSWORDS["alice"])
    second = None
    try:
        await first.screen.wait_for(b"ready")
        second = await Login.start(clients, port, tmp_path, "alice", PASSWORDS["alice"])
        await second.screen.wait_for(b"ready")
        await first.screen.wait_for(TAKEN_OVER_MESSAGE.encode())
        assert await first.status() == 1
        second.child.write(b"z")
        await second.screen.wait_for(b"key b'z'")
        assert len(class_server.children) == 1
    finally:
        await first.end()
        if second is not None:
            await second.end()


async def test_openssh_logged_in_with_no_session_is_closed_after_the_grace_time(clients, serve, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,password\nalice,apple-tree\n")
    roster.chmod(0o600)
    server = await serve(class_code=None, roster=roster, login_timeout=1.5)
    login = await Login.start(clients, server.port, tmp_path, "alice", "apple-tree", "-N")
    try:
        assert await login.status(timeout=15) == 255
    finally:
        await login.end()
    assert b"ConvQuest closed this connection: no game started within 1.5 seconds" in login.screen.data
