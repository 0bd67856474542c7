"""`convquest quiz` and `convquest teacher`: the entry points that start Textual.

Their arguments are added by convquest.classroom.commands (standard library only, for an instant
`--help`); these functions check what they were given, then start the app.
"""

from __future__ import annotations

import argparse
import os
import sys


def run_quiz(args: argparse.Namespace) -> int:
    from convquest.classroom.commands import QuizSetupError, quiz_plan
    from convquest.classroom.results import ResultsDB, ResultsUnavailable

    try:
        quiz, student, path = quiz_plan(args)
    except QuizSetupError as exc:
        print(f"convquest quiz: {exc}", file=sys.stderr)
        return 2
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("convquest quiz: the quiz needs a terminal (connect with ssh -t)", file=sys.stderr)
        return 2
    try:
        db = ResultsDB.open(path)
    except ResultsUnavailable as exc:
        # Said to the student's terminal: they can only pass it on.
        print(
            f"convquest quiz: your answers cannot be saved, so the quiz cannot start: {exc}. Tell your teacher.",
            file=sys.stderr,
        )
        return 1
    from convquest.store import Store, default_data_dir
    from convquest.ui.quiz.app import QuizApp

    store = Store.open(getattr(args, "data_dir", None) or default_data_dir())  # the student's own settings
    try:
        QuizApp(quiz=quiz, student=student, db=db, store=store).run()
    finally:
        store.close()
        db.close()
    if os.environ.get("CONVQUEST_SERVED") == "1":
        leave_at_once()
    return 0


def leave_at_once() -> None:
    """End a served process without Python's teardown of every loaded module.

    The answers are committed and both databases closed by now; what is left is about 50 ms of CPU
    per student unloading Textual and NumPy. When 40 students leave within a second, that CPU is
    taken from the others still typing (the SSH benchmark saw their key echo go from 19 to 160 ms).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def run_teacher(args: argparse.Namespace) -> int:
    from convquest.classroom.commands import results_db_path

    every = getattr(args, "every", 1.0)
    if not 0.1 <= every <= 60:
        print(f"convquest teacher: --every must be between 0.1 and 60 seconds, not {every:g}", file=sys.stderr)
        return 2
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "convquest teacher: the live view needs a terminal; `convquest results` prints the results", file=sys.stderr
        )
        return 2
    from convquest.ui.quiz.teacher import TeacherApp

    TeacherApp(results_db_path(args), quiz_id=getattr(args, "quiz", None), every=every).run()
    return 0
