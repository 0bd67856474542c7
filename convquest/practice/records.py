"""What a finished question looks like to the report, whether it comes from a live session or the
database: plain data, no engine objects, so a report can be rebuilt long after the problem code
has changed."""

from __future__ import annotations

from dataclasses import dataclass, field

UNANSWERED = "unanswered"
GRID_MARKING = ("per-cell", "all-or-nothing")  # how a paper marks a grid question (per-cell by default)


def marks_text(marks: float) -> str:
    """A score as people write it: 7, or 7.89 when a grid was partly right."""
    return f"{marks:g}" if float(marks).is_integer() else f"{marks:.2f}"


@dataclass(frozen=True)
class PartRecord:
    label: str
    answer: str | None  # what the student typed last; None when the part was never answered
    correct: bool
    mistake: str | None = None
    diagnosis: str | None = None
    explanation: str = ""

    @property
    def answered(self) -> bool:
        return self.answer is not None


@dataclass(frozen=True)
class QuestionRecord:
    number: int  # 1-based position in the session
    topic: str
    kind: str
    prompt: str
    solution: str
    seconds: float
    parts: tuple[PartRecord, ...] = field(default_factory=tuple)
    hints: int = 0
    per_cell: bool = False  # the parts are one grid's cells, each worth its share of the mark

    @property
    def marks(self) -> float:
        """The share of the question's mark earned: per cell on a grid marked per cell (8 of 9
        cells right is 8/9), else all or nothing."""
        if self.per_cell and self.parts:
            return sum(1 for p in self.parts if p.answered and p.correct) / len(self.parts)
        return 1.0 if self.correct else 0.0

    @property
    def answered(self) -> bool:
        return any(p.answered for p in self.parts)

    @property
    def correct(self) -> bool:
        # A question counts only when every part is right: half a shape is not a shape.
        return bool(self.parts) and all(p.answered and p.correct for p in self.parts)

    @property
    def mistakes(self) -> list[str]:
        """One key per part that went wrong; an unanswered part is a mistake of its own."""
        keys = []
        for p in self.parts:
            if not p.answered:
                keys.append(UNANSWERED)
            elif not p.correct:
                keys.append(p.mistake or "other")
        return keys
