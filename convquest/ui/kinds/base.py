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

    def judge(self, text: str, part: int) -> tuple[Any, Any] | None:
        """Parse and check typed `text` with the engine and tell the level screen (Judged).

        Returns (answer, verdict), or None for a slip the engine could not read or judge: a slip
        is not an answer, so nothing is saved or counted; `show_slip` tells the player instead."""
        try:
            answer = self.problem.parse_answer(text, part)
            verdict = self.problem.check(answer, part)
        except ValueError as exc:
            self.show_slip(str(exc))
            return None
        self.post_message(self.Judged(text.strip(), part, verdict))
        return answer, verdict

    def show_slip(self, message: str) -> None:
        """Say why typed text was not read as an answer (panels that take typed answers)."""
        raise NotImplementedError(f"{type(self).__name__} takes no typed answers")

    def part_count(self) -> int:
        return max(1, len(self.problem.parts()))

    def picture(self) -> str:
        """Text drawing of why the answer is what it is, for the result screen ("" for none)."""
        return ""

    @property
    def part(self) -> int:
        """The part being answered now (0-based); panels with one answer stay at 0."""
        return 0
