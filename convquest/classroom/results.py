"""The class's results database: quiz sittings, answers, sessions. By default an SQLite file
(`<server data dir>/classroom.db`); with `--results postgresql://…` a PostgreSQL database that
several classroom servers share (convquest.classroom.backends: the SQL here is written once, for both).

Many processes use it at once: every student's quiz process writes its answers, the server writes
who is connected, the teacher's view reads. So: WAL (readers never wait for writers), a busy
timeout (a writer waits its turn instead of failing), and each change is one short committed
transaction with synchronous=FULL, so an answer the quiz acknowledged survives its process being
killed the next instant. An answer is acknowledged only after its commit returned.

Times are Unix seconds (REAL): a sitting's clock must survive the process that started it, so it
cannot be a monotonic clock. `ResultsDB.now` is the database's clock (PostgreSQL's, when servers
share one), so every process that shares the results agrees on a deadline.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from convquest.classroom.backends import Connection, is_postgres, open_postgres, open_sqlite, shown
from convquest.play.record import Answer

DB_NAME = "classroom.db"
BUSY_TIMEOUT = 15.0  # seconds a writer waits for the lock: 60 students answering at once queue briefly

# Written for SQLite; PostgreSQL's backend spells its own types (convquest.classroom.backends).
# `by` is quoted because it is a keyword in PostgreSQL.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sittings (
        quiz_id TEXT NOT NULL,
        student TEXT NOT NULL,
        title TEXT NOT NULL,
        paper TEXT NOT NULL,            -- Paper.to_json(): the very problems this student got
        labels TEXT NOT NULL,           -- JSON: the part labels of each question, for readers without the engine
        minutes REAL,                   -- NULL: no time limit
        feedback TEXT NOT NULL,
        started_at REAL NOT NULL,       -- first start; the time limit counts from here, across reconnects
        finished_at REAL,
        finish_reason TEXT,             -- 'completed' | 'time' | 'handed-in'
        PRIMARY KEY (quiz_id, student)
    );
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY,
        quiz_id TEXT NOT NULL,
        student TEXT NOT NULL,
        question INTEGER NOT NULL,      -- 1-based, as on the paper
        part INTEGER NOT NULL,
        answer TEXT NOT NULL,
        correct INTEGER NOT NULL,
        mistake TEXT,
        at REAL NOT NULL,
        UNIQUE (quiz_id, student, question, part)
    );
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        student TEXT NOT NULL,
        address TEXT NOT NULL,
        quiz_id TEXT,
        connected_at REAL NOT NULL,
        disconnected_at REAL,
        reason TEXT
    );
    CREATE INDEX sessions_open ON sessions (disconnected_at);
    """,
    # How the quiz marks a grid question, as it was when the student started (the file may change).
    "ALTER TABLE sittings ADD COLUMN grid_marking TEXT NOT NULL DEFAULT 'per-cell';",
    # A teacher's change to a question's mark (`convquest results override`). A row per change, never
    # an update, so who changed what and when stays on record; the latest row of a question wins and
    # a NULL mark puts it back to the mark its answers earned. The answers themselves are untouched.
    """
    CREATE TABLE mark_overrides (
        id INTEGER PRIMARY KEY,
        quiz_id TEXT NOT NULL,
        student TEXT NOT NULL,
        question INTEGER NOT NULL,      -- 1-based, as on the paper
        mark REAL,                      -- NULL: back to the marked answers
        by_user TEXT NOT NULL,          -- the OS user who ran the command
        at REAL NOT NULL,
        reason TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX mark_overrides_of ON mark_overrides (quiz_id, student, question);
    """,
    # Teacher controls (`convquest class`, `convquest student`): extra time given to one sitting, a
    # quiz ended for everyone (a student who first logs in after that finds it over), and a log of
    # every such action, who ran it and when, so a disputed mark can be traced.
    """
    ALTER TABLE sittings ADD COLUMN extra_minutes REAL NOT NULL DEFAULT 0;
    CREATE TABLE quiz_ends (
        quiz_id TEXT PRIMARY KEY,
        ended_at REAL NOT NULL,
        ended_by TEXT NOT NULL
    );
    CREATE TABLE teacher_actions (
        id INTEGER PRIMARY KEY,
        action TEXT NOT NULL,           -- 'extend' | 'reopen' | 'end' | 'export' | 'delete'
        quiz_id TEXT,
        student TEXT,
        detail TEXT NOT NULL,           -- what changed, in words
        "by" TEXT NOT NULL,             -- the OS user who ran the command
        at REAL NOT NULL
    );
    """,
    # Several servers may share one database (PostgreSQL): each session says whose it is, so a
    # server that restarts closes the sessions it left open, not the ones its neighbours hold.
    "ALTER TABLE sessions ADD COLUMN server TEXT NOT NULL DEFAULT '';",
)


