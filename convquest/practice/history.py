"""Practice and exam history in the progress database.

The answers themselves go through ``Store.record_attempt`` (mode "practice" or "exam", the topic
and the engine's mistake key), the moment they are given, like every other answer in the game.
Their ``level_id`` is ``"<mode>:<session>:<question>"`` so a session's answers can be found again.
This module adds what the store does not know about: the sessions, the questions each one asked
(topic, params, prompt, solution, time spent) and the practice schedule, in tables of its own
(the store's migration 2 makes them).

Answers are re-checked against the question rebuilt from its params when a report is made, so the
report's diagnoses are the engine's sentences, not a copy frozen in the database.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from convquest.play.record import Answer
from convquest.practice.exam import marked_per_cell
from convquest.practice.records import PartRecord, QuestionRecord
from convquest.practice.schedule import Schedule, TopicState

if TYPE_CHECKING:
    from convquest.engine.problems.base import Problem, Verdict
    from convquest.practice.exam import Paper
    from convquest.store import Store


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def level_id(mode: str, session_id: int, number: int) -> str:
    return f"{mode}:{session_id}:{number}"


@dataclass(frozen=True)
class SessionInfo:
    id: int
    mode: str
    seed: int
    topics: tuple[str, ...]
    minutes: float | None
    paper: str | None
    started: str
    finished: str | None
    reason: str | None


def _kept_going(method):
    """A write during a session that the database refuses (locked by another program, disk full)
    must not end the exam: the answers themselves go through the store, which keeps and retries
    them. Say so on the store's notice line, which the screens show, and carry on."""

    @functools.wraps(method)
    def wrapper(self: History, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.OperationalError as exc:
            self.store.notice = f"Practice history could not be saved just now ({exc}); answers still are."
            return None

    return wrapper


def _json(value: Any) -> str:
    def default(v: Any) -> Any:
        if hasattr(v, "tolist"):
            return v.tolist()
        raise TypeError(f"cannot store {type(v).__name__} in params")

    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=default)


