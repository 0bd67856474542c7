"""A marked paper: each question of a sitting with the student's answers as marked, the right
answer to each part and the worked solution. For the quiz's end screen (convquest.ui.quiz.done)
and for the copy a teacher hands a student (`convquest student export`): plain data and text.

A sitting is rebuilt from what the results database keeps (the paper and the answers' text), each
answer judged again so its verdict is whole; the right answers are read off the worked solutions
and checked by the same marker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from convquest.play.sitting import Given
from convquest.practice.exam import ExamSession, Paper, cell_grid, join_grid
from convquest.practice.records import QuestionRecord, marks_text

if TYPE_CHECKING:
    from convquest.classroom.results import AnswerRow, Sitting
    from convquest.engine.problems.base import Problem
    from convquest.engine.problems.ladder import Taught


@dataclass(frozen=True)
class MarkedQuestion:
    """One question of a marked paper: the student's answers as marked, the right answer to each
    part, and the worked solution (`right` and `working` are empty while they are withheld)."""

    record: QuestionRecord
    right: tuple[str | None, ...]  # per part; None where no piece of the working reads as the answer
    grid: tuple[int, int] | None  # (rows, columns) when the parts are one grid's cells

    @property
    def working(self) -> str:
        return self.record.solution if self.right else ""


def restore(session: ExamSession, rows: Iterable[AnswerRow], started_at: float) -> None:
    """Put the stored answers back into `session`, each judged again from its text."""
    from convquest.play.judge import Slip, judge

    for row in rows:
        index, part = row.question - 1, row.part
        if 0 <= index < len(session.problems):
            problem = session.problems[index]
            # Re-checked from the stored text so the verdict (and its explanation) is whole.
            verdict = judge(problem, row.answer, part, taught=session.taught[index])
            if isinstance(verdict, Slip):
                continue  # a stored answer this engine can no longer read: as if never given
            session.given[(index, part)] = Given(row.answer, verdict, row.at - started_at)


def stored(sitting: Sitting, rows: Iterable[AnswerRow]) -> ExamSession:
    """The sitting as the database keeps it, answers and all (for readers without the quiz file)."""
    session = ExamSession(Paper.from_json(sitting.paper), grid_marking=sitting.grid_marking)  # full form, as sat
    restore(session, rows, sitting.started_at)
    return session


def mark(session: ExamSession, *, released: bool) -> list[MarkedQuestion]:
    """Each question as marked; with the right answers and working only when `released`."""
    paper = []
    for index, record in enumerate(session.records()):
        problem = session.problems[index]
        right: tuple[str | None, ...] = ()
        if released:
            right = tuple(right_answer(problem, p, session.taught[index]) for p in range(len(record.parts)))
        paper.append(MarkedQuestion(record, right, cell_grid(problem.parts())))
    return paper


def paper_text(title: str, ending: str, paper: list[MarkedQuestion]) -> str:
    """The whole marked paper as text: title, how it ended, the score, then every question."""
    marks = sum(q.record.marks for q in paper)
    lines = [f"{title} — {ending}", f"Score: {marks_text(marks)} of {len(paper)}"]
    for question in paper:
        lines += ["", question_head(question), marked_text(question)]
    return "\n".join(lines) + "\n"


def answer_text(record: QuestionRecord) -> str:
    """The student's answer on one line: a grid row by row, parts separated by |."""
    answers = [p.answer for p in record.parts]
    shape = cell_grid([p.label for p in record.parts])
    if not record.answered:
        return "(no answer)"
    if shape is not None:
        return join_grid(answers, shape[1])
    return " | ".join(a if a is not None else "?" for a in answers)


def marked_text(question: MarkedQuestion) -> str:
    """Under the question and its figure: each part's answer and mark, the right answer, the working."""
    record = question.record
    lines = []
    if question.grid is not None:
        right_cells = sum(1 for p in record.parts if p.correct)
        lines.append(f"Your answer:  {answer_text(record)}  ({right_cells} of {len(record.parts)} cells right)")
        if question.right and not record.correct:
            lines.append(f"Right answer: {join_grid(list(question.right), question.grid[1])}")
    else:
        many = len(record.parts) > 1
        for index, part in enumerate(record.parts):
            label = f"{part.label}: " if many else ""
            given = "(no answer)" if part.answer is None else part.answer
            mark = "✓" if part.answered and part.correct else "✗"
            line = f"{label}your answer {given} {mark}" if many else f"Your answer: {given} {mark}"
            right = question.right[index] if question.right else None
            if right is not None and not (part.answered and part.correct):
                line += f" · right answer: {right}" if many else f"\nRight answer: {right}"
            lines.append(line)
    if question.working:
        lines += ["Working:", *(f"  {line}" for line in question.working.splitlines())]
    return "\n".join(lines)


def question_head(question: MarkedQuestion) -> str:
    record = question.record
    share = f" ({marks_text(record.marks)} of its mark)" if record.per_cell and 0 < record.marks < 1 else ""
    return f"Q{record.number} {'✓' if record.correct else '✗'}{share}  {record.prompt}"


# What a worked solution states an answer as: two ranges of rows and columns, a cell, a number
# (with thousands commas, a decimal, or a shape's ×), a direction.
_ANSWER_TOKEN = re.compile(
    r"\d+\.\.\d+,\s*\d+\.\.\d+|\(\s*\d+\s*,\s*\d+\s*\)|[-−]?\d[\d,]*(?:\.\d+)?(?:×\d+)*|\b(?:up|down)\b"
)


def right_answer(problem: Problem, part: int, taught: Taught) -> str | None:
    """The right answer to `part` as a student would type it, or None.

    The engine states each answer only inside its worked solution (the ladder's last rung, which
    ends in it), so the pieces of that working are tried line by line from its end, and the
    shortest piece of the first line the marker itself judges right is the answer ("7" rather
    than "7×7" for a side): what this returns is never a wrong answer.
    """
    from convquest.engine.problems.ladder import rungs
    from convquest.play.judge import Slip, judge

    for candidates in _answer_candidates(rungs(problem, part, taught).solution):
        right = []
        for candidate in candidates:
            verdict = judge(problem, candidate, part, taught=taught)
            if not isinstance(verdict, Slip) and verdict.correct:
                right.append(candidate)
        if right:
            return min(right, key=len)
    return None


def _answer_candidates(working: str) -> list[list[str]]:
    """The pieces of each line of `working` that could be an answer, the last line first."""
    lines = []
    for line in reversed([line.strip() for line in working.splitlines() if line.strip()]):
        head, colon, tail = line.partition(": ")
        # "The answer: Gaussian blur, then Laplacian (edge)"; "…, rounded: -1 -2 -1; 0 0 0; 1 2 1. That is …"
        candidates = [tail.rstrip("."), *(piece.rstrip(".") for piece in tail.split(". ")[:-1])] if colon else []
        for token in _ANSWER_TOKEN.findall(line):
            token = token.rstrip(",").replace("−", "-")
            candidates += [token, *token.split("×")[1:]]  # a side of "7×7" where the side is asked
        if colon:
            candidates += [head, re.sub(r"\s*\(.*?\)", "", head)]  # "Box blur: Blurs by ..."
        lines.append(list(dict.fromkeys(candidates)))
    return lines