class ResultsUnavailable(Exception):
    """The results database cannot be opened or written; the message says what to fix."""


class ActionRefused(Exception):
    """A teacher's action that cannot be done (no such sitting, nothing to reopen); the message
    says why and what would work, and nothing was changed."""


# A sitting's finish reasons: convquest.classroom.sitting writes the first three; ENDED is the
# teacher ending the quiz for everyone (`convquest class end`).
COMPLETED, TIME_UP, HANDED_IN, ENDED = "completed", "time", "handed-in", "ended"


@dataclass(frozen=True)
class Sitting:
    quiz_id: str
    student: str
    title: str
    paper: str
    labels: tuple[tuple[str, ...], ...]
    minutes: float | None
    feedback: str
    started_at: float
    finished_at: float | None
    finish_reason: str | None
    grid_marking: str = "per-cell"  # or "all-or-nothing": practice.records.GRID_MARKING
    extra_minutes: float = 0.0  # given by the teacher (`convquest class extend`)

    @property
    def parts(self) -> int:
        return sum(len(q) for q in self.labels)

    @property
    def total_minutes(self) -> float | None:
        """The time limit with any extra time given; None without a limit."""
        return None if self.minutes is None else self.minutes + self.extra_minutes

    def deadline(self) -> float | None:
        total = self.total_minutes
        return None if total is None else self.started_at + total * 60

    def over(self, now: float) -> bool:
        """Finished, or its time gone (a sitting nobody came back to is over all the same)."""
        deadline = self.deadline()
        return self.finished_at is not None or (deadline is not None and now >= deadline)


@dataclass(frozen=True)
class TeacherAction:
    id: int
    action: str
    quiz_id: str | None
    student: str | None
    detail: str
    by: str
    at: float


@dataclass(frozen=True)
class AnswerRow:
    id: int
    quiz_id: str
    student: str
    question: int
    part: int
    answer: str
    correct: bool
    mistake: str | None
    at: float


@dataclass(frozen=True)
class SessionRow:
    id: str
    student: str
    address: str
    quiz_id: str | None
    connected_at: float
    disconnected_at: float | None
    reason: str | None


@dataclass(frozen=True)
class MarkOverride:
    id: int
    quiz_id: str
    student: str
    question: int
    mark: float | None  # None: the override was withdrawn, the answers' own mark counts again
    by: str
    at: float
    reason: str


@dataclass(frozen=True)
class NewAnswer:
    question: int
    part: int
    answer: str
    correct: bool
    mistake: str | None


class QuizRecorder:
    """The play layer's Recorder for one student's quiz: answers go to the class results."""

    def __init__(self, db: ResultsDB, quiz_id: str, student: str, clock: Callable[[], float]) -> None:
        self.db = db
        self.quiz_id = quiz_id
        self.student = student
        self.clock = clock

    def record(self, answers: tuple[Answer, ...]) -> None:
        """All of `answers` in one write, or none (sqlite3.Error: the caller retries)."""
        rows = [NewAnswer(a.question, a.part, a.text, a.correct, a.mistake) for a in answers]
        self.db.record_answers(self.quiz_id, self.student, rows, now=self.clock())


