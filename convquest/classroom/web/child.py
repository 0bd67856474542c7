"""One game process for a browser, spoken to as textual-serve speaks to its apps.

Textual's web driver (TEXTUAL_DRIVER=textual.drivers.web_driver:WebDriver) reads packets on its
stdin (b"D" + 4-byte length + keys, b"M" + length + JSON such as a resize) and writes
"__GANGLION__\\n" once it has started, then packets of the same shape on stdout: b"D" screen
bytes for xterm.js, b"M" JSON (an exit, a URL to open, a file to download), b"P" chunks of a
download. Only the screen is passed on: nothing the game asks for becomes a download or a page.

Like PtyChild, the process is forked from a warm parent (the browser door's own, whose environment
has the web driver's settings) onto its three pipes where it can be, else it is a fresh process; it
leads its own session, is hung up with SIGHUP (Textual's web driver does not catch it, so it ends at
once; every answer is saved when given) and SIGKILLed after a grace time, and is always reaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from convquest.classroom.pty_child import ChildProcess, SessionChild
from convquest.commands.common import WEB_DRIVER

if TYPE_CHECKING:
    from convquest.classroom.warm import WarmParent

log = logging.getLogger("convquest.classroom")

__all__ = ["WEB_DRIVER", "WebChild"]
_READY = b"__GANGLION__\n"
# What a game may print before its driver starts (a refusal, a traceback) that is kept to tell.
_MAX_PRELUDE = 8192
# Keys the game has not read yet; beyond this, further keys are dropped rather than held.
_MAX_PENDING_INPUT = 1 << 20


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


class WebChild(SessionChild):
    """A running game under Textual's web driver. Create with `await WebChild.spawn(...)`."""

    def __init__(
        self,
        process: ChildProcess,
        stdin: asyncio.StreamWriter,
        stdout: asyncio.StreamReader,
        stderr: asyncio.StreamReader,
    ) -> None:
        super().__init__(process)
        self._stdin = stdin
        self._stdout = stdout
        self._stderr = stderr
        self.prelude = b""  # what it wrote before the driver started, and on stderr: why, if it never did
        self.started = False
        self._errors = asyncio.ensure_future(self._read_errors())

    @classmethod
    async def spawn(
        cls, argv: Sequence[str], env: Mapping[str, str], cwd: str | None = None, warm: WarmParent | None = None
    ) -> WebChild:
        """Start the game: forked from the `warm` parent where it can be, else a fresh process."""
        if warm is not None:
            forked = await cls._fork(argv, env, cwd, warm)
            if forked is not None:
                return forked
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
        assert process.stdin is not None and process.stdout is not None and process.stderr is not None
        return cls(process, process.stdin, process.stdout, process.stderr)

    @classmethod
    async def _fork(
        cls, argv: Sequence[str], env: Mapping[str, str], cwd: str | None, warm: WarmParent
    ) -> WebChild | None:
        stdin, stdout, stderr = os.pipe(), os.pipe(), os.pipe()
        ours = [stdin[1], stdout[0], stderr[0]]
        try:
            forked = await warm.fork(argv, env, [stdin[0], stdout[1], stderr[1]], cwd)
        except BaseException:
            _close(ours)
            raise
        finally:
            # The child holds its own copies; keeping ours would stop its output ever ending.
            _close([stdin[0], stdout[1], stderr[1]])
        if forked is None:
            # A request that failed or timed out may still have reached a child: never share its pipes.
            _close(ours)
            return None
        try:
            streams = await _streams(*ours)
        except BaseException:  # cancelled while starting: the game must not outlive its session
            with contextlib.suppress(ProcessLookupError):
                os.kill(forked.pid, signal.SIGKILL)  # it may not lead its own group yet
            raise
        return cls(forked, *streams)

    async def _read_errors(self) -> None:
        while chunk := await self._stderr.read(4096):  # always drained, or a chatty game would block on it
            if len(self.prelude) < _MAX_PRELUDE:
                self.prelude += chunk
            log.debug("game pid %d said on stderr: %r", self.pid, chunk[:200])

    async def relay_output(self, send: Callable[[bytes], Awaitable[None]]) -> None:
        """Pass the game's screen to `send` until its output ends. Awaiting `send` is the back
        pressure: a slow browser makes the game wait, it does not fill the server's memory."""
        stdout = self._stdout
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
        stdin = self._stdin
        if stdin.is_closing() or self.returncode is not None:
            return
        if stdin.transport.get_write_buffer_size() > _MAX_PENDING_INPUT:
            return  # the game is not reading: it cannot be made to read faster by holding more
        with contextlib.suppress(ConnectionError, RuntimeError):
            stdin.write(data)

    async def wait(self) -> int:
        """Wait for the game to exit and reap it; returns its exit status (-N for signal N)."""
        status = await super().wait()
        self._stdin.close()  # a forked game's pipe is ours to close (asyncio's Process closes its own)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._errors, 1.0)  # what it said last, kept for the student
        return status


def _close(fds: Sequence[int]) -> None:
    for fd in fds:
        os.close(fd)


async def _streams(
    stdin: int, stdout: int, stderr: int
) -> tuple[asyncio.StreamWriter, asyncio.StreamReader, asyncio.StreamReader]:
    """asyncio streams on a forked game's pipes, as asyncio's Process has on a fresh one's."""
    loop = asyncio.get_running_loop()
    readers = []
    for fd in (stdout, stderr):
        reader = asyncio.StreamReader(loop=loop)
        await loop.connect_read_pipe(functools.partial(asyncio.StreamReaderProtocol, reader), os.fdopen(fd, "rb", 0))
        readers.append(reader)
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, os.fdopen(stdin, "wb", 0))
    return asyncio.StreamWriter(transport, protocol, None, loop), readers[0], readers[1]
