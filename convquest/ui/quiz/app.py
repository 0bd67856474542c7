"""The game app with a quiz as its only screen: the same lock-down (no screenshots, no file-writing
commands), help and too-small guard as the game, but no way from the quiz into the rest of it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from convquest.classroom.sitting import QuizSitting
from convquest.levels.model import Curriculum
from convquest.ui.app import ConvQuestApp

if TYPE_CHECKING:
    from convquest.classroom.quiz import Quiz
    from convquest.classroom.results import ResultsDB
    from convquest.store import Store
    from convquest.ui.quiz.screen import QuizScreen


class QuizApp(ConvQuestApp):
    TITLE = "ConvQuest quiz"
    FIRST_SCREEN_CSS_ONLY = True  # a sitting's rules are in first_screens.tcss

    def __init__(
        self,
        *,
        quiz: Quiz,
        student: str,
        db: ResultsDB,
        store: Store,
        clock: Callable[[], float] = time.time,
        tick_every: float = 0.5,
    ) -> None:
        # No curriculum: the home screen and levels are never reached from a quiz.
        super().__init__(curriculum=Curriculum(chapters=()), store=store)
        self.quiz = quiz
        self.student = student
        self.db = db
        self.clock = clock
        self.tick_every = tick_every

    def get_default_screen(self) -> QuizScreen:
        from convquest.ui.quiz.screen import QuizScreen

        return QuizScreen(
            lambda: QuizSitting(self.quiz, self.student, self.db, clock=self.clock), tick_every=self.tick_every
        )
