"""The student's quiz: `convquest.ui.sitting_screen.SittingScreen` over a `QuizSitting`.

The sitting keeps the paper, the clock and the answers, each saved in the class's results database
before it counts (a dropped link resumes at the first open question). What the quiz adds: PgDn
skips a question for now, and the end screen shows the score unless the quiz says "none".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType

from convquest.classroom.sitting import QuizSitting
from convquest.play.sitting import Sitting
from convquest.ui.sitting_screen import SCROLL_UP_HELP, SittingScreen


class QuizScreen(SittingScreen):
    HELP_NAME = "quiz"
    HELP_EXTRA = (("enter", "Give the answer in the box (final: it is saved at once)"), SCROLL_UP_HELP)
    # PgDn: the footer shows the first key, and docs/CLASSROOM.md names the same one.
    BINDINGS: ClassVar[list[BindingType]] = [Binding("pagedown,ctrl+n", "skip", "Skip for now", priority=True)]

    def __init__(self, sitting_factory: Callable[[], QuizSitting], *, tick_every: float = 0.5) -> None:
        """`sitting_factory()` opens the sitting (reading the database), once the screen is up,
        so a database error is shown on the screen instead of a traceback."""
        super().__init__(tick_every=tick_every)
        self._factory = sitting_factory
        self.quiz_sitting: QuizSitting | None = None

    def open_sitting(self) -> Sitting:
        self.quiz_sitting = self._factory()
        return self.quiz_sitting

    def ended(self, sitting: Sitting) -> None:
        from convquest.ui.quiz.done import QuizDoneScreen

        assert self.quiz_sitting is not None
        # Pushed: this is the app's default screen, which cannot be switched out.
        self.app.push_screen(QuizDoneScreen(self.quiz_sitting))
