"""The end of a quiz: why it ended, the score with each question's mark, and the marked paper.

The marked paper is each question again with the student's answer, its mark, the right answer and
the working, what a student who logs in after the quiz closed comes back to. The quiz's feedback
decides: "none" shows no marks at all; otherwise the marks show at once, and the right answers and
working as soon as `QuizSitting.working_released` says (a shared paper waits for the teacher to
end the quiz for everyone).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from convquest.classroom.marked import answer_text, marked_text, question_head
from convquest.classroom.sitting import COMPLETED, ENDED, HANDED_IN, TIME, QuizSitting
from convquest.practice.records import marks_text
from convquest.ui.practice.figure import figure
from convquest.ui.widgets.key_footer import KeyFooter

ENDINGS = {
    COMPLETED: "You have answered every question.",
    TIME: "Time is up.",
    HANDED_IN: "You handed the quiz in.",
    ENDED: "Your teacher ended the quiz.",
}
NOT_RELEASED = "Your teacher has not released the marks for this quiz. Your teacher will tell you how you did."
SHARED_PAPER = (
    "Everyone has the same paper, so the right answers and the working show here once your teacher "
    "ends the quiz for everyone: log in again then to see them."
)


def done_text(sitting: QuizSitting) -> str:
    lines = [
        f"{sitting.quiz.title} — {ENDINGS.get(sitting.finished_reason or '', 'The quiz is over.')}",
        "Your answers are saved with your teacher.",
    ]
    if sitting.feedback == "none":
        lines.append(NOT_RELEASED)
        return "\n".join(lines)
    marks, total = sitting.score()
    lines += ["", f"Score: {marks_text(marks)} of {total}", ""]
    for record in sitting.records():
        share = f" ({marks_text(record.marks)} of its mark)" if record.per_cell and 0 < record.marks < 1 else ""
        lines.append(f"Q{record.number} {'✓' if record.correct else '✗'} {answer_text(record)}{share}")
    return "\n".join(lines)


class QuizDoneScreen(Screen[None]):
    HELP_NAME = "quiz over"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape,enter", "app.quit", "Leave"),
        # Over the scroll's own keys, so the footer names them.
        Binding("down", "scroll_paper(3)", "Scroll", priority=True),
        Binding("up", "scroll_paper(-3)", "Scroll up", show=False, priority=True),
        Binding("pagedown,space", "scroll_paper(20)", "Page down", show=False, priority=True),
        Binding("pageup", "scroll_paper(-20)", "Page up", show=False, priority=True),
        Binding("question_mark", "app.help", "Help"),
    ]
    DEFAULT_CSS = """
    QuizDoneScreen .quiz-paper-question { margin-top: 1; text-style: bold; }
    QuizDoneScreen .quiz-paper-marks { padding-left: 2; }
    QuizDoneScreen #quiz-done-note { margin-top: 1; }
    """

    def __init__(self, sitting: QuizSitting) -> None:
        super().__init__()
        self.sitting = sitting

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="quiz-done"):
            yield Static(done_text(self.sitting), id="quiz-done-text", markup=False)
            if self.sitting.feedback != "none":
                yield from self._marked_paper()
        yield KeyFooter()

    def _marked_paper(self) -> ComposeResult:
        if not self.sitting.working_released():
            yield Static(SHARED_PAPER, id="quiz-done-note", markup=False)
            return
        yield Static("Your marked paper:", id="quiz-done-note", markup=False)
        for index, question in enumerate(self.sitting.marked_paper()):
            yield Static(question_head(question), classes="quiz-paper-question", markup=False)
            yield from figure(self.sitting.problems[index], width=max(40, self.app.size.width - 8))
            yield Static(marked_text(question), classes="quiz-paper-marks", markup=False)

    def action_scroll_paper(self, lines: int) -> None:
        self.query_one("#quiz-done", VerticalScroll).scroll_relative(y=lines, animate=False)
