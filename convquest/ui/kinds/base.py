"""What every kind panel shares: its inputs and the two messages the level screen listens for."""

from __future__ import annotations

from typing import Any

from textual.containers import Container
from textual.message import Message


class KindPanel(Container):
    """Base for the middle of the level screen; subclasses compose the board and the answer box."""

    class Judged(Message):
        """An answer was checked: `text` as typed, `part` it answered, the engine's `verdict`."""

        def __init__(self, text: str, part: int, verdict: Any) -> None:
            super().__init__()
            self.text = text
            self.part = part
            self.verdict = verdict

    class Solved(Message):
        """Every part is answered right; `verdict` is the last one (its explanation ends the level)."""

        def __init__(self, verdict: Any) -> None:
            super().__init__()
            self.verdict = verdict

    def __init__(self, level: Any, problem: Any) -> None:
        super().__init__(classes="kind-panel")
        self.level = level
        self.problem = problem

    def part_count(self) -> int:
        return max(1, len(self.problem.parts()))

    def picture(self) -> str:
        """Text drawing of why the answer is what it is, for the result screen ("" for none)."""
        return ""

    @property
    def part(self) -> int:
        """The part being answered now (0-based); panels with one answer stay at 0."""
        return 0
