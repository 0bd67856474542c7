"""A typed answer panel for any problem: the prompt, one box, the parts in turn.

Used in practice for kinds whose own panel (convquest.ui.kinds) is not there, so every kind the
engine generates can be drilled: the engine parses the text (``problem.parse_answer``) and judges
it; this panel only shows the verdict. It speaks the KindPanel protocol (Judged, Solved), so the
practice screen handles it exactly like a registered panel.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from convquest.ui.kinds.base import KindPanel


def answer_format(problem, part: int) -> str:
    """How to type this part, in the engine's own words: the sentence its parser gives for text
    that is no answer at all ("Type a whole number, like 5."). Shown before the first try: in an
    exam a refused answer costs time, and in practice a guess at the format teaches nothing."""
    try:
        problem.parse_answer("?", part)
    except ValueError as exc:
        return str(exc).split(" — could not read", 1)[0].strip()
    return ""


class TypedPanel(KindPanel):
    def __init__(self, level: Any, problem: Any) -> None:
        super().__init__(level, problem)
        self._part = 0
        self._answers: list[str] = []
        self.solved = False

    @property
    def part(self) -> int:
        return self._part

    def _labels(self) -> tuple[str, ...]:
        return tuple(self.problem.parts()) or ("answer",)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="tp-question"):
            formats = dict.fromkeys(answer_format(self.problem, p) for p in range(len(self._labels())))
            how = "\n".join(f"How to answer: {f}" for f in formats if f)
            yield Static(self.problem.prompt() + (f"\n\n{how}" if how else ""), id="tp-prompt", markup=False)
        yield Static(id="tp-parts", markup=False)
        yield Input(placeholder="your answer, then Enter", id="tp-answer")
        with VerticalScroll(id="tp-feedback"):
            yield Static(id="tp-feedback-text", markup=False)

    def on_mount(self) -> None:
        self._show_parts()
        self.query_one("#tp-answer", Input).focus()

    def _show_parts(self) -> None:
        labels = self._labels()
        lines = [f"✓ {label}: {self._answers[i]}" for i, label in enumerate(labels[: self._part])]
        if not self.solved:
            count = f"  (part {self._part + 1} of {len(labels)})" if len(labels) > 1 else ""
            lines.append(f"→ {labels[self._part]}{count}")
        self.query_one("#tp-parts", Static).update("\n".join(lines))

    def feedback(self, text: str, kind: str) -> None:
        box = self.query_one("#tp-feedback-text", Static)
        box.update(text)
        box.set_classes(f"feedback-{kind}")
        self.query_one("#tp-feedback", VerticalScroll).scroll_home(animate=False)

    def close(self) -> None:
        """Stop taking answers (the problem was skipped or solved)."""
        self.query_one("#tp-answer", Input).disabled = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.solved:
            return
        part = self._part
        try:
            verdict = self.problem.check(self.problem.parse_answer(event.value, part), part)
        except ValueError as exc:
            # A typing slip is not an answer: nothing is judged or saved.
            self.feedback(f"Not an answer the game can read: {exc}\n(No penalty: fix it and press Enter.)", "slip")
            return
        self.post_message(self.Judged(event.value.strip(), part, verdict))
        box = self.query_one("#tp-answer", Input)
        if not verdict.correct:
            lines = ["✗ Wrong."] + ([verdict.diagnosis] if verdict.diagnosis else [])
            lines += ["", verdict.explanation, "", "Try again, h for a hint, or ctrl+n to skip."]
            self.feedback("\n".join(lines), "wrong")
            return
        self._answers.append(event.value.strip())
        box.value = ""
        if part + 1 < len(self._labels()):
            self._part += 1
            self._show_parts()
            self.feedback(f"✓ Right.\n\n{verdict.explanation}", "right")
            return
        self.solved = True
        self.close()
        self._show_parts()
        self.feedback(f"✓ Right.\n\n{verdict.explanation}", "right")
        self.post_message(self.Solved(verdict))
