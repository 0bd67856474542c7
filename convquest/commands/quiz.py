"""`convquest quiz preview FILE --student ID`: the paper a student will get, with its answers.

For the teacher before class: each question as the quiz screen shows it (the prompt, how to
answer, the grids it gives), then its correct answer with the working. A per-student quiz also
says the shape every student's question shares, so a teacher can see the papers are fair. Once
the student has started, the paper stored in the results database is theirs (the sitting keeps
it even if the file changes), so that one is shown.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from convquest.commands.classroom import add_results_option, results_db_path
from convquest.commands.common import EXIT_ERRORS, EXIT_OK, fail

if TYPE_CHECKING:
    from convquest.classroom.quiz import Quiz
    from convquest.practice.exam import Paper

WIDTH = 78  # a terminal's 80 columns, less the indent of the working


def add_preview_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the quiz file (.toml)")
    parser.add_argument(
        "--student", required=True, metavar="ID", help="whose paper to show (their login name, as they connect)"
    )
    add_results_option(parser, "where a paper the student has started is kept")


def run_preview(args: argparse.Namespace) -> int:
    from convquest.classroom.limits import username_problem
    from convquest.classroom.quiz import QuizFileInvalid, load_quiz

    prog = "convquest quiz preview"
    problem = username_problem(args.student)
    if problem is not None:
        return fail(problem, prog=prog)
    try:
        quiz = load_quiz(args.file)
    except QuizFileInvalid as exc:
        # As `convquest quiz` and `levels check` say it: the file, the question, the field, what is wrong.
        return fail(f"the quiz file has {len(exc.errors)} problem(s):\n{exc}", EXIT_ERRORS, prog=prog)
    paper, note = quiz.paper_for(args.student), None
    started = started_paper(args, quiz.id, args.student, prog)
    if started is not None and started[0].to_json() != paper.to_json():
        paper, note = (
            started[0],
            f"{args.student} started this quiz {started[1]}: the paper stored then, not the file's.",
        )
    sys.stdout.write(paper_text(quiz, paper, args.student, note))
    return EXIT_OK


def started_paper(args: argparse.Namespace, quiz_id: str, student: str, prog: str) -> tuple[Paper, str] | None:
    """(the paper, when it was started) if the student has started this quiz in the results
    database; a database that cannot be read is said on stderr, and the file's paper shown."""
    import time

    from convquest.classroom.results import ResultsDB, ResultsUnavailable
    from convquest.practice.exam import Paper

    try:
        db = ResultsDB.open_existing(results_db_path(args))
    except ResultsUnavailable as exc:
        fail(f"{exc}; showing the paper the file gives", prog=prog)
        return None
    if db is None:
        return None
    try:
        sitting = db.sitting(quiz_id, student)
    finally:
        db.close()
    if sitting is None:
        return None
    when = time.strftime("on %Y-%m-%d at %H:%M", time.localtime(sitting.started_at))
    return Paper.from_json(sitting.paper), when


def paper_text(quiz: Quiz, paper: Paper, student: str, note: str | None = None, width: int = WIDTH) -> str:
    """The student's paper as text: a head, then each question and (for the teacher) its answer."""
    import textwrap

    from convquest.engine.problems.signature import signature
    from convquest.ui.practice.answer_format import answer_parts, question_text
    from convquest.ui.practice.figure import figure_text

    limit = f"{quiz.minutes:g} minutes" if quiz.minutes is not None else "no time limit"
    whose = (
        "drawn for this student; every student's numbers differ, each question's shape is everyone's"
        if quiz.per_student
        else f"seed {quiz.seed}: every student gets this paper"
    )
    head = f"{len(paper.questions)} question(s), {limit}, feedback {quiz.feedback!r}; {whose}."
    lines = [f"{quiz.title} ({quiz.id}): the paper of {student}", *textwrap.wrap(head, width)]
    lines += textwrap.wrap(note or "", width)
    for question in paper.questions:
        problem = question.problem()
        labels, grid = answer_parts(problem)
        lines += ["", "─" * width, ""]
        for line in question_text(problem, question.number, labels, grid).splitlines():
            lines += textwrap.wrap(line, width) or [""]
        figure = figure_text(problem, width)
        if figure:
            lines += ["", figure]
        elif problem.kind == "match-kernel":
            lines += ["", "(the screen shows the pictures this question is about)"]
        if len(labels) > 1 and grid is None:
            lines += ["", "Answer boxes: " + ", ".join(labels)]
        lines += ["", "For the teacher, not shown to the student: the answer and its working"]
        lines += ["    " + line for line in problem.solution().splitlines()]
        if quiz.per_student and note is None:
            lines += ["", f"Every student's Q{question.number}: {signature(problem)}"]
    return "\n".join(lines) + "\n"
