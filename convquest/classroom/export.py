"""`convquest results`: every student's quiz, as a table to read, CSV for a spreadsheet or a
gradebook, or JSON.

- table: per quiz a header, then per student one line (score, percent, time, status) and one line
  per question (✓ right, ✗ wrong, ½ partly answered, · no answer, then what they typed), with a
  teacher's override under the question it changed;
- csv: one row per student and quiz; per question its answer, 1/0 for right (empty: not
  answered), the mark that counts (a grid marked per cell earns its share) and any override;
- canvas: Canvas's gradebook import: `Student,ID,SIS User ID,SIS Login ID,Section`, one column per
  quiz headed by its title, a `Points Possible` row, one row per student;
- moodle: Moodle's grade import: `username,email`, one column per quiz headed by its title;
- json: everything, down to each student's own problems (as drawn for them), the worked solution,
  each part's answer, the answers that were right, the mistake key and the time.

`--by-question` (questions_table/questions_csv/questions_json) gives each question across the class:
how many answered, the share right and the commonest mistakes in words.

Every CSV cell a spreadsheet would run as a formula (text starting with =, +, -, @, a tab or a
carriage return that is not a plain number) is written with a leading ', as OWASP advises for CSV
injection: a student's id, name or answer is text the teacher's spreadsheet must not execute.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from convquest.classroom.progress import OPEN, RIGHT, QuestionState, StudentProgress, question_stats
from convquest.practice.exam import cell_grid, join_grid
from convquest.practice.records import marks_text

if TYPE_CHECKING:
    from convquest.classroom.roster import Student
    from convquest.engine.problems.base import Problem

# (quiz id, title, every student's progress in it), as `convquest results` reads them.
Results = Sequence[tuple[str, str, list[StudentProgress]]]
People = Mapping[str, "Student"]  # student id → what the roster says of them
Export = Callable[[Results, float, People], str]

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("username", "email")
POINTS_POSSIBLE = "Points Possible"
# Canvas reads a header ending in " (digits)" as the id of one of its own assignments
# (Assignment.title_and_id), and silently drops a column whose header contains one of these
# (GradebookImporter::NON_ASSIGNMENT_COLUMN_HEADERS).
_CANVAS_ID = re.compile(r"\s\((\d+)\)$")
CANVAS_NOT_ASSIGNMENTS = (
    "Current Score",
    "Current Points",
    "Current Grade",
    "Final Score",
    "Final Points",
    "Final Grade",
    "Override Score",
    "Override Grade",
    "Override Status",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(value: object) -> str:
    """The cell as text a spreadsheet shows as it is: a would-be formula gets a leading '."""
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text.strip()):
        return "'" + text
    return text


