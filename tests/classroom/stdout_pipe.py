"""Standard output as a pipe, for the exports that `--output -` writes there (text or a zip)."""

from __future__ import annotations

import io


class Pipe:
    """What a command writes to sys.stdout, text or bytes (through .buffer), kept as bytes."""

    def __init__(self, terminal: bool = False) -> None:
        self.buffer = io.BytesIO()
        self.terminal = terminal

    def write(self, text: str) -> int:
        self.buffer.write(text.encode())
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self.terminal

    @property
    def bytes(self) -> bytes:
        return self.buffer.getvalue()
