"""The real `convquest` in a pseudo-terminal, as a player's terminal runs it: 80×24, xterm-256color.

`Game.wait_for(text)` reads the PTY until `text` has been drawn. Textual paints a line as runs of
text between escape sequences (colour changes, cursor moves), so the output is searched with its
escape sequences removed; a phrase drawn in one style arrives in one run.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
CONVQUEST = [sys.executable, "-m", "convquest"]
DEADLINE = 60.0  # seconds for a screen to appear: generous, the machine running the suite is shared


def plain(data: bytes) -> str:
    return ESCAPES.sub(b"", data).decode("utf-8", "replace")


class Game:
    def __init__(
        self,
        argv: list[str],
        *,
        size: tuple[int, int] = (80, 24),
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        master, slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(cols),
            "LINES": str(rows),
            "TEXTUAL_ANIMATIONS": "none",
            **(env or {}),
        }
        full_env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=full_env, cwd=cwd, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.master = master
        self.output = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the child has gone and closed its side
            return b""
        self.output += chunk
        return chunk

    def wait_for(self, text: str, *, deadline: float = DEADLINE, since: int = 0) -> str:
        """Read until `text` appears in the screen text drawn after byte `since`; the screen text."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            screen = plain(self.output[since:])
            if text in screen:
                return screen
            if not self.read(0.2) and self.process.poll() is not None:
                break
        raise AssertionError(
            f"{text!r} never appeared (exit {self.process.poll()}); "
            f"last screen text: {plain(self.output[since:])[-1500:]!r}"
        )

    def send(self, data: bytes | str) -> None:
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def type_keys(self, text: str, pause: float = 0.05) -> None:
        """One key at a time, as a person types (a burst is the monkey's business, not this one's)."""
        for ch in text:
            self.send(ch)
            time.sleep(pause)

    def kill(self) -> int:
        os.killpg(self.process.pid, signal.SIGKILL)
        return self.wait()

    def wait(self, timeout: float = DEADLINE) -> int:
        end = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < end:
            self.read(0.1)  # keep draining, or a child blocked on a full PTY never exits
        return self.process.wait(timeout=1)

    def close(self) -> None:
        if self.process.poll() is None:
            self.kill()
        os.close(self.master)

    def __enter__(self) -> Game:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
