"""What every kind panel shares: the run it renders, and the two messages its screen listens for.

A panel never judges: it hands what the player typed or marked to its run
(`convquest.play.run.ProblemRun`), which reads, checks, climbs the hint ladder and keeps the
score, and it renders the `Feedback` the run gives back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Container
from textual.message import Message

if TYPE_CHECKING:  # the run comes built: importing it here would load the engine with the screen
    from convquest.engine.problems.base import Problem, Verdict
    from convquest.play.run import Feedback, ProblemRun


def feedback_class(feedback: Feedback) -> str:
    """The style a feedback box takes: a repeat or a hint reads like a slip (nothing was counted)."""
    return {"repeat": "slip", "hint": "slip", "shown": "right", "none": "slip"}.get(feedback.kind, feedback.kind)


def verdict_lines(feedback: Feedback, width: int) -> list[str]:
    """The feedback's lines with "✗ Wrong." and the slip (or nudge) on one line where they fit in
    `width`: the boxes under a board have a few lines at 80×24, which the board needs too. A rung's
    label ("The formula:") keeps a line of its own, above what it labels."""
    lines = list(feedback.lines)
    if (
        feedback.kind == "wrong"
        and len(lines) > 1
        and not lines[1].endswith(":")
        and len(lines[0]) + 1 + len(lines[1]) <= width
    ):
        lines[:2] = [f"{lines[0]} {lines[1]}"]
    return lines


class KindPanel(Container):
    """Base for the middle of the level screen; subclasses compose the board and the answer box."""

    class Judged(Message):
        """An answer was judged (right or wrong, not a slip or a repeat): `text` as typed, `part`
        it answered, the engine's `verdict`. The run has recorded it already."""

        def __init__(self, text: str, part: int, verdict: Verdict) -> None:
            super().__init__()
            self.text = text
            self.part = part
            self.verdict = verdict

    class Solved(Message):
        """Every part is answered right; `verdict` is the last one (its explanation ends the level)."""

        def __init__(self, verdict: Verdict) -> None:
            super().__init__()
            self.verdict = verdict

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(classes="kind-panel")
        self.run = run

    @property
    def problem(self) -> Problem:
        return self.run.problem

    def submit(self, text: str, part: int | None = None) -> Feedback:
        """Hand typed `text` to the run, tell the screen what was judged, show what the run says."""
        feedback = self.run.answer(text, part)
        self.announce(text, feedback)
        return feedback

    def announce(self, text: str, feedback: Feedback) -> None:
        """After the run took `text`: tell the screen what was judged and show what the run says."""
        verdict = self.run.last_verdict
        if feedback.kind in ("right", "wrong"):
            assert verdict is not None, "a right or wrong answer is the run's last verdict"
            self.post_message(self.Judged(text.strip(), feedback.part, verdict))
        self.show_feedback(feedback)
        if feedback.kind == "right" and self.run.solved:
            assert verdict is not None
            self.post_message(self.Solved(verdict))

    def show_feedback(self, feedback: Feedback) -> None:
        """Render what the run said (an answer's verdict, a rung climbed with h, the solution)."""
        raise NotImplementedError(f"{type(self).__name__} must show the run's feedback")

    def part_count(self) -> int:
        return self.run.part_count

    def picture(self) -> str:
        """Text drawing of why the answer is what it is, for the result screen ("" for none)."""
        return ""

    @property
    def part(self) -> int:
        """The part being answered now (0-based)."""
        return self.run.part
