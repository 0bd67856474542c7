"""One child process on its own pseudo-terminal, driven from asyncio.

What a full-screen program needs from the terminal it runs in, and how each is met here:
- raw keys from the first byte: the slave is put in raw mode before the child starts, otherwise
  keys typed while it boots are echoed back by the line discipline as garbage;
- resizes: the child leads a new session with the slave as its controlling terminal, so the
  kernel sends it SIGWINCH when `resize` changes the window size;
- a prepared process: with a warm parent (convquest.classroom.warm) the child is forked from it
  onto the slave and sets all of the above up itself; otherwise it is a fresh process;
- hang-up: when the client goes away the child's process group gets SIGHUP, then SIGKILL after a
  grace period, and is always reaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import sys
import termios
import tty
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from convquest.classroom.warm import WarmParent

# Run between fork and the real program: take the slave (fd 0) as controlling terminal, then
# exec. Doing this in a preexec_fn would run Python code in a forked copy of a threaded server.
_TRAMPOLINE = (
    "import fcntl, os, sys, termios\n"
    "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
    "try:\n"
    "    os.execvp(sys.argv[1], sys.argv[1:])\n"
    "except OSError as e:\n"
    "    sys.stderr.write(f'cannot start {sys.argv[1]}: {e.strerror}\\r\\n')\n"
    "    os._exit(127)\n"
)

# Input the child has not read yet; beyond this, further input is dropped rather than held.
_MAX_PENDING_INPUT = 1 << 20


# The largest window passed on. A client may claim any size, and a full-screen program allocates
# its screen buffer from it: 65535x65535 from one student could exhaust the server's memory.
MAX_COLS, MAX_ROWS = 512, 256


def set_window_size(fd: int, cols: int, rows: int, px_width: int = 0, px_height: int = 0) -> None:
    # A client may report 0x0 (unknown); a 0-sized terminal makes many programs divide by zero.
    cols = min(cols, MAX_COLS) or 80
    rows = min(rows, MAX_ROWS) or 24
    px_width, px_height = min(px_width, 0xFFFF), min(px_height, 0xFFFF)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, px_width, px_height))


def _open_pty(size: tuple[int, int, int, int]) -> tuple[int, int]:
    """A new PTY (master, slave): raw, of `size`, its master non-blocking."""
    master, slave = os.openpty()
    try:
        tty.setraw(slave)
        set_window_size(slave, *size)
        os.set_blocking(master, False)
    except BaseException:
        os.close(master)
        os.close(slave)
        raise
    return master, slave


class ChildProcess(Protocol):
    """What PtyChild needs of its process: asyncio's Process, or a child of the warm parent."""

    @property
    def pid(self) -> int: ...

    @property
    def returncode(self) -> int | None: ...

    async def wait(self) -> int: ...


class SessionChild:
    """A session's process, leading its own session and process group (either door's, fresh or
    forked): signalled as a group, hung up with SIGHUP then SIGKILL after a grace time, reaped."""

    def __init__(self, process: ChildProcess) -> None:
        self._process = process
        self._loop = asyncio.get_running_loop()
        self._kill_timer: asyncio.TimerHandle | None = None

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    def signal_group(self, sig: int) -> None:
        if self._process.returncode is not None:
            return  # reaped: its pid (and so its group id) may already belong to someone else
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, sig)

    def hang_up(self, grace: float) -> None:
        """SIGHUP the child's process group now, SIGKILL it if still alive after `grace` s."""
        self.signal_group(signal.SIGHUP)
        if self._kill_timer is None:
            self._kill_timer = self._loop.call_later(grace, self.signal_group, signal.SIGKILL)

    async def wait(self) -> int:
        """Wait for the child to exit and reap it; returns its exit status (-N for signal N)."""
        status = await self._process.wait()
        if self._kill_timer is not None:
            self._kill_timer.cancel()
        return status


