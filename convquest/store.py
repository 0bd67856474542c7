"""Progress in SQLite: attempts, best stars per level, settings.

Durability rule: every write is its own committed transaction (autocommit, WAL, synchronous=FULL),
so an answer the UI reports as saved survives the process being killed a moment later.

Schema changes are migrations: append one SQL script to MIGRATIONS and it runs once on every
existing database, tracked by PRAGMA user_version. Never edit a migration that has shipped.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple, Protocol

DB_NAME = "progress.db"


class JudgedAnswer(Protocol):
    """What the store keeps of a judged answer: `convquest.play.record.Answer`'s fields (the store
    sits below the play layer, so it names the shape rather than importing it)."""

    @property
    def place(self) -> str: ...
    @property
    def part(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def correct(self) -> bool: ...
    @property
    def mistake(self) -> str | None: ...
    @property
    def topic(self) -> str | None: ...
    @property
    def rung(self) -> int: ...
    @property
    def mode(self) -> str: ...


MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        level_id TEXT NOT NULL,
        part INTEGER NOT NULL,
        answer TEXT NOT NULL,
        correct INTEGER NOT NULL,
        hints INTEGER NOT NULL,
        mode TEXT NOT NULL,
        topic TEXT,
        mistake TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX attempts_by_level ON attempts (level_id, id);
    CREATE TABLE stars (
        level_id TEXT PRIMARY KEY,
        stars INTEGER NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # The practice and exam history (convquest.practice.history). Before this migration the
    # history made these tables itself, so a database at version 1 may have them already (with
    # these very columns): IF NOT EXISTS keeps them and what they hold.
    """
    CREATE TABLE IF NOT EXISTS practice_sessions (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL,              -- 'practice' | 'exam'
        seed INTEGER NOT NULL,
        topics TEXT NOT NULL,            -- JSON list of the topics asked for
        minutes REAL,                    -- exam time limit; NULL for practice
        paper TEXT,                      -- exam: Paper.to_json(); NULL for practice
        started TEXT NOT NULL,
        finished TEXT,
        reason TEXT                      -- 'submitted' | 'time' | 'quit'; NULL while running
    );
    CREATE TABLE IF NOT EXISTS practice_questions (
        session_id INTEGER NOT NULL REFERENCES practice_sessions (id),
        number INTEGER NOT NULL,
        topic TEXT NOT NULL,
        kind TEXT NOT NULL,
        params TEXT NOT NULL,            -- JSON: engine.problems.from_params(kind, params) rebuilds it
        parts TEXT NOT NULL,             -- JSON list of part labels
        prompt TEXT NOT NULL,
        solution TEXT NOT NULL,
        seconds REAL NOT NULL DEFAULT 0,
        hints INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, number)
    );
    CREATE TABLE IF NOT EXISTS practice_topics (
        topic TEXT PRIMARY KEY,
        box INTEGER NOT NULL,
        due INTEGER NOT NULL,
        seen INTEGER NOT NULL,
        correct INTEGER NOT NULL,
        wrong INTEGER NOT NULL,
        last_turn INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS practice_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
)

MAX_STARS = 3
NO_FOLDER = Path(":memory:")  # the path of Store.in_memory(), which belongs to no data dir
UNSAVED = "Progress could not be saved just now"


class UnusableDatabase(Exception):
    """The file is not a progress database we can use; it is moved aside, never overwritten."""


