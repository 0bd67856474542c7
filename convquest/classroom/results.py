"""The class's results database (`<server data dir>/classroom.db`): quiz sittings, answers, sessions.

Many processes use it at once: every student's quiz process writes its answers, the server writes
who is connected, the teacher's view reads. So: WAL (readers never wait for writers), a busy
timeout (a writer waits its turn instead of failing), and each change is one short committed
transaction with synchronous=FULL, so an answer the quiz acknowledged survives its process being
killed the next instant. An answer is acknowledged only after its commit returned.

Times are Unix seconds (REAL): a sitting's clock must survive the process that started it, so it
cannot be a monotonic clock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from convquest.play.record import Answer

DB_NAME = "classroom.db"
BUSY_TIMEOUT = 15.0  # seconds a writer waits for the lock: 60 students answering at once queue briefly

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
)


class ResultsUnavailable(Exception):
    """The results database cannot be opened or written; the message says what to fix."""


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

    @property
    def parts(self) -> int:
        return sum(len(q) for q in self.labels)

    def deadline(self) -> float | None:
        return None if self.minutes is None else self.started_at + self.minutes * 60


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
)
_ANSWER_COLUMNS = "id, quiz_id, student, question, part, answer, correct, mistake, at"
_SESSION_COLUMNS = "id, student, address, quiz_id, connected_at, disconnected_at, reason"
_OVERRIDE_COLUMNS = "id, quiz_id, student, question, mark, by_user, at, reason"


class ResultsDB:
    """One connection to the results database. Thread-safe: calls are serialised by a lock."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: Path, *, timeout: float = BUSY_TIMEOUT) -> ResultsDB:
        """Open (creating and migrating if needed) the database at `path`."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise ResultsUnavailable(f"cannot open the results database {path}: {exc}") from None
        try:
            _prepare(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ResultsUnavailable(f"the results database {path} cannot be used: {exc}") from None
        return cls(conn, path)

    @classmethod
    def open_existing(cls, path: Path, *, timeout: float = BUSY_TIMEOUT) -> ResultsDB | None:
        """For readers (results, the teacher's view): None when no quiz has been served yet, so
        reading never leaves an empty database behind where the teacher looked."""
        return cls.open(path, timeout=timeout) if Path(path).exists() else None

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
            f"INSERT INTO sittings ({_SITTING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?) "
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
        rows = self._rows(
            "SELECT quiz_id, title, MAX(started_at) AS latest FROM sittings "
            "GROUP BY quiz_id ORDER BY latest DESC, quiz_id"
        )
        return [(r[0], r[1]) for r in rows]

    # --- answers --------------------------------------------------------------------------------

    def record_answers(self, quiz_id: str, student: str, answers: Iterable[NewAnswer], now: float) -> None:
        """Write answers in one transaction: all of them are saved, or none (the caller retries).

        A part already answered keeps its first answer: a quiz answer is final, and a write
        repeated after a lost acknowledgement must not count twice.
        """
        rows = [(quiz_id, student, a.question, a.part, a.answer, int(bool(a.correct)), a.mistake, now) for a in answers]
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.executemany(
                    "INSERT INTO answers (quiz_id, student, question, part, answer, correct, mistake, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (quiz_id, student, question, part) DO NOTHING",
                    rows,
                )
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def answers(self, quiz_id: str | None = None, student: str | None = None, *, after: int = 0) -> list[AnswerRow]:
        where, args = ["id > ?"], [str(after)]
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
            cursor = self._conn.execute(
                "INSERT INTO mark_overrides (quiz_id, student, question, mark, by_user, at, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (quiz_id, student, question, mark, by, now, reason),
            )
            row_id = cursor.lastrowid
        assert row_id is not None  # an INSERT always has one
        return MarkOverride(row_id, quiz_id, student, question, mark, by, now, reason)

    def overrides(self, quiz_id: str | None = None, *, after: int = 0) -> list[MarkOverride]:
        """Every override recorded (after the row id `after`), oldest first: the last one of a
        question is the one that counts."""
        where = ["id > ?"]
        args: list[object] = [after]
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
            f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, NULL)",
            (session_id, student, address, quiz_id, now),
        )

    def session_closed(self, session_id: str, reason: str, now: float) -> None:
        self._execute(
            "UPDATE sessions SET disconnected_at = ?, reason = ? WHERE id = ? AND disconnected_at IS NULL",
            (now, reason, session_id),
        )

    def close_open_sessions(self, reason: str, now: float) -> int:
        """Close sessions left open by a server that stopped without saying (a crash, a power cut)."""
        with self._lock:
            cursor = self._conn.execute(
                "UPDATE sessions SET disconnected_at = ?, reason = ? WHERE disconnected_at IS NULL", (now, reason)
            )
            return cursor.rowcount

    def open_sessions(self) -> list[SessionRow]:
        rows = self._rows(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE disconnected_at IS NULL ORDER BY connected_at"
        )
        return [SessionRow(*r) for r in rows]

    def sessions(self) -> list[SessionRow]:
        return [SessionRow(*r) for r in self._rows(f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY connected_at")]


def default_path(data_dir: Path) -> Path:
    return Path(data_dir) / DB_NAME


def _sitting(row: tuple) -> Sitting:
    labels = tuple(tuple(q) for q in json.loads(row[4]))
    return Sitting(row[0], row[1], row[2], row[3], labels, row[5], row[6], row[7], row[8], row[9], row[10])


def _prepare(conn: sqlite3.Connection) -> None:
    # Switching to WAL needs a moment alone with the file; with 60 quiz processes starting at
    # once the busy timeout makes them take turns. Once the file is WAL this is a no-op.
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise sqlite3.DatabaseError(f"cannot switch to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous=FULL")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise sqlite3.DatabaseError(
            f"it was written by a newer ConvQuest (schema {version}, this one knows {len(MIGRATIONS)})"
        )
    if version == len(MIGRATIONS):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated while we waited.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, len(MIGRATIONS)):
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
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
