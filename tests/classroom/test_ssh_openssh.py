"""The stock OpenSSH client, on a terminal of its own, against the classroom server."""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest
from ssh_helpers import CODE, Screen

from convquest.classroom.pty_child import PtyChild

SSH = shutil.which("ssh")
pytestmark = [pytest.mark.skipif(SSH is None, reason="OpenSSH's ssh client is not installed"), pytest.mark.slow]


async def run_ssh(port: int, tmp_path, method: str, code: str, size=(90, 25)) -> tuple[PtyChild, Screen]:
    askpass = tmp_path / "askpass"
    askpass.write_text(f"#!/bin/sh\necho '{code}'\n")
    askpass.chmod(0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),  # no ~/.ssh of the machine running the tests
        "TERM": "xterm-256color",
        "SSH_ASKPASS": str(askpass),
        "SSH_ASKPASS_REQUIRE": "force",
        "DISPLAY": ":0",  # some OpenSSH versions want it before they use SSH_ASKPASS
    }
    argv = [
        SSH,
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
        f"PreferredAuthentications={method}",
        "-o",
        "NumberOfPasswordPrompts=1",
        "-o",
        "LogLevel=ERROR",
        "alice@127.0.0.1",
    ]
    ssh = await PtyChild.spawn(argv, env, (*size, 0, 0))
    screen = Screen()
    ssh.start_output(screen.feed)
    return ssh, screen


@pytest.mark.parametrize("method", ["password", "keyboard-interactive"])
async def test_openssh_logs_in_with_the_class_code_and_plays(serve, tmp_path, method):
    server = await serve()
    ssh, screen = await run_ssh(server.port, tmp_path, method, CODE)
    try:
        await screen.wait_for(b"ready")
        assert b"size 90x25" in screen.data
        assert b"mode echo=off canon=off" in screen.data
        ssh.resize(110, 35)  # ssh sees SIGWINCH on its own terminal and forwards the change
        await screen.wait_for(b"winch 110x35")
        ssh.write(b"z")
        await screen.wait_for(b"key b'z'")
        ssh.write(b"q")
        status = await asyncio.wait_for(ssh.wait(), 10)
    finally:
        ssh.hang_up(0.5)
        await ssh.wait()
        ssh.close()
    assert status == 3  # the game's exit status comes back through ssh


async def test_openssh_with_a_wrong_code_is_refused(serve, tmp_path):
    server = await serve()
    ssh, screen = await run_ssh(server.port, tmp_path, "password", "not-the-code")
    try:
        status = await asyncio.wait_for(ssh.wait(), 15)
        await ssh.output_ended(1)
    finally:
        ssh.hang_up(0.5)
        await ssh.wait()
        ssh.close()
    assert status == 255
    assert b"Permission denied" in screen.data
    assert b"ready" not in screen.data