def default_data_dir() -> Path:
    override = os.environ.get("CONVQUEST_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs  # deferred: only needed when no directory was given

    return Path(platformdirs.user_data_dir("convquest", appauthor=False))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Attempt(NamedTuple):
    # A NamedTuple, not a frozen dataclass: every launch imports the store, and a dataclass's
    # generated methods cost about 4M instructions to build (start-up).
    level_id: str
    part: int
    answer: str
    correct: bool
    hints: int
    mode: str
    topic: str | None
    mistake: str | None
    at: str


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str | None = None) -> None:
        self._conn = conn
        self._lock = threading.Lock()  # the UI may write from worker threads
        self._pending: list[tuple[str, tuple]] = []  # writes refused by a lock, retried on the next write
        self.path = path
        self.notice = notice

    @property
    def connection(self) -> sqlite3.Connection:
        """For features keeping tables of their own (practice, quizzes): one connection per process,
        which follows the store to a fresh file or to memory. Hold `lock` while using it, and keep
        autocommit: one statement (or one explicit transaction) per change, so it is saved at once."""
        return self._conn

    @property
    def lock(self) -> threading.Lock:
        return self._lock

    @classmethod
    def open(cls, data_dir: Path, *, timeout: float = 5.0) -> Store:
        data_dir = Path(data_dir)
        path = data_dir / DB_NAME
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return cls._in_memory(
                path,
                f"Progress cannot be saved: the folder {data_dir} cannot be created "
                f"({exc.strerror or exc}). This session is kept in memory only.",
            )
        try:
            return cls(_connect(path, timeout), path)
        except UnusableDatabase as exc:
            reason = str(exc)
        except sqlite3.OperationalError as exc:
            if _is_locked(exc):
                return cls._in_memory(
                    path,
                    f"The progress database {path} is in use by another program "
                    "(is ConvQuest already running?). This session is kept in memory "
                    "only; close the other one to save progress.",
                )
            reason = str(exc)
        except sqlite3.DatabaseError as exc:
            reason = str(exc)
        try:
            aside = _move_aside(path)
            return cls(
                _connect(path, timeout),
                path,
                f"Your progress database could not be read ({reason}), so it was moved to "
                f"{aside.name} and a fresh one was started.",
            )
        except (OSError, sqlite3.Error, UnusableDatabase) as exc:
            return cls._in_memory(
                path,
                f"The progress database {path} could not be read ({reason}) nor replaced "
                f"({exc}). This session is kept in memory only.",
            )

    @classmethod
    def _in_memory(cls, path: Path, notice: str | None) -> Store:
        return cls(_connect(":memory:", 0), path, notice)

    @classmethod
    def in_memory(cls) -> Store:
        """A store that keeps nothing after the process ends: for tools that have no data dir."""
        return cls._in_memory(NO_FOLDER, None)

    @property
    def folder(self) -> Path | None:
        """The data dir this store belongs to (where other things the game keeps may go too), or None
        for `in_memory()`."""
        return None if self.path == NO_FOLDER else self.path.parent

    def _write(self, sql: str, args: tuple = ()) -> None:
        with self._lock:
            self._pending.append((sql, args))
            self._flush()

    def _flush(self) -> None:
        try:
            while self._pending:
                self._conn.execute(*self._pending[0])
                self._pending.pop(0)
        except sqlite3.OperationalError as exc:
            # Locked by another process, disk full, ...: keep the change and say so, never crash mid-game.
            self.notice = (
                f"{UNSAVED} ({exc}); {len(self._pending)} change(s) are waiting and will be saved with the next answer."
            )
        else:
            if self.notice and self.notice.startswith(UNSAVED):
                self.notice = None

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def record_attempt(
        self,
        level_id: str,
        answer: str,
        correct: bool,
        *,
        part: int = 0,
        hints: int = 0,
        mode: str = "level",
        topic: str | None = None,
        mistake: str | None = None,
    ) -> None:
        self._write(
            "INSERT INTO attempts (level_id, part, answer, correct, hints, mode, topic, mistake, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (level_id, part, str(answer), int(bool(correct)), hints, mode, topic, mistake, now()),
        )

    def record(self, answers: Iterable[JudgedAnswer]) -> None:
        """The play layer's Recorder (convquest.play.record): each judged `Answer` as an attempt."""
        for a in answers:
            self.record_attempt(
                a.place, a.text, a.correct, part=a.part, hints=a.rung, mode=a.mode, topic=a.topic, mistake=a.mistake
            )

    def complete_level(self, level_id: str, stars: int) -> None:
        if not 0 <= stars <= MAX_STARS:
            raise ValueError(f"stars must be between 0 and {MAX_STARS}, not {stars}")
        self._write(
            "INSERT INTO stars (level_id, stars, at) VALUES (?, ?, ?) "
            "ON CONFLICT (level_id) DO UPDATE SET stars = excluded.stars, at = excluded.at "
            "WHERE excluded.stars > stars.stars",
            (level_id, stars, now()),
        )

    def stars(self, level_id: str) -> int:
        rows = self._read("SELECT stars FROM stars WHERE level_id = ?", (level_id,))
        return rows[0][0] if rows else 0

    def all_stars(self) -> dict[str, int]:
        return dict(self._read("SELECT level_id, stars FROM stars ORDER BY level_id"))

    def attempts(self, level_id: str | None = None) -> list[Attempt]:
        columns = "level_id, part, answer, correct, hints, mode, topic, mistake, at"
        if level_id is None:
            rows = self._read(f"SELECT {columns} FROM attempts ORDER BY id")
        else:
            rows = self._read(f"SELECT {columns} FROM attempts WHERE level_id = ? ORDER BY id", (level_id,))
        return [Attempt(r[0], r[1], r[2], bool(r[3]), *r[4:]) for r in rows]

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        rows = self._read("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        self._write(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    def reset_progress(self) -> None:
        """Clear everything but the settings in one transaction, so progress is never left
        half-cleared. That includes the tables other layers keep here (practice and exam history):
        a report whose answers were deleted would show a false score."""
        with self._lock:
            try:
                with self._conn:
                    self._conn.execute("BEGIN IMMEDIATE")
                    tables = [
                        row[0]
                        for row in self._conn.execute(
                            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                        )
                    ]
                    for table in tables:
                        if table != "settings":
                            self._conn.execute(f'DELETE FROM "{table}"')
            except sqlite3.OperationalError as exc:
                self.notice = f"Progress was not reset: the database is busy ({exc}). Try again."
                return
            self._pending = [w for w in self._pending if w[0].startswith("INSERT INTO settings")]

    def close(self) -> None:
        with self._lock:
            self._flush()  # a last try for changes a lock held back
            self._conn.close()


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _connect(path: Path | str, timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        _prepare(conn, in_memory=path == ":memory:")
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection, *, in_memory: bool) -> None:
    # Every check that can reject the file runs before anything writes to it, so the copy moved
    # aside is exactly what the player had.
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise UnusableDatabase(f"integrity check failed: {check}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise UnusableDatabase(
            f"it was written by a newer ConvQuest (schema {version}, this one knows {len(MIGRATIONS)})"
        )
    if version:
        _check_schema(conn, version)  # what this version should hold, before a migration writes
    if not in_memory:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise UnusableDatabase(f"cannot switch to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous=FULL")
    if version < len(MIGRATIONS):  # at the current version, the check above was this one
        _migrate(conn)
        _check_schema(conn, len(MIGRATIONS))


def _migrate(conn: sqlite3.Connection, upto: int = len(MIGRATIONS)) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number in range(version, upto):
        try:
            # One transaction per migration: a database is never left half-upgraded.
            conn.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[number]};\nPRAGMA user_version = {number + 1};\nCOMMIT;")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if _is_locked(exc):
                raise
            raise UnusableDatabase(f"schema upgrade {number + 1} failed: {exc}") from exc


