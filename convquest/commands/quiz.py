"""`convquest quiz preview FILE --student ID`: the paper a student will get, with its answers.

For the teacher before class: each question as the quiz screen shows it (the prompt, how to
answer, the grids it gives), then its correct answer with the working. A per-student quiz also
says the shape every student's question shares, so a teacher can see the papers are fair.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from convquest.commands.common import EXIT_ERRORS, EXIT_OK, fail

if TYPE_CHECKING:
    from convquest.classroom.quiz import Quiz

WIDTH = 78  # a terminal's 80 columns, less the indent of the working


def add_preview_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the quiz file (.toml)")
    parser.add_argument(
        "--student", required=True, metavar="ID", help="whose paper to show (their login name, as they connect)"
    )


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
    sys.stdout.write(paper_text(quiz, args.student))
    return EXIT_OK


def paper_text(quiz: Quiz, student: str, width: int = WIDTH) -> str:
    """The student's paper as text: a head, then each question and (for the teacher) its answer."""
    import textwrap

    from convquest.ui.practice.answer_format import answer_parts, question_text
    from convquest.ui.practice.figure import blocks_text, grid_block, number_grids

    paper = quiz.paper_for(student)
    limit = f"{quiz.minutes:g} minutes" if quiz.minutes is not None else "no time limit"
    whose = (
        "drawn for this student; every student's numbers differ, each question's shape is everyone's"
        if quiz.per_student
        else f"seed {quiz.seed}: every student gets this paper"
    )
    head = f"{len(paper.questions)} question(s), {limit}, feedback {quiz.feedback!r}; {whose}."
    lines = [f"{quiz.title} ({quiz.id}): the paper of {student}", *textwrap.wrap(head, width)]
    shapes = quiz.fair_draws(student) if quiz.per_student else ()
    for index, question in enumerate(paper.questions):
        problem = question.problem()
        labels, grid = answer_parts(problem)
        lines += ["", "─" * width, ""]
        for line in question_text(problem, question.number, labels, grid).splitlines():
            lines += textwrap.wrap(line, width) or [""]
        figure = blocks_text([grid_block(name, rows) for name, rows in number_grids(problem.params())], width)
        if figure:
            lines += ["", figure]
        elif problem.kind == "match-kernel":
            lines += ["", "(the screen shows the pictures this question is about)"]
        if len(labels) > 1 and grid is None:
            lines += ["", "Answer boxes: " + ", ".join(labels)]
        lines += ["", "For the teacher, not shown to the student: the answer and its working"]
        lines += ["    " + line for line in problem.solution().splitlines()]
        if shapes:
            lines += ["", f"Every student's Q{question.number}: {shapes[index].signature}"]
    return "\n".join(lines) + "\n"
