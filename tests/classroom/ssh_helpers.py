"""Helpers shared by the SSH tests (a client that ignores ~/.ssh, reading until a marker, ...)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path

import asyncssh

ECHO = Path(__file__).with_name("tty_echo.py")
CODE = "sesame-42"


def echo_argv(*extra: str):
    return lambda username: [sys.executable, str(ECHO), *extra]


async def connect(server, username: str = "alice", password: str | None = CODE, **kwargs):
    """An asyncssh client that ignores this machine's ~/.ssh (no keys, no agent, no config)."""
    return await connect_port(server.port, username, password, **kwargs)


async def connect_port(port: int, username: str = "alice", password: str | None = CODE, **kwargs):
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        username=username,
        password=password,
        known_hosts=None,
        client_keys=kwargs.pop("client_keys", None),
        agent_path=None,
        config=None,
        **kwargs,
    )


async def read_until(stream, marker: bytes, timeout: float = 10.0) -> bytes:
    """Everything read from `stream` up to and including the first `marker`."""
    buffer = b""

    async def fill() -> bytes:
        nonlocal buffer
        while marker not in buffer:
            chunk = await stream.read(4096)
            if not chunk:
                raise AssertionError(f"stream ended before {marker!r}; got {buffer!r}")
            buffer += chunk
        return buffer

    try:
        return await asyncio.wait_for(fill(), timeout)
    except TimeoutError:
        raise AssertionError(f"no {marker!r} within {timeout} s; got {buffer!r}") from None


async def start_game(conn, size=(100, 30), term="xterm-256color"):
    process = await conn.create_process(term_type=term, term_size=size, encoding=None)
    return process


def pid_from(output: bytes) -> int:
    for line in output.split(b"\r\n"):
        if line.startswith(b"pid "):
            return int(line.split()[1])
    raise AssertionError(f"no pid line in {output!r}")


# Generous: a condition that holds is seen within one poll; only a broken one waits this long, and
# a machine busy with other test runs may take seconds for what takes milliseconds alone.
PATIENCE = 20.0


async def eventually(condition: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
    """Return once `condition()` holds, polling; fail naming `what` if it does not within `timeout`.
    For a state the server reaches in its own time (a count, a closed session), instead of a sleep
    that is too short on a busy machine and wasted on an idle one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.02)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


async def wait_reaped(pid: int, timeout: float = PATIENCE) -> bool:
    """True once `pid` no longer exists. A zombie still answers kill(pid, 0), so this means reaped."""
    try:
        await eventually(lambda: _gone(pid), f"process {pid} reaped", timeout)
    except AssertionError:
        return False
    return True


class Screen:
    """What the ssh client wrote to its terminal, with a way to wait for a piece of it."""

    def __init__(self) -> None:
        self.data = b""
        self._changed = asyncio.Event()

    def feed(self, data: bytes) -> None:
        self.data += data
        self._changed.set()

    async def wait_for(self, marker: bytes, timeout: float = 15.0) -> None:
        async def poll() -> None:
            while marker not in self.data:
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(poll(), timeout)
        except TimeoutError:
            raise AssertionError(f"no {marker!r} within {timeout} s; screen: {self.data[-2000:]!r}") from None
