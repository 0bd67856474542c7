"""The mock exam: `convquest.ui.sitting_screen.SittingScreen` over an `ExamSession`.

What the exam adds to the sitting screen: the paper's session in the practice history (each answer
written as it is given, checked so its mistake key is stored but not shown), PgUp/PgDn through the
questions in any order, and the report when the paper is handed in or the time runs out
(unanswered questions count as wrong). Left mid-way (quit, a dropped link), the paper is marked left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual.binding import Binding, BindingType

from convquest.engine.problems.base import Verdict
from convquest.play.sitting import Sitting
from convquest.play.taught import topic_taught
from convquest.practice.exam import ExamSession, Paper, Question
from convquest.practice.history import History
from convquest.ui.game import game
from convquest.ui.sitting_screen import SittingScreen


class ExamScreen(SittingScreen):
    HELP_NAME = "exam"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown,ctrl+n", "skip", "Next question", priority=True),
        Binding("pageup,ctrl+b", "move(-1)", "Previous", priority=True),
        Binding("escape", "hand_in", "Hand in", show=False),
    ]

    def __init__(
        self,
        paper: Paper,
        minutes: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        tick_every: float = 0.5,
    ) -> None:
        super().__init__(tick_every=tick_every)
        self.paper = paper
        self.minutes = minutes
        self.clock = clock
        self.history: History | None = None
        self.session_id: int | None = None
        self.exam: ExamSession | None = None

    def open_sitting(self) -> Sitting:
        app = game(self)
        self.history = History(app.store)
        self.session_id = self.history.start_session(
            "exam", self.paper.seed, list(self.paper.topics), minutes=self.minutes, paper=self.paper
        )
        self.exam = ExamSession(
            self.paper, self.minutes, clock=self.clock, on_answer=self._saved, taught=topic_taught(app.curriculum)
        )
        self.exam.start()
        return self.exam

    def _saved(self, question: Question, part: int, text: str, verdict: Verdict, seconds: float) -> None:
        assert self.history is not None and self.session_id is not None
        self.history.record_answer("exam", self.session_id, question.number, question.topic, part, text, verdict)
        self.history.update_question(self.session_id, question.number, seconds=seconds)

    def _close(self, reason: str) -> None:
        """The paper's session ends with `reason`, each question's time on screen kept."""
        assert self.exam is not None and self.history is not None and self.session_id is not None
        self.exam.finish(reason)
        for question, seconds in zip(self.paper.questions, self.exam.seconds):
            self.history.update_question(self.session_id, question.number, seconds=round(seconds, 3))
        self.history.finish_session(self.session_id, reason)

    def on_unmount(self) -> None:
        # Quit (ctrl+q) or a dropped SSH link mid-exam: the answers are already saved; say the
        # paper was left, so the report counts what is missing instead of waiting for it.
        if self.exam is not None and not self.exam.finished:
            self._close("quit")

    def ended(self, sitting: Sitting) -> None:
        from convquest.practice.report import report_for
        from convquest.ui.practice.report_screen import ReportScreen

        assert self.history is not None
        self._close(sitting.finished_reason or "submitted")
        self.app.switch_screen(ReportScreen(report_for(self.history, self.session_id)))
