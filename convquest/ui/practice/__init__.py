"""Practice, exam and report screens, and the ways in: from the home screen (open_practice_setup,
open_exam_setup, open_report) or from the command line (run_app with open_practice/open_exam).
Screen modules are imported when first opened, like the rest of the UI."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from convquest.levels.model import Curriculum
    from convquest.practice.exam import Paper
    from convquest.store import Store
    from convquest.ui.app import ConvQuestApp

DEFAULT_QUESTIONS = 10
DEFAULT_MINUTES = 20.0


def open_practice(
    app: ConvQuestApp,
    topics: Sequence[str] | None = None,
    seed: int | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    from convquest.practice.topics import fresh_seed, select_topics
    from convquest.ui.practice.practice_screen import PracticeScreen

    app.push_screen(PracticeScreen(select_topics(topics), fresh_seed() if seed is None else seed, clock=clock))


def open_exam(
    app: ConvQuestApp,
    questions: int = DEFAULT_QUESTIONS,
    minutes: float | None = DEFAULT_MINUTES,
    topics: Sequence[str] | None = None,
    seed: int | None = None,
    *,
    paper: Paper | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """A new paper from (seed, questions, topics), or the `paper` the command line already made."""
    from convquest.practice.exam import make_paper
    from convquest.practice.topics import fresh_seed
    from convquest.ui.practice.exam_screen import ExamScreen

    if paper is None:
        paper = make_paper(fresh_seed() if seed is None else seed, questions, topics)
    app.push_screen(ExamScreen(paper, minutes, clock=clock))


def open_report(app: ConvQuestApp, session_id: int | None = None) -> None:
    from convquest.practice.history import History
    from convquest.practice.report import report_for
    from convquest.ui.practice.report_screen import ReportScreen

    app.push_screen(ReportScreen(report_for(History(app.store), session_id)))


def open_practice_setup(app: ConvQuestApp) -> None:
    """From the home screen: choose the topics, then practise."""
    from convquest.ui.practice.setup_screen import SetupScreen

    app.push_screen(SetupScreen("practice"))


def open_exam_setup(app: ConvQuestApp) -> None:
    """From the home screen: choose topics, questions and minutes, then sit the exam."""
    from convquest.ui.practice.setup_screen import SetupScreen

    app.push_screen(SetupScreen("exam"))


def run_app(curriculum: Curriculum, store: Store, opener: Callable[[ConvQuestApp], None]) -> None:
    """Run the game with `opener(app)` putting the first screen over the home screen, so that
    leaving practice or an exam lands on the home screen as if it had been opened from there."""
    from convquest.ui.app import ConvQuestApp

    class _StartsElsewhere(ConvQuestApp):
        # Textual calls on_mount of every class in the MRO, subclass first: the practice screen
        # goes up before the base's size guard, which then stays on top if the terminal is small.
        def on_mount(self) -> None:
            opener(self)

    _StartsElsewhere(curriculum=curriculum, store=store).run()
