"""`convquest results`: every student's quiz, as a table to read, CSV for a spreadsheet, or JSON.

- table: per quiz a header, then per student one line (score, time, status) and one line per
  question (✓ right, ✗ wrong, ½ partly answered, · no answer, then what they typed);
- csv: one row per student and quiz; per question its answer and 1/0 (empty: not answered), so a
  spreadsheet can sum a column to see which question the class found hard;
- json: everything, down to each part's answer, mistake key and time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from convquest.classroom.progress import OPEN, QuestionState, StudentProgress
from convquest.practice.exam import cell_grid, join_grid
from convquest.practice.records import marks_text


def iso(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


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


def _correct_cell(question: QuestionState) -> str:
    if question.state == OPEN:
        return ""
    return "1" if question.state == "right" else "0"


def to_table(quizzes: Sequence[tuple[str, str, list[StudentProgress]]], now: float, width: int = 80) -> str:
    lines: list[str] = []
    for quiz_id, title, students in quizzes:
        if lines:
            lines.append("")
        total = max((s.total for s in students), default=0)
        lines.append(
            f"Quiz {quiz_id}: {title} ({total} question{'s' * (total != 1)}, "
            f"{len(students)} student{'s' * (len(students) != 1)})"
        )
        name = max([len("student")] + [len(s.student) for s in students])
        lines.append(f"{'student':<{name}}  {'score':>7}  {'time':>7}  status")
        for s in students:
            lines.append(
                f"{s.student:<{name}}  {f'{marks_text(s.score)}/{s.total}':>7}  {duration(s.seconds(now)):>7}  {s.status}"
            )
            for q in s.questions:
                text = answer_text(q) or "(no answer)"
                line = f"{'':<{name}}    Q{q.number} {q.mark} {text}"
                lines.append(line if len(line) <= width else line[: width - 1] + "…")
    return "\n".join(lines) + "\n"


def to_csv(quizzes: Sequence[tuple[str, str, list[StudentProgress]]], now: float) -> str:
    count = max((s.total for _, _, students in quizzes for s in students), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["quiz", "student", "score", "questions", "status", "started", "ended", "seconds"]
    for n in range(1, count + 1):
        header += [f"q{n}_answer", f"q{n}_correct"]
    writer.writerow(header)
    for quiz_id, _, students in quizzes:
        for s in students:
            row = [
                quiz_id,
                s.student,
                marks_text(s.score),
                s.total,
                s.status,
                iso(s.started_at),
                iso(s.ended_at),
                round(s.seconds(now), 1),
            ]
            for q in s.questions:
                row += [answer_text(q), _correct_cell(q)]
            row += [""] * (len(header) - len(row))
            writer.writerow(row)
    return out.getvalue()


def to_json(quizzes: Sequence[tuple[str, str, list[StudentProgress]]], now: float) -> str:
    data = {
        "quizzes": [
            {"id": quiz_id, "title": title, "students": [_student_json(s, now) for s in students]}
            for quiz_id, title, students in quizzes
        ]
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _student_json(s: StudentProgress, now: float) -> dict:
    return {
        "student": s.student,
        "score": s.score,
        "questions": s.total,
        "answered": s.answered,
        "status": s.status,
        "started": iso(s.started_at),
        "ended": iso(s.ended_at) or None,
        "seconds": round(s.seconds(now), 1),
        "answers": [
            {
                "question": q.number,
                "topic": q.topic,
                "state": q.state,
                "correct": q.state == "right",
                "parts": [
                    {
                        "label": p.label,
                        "answer": p.answer,
                        "correct": p.correct if p.answer is not None else None,
                        "mistake": p.mistake,
                        "at": iso(p.at) or None,
                    }
                    for p in q.parts
                ],
            }
            for q in s.questions
        ],
    }