class History:
    """Reads and writes the practice tables through the store's own connection and lock.

    Sharing the connection (rather than opening a second one) keeps one writer per process and
    follows the store wherever it went: a moved-aside database, or memory when the disk refused.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._conn: sqlite3.Connection = store.connection
        self._lock: threading.Lock = store.lock

    # -- low level ----------------------------------------------------------------------------

    def _execute(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, args)

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    # -- sessions -----------------------------------------------------------------------------

    def start_session(
        self,
        mode: str,
        seed: int,
        topics: list[str],
        *,
        minutes: float | None = None,
        paper: Paper | None = None,
    ) -> int:
        if mode not in ("practice", "exam"):
            raise ValueError(f"mode must be 'practice' or 'exam', not {mode!r}")
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                cur = self._conn.execute(
                    "INSERT INTO practice_sessions (mode, seed, topics, minutes, paper, started) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (mode, seed, json.dumps(list(topics)), minutes, None if paper is None else paper.to_json(), now()),
                )
                assert cur.lastrowid is not None  # an INSERT's row id
                session_id = cur.lastrowid
                if paper is not None:
                    # The whole paper is written before the first question is shown, so an exam
                    # cut off by a dropped connection still reports every question it asked.
                    for q in paper.questions:
                        problem = q.problem()
                        self._insert_question(session_id, q.number, q.topic, q.kind, q.params, problem)
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        return session_id

    def _insert_question(
        self, session_id: int, number: int, topic: str, kind: str, params: dict, problem: Problem
    ) -> None:
        self._conn.execute(
            "INSERT INTO practice_questions (session_id, number, topic, kind, params, parts, prompt, solution) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                number,
                topic,
                kind,
                _json(params),
                json.dumps(list(problem.parts())),
                problem.prompt(),
                problem.solution(),
            ),
        )

    @_kept_going
    def add_question(self, session_id: int, number: int, problem: Problem) -> None:
        """A practice problem as it is shown (exam papers are written whole by start_session)."""
        with self._lock:
            self._insert_question(session_id, number, problem.topic, problem.kind, problem.params(), problem)

    @_kept_going
    def update_question(
        self,
        session_id: int,
        number: int,
        *,
        seconds: float | None = None,
        hints: int | None = None,
        skipped: bool | None = None,
    ) -> None:
        sets, args = [], []
        for column, value in (("seconds", seconds), ("hints", hints), ("skipped", skipped)):
            if value is not None:
                sets.append(f"{column} = ?")
                args.append(int(value) if isinstance(value, bool) else value)
        if sets:
            self._execute(
                f"UPDATE practice_questions SET {', '.join(sets)} WHERE session_id = ? AND number = ?",
                (*args, session_id, number),
            )

    def record_answer(
        self,
        mode: str,
        session_id: int,
        number: int,
        topic: str,
        part: int,
        text: str,
        verdict: Verdict,
        *,
        hints: int = 0,
    ) -> None:
        answer = Answer(
            place=level_id(mode, session_id, number),
            part=part,
            text=text,
            correct=verdict.correct,
            mistake=None if verdict.correct else (verdict.mistake or "other"),
            topic=topic,
            rung=hints,
            mode=mode,
            question=number,
        )
        self.record((answer,))

    def record(self, answers: tuple[Answer, ...]) -> None:
        """The play layer's Recorder: answers kept with the progress store's attempts."""
        self.store.record(answers)

    @_kept_going
    def finish_session(self, session_id: int, reason: str) -> None:
        self._execute(
            "UPDATE practice_sessions SET finished = ?, reason = ? WHERE id = ? AND finished IS NULL",
            (now(), reason, session_id),
        )

    def session(self, session_id: int) -> SessionInfo | None:
        rows = self._rows(
            "SELECT id, mode, seed, topics, minutes, paper, started, finished, reason "
            "FROM practice_sessions WHERE id = ?",
            (session_id,),
        )
        return _info(rows[0]) if rows else None

    def sessions(self, mode: str | None = None) -> list[SessionInfo]:
        sql = "SELECT id, mode, seed, topics, minutes, paper, started, finished, reason FROM practice_sessions"
        rows = self._rows(sql + (" WHERE mode = ?" if mode else "") + " ORDER BY id", (mode,) if mode else ())
        return [_info(r) for r in rows]

    def latest_session(self, mode: str | None = None) -> SessionInfo | None:
        """The latest session with at least one question (an abandoned empty one says nothing)."""
        for info in reversed(self.sessions(mode)):
            if self._rows("SELECT 1 FROM practice_questions WHERE session_id = ? LIMIT 1", (info.id,)):
                return info
        return None

    # -- reading a session back ---------------------------------------------------------------

    def records(self, session_id: int, *, recheck: bool = True) -> list[QuestionRecord]:
        """Every question of the session with one answer per part: in an exam the last one (an
        answer may be changed until the paper is handed in), in practice the first (a part
        retried until right still counts as missed, as it did for the schedule)."""
        info = self.session(session_id)
        if info is None:
            raise KeyError(f"no practice or exam session {session_id}")
        questions = self._rows(
            "SELECT number, topic, kind, params, parts, prompt, solution, seconds, hints, skipped "
            "FROM practice_questions WHERE session_id = ? ORDER BY number",
            (session_id,),
        )
        prefix = f"{info.mode}:{session_id}:"
        with self._lock:
            attempts = self._conn.execute(
                "SELECT level_id, part, answer, correct, mistake FROM attempts "
                "WHERE level_id LIKE ? ESCAPE '\\' ORDER BY id",
                (prefix.replace("_", "\\_") + "%",),
            ).fetchall()
        last: dict[tuple[int, int], tuple[str, bool, str | None]] = {}
        keep_first = info.mode == "practice"
        for lid, part, answer, correct, mistake in attempts:
            key = (int(lid.rsplit(":", 1)[1]), part)
            if keep_first and key in last:
                continue
            last[key] = (answer, bool(correct), mistake)
        out = []
        for number, topic, kind, params, parts, prompt, solution, seconds, hints, skipped in questions:
            if keep_first and not skipped and not any(n == number for n, _ in last):
                continue  # the practice problem on screen when the student stopped: never asked of them
            labels = json.loads(parts) or [""]
            problem = _rebuild(kind, params) if recheck else None
            part_records = []
            for p, label in enumerate(labels):
                if (number, p) not in last:
                    part_records.append(PartRecord(label, None, False))
                    continue
                answer, correct, mistake = last[(number, p)]
                part_records.append(_part(label, p, answer, correct, mistake, problem))
            # Exams mark a grid per cell; a practice problem's grid is its own cells just the same.
            per_cell = marked_per_cell(labels)
            out.append(
                QuestionRecord(
                    number, topic, kind, prompt, solution, float(seconds), tuple(part_records), hints, per_cell
                )
            )
        return out

    # -- the practice schedule ----------------------------------------------------------------

    def load_schedule(self) -> Schedule:
        schedule = Schedule()
        for topic, box, due, seen, correct, wrong, last_turn in self._rows(
            "SELECT topic, box, due, seen, correct, wrong, last_turn FROM practice_topics"
        ):
            schedule.states[topic] = TopicState(topic, box, due, seen, correct, wrong, last_turn)
        state = dict(self._rows("SELECT key, value FROM practice_state"))
        schedule.turn = int(state.get("turn", 0))
        schedule.streak = int(state.get("streak", 0))
        schedule.difficulty = int(state.get("difficulty", schedule.difficulty))
        return schedule

    @_kept_going
    def save_topic(self, schedule: Schedule, topic: str) -> None:
        """Write one topic's box and the stream's turn/streak/difficulty in one transaction, so a
        crash never leaves a topic moved without the turn that moved it."""
        st = schedule.states[topic]
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute(
                    "INSERT INTO practice_topics (topic, box, due, seen, correct, wrong, last_turn) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (topic) DO UPDATE SET box = excluded.box, "
                    "due = excluded.due, seen = excluded.seen, correct = excluded.correct, "
                    "wrong = excluded.wrong, last_turn = excluded.last_turn",
                    (st.topic, st.box, st.due, st.seen, st.correct, st.wrong, st.last_turn),
                )
                for key, value in (
                    ("turn", schedule.turn),
                    ("streak", schedule.streak),
                    ("difficulty", schedule.difficulty),
                ):
                    self._conn.execute(
                        "INSERT INTO practice_state (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (key, str(value)),
                    )
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise


def _info(row: tuple) -> SessionInfo:
    id_, mode, seed, topics, minutes, paper, started, finished, reason = row
    return SessionInfo(id_, mode, seed, tuple(json.loads(topics)), minutes, paper, started, finished, reason)


def _rebuild(kind: str, params: str) -> Problem | None:
    from convquest.engine import problems

    try:
        return problems.from_params(kind, json.loads(params))
    except (ValueError, KeyError, TypeError):
        return None  # a question the engine no longer makes: report what was stored


def _part(
    label: str, part: int, answer: str, correct: bool, mistake: str | None, problem: Problem | None
) -> PartRecord:
    if problem is not None:
        from convquest.engine.problems import Verdict
        from convquest.play.judge import judge

        try:
            verdict = judge(problem, answer, part)
        except TypeError:
            verdict = None
        if isinstance(verdict, Verdict) and verdict.correct == correct:
            return PartRecord(label, answer, correct, mistake, verdict.diagnosis, verdict.explanation)
    return PartRecord(label, answer, correct, mistake)