_SITTING_COLUMNS = (
    "quiz_id, student, title, paper, labels, minutes, feedback, started_at, finished_at, finish_reason, grid_marking"
    ", extra_minutes"
)
_ANSWER_COLUMNS = "id, quiz_id, student, question, part, answer, correct, mistake, at"
_SESSION_COLUMNS = "id, student, address, quiz_id, connected_at, disconnected_at, reason"
_OVERRIDE_COLUMNS = "id, quiz_id, student, question, mark, by_user, at, reason"


Target = Path | str  # an SQLite file, or a postgresql:// URL


class ResultsDB:
    """One connection to the results database. Thread-safe: calls are serialised by a lock."""

    def __init__(self, conn: Connection, path: Target, server: str = "") -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self.server = server  # who writes the sessions: one of the servers sharing the database

    @classmethod
    def open(cls, path: Target, *, timeout: float = BUSY_TIMEOUT, server: str = "") -> ResultsDB:
        """Open (creating and migrating if needed) the database at `path`: a file, or a
        postgresql:// URL. `server` names the classroom server whose sessions this one writes."""
        target = path if is_postgres(path) else Path(path)
        try:
            conn = open_postgres(str(target), timeout) if is_postgres(target) else open_sqlite(Path(target), timeout)
        except (OSError, sqlite3.Error) as exc:
            raise ResultsUnavailable(f"cannot open the results database {shown(target)}: {exc}") from None
        try:
            _prepare(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise ResultsUnavailable(f"the results database {shown(target)} cannot be used: {exc}") from None
        return cls(conn, target, server)

    @classmethod
    def open_existing(cls, path: Target, *, timeout: float = BUSY_TIMEOUT) -> ResultsDB | None:
        """For readers (results, the teacher's view): None when no quiz has been served yet, so
        reading never leaves an empty database behind where the teacher looked."""
        if not is_postgres(path):
            return cls.open(path, timeout=timeout) if Path(path).exists() else None
        try:
            conn = open_postgres(str(path), timeout)
            served = conn.has_schema()
        except sqlite3.Error as exc:
            raise ResultsUnavailable(f"cannot open the results database {shown(path)}: {exc}") from None
        conn.close()
        return cls.open(path, timeout=timeout) if served else None

    @property
    def where(self) -> str:
        """The database as said to the teacher: its file, or its URL without the password."""
        return shown(self.path)

    def now(self) -> float:
        """The database's clock, in Unix seconds: what deadlines are measured by."""
        with self._lock:
            return self._conn.now()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def _execute(self, sql: str, args: tuple = ()) -> None:
        with self._lock:
            self._conn.execute(sql, args)

    # --- sittings -------------------------------------------------------------------------------

    def start_sitting(
        self,
        *,
        quiz_id: str,
        student: str,
        title: str,
        paper: str,
        labels: Sequence[Sequence[str]],
        minutes: float | None,
        feedback: str,
        now: float,
        grid_marking: str = "per-cell",
    ) -> Sitting:
        """The student's sitting of this quiz: created now if it is their first start, else the
        one they began before (its paper and start time win, so a reconnect changes nothing)."""
        self._execute(
            f"INSERT INTO sittings ({_SITTING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, 0) "
            "ON CONFLICT (quiz_id, student) DO NOTHING",
            (
                quiz_id,
                student,
                title,
                paper,
                json.dumps([list(q) for q in labels]),
                minutes,
                feedback,
                now,
                grid_marking,
            ),
        )
        sitting = self.sitting(quiz_id, student)
        assert sitting is not None  # inserted, or there already
        return sitting

    def finish_sitting(self, quiz_id: str, student: str, reason: str, now: float) -> None:
        """Mark the sitting over; the first finish stands (a later one changes nothing)."""
        self._execute(
            "UPDATE sittings SET finished_at = ?, finish_reason = ? "
            "WHERE quiz_id = ? AND student = ? AND finished_at IS NULL",
            (now, reason, quiz_id, student),
        )

    def sitting(self, quiz_id: str, student: str) -> Sitting | None:
        rows = self._rows(
            f"SELECT {_SITTING_COLUMNS} FROM sittings WHERE quiz_id = ? AND student = ?", (quiz_id, student)
        )
        return _sitting(rows[0]) if rows else None

    def sittings(self, quiz_id: str | None = None) -> list[Sitting]:
        if quiz_id is None:
            rows = self._rows(f"SELECT {_SITTING_COLUMNS} FROM sittings ORDER BY quiz_id, student")
        else:
            rows = self._rows(f"SELECT {_SITTING_COLUMNS} FROM sittings WHERE quiz_id = ? ORDER BY student", (quiz_id,))
        return [_sitting(r) for r in rows]

    def quizzes(self) -> list[tuple[str, str]]:
        """(id, title) of every quiz sat, the most recently started first."""
        # The title of each quiz's latest sitting, worked out here: PostgreSQL takes no column
        # beside MAX() that is not grouped.
        latest: dict[str, str] = {}
        for quiz_id, title in self._rows("SELECT quiz_id, title FROM sittings ORDER BY started_at DESC, quiz_id"):
            latest.setdefault(quiz_id, title)
        return list(latest.items())

    # --- answers --------------------------------------------------------------------------------

    def record_answers(self, quiz_id: str, student: str, answers: Iterable[NewAnswer], now: float) -> None:
        """Write answers in one transaction: all of them are saved, or none (the caller retries).

        A part already answered keeps its first answer: a quiz answer is final, and a write
        repeated after a lost acknowledgement must not count twice.
        """
        rows = [
            (quiz_id, student, a.question, a.part, a.answer, int(bool(a.correct)), a.mistake, now)
            + (quiz_id, student, a.question, a.part)
            for a in answers
        ]
        with self._lock:
            try:
                self._conn.begin(exclusive=False)
                # One row per part, wherever it was sent from (a student who reconnects to another
                # server resends nothing twice). NOT EXISTS first, so PostgreSQL does not spend a
                # row id on an answer it then drops (ids would differ from SQLite's); the conflict
                # clause covers two servers writing the same part at the same instant.
                self._conn.executemany(
                    "INSERT INTO answers (quiz_id, student, question, part, answer, correct, mistake, at) "
                    "SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM answers "
                    "WHERE quiz_id = ? AND student = ? AND question = ? AND part = ?) "
                    "ON CONFLICT (quiz_id, student, question, part) DO NOTHING",
                    rows,
                )
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def answers(self, quiz_id: str | None = None, student: str | None = None, *, after: int = 0) -> list[AnswerRow]:
        where, args = ["id > ?"], list[object]([int(after)])
        if quiz_id is not None:
            where.append("quiz_id = ?")
            args.append(quiz_id)
        if student is not None:
            where.append("student = ?")
            args.append(student)
        rows = self._rows(f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE {' AND '.join(where)} ORDER BY id", tuple(args))
        return [AnswerRow(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8]) for r in rows]

    # --- mark overrides (written by `convquest results override`) ----------------------------------

    def override_mark(
        self, quiz_id: str, student: str, question: int, mark: float | None, *, by: str, now: float, reason: str = ""
    ) -> MarkOverride:
        """Record a teacher's mark for one question (None withdraws the last one); checks are the caller's."""
        with self._lock:
            row_id = self._conn.execute(
                "INSERT INTO mark_overrides (quiz_id, student, question, mark, by_user, at, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (quiz_id, student, question, mark, by, now, reason),
            ).fetchone()[0]
        return MarkOverride(row_id, quiz_id, student, question, mark, by, now, reason)

    def overrides(self, quiz_id: str | None = None, *, after: int = 0) -> list[MarkOverride]:
        """Every override recorded (after the row id `after`), oldest first: the last one of a
        question is the one that counts."""
        where = ["id > ?"]
        args: list[object] = [int(after)]
        if quiz_id is not None:
            where.append("quiz_id = ?")
            args.append(quiz_id)
        rows = self._rows(
            f"SELECT {_OVERRIDE_COLUMNS} FROM mark_overrides WHERE {' AND '.join(where)} ORDER BY id", tuple(args)
        )
        return [MarkOverride(*r) for r in rows]

    # --- sessions (written by the server) ------------------------------------------------------

    def session_opened(self, session_id: str, student: str, address: str, quiz_id: str | None, now: float) -> None:
        self._execute(
            f"INSERT INTO sessions ({_SESSION_COLUMNS}, server) VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)",
            (session_id, student, address, quiz_id, now, self.server),
        )

    def session_closed(self, session_id: str, reason: str, now: float) -> None:
        self._execute(
            "UPDATE sessions SET disconnected_at = ?, reason = ? WHERE id = ? AND disconnected_at IS NULL",
            (now, reason, session_id),
        )

    def close_open_sessions(self, reason: str, now: float) -> int:
        """Close sessions this server left open when it stopped without saying (a crash, a power cut),
        and any left from before sessions named their server (their server is gone since)."""
        with self._lock:
            cursor = self._conn.execute(
                "UPDATE sessions SET disconnected_at = ?, reason = ? "
                "WHERE disconnected_at IS NULL AND server IN (?, '')",
                (now, reason, self.server),
            )
            return cursor.rowcount

    def open_sessions(self) -> list[SessionRow]:
        rows = self._rows(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE disconnected_at IS NULL ORDER BY connected_at"
        )
        return [SessionRow(*r) for r in rows]

    def sessions(self) -> list[SessionRow]:
        return [SessionRow(*r) for r in self._rows(f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY connected_at")]

    # --- teacher controls (`convquest class`, `convquest student`) ----------------------------
    # Each is one transaction that reads what it changes under the write lock, so a student's
    # process finishing the sitting at the same moment cannot slip in between; each is logged with
    # who ran it. The sitting on the student's screen reads the row again every few seconds
    # (convquest.classroom.sitting), so an end or extra time reaches it without a message.

    def extend(self, quiz_id: str, student: str, minutes: float, *, by: str, now: float) -> Sitting:
        """Give `student` `minutes` more on `quiz_id`. A sitting its time had ended is open again
        (the time was what ended it); one handed in or ended by the teacher needs `reopen`."""
        if not 0 < minutes <= MAX_EXTRA_MINUTES:
            raise ActionRefused(f"extra time is more than 0 and at most {MAX_EXTRA_MINUTES} minutes, not {minutes:g}")
        with self._write() as conn:
            # Their clock starts at their first login; the extra time is given to that sitting.
            sitting = _sitting_for_action(conn, quiz_id, student, "; give the extra time once they have logged in")
            if sitting.minutes is None:
                raise ActionRefused(f"quiz '{quiz_id}' has no time limit, so there is no time to add")
            answered, _ = _answered(conn, quiz_id, student)
            if answered >= sitting.parts:
                raise ActionRefused(f"{student} has answered every question of '{quiz_id}': no time is needed")
            if sitting.finished_at is not None and sitting.finish_reason != TIME_UP:
                raise ActionRefused(
                    f"{student}'s sitting of '{quiz_id}' is over ({ending_text(sitting)}); to let them carry on: "
                    f"convquest class reopen {student} --quiz {quiz_id} --minutes {minutes:g}"
                )
            extended = replace(sitting, extra_minutes=sitting.extra_minutes + minutes)
            deadline = extended.deadline()
            assert deadline is not None  # the quiz has a limit
            if deadline <= now:
                short = (now - deadline) / 60
                raise ActionRefused(
                    f"with {minutes:g} more minutes {student}'s time would still have run out at {_clock(deadline)}; "
                    f"give more than {minutes + short:.0f}, or reopen with --minutes to give time from now"
                )
            conn.execute(
                "UPDATE sittings SET extra_minutes = ?, finished_at = NULL, finish_reason = NULL "
                "WHERE quiz_id = ? AND student = ?",
                (extended.extra_minutes, quiz_id, student),
            )
            detail = f"+{minutes:g} min: {extended.total_minutes:g} min in all, until {_clock(deadline)}"
            if sitting.over(now):
                detail += "; open again (their time had run out)"
            _log(conn, "extend", quiz_id, student, detail, by, now)
        return self._reread(quiz_id, student)

    def reopen(self, quiz_id: str, student: str, *, by: str, now: float, minutes: float | None = None) -> Sitting:
        """Let `student` carry on a sitting that is over (handed in, ended, timed out) where they
        were: their answers stay, the open questions can be answered. With a time limit, `minutes`
        gives them that long from now (never less than they had left); without it the limit
        stands, so a sitting whose time is gone needs `minutes`."""
        if minutes is not None and not 0 < minutes <= MAX_EXTRA_MINUTES:
            raise ActionRefused(f"--minutes is more than 0 and at most {MAX_EXTRA_MINUTES}, not {minutes:g}")
        with self._write() as conn:
            sitting = _sitting_for_action(conn, quiz_id, student)
            if not sitting.over(now):
                left = sitting.deadline()
                still = "" if left is None else f", with {max(0.0, left - now) / 60:.0f} minutes left"
                raise ActionRefused(f"nothing to reopen: {student} is still sitting '{quiz_id}'{still}")
            answered, _ = _answered(conn, quiz_id, student)
            if answered >= sitting.parts:
                raise ActionRefused(
                    f"nothing to reopen: {student} answered every question of '{quiz_id}', and answers are final"
                )
            if minutes is not None and sitting.minutes is None:
                raise ActionRefused(f"quiz '{quiz_id}' has no time limit: reopen without --minutes")
            extra = sitting.extra_minutes
            deadline = sitting.deadline()
            if deadline is not None:
                if minutes is not None:
                    deadline = max(deadline, now + minutes * 60)
                    extra = (deadline - sitting.started_at) / 60 - (sitting.minutes or 0)
                elif deadline - now < 60:
                    raise ActionRefused(
                        f"{student}'s time on '{quiz_id}' ran out at {_clock(deadline)}: give them time from now, "
                        f"e.g. convquest class reopen {student} --quiz {quiz_id} --minutes 10"
                    )
            conn.execute(
                "UPDATE sittings SET extra_minutes = ?, finished_at = NULL, finish_reason = NULL "
                "WHERE quiz_id = ? AND student = ?",
                (extra, quiz_id, student),
            )
            detail = f"reopened ({ending_text(sitting)}; {answered} of {sitting.parts} parts answered)"
            if deadline is not None:
                detail += f", until {_clock(deadline)}"
            _log(conn, "reopen", quiz_id, student, detail, by, now)
        return self._reread(quiz_id, student)

    def end_quiz(self, quiz_id: str, *, by: str, now: float) -> list[str]:
        """End `quiz_id` for everyone now: each sitting still open is over ("ended"; one whose time
        had already gone is "time", at its deadline), and a student who first logs in later finds
        it over. The students whose sittings this ended, by id."""
        with self._write() as conn:
            sittings = [
                _sitting(r)
                for r in conn.execute(
                    f"SELECT {_SITTING_COLUMNS} FROM sittings WHERE quiz_id = ? ORDER BY student", (quiz_id,)
                )
            ]
            if not sittings:
                raise ActionRefused(_unknown_quiz(conn, quiz_id))
            ended = []
            for sitting in sittings:
                if sitting.finished_at is not None:
                    continue
                deadline = sitting.deadline()
                answered, last = _answered(conn, quiz_id, sitting.student)
                if deadline is not None and deadline <= now:
                    reason, at = TIME_UP, deadline
                elif answered >= sitting.parts and last is not None:
                    reason, at = COMPLETED, last
                else:
                    reason, at = ENDED, now
                    ended.append(sitting.student)
                conn.execute(
                    "UPDATE sittings SET finished_at = ?, finish_reason = ? WHERE quiz_id = ? AND student = ?",
                    (at, reason, quiz_id, sitting.student),
                )
            conn.execute(
                "INSERT INTO quiz_ends (quiz_id, ended_at, ended_by) VALUES (?, ?, ?) "
                "ON CONFLICT (quiz_id) DO UPDATE SET ended_at = excluded.ended_at, ended_by = excluded.ended_by",
                (quiz_id, now, by),
            )
            who = ", ".join(ended) if ended else "nobody was still sitting it"
            _log(conn, "end", quiz_id, None, f"ended for everyone: {who}", by, now)
        return ended

    def quiz_end(self, quiz_id: str) -> tuple[float, str] | None:
        """(when, by whom) the teacher ended `quiz_id` for everyone; None while it runs."""
        rows = self._rows("SELECT ended_at, ended_by FROM quiz_ends WHERE quiz_id = ?", (quiz_id,))
        return (rows[0][0], rows[0][1]) if rows else None

    def students(self) -> list[str]:
        """Every student id the database holds anything of."""
        with self._lock:
            found: set[str] = set()
            for table in _student_tables(self._conn):
                found.update(r[0] for r in self._conn.execute(f'SELECT DISTINCT student FROM "{table}"'))
            return sorted(found)

    def student_record(self, student: str) -> dict[str, list[dict[str, object]]]:
        """Everything held about `student`, table by table (any table with a student column, so
        what later versions add is exported too), plus the teacher actions about them."""
        with self._lock:
            record: dict[str, list[dict[str, object]]] = {}
            for table in [*_student_tables(self._conn), "teacher_actions"]:
                cursor = self._conn.execute(f'SELECT * FROM "{table}" WHERE student = ?', (student,))
                names = [d[0] for d in cursor.description or ()]
                rows = [dict(zip(names, row)) for row in cursor.fetchall()]
                for row in rows:
                    for key in ("paper", "labels"):  # stored as JSON text: exported as what they are
                        if table == "sittings" and isinstance(row.get(key), str):
                            row[key] = json.loads(str(row[key]))
                record[table] = rows
            return record

    def delete_student(self, student: str, *, by: str, now: float) -> dict[str, int]:
        """Delete every row about `student` (sittings, answers, sessions and whatever else has a
        student column); the log of teacher actions keeps its lines, this one included. Refused
        while they are connected: their quiz would write its next answer back. Rows deleted, per table."""
        with self._write() as conn:
            since = conn.execute(
                "SELECT MIN(connected_at) FROM sessions WHERE student = ? AND disconnected_at IS NULL", (student,)
            ).fetchone()[0]
            if since is not None:
                raise ActionRefused(
                    f"{student} is connected now (since {_clock(since)}): wait until they have left "
                    "(`convquest teacher` shows who is connected), then delete"
                )
            deleted = {}
            for table in _student_tables(conn):
                deleted[table] = conn.execute(f'DELETE FROM "{table}" WHERE student = ?', (student,)).rowcount
            counts = ", ".join(f"{n} {table}" for table, n in deleted.items() if n) or "no rows"
            _log(conn, "delete", None, student, f"deleted their data: {counts}", by, now)
        return deleted

    def log_action(
        self, action: str, quiz_id: str | None, student: str | None, detail: str, *, by: str, now: float
    ) -> None:
        """Record an action that changes no rows (an export) beside the ones that do."""
        with self._write() as conn:
            _log(conn, action, quiz_id, student, detail, by, now)

    def actions(self, student: str | None = None) -> list[TeacherAction]:
        columns = 'id, action, quiz_id, student, detail, "by", at'
        if student is None:
            rows = self._rows(f"SELECT {columns} FROM teacher_actions ORDER BY id")
        else:
            rows = self._rows(f"SELECT {columns} FROM teacher_actions WHERE student = ? ORDER BY id", (student,))
        return [TeacherAction(*r) for r in rows]

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction, taken before anything is read (SQLite: BEGIN IMMEDIATE)."""
        with self._lock:
            self._conn.begin(exclusive=True)
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def _reread(self, quiz_id: str, student: str) -> Sitting:
        sitting = self.sitting(quiz_id, student)
        assert sitting is not None  # it was there when changed, in the same transaction
        return sitting


MAX_EXTRA_MINUTES = 24 * 60
_ENDINGS = {COMPLETED: "every question answered", TIME_UP: "time ran out", HANDED_IN: "handed in", ENDED: "ended"}


def _sitting_for_action(conn: Connection, quiz_id: str, student: str, not_started: str = "") -> Sitting:
    rows = conn.execute(
        f"SELECT {_SITTING_COLUMNS} FROM sittings WHERE quiz_id = ? AND student = ?", (quiz_id, student)
    ).fetchall()
    if rows:
        return _sitting(rows[0])
    if not conn.execute("SELECT 1 FROM sittings WHERE quiz_id = ? LIMIT 1", (quiz_id,)).fetchall():
        raise ActionRefused(_unknown_quiz(conn, quiz_id))
    others = [r[0] for r in conn.execute("SELECT student FROM sittings WHERE quiz_id = ? ORDER BY student", (quiz_id,))]
    listed = ", ".join(others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else "")
    raise ActionRefused(f"'{student}' has not started quiz '{quiz_id}' (students who have: {listed}){not_started}")


def _unknown_quiz(conn: Connection, quiz_id: str) -> str:
    known = [r[0] for r in conn.execute("SELECT DISTINCT quiz_id FROM sittings ORDER BY quiz_id")]
    return f"no student has started a quiz '{quiz_id}' (quizzes started: {', '.join(known) or 'none yet'})"


def _answered(conn: Connection, quiz_id: str, student: str) -> tuple[int, float | None]:
    """(parts answered, when the last was)."""
    count, last = conn.execute(
        "SELECT COUNT(*), MAX(at) FROM answers WHERE quiz_id = ? AND student = ?", (quiz_id, student)
    ).fetchone()
    return int(count), last


def _student_tables(conn: Connection) -> list[str]:
    """The tables with a student column, but the log of teacher actions (which is the teacher's)."""
    return [name for name in conn.tables_with("student") if name != "teacher_actions"]


def _log(
    conn: Connection, action: str, quiz_id: str | None, student: str | None, detail: str, by: str, now: float
) -> None:
    conn.execute(
        'INSERT INTO teacher_actions (action, quiz_id, student, detail, "by", at) VALUES (?, ?, ?, ?, ?, ?)',
        (action, quiz_id, student, detail, by, now),
    )


def ending_text(sitting: Sitting) -> str:
    """How the sitting ended, in words: "handed in at 11:15"."""
    reason = _ENDINGS.get(sitting.finish_reason or "", sitting.finish_reason or "time ran out")
    return reason if sitting.finished_at is None else f"{reason} at {_clock(sitting.finished_at)}"


def _clock(at: float) -> str:
    return time.strftime("%H:%M", time.localtime(at))


def default_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_NAME


def _sitting(row: tuple) -> Sitting:
    labels = tuple(tuple(q) for q in json.loads(row[4]))
    return Sitting(row[0], row[1], row[2], row[3], labels, row[5], row[6], row[7], row[8], row[9], row[10], row[11])


def _prepare(conn: Connection) -> None:
    conn.prepare()
    version = conn.schema_version()
    if version > len(MIGRATIONS):
        raise sqlite3.DatabaseError(
            f"it was written by a newer ConvQuest (schema {version}, this one knows {len(MIGRATIONS)})"
        )
    if version == len(MIGRATIONS):
        return
    conn.begin_migration()
    try:
        # Read again under the write lock: another process may have migrated while we waited.
        version = conn.schema_version()
        for number in range(version, len(MIGRATIONS)):
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(conn.ddl(statement))
        conn.set_schema_version(len(MIGRATIONS))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """A migration split into statements (executescript would commit our transaction first)."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line.split("--", 1)[0] + ("\n" if "--" in line else "")
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return [s for s in out if s.strip(" ;\n")]
