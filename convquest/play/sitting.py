"""A sitting: a paper of questions answered against a clock, marked at the end (an exam or a quiz).

One protocol for both, so one screen (`convquest.ui.sitting_screen`) shows either:
`convquest.practice.exam.ExamSession` (a mock exam: answers can be changed until the paper is
handed in, the verdicts wait for the report) and `convquest.classroom.sitting.QuizSitting` (a
class quiz: every answer is final and saved in the class's database before it counts, the sitting
resumes after a drop, its feedback is the quiz file's). Both judge through `convquest.play.judge`
and mark a grid per cell unless told "all-or-nothing".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from convquest.engine.problems.base import Problem, Verdict

# When a sitting shows verdicts: after each answer, on the end screen only, or never (the teacher says).
FEEDBACK = ("after-each", "at-end", "none")


class TimeUp(Exception):
    """The time ran out; the answer was not taken (the sitting is handed in)."""


class SittingOver(Exception):
    """The paper was already handed in."""


class AlreadyAnswered(ValueError):
    """That part has its answer already, and the sitting's answers are final."""


class NotSaved(Exception):
    """The answer could not be written down; it was not taken and may be given again."""


@dataclass(frozen=True)
class Given:
    """One answer as the sitting keeps it: the text, and the verdict (shown as the sitting says)."""

    text: str
    verdict: Verdict
    at: float  # seconds since the sitting started


@runtime_checkable
class Sitting(Protocol):
    """What the sitting screen reads and calls; `convquest.ui.sitting_screen` documents the keys."""

    @property
    def title(self) -> str:
        """The paper's name, first in the header (it gives way before the time left does)."""
        ...

    @property
    def who(self) -> str:
        """The student's name in the header ("" for one's own exam)."""
        ...

    @property
    def noun(self) -> str:
        """What is handed in: "paper", "quiz"."""
        ...

    @property
    def final(self) -> bool:
        """An answer once given cannot be changed."""
        ...

    @property
    def feedback(self) -> str:
        """One of FEEDBACK."""
        ...

    @property
    def problems(self) -> Sequence[Problem]: ...

    @property
    def given(self) -> Mapping[tuple[int, int], Given]:
        """(question, part) → the answer taken."""
        ...

    @property
    def current(self) -> int:
        """The question on screen (`goto` and `skip` move it)."""
        ...

    @property
    def finished_reason(self) -> str | None: ...

    def __len__(self) -> int: ...

    @property
    def finished(self) -> bool: ...

    def remaining(self) -> float | None:
        """Seconds left, None without a time limit."""
        ...

    def tick(self) -> bool:
        """Hand in when the time has run out; True if it just did."""
        ...

    def answered(self, index: int) -> bool:
        """Question `index` counts as answered (in the header and the question line)."""
        ...

    def answered_count(self) -> int: ...

    def unanswered(self) -> list[int]: ...

    def open_parts(self, index: int) -> list[int]:
        """The parts of question `index` still without an answer."""
        ...

    def answer(self, text: str, part: int = 0) -> Given:
        """Take typed `text` for `part` of the current question. ValueError for text that is no
        answer (nothing taken); AlreadyAnswered, TimeUp, SittingOver, NotSaved as they say."""
        ...

    def answer_grid(self, text: str, grid: int = 0) -> list[Given]:
        """Every cell of map `grid` of the current question (`convquest.practice.exam.cell_maps`: the
        whole output, or one filter's map) from one text, row by row, read before any is taken."""
        ...

    def goto(self, index: int) -> None: ...

    def skip(self) -> int | None:
        """On to the next question with a part to answer; None when there is none."""
        ...

    def hand_in(self) -> object: ...


def verdict_text(number: int, label: str | None, verdict: Verdict) -> str:
    """A verdict as an after-each sitting shows it: ✓ or ✗, the slip named, the working."""
    where = f"Q{number}" + (f" ({label})" if label else "")
    if verdict.correct:
        return f"{where}: ✓ right.\n{verdict.explanation}"
    lines = [f"{where}: ✗ wrong."] + ([verdict.diagnosis] if verdict.diagnosis else [])
    return "\n".join(lines + [verdict.explanation])


def grid_verdict_text(number: int, given: Sequence[Given], label: str | None = None) -> str:
    """A whole grid's verdict: right when every cell is, else how many were and the first wrong cell's."""
    wrong = [g.verdict for g in given if not g.verdict.correct]
    if not wrong:
        return verdict_text(number, label, given[-1].verdict)
    right = len(given) - len(wrong)
    return verdict_text(number, label, wrong[0]).replace(
        "✗ wrong.", f"✗ {right} of {len(given)} cells right; the first wrong one:", 1
    )