def _csv(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def iso(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def percent_text(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def clip(line: str, width: int) -> str:
    """The line in `width` columns, an ellipsis where it was cut."""
    return line if len(line) <= width else line[: width - 1] + "…"


def answer_text(question: QuestionState) -> str:
    """The question's answer as the student typed it: a grid row by row, parts by label."""
    answers = [p.answer for p in question.parts]
    if all(a is None for a in answers):
        return ""
    labels = [p.label for p in question.parts]
    shape = cell_grid(labels)
    if shape is not None:
        return join_grid(answers, shape[1])
    if len(answers) == 1:
        return answers[0] or ""
    return " | ".join(f"{p.label}: {p.answer if p.answer is not None else '?'}" for p in question.parts)


def override_text(question: QuestionState) -> str:
    """'1 (answers earned 0) by mr_t at 2026-…: reason', or '' when the answers' mark stands."""
    o = question.override
    if o is None or o.mark is None:
        return ""
    reason = f": {o.reason}" if o.reason else ""
    return (
        f"{marks_text(o.mark)} (answers earned {marks_text(question.answered_marks)}) by {o.by} at {iso(o.at)}{reason}"
    )


def _correct_cell(question: QuestionState) -> str:
    if question.state == OPEN:
        return ""
    return "1" if question.state == RIGHT else "0"


def _mark_cell(question: QuestionState) -> str:
    return "" if question.state == OPEN and not question.overridden else marks_text(question.marks)


def to_table(quizzes: Results, now: float, people: People | None = None, width: int = 80) -> str:
    people = people or {}
    lines: list[str] = []
    for quiz_id, title, students in quizzes:
        if lines:
            lines.append("")
        total = max((s.total for s in students), default=0)
        lines.append(
            f"Quiz {quiz_id}: {title} ({total} question{'s' * (total != 1)}, "
            f"{len(students)} student{'s' * (len(students) != 1)})"
        )
        names = {s.student: _who(s.student, people) for s in students}
        name = max([len("student")] + [len(n) for n in names.values()])
        lines.append(f"{'student':<{name}}  {'score':>7}  {'%':>5}  {'time':>7}  status")
        for s in students:
            score = f"{marks_text(s.score)}/{s.total}"
            lines.append(
                f"{names[s.student]:<{name}}  {score:>7}  {percent_text(s.percent):>5}  "
                f"{duration(s.seconds(now)):>7}  {s.status}"
            )
            for q in s.questions:
                line = f"{'':<{name}}    Q{q.number} {q.mark}{_share(q)} {answer_text(q) or '(no answer)'}"
                lines.append(clip(line, width))
                if q.overridden:
                    # Wrapped, not cut: the teacher's reason is worth reading whole.
                    pad = " " * (name + 7)
                    lines += textwrap.wrap(
                        f"mark {override_text(q)}", width, initial_indent=f"{pad}✎ ", subsequent_indent=f"{pad}  "
                    )
    return "\n".join(lines) + "\n"


def _share(question: QuestionState) -> str:
    """' mark 0.75:' for a grid marked per cell that is partly right: ✗ alone would hide what it earned."""
    earned = question.answered_marks
    return f" mark {marks_text(earned)}:" if 0 < earned < 1 else ""


def _who(student: str, people: People) -> str:
    """The student as the table names them: id, and the roster's name where it has one."""
    person = people.get(student)
    return f"{student} ({person.name})" if person is not None and person.name else student


def to_csv(quizzes: Results, now: float, people: People | None = None) -> str:
    people = people or {}
    count = max((s.total for _, _, students in quizzes for s in students), default=0)
    header: list[object] = [
        "quiz",
        "student",
        "name",
        "score",
        "questions",
        "percent",
        "status",
        "started",
        "ended",
        "seconds",
    ]
    for n in range(1, count + 1):
        header += [f"q{n}_answer", f"q{n}_correct", f"q{n}_mark", f"q{n}_override"]
    rows: list[list[object]] = [header]
    for quiz_id, _, students in quizzes:
        for s in students:
            person = people.get(s.student)
            row: list[object] = [
                quiz_id,
                s.student,
                person.name if person is not None else "",
                marks_text(s.score),
                s.total,
                percent_text(s.percent),
                s.status,
                iso(s.started_at),
                iso(s.ended_at),
                round(s.seconds(now), 1),
            ]
            for q in s.questions:
                row += [answer_text(q), _correct_cell(q), _mark_cell(q), override_text(q)]
            row += [""] * (len(header) - len(row))
            rows.append(row)
    return _csv(rows)


def _headers(quizzes: Results, title: Callable[[str], str] = lambda t: " ".join(t.split())) -> list[str]:
    """One header per quiz from its title; a title two quizzes share gets the quiz id in brackets."""
    titles = [title(t) for _, t, _ in quizzes]
    return [t if titles.count(t) == 1 else f"{t} [{quiz_id}]" for t, (quiz_id, _, _) in zip(titles, quizzes)]


def canvas_title(title: str) -> str:
    """A quiz title as a Canvas column header that Canvas takes as a new assignment's name."""
    text = _CANVAS_ID.sub(r" [\1]", " ".join(title.split()))
    for phrase in CANVAS_NOT_ASSIGNMENTS:
        text = text.replace(phrase, phrase.capitalize())
    return text


def _gradebook(quizzes: Results) -> tuple[list[str], dict[str, dict[str, str]]]:
    """(every student id, sorted; student → quiz id → their score)."""
    scores: dict[str, dict[str, str]] = {}
    for quiz_id, _, students in quizzes:
        for s in students:
            scores.setdefault(s.student, {})[quiz_id] = marks_text(s.score)
    return sorted(scores), scores


def to_canvas(quizzes: Results, now: float, people: People | None = None) -> str:
    """Canvas's gradebook CSV. ID (Canvas's own user number) is left empty: Canvas matches a row by
    SIS User ID, then SIS Login ID, then the name, all from the roster."""
    people = people or {}
    students, scores = _gradebook(quizzes)
    rows: list[list[object]] = [
        [*CANVAS_COLUMNS, *_headers(quizzes, canvas_title)],
        [POINTS_POSSIBLE, "", "", "", "", *(max((s.total for s in st), default=0) for _, _, st in quizzes)],
    ]
    for student in students:
        person = people.get(student)
        rows.append(
            [
                person.name if person is not None and person.name else student,
                "",
                person.sis_user_id if person is not None else "",
                person.sis_login_id if person is not None else "",
                person.section if person is not None else "",
                *(scores[student].get(quiz_id, "") for quiz_id, _, _ in quizzes),
            ]
        )
    return _csv(rows)


def to_moodle(quizzes: Results, now: float, people: People | None = None) -> str:
    """Moodle's grade import CSV: map `username` to username (or `email` to email address), and each
    quiz column to its grade item (each question is 1 point, so its maximum is the question count)."""
    people = people or {}
    students, scores = _gradebook(quizzes)
    rows: list[list[object]] = [[*MOODLE_COLUMNS, *_headers(quizzes)]]
    for student in students:
        person = people.get(student)
        rows.append(
            [
                student,
                person.email if person is not None else "",
                *(scores[student].get(quiz_id, "") for quiz_id, _, _ in quizzes),
            ]
        )
    return _csv(rows)


def to_json(quizzes: Results, now: float, people: People | None = None) -> str:
    people = people or {}
    data = {
        "quizzes": [
            {
                "id": quiz_id,
                "title": title,
                "students": [_student_json(s, now, people.get(s.student)) for s in students],
            }
            for quiz_id, title, students in quizzes
        ]
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _student_json(s: StudentProgress, now: float, person: Student | None) -> dict[str, Any]:
    drawn = _drawn(s.paper)
    return {
        "student": s.student,
        **(
            {
                "name": person.name,
                "email": person.email,
                "section": person.section,
                "sis_user_id": person.sis_user_id,
                "sis_login_id": person.sis_login_id,
            }
            if person is not None
            else {}
        ),
        "score": s.score,
        "questions": s.total,
        "percent": round(s.percent, 2),
        "answered": s.answered,
        "status": s.status,
        "started": iso(s.started_at),
        "ended": iso(s.ended_at) or None,
        "seconds": round(s.seconds(now), 1),
        "answers": [_question_json(q, drawn.get(q.number), s.started_at) for q in s.questions],
    }


def _question_json(
    q: QuestionState, drawn: tuple[dict[str, Any], Problem | None] | None, started: float
) -> dict[str, Any]:
    stored, problem = drawn if drawn is not None else ({}, None)
    override = q.override
    return {
        "question": q.number,
        "topic": q.topic,
        # The problem as drawn for this student: the paper stored when they started, so the same
        # numbers whatever the quiz file says now.
        "problem": {
            "kind": stored.get("topic", q.topic).partition("/")[0],
            "seed": stored.get("seed"),
            "difficulty": stored.get("difficulty"),
            "params": stored.get("params"),
            "prompt": _safely(lambda: problem.prompt()) if problem is not None else None,
        },
        "solution": _safely(lambda: problem.solution()) if problem is not None else None,
        "state": q.state,
        "correct": q.state == RIGHT,
        "mark": q.marks,
        "answered_mark": q.answered_marks,
        "override": (
            None
            if override is None
            else {"mark": override.mark, "by": override.by, "at": iso(override.at), "reason": override.reason}
        ),
        "parts": [
            {
                "label": p.label,
                "answer": p.answer,
                "correct": p.correct if p.answer is not None else None,
                "mistake": p.mistake,
                "at": iso(p.at) or None,
                "seconds": round(p.at - started, 1) if p.at is not None else None,
                "solution": _part_solution(problem, part) if problem is not None else None,
                # What would have been right, as values: a shape or a cell as a list, a choice as its text.
                "right_answers": _right_answers(problem, part) if problem is not None else None,
            }
            for part, p in enumerate(q.parts)
        ],
    }


def _drawn(paper: str) -> dict[int, tuple[dict[str, Any], Problem | None]]:
    """Question number → (its stored entry, the engine's problem rebuilt from it, or None when this
    version of the engine cannot rebuild it: the stored numbers are still in the export)."""
    from convquest.practice.exam import Question

    try:
        entries = json.loads(paper).get("questions", [])
    except (ValueError, AttributeError):
        return {}
    drawn: dict[int, tuple[dict[str, Any], Problem | None]] = {}
    for number, entry in enumerate(entries, start=1):
        try:
            question = Question(entry["number"], entry["topic"], entry["seed"], entry["difficulty"], entry["params"])
            problem: Problem | None = question.problem()
        except (KeyError, TypeError, ValueError):
            problem = None
        drawn[number] = (entry if isinstance(entry, dict) else {}, problem)
    return drawn


def _part_solution(problem: Problem, part: int) -> str | None:
    from convquest.engine.problems.ladder import rungs

    return _safely(lambda: rungs(problem, part).solution)


def _right_answers(problem: Problem, part: int) -> list[Any] | None:
    from convquest.classroom.lms_items import right_answers

    try:
        found = right_answers(problem, part)
    except (ValueError, IndexError, KeyError, TypeError):
        return None  # as _safely: a problem this engine cannot check must not cost the export
    return None if found is None else [list(v) if isinstance(v, tuple) else v for v in found]


def _safely(text: Callable[[], str]) -> str | None:
    # A stored problem this engine rebuilds but cannot explain must not cost the teacher the export.
    try:
        return text()
    except (ValueError, IndexError, KeyError, TypeError):
        return None


# --- per question ------------------------------------------------------------------------------------

MISTAKES_SHOWN = 3


def _mistake_words(key: str) -> str:
    from convquest.practice.report import mistake_sentence

    return mistake_sentence(key)


def questions_table(quizzes: Results, now: float, people: People | None = None, width: int = 80) -> str:
    lines: list[str] = []
    for quiz_id, title, students in quizzes:
        if lines:
            lines.append("")
        lines.append(f"Quiz {quiz_id}: {title}, by question ({len(students)} student{'s' * (len(students) != 1)})")
        lines += question_lines(students, width)
    return "\n".join(lines) + "\n"


def question_lines(students: Sequence[StudentProgress], width: int = 80, mistakes: int = MISTAKES_SHOWN) -> list[str]:
    """Per question a line (answered, percent right, mean mark), then its commonest mistakes in words."""
    lines = []
    for q in question_stats(students):
        right = "no answers yet" if q.percent_right is None else f"{percent_text(q.percent_right)}% right"
        lines.append(
            f"Q{q.number} {q.topic}: {q.answered} of {q.students} answered, {right}, "
            f"mean mark {marks_text(round(q.mean_mark, 2))}"
        )
        lines += [f"   {count}× {key}: {_mistake_words(key)}" for key, count in q.mistakes[:mistakes]]
    return [clip(line, width) for line in lines]


def questions_csv(quizzes: Results, now: float, people: People | None = None) -> str:
    header: list[object] = ["quiz", "question", "topic", "students", "answered", "right", "percent_right", "mean_mark"]
    for n in range(1, MISTAKES_SHOWN + 1):
        header += [f"mistake{n}", f"mistake{n}_count", f"mistake{n}_words"]
    rows: list[list[object]] = [header]
    for quiz_id, _, students in quizzes:
        for q in question_stats(students):
            row: list[object] = [
                quiz_id,
                q.number,
                q.topic,
                q.students,
                q.answered,
                marks_text(round(q.right, 2)),
                "" if q.percent_right is None else percent_text(q.percent_right),
                marks_text(round(q.mean_mark, 2)),
            ]
            for key, count in q.mistakes[:MISTAKES_SHOWN]:
                row += [key, count, _mistake_words(key)]
            rows.append(row + [""] * (len(header) - len(row)))
    return _csv(rows)


def questions_json(quizzes: Results, now: float, people: People | None = None) -> str:
    data = {
        "quizzes": [
            {
                "id": quiz_id,
                "title": title,
                "students": len(students),
                "questions": [
                    {
                        "question": q.number,
                        "topic": q.topic,
                        "students": q.students,
                        "answered": q.answered,
                        "right": round(q.right, 4),
                        "percent_right": None if q.percent_right is None else round(q.percent_right, 2),
                        "mean_mark": round(q.mean_mark, 4),
                        "mistakes": [
                            {"key": key, "count": count, "words": _mistake_words(key)} for key, count in q.mistakes
                        ],
                    }
                    for q in question_stats(students)
                ],
            }
            for quiz_id, title, students in quizzes
        ]
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Export] = {
    "table": to_table,
    "csv": to_csv,
    "canvas": to_canvas,
    "moodle": to_moodle,
    "json": to_json,
}
BY_QUESTION: dict[str, Export] = {"table": questions_table, "csv": questions_csv, "json": questions_json}
