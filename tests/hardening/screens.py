"""Every screen the game has, each as `open(tmp_path) -> (app, setup)`: the real app on the shipped
curriculum with a real Store, and `setup(app)` putting the screen on top once the app is running.

A screen whose code cannot be found fails the test naming what is missing: a rename must show up
as a failure here, not as a skip nobody reads. Level screens take the first shipped level of each kind, with "unlock all" on so the
monkey can wander into any chapter from the map.
"""

from __future__ import annotations

import contextlib
import importlib
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from convquest.levels.model import KINDS  # one screen per level kind the game has

# One question of each kind, so the quiz screen shows each kind's answer box in turn.
QUIZ = """
[quiz]
id = "monkey"
title = "Monkey quiz"
minutes = 30
feedback = "after-each"
seed = 7

[[question]]
kind = "predict-size"
[question.params]
variant = "conv"
i = [6, 12]
k = 3

[[question]]
kind = "count-params"
difficulty = 1

[[question]]
kind = "fill-cells"
variant = "valid"
difficulty = 1

[[question]]
kind = "match-kernel"
difficulty = 1

[[question]]
kind = "receptive-field"
difficulty = 1
"""


def need(module: str, name: str | None = None) -> Any:
    """The module (or a name in it), or fail the test naming what is missing."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        pytest.fail(f"{module} is missing ({exc}): was it renamed? Update tests/hardening/screens.py")
    if name is None:
        return found
    if not hasattr(found, name):
        pytest.fail(f"{module}.{name} is missing: was it renamed? Update tests/hardening/screens.py")
    return getattr(found, name)


def open_store(folder: Path):
    from convquest.store import Store

    store = Store.open(folder)
    store.set_setting("unlock_all", "yes")
    return store


def game(tmp_path: Path, *, start_level: str | None = None):
    from convquest.levels import load_curriculum
    from convquest.ui.app import ConvQuestApp

    curriculum = load_curriculum()
    return ConvQuestApp(curriculum=curriculum, store=open_store(tmp_path / "data"), start_level=start_level)


def first_level(kind: str):
    from convquest.levels import load_curriculum

    for level in load_curriculum().levels:
        if level.kind == kind:
            return level
    pytest.fail(f"no shipped level is of kind {kind}; every kind in KINDS should have one")


def right_number(problem, part: int = 0, limit: int = 2000) -> int:
    """The whole number the engine accepts, found by asking it (no answer is written into a test)."""
    for n in sorted(range(-limit, limit), key=abs):
        if problem.check(n, part).correct:
            return n
    raise AssertionError(f"no whole number below {limit} answers {problem.prompt()!r}")


def _noop(app) -> None:
    return None


Opener = Callable[[Path], tuple[Any, Callable[[Any], None]]]


def home(tmp_path: Path):
    return game(tmp_path), _noop


def lesson(tmp_path: Path):
    app = game(tmp_path)
    return app, lambda app: app.open_lesson(app.curriculum.chapters[0])


def level_of(kind: str) -> Opener:
    def opener(tmp_path: Path):
        return game(tmp_path, start_level=first_level(kind).id), _noop

    return opener


def result(tmp_path: Path):
    level = first_level("predict-size")
    app = game(tmp_path)

    def setup(app) -> None:
        from convquest.ui.screens.result import ResultScreen

        problem = level.problem(0)
        verdict = problem.check(right_number(problem))
        app.push_screen(ResultScreen(level, 3, verdict.explanation, wrong=0, rung=0))

    return app, setup


def help_screen(tmp_path: Path):
    return game(tmp_path), lambda app: app.action_help()


def settings(tmp_path: Path):
    return game(tmp_path), lambda app: app.action_settings()


def playground(tmp_path: Path):
    screen = need("convquest.ui.board.playground", "PlaygroundScreen")
    return game(tmp_path), lambda app: app.push_screen(screen())


def playground_app(tmp_path: Path):
    """`convquest playground`: the playground as an app of its own, with no store or curriculum."""
    app = need("convquest.ui.board.playground", "PlaygroundApp")
    return app(), _noop


def exam_setup(tmp_path: Path):
    opener = need("convquest.ui.practice", "open_exam_setup")
    return game(tmp_path), opener


def practice(tmp_path: Path):
    opener = need("convquest.ui.practice", "open_practice")
    return game(tmp_path), lambda app: opener(app, None, 11)


def practice_setup(tmp_path: Path):
    opener = need("convquest.ui.practice", "open_practice_setup")
    return game(tmp_path), opener


def exam(tmp_path: Path):
    opener = need("convquest.ui.practice", "open_exam")
    return game(tmp_path), lambda app: opener(app, questions=5, minutes=30, seed=5)


def report(tmp_path: Path):
    opener = need("convquest.ui.practice", "open_report")
    return game(tmp_path), opener


def write_quiz(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "quiz.toml"
    path.write_text(QUIZ, encoding="utf-8")
    return path


def quiz(tmp_path: Path):
    quiz_app = need("convquest.ui.quiz.app", "QuizApp")
    from convquest.classroom.quiz import load_quiz
    from convquest.classroom.results import ResultsDB

    db = ResultsDB.open(tmp_path / "data" / "classroom.db")
    app = quiz_app(quiz=load_quiz(write_quiz(tmp_path)), student="monkey", db=db, store=open_store(tmp_path / "data"))
    return app, _noop


def teacher(tmp_path: Path):
    teacher_app = need("convquest.ui.quiz.teacher", "TeacherApp")
    from convquest.classroom.quiz import load_quiz
    from convquest.classroom.results import ResultsDB
    from convquest.classroom.sitting import QuizSitting

    path = tmp_path / "data" / "classroom.db"
    db = ResultsDB.open(path)
    quiz_file = load_quiz(write_quiz(tmp_path))
    # Two students part-way through, so the live view has rows, marks and a feed to scroll.
    for student in ("ada", "bob"):
        sitting = QuizSitting(quiz_file, student, db, clock=time.time)
        sitting.answer(str(right_number(sitting.problems[0])))
    return teacher_app(path, every=0.3), _noop


# Keys that leave an app by design, beyond q / ctrl+q: the stand-alone playground's root screen
# takes escape as "back", and there is nothing to go back to but the shell.
QUIT_KEYS: dict[str, frozenset[str]] = {"playground-app": frozenset({"escape"})}

SCREENS: dict[str, Opener] = {
    "home": home,
    "lesson": lesson,
    **{f"level-{kind}": level_of(kind) for kind in KINDS},
    "result": result,
    "help": help_screen,
    "settings": settings,
    "playground": playground,
    "playground-app": playground_app,
    "practice": practice,
    "practice-setup": practice_setup,
    "exam-setup": exam_setup,
    "exam": exam,
    "report": report,
    "quiz": quiz,
    "teacher": teacher,
}


@contextlib.asynccontextmanager
async def running(screen: str, tmp_path: Path) -> AsyncIterator[tuple[Any, Any]]:
    """(app, pilot): `screen`'s app running at 80×24 with the screen on top; its store closed
    after, however the test ends (an app exception propagates from the block's end)."""
    app, setup = SCREENS[screen](tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            setup(app)
            await pilot.pause()
            yield app, pilot
    finally:
        if getattr(app, "store", None) is not None:
            app.store.close()
