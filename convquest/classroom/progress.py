"""Where each student stands, read from the results database: for the export and the live view.

Plain data and no engine: the part labels are stored with each sitting, so reading results needs
neither the quiz file nor the problem code (a teacher can read last term's results after an
upgrade). A sitting nobody finished is over anyway once its time limit has passed; that is worked
out here, so a student who never came back still shows as timed out.

A teacher's override (results.MarkOverride) replaces a question's mark, never its answers: the
question still says what the student typed and whether the engine judged it right.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from convquest.classroom.results import AnswerRow, MarkOverride, ResultsDB, SessionRow, Sitting
from convquest.practice.exam import marked_per_cell

RIGHT, WRONG, PARTLY, OPEN = "right", "wrong", "partly", "open"
MARKS = {RIGHT: "✓", WRONG: "✗", PARTLY: "½", OPEN: "·"}  # ½: some parts answered, the rest still open
IN_PROGRESS = "in progress"


@dataclass(frozen=True)
class PartState:
    label: str
    answer: str | None
    correct: bool
    mistake: str | None
    at: float | None


@dataclass(frozen=True)
class QuestionState:
    number: int
    topic: str
    parts: tuple[PartState, ...]
    per_cell: bool = False  # a grid marked per cell: each cell right earns its share of the mark
    override: MarkOverride | None = None  # the teacher's mark in force, if any

    @property
    def answered_marks(self) -> float:
        """What the answers earned: 1 right, a grid marked per cell its share of cells right."""
        if self.per_cell and self.parts:
            return sum(1 for p in self.parts if p.correct) / len(self.parts)
        return 1.0 if self.state == RIGHT else 0.0

    @property
    def marks(self) -> float:
        """The mark that counts: the teacher's override where there is one."""
        if self.override is not None and self.override.mark is not None:
            return self.override.mark
        return self.answered_marks

    @property
    def overridden(self) -> bool:
        return self.override is not None and self.override.mark is not None

    @property
    def mistakes(self) -> list[str]:
        """The mistake keys of the parts answered wrong, each once ("other" where the engine named none)."""
        return list(dict.fromkeys(p.mistake or "other" for p in self.parts if p.answer is not None and not p.correct))

    @property
    def state(self) -> str:
        answered = [p for p in self.parts if p.answer is not None]
        if not answered:
            return OPEN
        if len(answered) < len(self.parts):
            return PARTLY
        return RIGHT if all(p.correct for p in self.parts) else WRONG

    @property
    def mark(self) -> str:
        return MARKS[self.state]


@dataclass(frozen=True)
class StudentProgress:
    student: str
    quiz_id: str
    title: str
    questions: tuple[QuestionState, ...]
    started_at: float
    ended_at: float | None  # when it finished (or its time ran out); None while it runs
    status: str  # IN_PROGRESS, "completed", "time", "handed-in"
    deadline: float | None
    paper: str = "{}"  # the sitting's Paper JSON: the problems as drawn for this student

    @property
    def answered(self) -> int:
        return sum(1 for q in self.questions if q.state in (RIGHT, WRONG))

    @property
    def score(self) -> float:
        """Marks so far: a question right is 1, a grid marked per cell its share of cells right."""
        return sum(q.marks for q in self.questions)

    @property
    def total(self) -> int:
        """The most marks there are: one per question."""
        return len(self.questions)

    @property
    def percent(self) -> float:
        return 100 * self.score / self.total if self.total else 0.0

    def seconds(self, now: float) -> float:
        """Time spent: to the end if it ended, else until now."""
        return max(0.0, (self.ended_at if self.ended_at is not None else now) - self.started_at)

    def remaining(self, now: float) -> float | None:
        if self.deadline is None or self.ended_at is not None:
            return None
        return max(0.0, self.deadline - now)


def student_progress(
    sitting: Sitting, answers: list[AnswerRow], now: float, overrides: Iterable[MarkOverride] = ()
) -> StudentProgress:
    by_part = {(a.question, a.part): a for a in answers}
    latest: dict[int, MarkOverride] = {}
    for override in sorted(overrides, key=lambda o: o.id):
        latest[override.question] = override  # the last word on a question is the one in force
    topics = [q.get("topic", "") for q in json.loads(sitting.paper).get("questions", [])]
    questions = []
    for number, labels in enumerate(sitting.labels, start=1):
        parts = []
        for part, label in enumerate(labels):
            row = by_part.get((number, part))
            parts.append(
                PartState(
                    label,
                    row.answer if row else None,
                    bool(row and row.correct),
                    row.mistake if row else None,
                    row.at if row else None,
                )
            )
        per_cell = sitting.grid_marking == "per-cell" and marked_per_cell(labels)
        topic = topics[number - 1] if number <= len(topics) else ""
        in_force = latest.get(number)
        questions.append(
            QuestionState(
                number, topic, tuple(parts), per_cell, in_force if in_force and in_force.mark is not None else None
            )
        )
    deadline = sitting.deadline()
    status, ended = sitting.finish_reason or IN_PROGRESS, sitting.finished_at
    # Worked out when the sitting row does not say (its finishing write failed, or nobody came back).
    last = max((row.at for row in answers), default=None)
    if ended is None and last is not None and all(p.answer is not None for q in questions for p in q.parts):
        status, ended = "completed", last
    elif ended is None and deadline is not None and now >= deadline:
        status, ended = "time", deadline
    return StudentProgress(
        sitting.student,
        sitting.quiz_id,
        sitting.title,
        tuple(questions),
        sitting.started_at,
        ended,
        status,
        deadline,
        sitting.paper,
    )