class PtyChild(SessionChild):
    """A running child on a PTY. Create with `await PtyChild.spawn(...)`."""

    def __init__(self, process: ChildProcess, master_fd: int) -> None:
        super().__init__(process)
        self._master = master_fd
        self._pending = bytearray()
        self._on_output: Callable[[bytes], None] | None = None
        self._output_ended = asyncio.Event()
        self._reading = False
        self._closed = False
        self._written = 0  # bytes the child has written so far, and when it last did
        self._last_output = 0.0

    @classmethod
    async def spawn(
        cls,
        argv: Sequence[str],
        env: Mapping[str, str],
        size: tuple[int, int, int, int] = (80, 24, 0, 0),
        cwd: str | None = None,
        warm: WarmParent | None = None,
    ) -> PtyChild:
        """Start `argv` on a new PTY: forked from the `warm` parent where it can be, else a fresh process."""
        if warm is not None:
            master, slave = _open_pty(size)
            try:
                forked = await warm.fork(argv, env, [slave], cwd)
            except BaseException:
                os.close(master)
                raise
            finally:
                os.close(slave)
            if forked is not None:
                return cls(forked, master)
            # A request that failed or timed out may still have reached a child: never share its PTY.
            os.close(master)
        master, slave = _open_pty(size)
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-I",
                "-S",
                "-c",
                _TRAMPOLINE,
                *argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            # The child holds its own copies; keeping ours would stop EOF reaching the master.
            os.close(slave)
        return cls(process, master)

    def start_output(self, on_output: Callable[[bytes], None]) -> None:
        """Deliver everything the child writes to `on_output`, until the terminal closes."""
        self._on_output = on_output
        self.resume_output()

    def pause_output(self) -> None:
        """Stop reading the child's output (the client is slow); the child then blocks writing."""
        if self._reading:
            self._loop.remove_reader(self._master)
            self._reading = False

    def resume_output(self) -> None:
        if not self._reading and not self._closed and not self._output_ended.is_set():
            self._loop.add_reader(self._master, self._read)
            self._reading = True

    async def output_ended(self, timeout: float) -> bool:
        """Wait until the child's side of the terminal is closed and its output all delivered."""
        try:
            await asyncio.wait_for(self._output_ended.wait(), timeout)
            return True
        except TimeoutError:
            return False

    def _read(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: every slave fd is closed, so the child side is gone
            data = b""
        if not data:
            self.pause_output()
            self._output_ended.set()
            return
        self._written += len(data)
        self._last_output = self._loop.time()
        if self._on_output is not None:
            self._on_output(data)

    async def first_screen(self, min_bytes: int, quiet: float, timeout: float) -> bool:
        """Wait until the child has written at least `min_bytes` and then nothing for `quiet` s (a
        full-screen program has drawn its first screen), or has ended; False after `timeout` s."""
        deadline = self._loop.time() + timeout
        while self._loop.time() < deadline:
            if self.returncode is not None or self._output_ended.is_set() or self._closed:
                return True
            if self._written >= min_bytes and self._loop.time() - self._last_output >= quiet:
                return True
            await asyncio.sleep(quiet / 2)
        return False

    def write(self, data: bytes) -> None:
        """Send keys to the child without ever blocking the server."""
        if self._closed:
            return
        if not self._pending:
            try:
                written = os.write(self._master, data)
            except BlockingIOError:
                written = 0
            except OSError:
                return  # the child has gone; its input no longer matters
            data = data[written:]
            if not data:
                return
            self._loop.add_writer(self._master, self._flush)
        room = _MAX_PENDING_INPUT - len(self._pending)
        self._pending += data[: max(room, 0)]

    def _flush(self) -> None:
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:
            return
        except OSError:
            written = len(self._pending)
        del self._pending[:written]
        if not self._pending:
            self._loop.remove_writer(self._master)

    def resize(self, cols: int, rows: int, px_width: int = 0, px_height: int = 0) -> None:
        if not self._closed:
            # On the master, TIOCSWINSZ also signals SIGWINCH to the foreground process group.
            set_window_size(self._master, cols, rows, px_width, px_height)

    def close(self) -> None:
        """Release the master side; call once the child has been reaped."""
        if self._closed:
            return
        self._closed = True
        self.pause_output()
        if self._pending:
            self._loop.remove_writer(self._master)
            self._pending.clear()
        if self._kill_timer is not None:
            self._kill_timer.cancel()
        os.close(self._master)
