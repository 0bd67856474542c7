"""The end of a quiz: why it ended, and the score with each question's mark if the quiz allows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from convquest.classroom.sitting import COMPLETED, HANDED_IN, TIME, QuizSitting
from convquest.practice.exam import cell_grid, join_grid
from convquest.practice.records import marks_text

ENDINGS = {
    COMPLETED: "You have answered every question.",
    TIME: "Time is up.",
    HANDED_IN: "You handed the quiz in.",
}


def done_text(sitting: QuizSitting) -> str:
    lines = [
        f"{sitting.quiz.title} — {ENDINGS.get(sitting.finished_reason or '', 'The quiz is over.')}",
        "Your answers are saved with your teacher.",
    ]
    if sitting.feedback == "none":
        lines.append("Your teacher will tell you how you did.")
        return "\n".join(lines)
    marks, total = sitting.score()
    lines += ["", f"Score: {marks_text(marks)} of {total}", ""]
    for record in sitting.records():
        labels = [p.label for p in record.parts]
        shape = cell_grid(labels)
        answers = [p.answer for p in record.parts]
        if not record.answered:
            text = "(no answer)"
        elif shape is not None:
            text = join_grid(answers, shape[1])
        else:
            text = " | ".join(a if a is not None else "?" for a in answers)
        share = f" ({marks_text(record.marks)} of its mark)" if record.per_cell and 0 < record.marks < 1 else ""
        lines.append(f"Q{record.number} {'✓' if record.correct else '✗'} {text}{share}")
    return "\n".join(lines)


class QuizDoneScreen(Screen[None]):
    HELP_NAME = "quiz over"
    BINDINGS = [
        Binding("q,escape,enter", "app.quit", "Leave"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, sitting: QuizSitting) -> None:
        super().__init__()
        self.sitting = sitting

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="quiz-done"):
            yield Static(done_text(self.sitting), id="quiz-done-text", markup=False)
        yield Footer()
