"""One game process for a browser, spoken to as textual-serve speaks to its apps.

Textual's web driver (TEXTUAL_DRIVER=textual.drivers.web_driver:WebDriver) reads packets on its
stdin (b"D" + 4-byte length + keys, b"M" + length + JSON such as a resize) and writes
"__GANGLION__\\n" once it has started, then packets of the same shape on stdout: b"D" screen
bytes for xterm.js, b"M" JSON (an exit, a URL to open, a file to download), b"P" chunks of a
download. Only the screen is passed on: nothing the game asks for becomes a download or a page.

Like PtyChild, the process leads its own session, is hung up with SIGHUP (Textual's web driver does
not catch it, so it ends at once; every answer is saved when given) and SIGKILLed after a grace
time, and is always reaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence

from convquest.commands.common import WEB_DRIVER

log = logging.getLogger("convquest.classroom")

__all__ = ["WEB_DRIVER", "WebChild"]
_READY = b"__GANGLION__\n"
# What a game may print before its driver starts (a refusal, a traceback) that is kept to tell.
_MAX_PRELUDE = 8192
# Keys the game has not read yet; beyond this, further keys are dropped rather than held.
_MAX_PENDING_INPUT = 1 << 20


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


class WebChild:
    """A running game under Textual's web driver. Create with `await WebChild.spawn(...)`."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        self._loop = asyncio.get_running_loop()
        self._kill_timer: asyncio.TimerHandle | None = None
        self.prelude = b""  # what it wrote before the driver started, and on stderr: why, if it never did
        self.started = False
        self._errors = asyncio.ensure_future(self._read_errors())

    @classmethod
    async def spawn(cls, argv: Sequence[str], env: Mapping[str, str], cwd: str | None = None) -> WebChild:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            # Apart from stdout: a warning written mid-game must not break the packets there.
            stderr=asyncio.subprocess.PIPE,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
        )
        return cls(process)

    async def _read_errors(self) -> None:
        stderr = self._process.stderr
        assert stderr is not None  # spawned with a pipe
        while chunk := await stderr.read(4096):  # always drained, or a chatty game would block on it
            if len(self.prelude) < _MAX_PRELUDE:
                self.prelude += chunk
            log.debug("game pid %d said on stderr: %r", self.pid, chunk[:200])

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    async def relay_output(self, send: Callable[[bytes], Awaitable[None]]) -> None:
        """Pass the game's screen to `send` until its output ends. Awaiting `send` is the back
        pressure: a slow browser makes the game wait, it does not fill the server's memory."""
        stdout = self._process.stdout
        assert stdout is not None  # spawned with a pipe
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while not self.started:
                line = await stdout.readline()
                if not line:
                    return
                if line == _READY:
                    self.started = True
                elif len(self.prelude) < _MAX_PRELUDE:
                    self.prelude += line
            while True:
                head = await stdout.readexactly(5)
                payload = await stdout.readexactly(int.from_bytes(head[1:], "big"))
                if head[:1] == b"D":
                    await send(payload)
                elif head[:1] == b"M":
                    self._meta(payload)
                # b"P": a chunk of a file the game would deliver; there is no download route.

    def _meta(self, payload: bytes) -> None:
        try:
            kind = json.loads(payload).get("type")
        except (ValueError, AttributeError):
            kind = None
        if kind not in ("exit", None):
            log.info("ignored the game's request %r (pid %d): the browser door opens no pages or files", kind, self.pid)

    def write_keys(self, data: bytes) -> None:
        self._send(packet(b"D", data))

    def resize(self, cols: int, rows: int) -> None:
        self._meta_out({"type": "resize", "width": cols, "height": rows})

    def focus(self, focused: bool) -> None:
        self._meta_out({"type": "focus" if focused else "blur"})

    def _meta_out(self, data: dict[str, object]) -> None:
        self._send(packet(b"M", json.dumps(data).encode()))

    def _send(self, data: bytes) -> None:
        stdin = self._process.stdin
        if stdin is None or stdin.is_closing() or self.returncode is not None:
            return
        if stdin.transport.get_write_buffer_size() > _MAX_PENDING_INPUT:
            return  # the game is not reading: it cannot be made to read faster by holding more
        with contextlib.suppress(ConnectionError, RuntimeError):
            stdin.write(data)

    def signal_group(self, sig: int) -> None:
        if self._process.returncode is not None:
            return  # reaped: its pid (and so its group id) may already belong to someone else
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, sig)

    def hang_up(self, grace: float) -> None:
        """SIGHUP the game's process group now, SIGKILL it if still alive after `grace` s."""
        self.signal_group(signal.SIGHUP)
        if self._kill_timer is None:
            self._kill_timer = self._loop.call_later(grace, self.signal_group, signal.SIGKILL)

    async def wait(self) -> int:
        """Wait for the game to exit and reap it; returns its exit status (-N for signal N)."""
        status = await self._process.wait()
        if self._kill_timer is not None:
            self._kill_timer.cancel()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._errors, 1.0)  # what it said last, kept for the student
        return status