def _columns(conn: sqlite3.Connection) -> dict[str, str]:
    """Each table's columns ("name TYPE, ..."), read in one query (not one PRAGMA a table)."""
    columns: dict[str, list[str]] = {}
    for table, name, kind in conn.execute(
        "SELECT m.name, c.name, c.type FROM sqlite_master AS m, pragma_table_info(m.name) AS c "
        "WHERE m.type = 'table' ORDER BY m.rowid, c.cid"
    ):
        columns.setdefault(table, []).append(f"{name} {kind}")
    return {table: ", ".join(names) for table, names in columns.items()}


@functools.cache
def _expected_columns(version: int) -> dict[str, str]:
    """The columns a fresh database migrated to `version` has (worked out once a process)."""
    reference = sqlite3.connect(":memory:", isolation_level=None)
    _migrate(reference, version)
    columns = _columns(reference)
    reference.close()
    return columns


def _check_schema(conn: sqlite3.Connection, version: int) -> None:
    """A database can claim a version yet hold other tables; compare with a fresh one migrated to it."""
    actual = _columns(conn)
    for table, columns in _expected_columns(version).items():
        if actual.get(table) != columns:
            raise UnusableDatabase(f"table '{table}' is missing or has other columns than expected")


def _move_aside(path: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while aside.exists():
        counter += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    path.replace(aside)
    # A leftover write-ahead log belongs to the old file; replayed into the fresh one it would corrupt it.
    for suffix in ("-wal", "-shm"):
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            sidecar.replace(aside.with_name(aside.name + suffix))
    return aside