def quiz_progress(db: ResultsDB, quiz_id: str, now: float | None = None) -> list[StudentProgress]:
    """Every student who started `quiz_id`, by student id."""
    now = time.time() if now is None else now
    answers: dict[str, list[AnswerRow]] = {}
    for row in db.answers(quiz_id):
        answers.setdefault(row.student, []).append(row)
    overrides: dict[str, list[MarkOverride]] = {}
    for override in db.overrides(quiz_id):
        overrides.setdefault(override.student, []).append(override)
    return [
        student_progress(s, answers.get(s.student, []), now, overrides.get(s.student, ())) for s in db.sittings(quiz_id)
    ]


# --- a teacher's override ---------------------------------------------------------------------------


class OverrideRefused(ValueError):
    """The override names no sitting, question or possible mark; the message says which and what is known."""


def override_mark(
    db: ResultsDB,
    quiz_id: str,
    student: str,
    question: int,
    mark: float | None,
    *,
    by: str,
    now: float,
    reason: str = "",
) -> MarkOverride:
    """Record `by`'s mark for one question of one student's sitting (None: back to the answers' mark)."""
    titles = dict(db.quizzes())
    if quiz_id not in titles:
        raise OverrideRefused(f"no quiz '{quiz_id}' has been sat (quizzes with results: {_listed(sorted(titles))})")
    sitting = db.sitting(quiz_id, student)
    if sitting is None:
        students = [s.student for s in db.sittings(quiz_id)]
        raise OverrideRefused(f"'{student}' has not started quiz '{quiz_id}' (students who have: {_listed(students)})")
    count = len(sitting.labels)
    if not 1 <= question <= count:
        raise OverrideRefused(
            f"quiz '{quiz_id}' has questions 1 to {count}; there is no question {question}"
            if count > 1
            else f"quiz '{quiz_id}' has one question, question 1; there is no question {question}"
        )
    if mark is not None and not (math.isfinite(mark) and 0 <= mark <= 1):
        raise OverrideRefused(f"a question is worth 1 mark: give a mark from 0 to 1 (like 0.5), not {mark:g}")
    return db.override_mark(quiz_id, student, question, mark, by=by, now=now, reason=reason)


def _listed(names: Sequence[str], most: int = 8) -> str:
    if not names:
        return "none yet"
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


# --- per-question statistics ------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionStats:
    number: int
    topic: str  # the topic on most papers (per-student papers may draw different variants)
    students: int  # whose paper has this question
    answered: int  # gave every part
    right: float  # of those: how many right, a grid marked per cell counting its share of cells right
    marks: float  # the marks that count, overrides included, summed over the students
    mistakes: tuple[tuple[str, int], ...]  # (mistake key, students who made it), commonest first

    @property
    def percent_right(self) -> float | None:
        """Of the students who answered it: None while nobody has."""
        return 100 * self.right / self.answered if self.answered else None

    @property
    def mean_mark(self) -> float:
        return self.marks / self.students if self.students else 0.0


def question_stats(students: Sequence[StudentProgress]) -> list[QuestionStats]:
    """Each question across the class: how many answered, the share right and the commonest mistakes."""
    count = max((s.total for s in students), default=0)
    stats = []
    for number in range(1, count + 1):
        states = [s.questions[number - 1] for s in students if s.total >= number]
        mistakes: Counter[str] = Counter()
        for q in states:
            mistakes.update(q.mistakes)
        topic = Counter(q.topic for q in states).most_common(1)[0][0] if states else ""
        stats.append(
            QuestionStats(
                number,
                topic,
                len(states),
                sum(1 for q in states if q.state in (RIGHT, WRONG)),
                sum(q.answered_marks for q in states if q.state in (RIGHT, WRONG)),
                sum(q.marks for q in states),
                tuple(sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return stats


@dataclass(frozen=True)
class Snapshot:
    """What the live view shows at one moment."""

    quiz_id: str | None
    title: str | None
    students: tuple[StudentProgress, ...]
    connected: dict[str, SessionRow]  # student → their open session (the latest, if several)
    taken_at: float

    def roster(self) -> list[str]:
        """Everyone to show: who started the quiz, and who is connected without having started."""
        return sorted({s.student for s in self.students} | set(self.connected))

    def progress_of(self, student: str) -> StudentProgress | None:
        return next((s for s in self.students if s.student == student), None)


def snapshot(db: ResultsDB, quiz_id: str | None = None, now: float | None = None) -> Snapshot:
    """The given quiz (default: the one started most recently) and who is connected now."""
    now = time.time() if now is None else now
    quizzes = db.quizzes()
    if quiz_id is None and quizzes:
        quiz_id = quizzes[0][0]
    title = dict(quizzes).get(quiz_id) if quiz_id is not None else None
    students = tuple(quiz_progress(db, quiz_id, now)) if quiz_id is not None else ()
    connected: dict[str, SessionRow] = {}
    for session in db.open_sessions():
        connected[session.student] = session  # ordered by connection time: the latest wins
    return Snapshot(quiz_id, title, students, connected, now)
