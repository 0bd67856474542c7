"""Where the class results live: an SQLite file (the default) or a PostgreSQL server.

convquest.classroom.results writes its SQL once, in SQLite's spelling (`?` placeholders); a
`Connection` here runs it on its database and answers what differs between the two: how a write
transaction is taken, the schema's version, the clock, which tables there are. PostgreSQL lets
several classroom servers share one class: a student who reconnects to another server finds their
sitting, and every deadline is measured by the database server's clock, so servers whose own
clocks disagree still agree on when the time is up.

psycopg is imported only for a postgresql:// address (`pip install convquest[postgres]`).
"""

from __future__ import annotations

import re
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# How often the offset between this machine's clock and the database server's is measured again.
CLOCK_CHECK_EVERY = 30.0


class ResultsError(sqlite3.Error):
    """A read or write of the results that failed (PostgreSQL's errors become one). A subclass of
    sqlite3.Error, so a caller that retries a failed SQLite write retries a PostgreSQL one too."""


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    @property
    def description(self) -> Sequence[Sequence[Any]] | None: ...

    def fetchall(self) -> list[Any]: ...

    def fetchone(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


def is_postgres(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def shown(target: str | Path) -> str:
    """The target as said in messages: a URL without its password."""
    if not is_postgres(target):
        return str(target)
    parts = urlsplit(str(target))
    if parts.password is None:
        return str(target)
    netloc = parts.netloc.replace(f":{parts.password}@", ":…@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class Connection(ABC):
    """The seam convquest.classroom.results writes to: one connection, run by one thread at a time
    (ResultsDB holds a lock), in autocommit outside `begin`."""

    where: str  # the database as said in messages

    @abstractmethod
    def execute(self, sql: str, args: Sequence[object] = ()) -> Cursor:
        """Run `sql`, written for SQLite (`?` placeholders)."""

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None: ...

    def ddl(self, statement: str) -> str:
        """A migration's statement (written for SQLite) as this database spells it."""
        return statement

    @abstractmethod
    def begin(self, *, exclusive: bool) -> None:
        """A write transaction. `exclusive`: what it reads, no other writer changes before it
        commits (the others wait), for a change worked out from what is there."""

    def begin_migration(self) -> None:
        """The transaction a migration runs in: one process migrates at a time."""
        self.begin(exclusive=True)

    @property
    @abstractmethod
    def in_transaction(self) -> bool: ...

    @abstractmethod
    def now(self) -> float:
        """The database's clock, in Unix seconds."""

    @abstractmethod
    def tables_with(self, column: str) -> list[str]:
        """The tables that have `column`, by name."""

    @abstractmethod
    def has_schema(self) -> bool:
        """Whether any ConvQuest has made its tables here."""

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def set_schema_version(self, version: int) -> None: ...

    @abstractmethod
    def prepare(self) -> None:
        """What each new connection sets before use."""

    @abstractmethod
    def close(self) -> None: ...


class SQLiteConnection(Connection):
    """One connection to an SQLite file. The SQL written for it runs as it is."""

    def __init__(self, raw: sqlite3.Connection, where: str) -> None:
        self.raw = raw
        self.where = where

    def execute(self, sql: str, args: Sequence[object] = ()) -> Cursor:
        return self.raw.execute(sql, tuple(args))

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.raw.executemany(sql, rows)

    def begin(self, *, exclusive: bool) -> None:
        self.raw.execute("BEGIN IMMEDIATE")  # SQLite has one writer: every transaction is exclusive

    @property
    def in_transaction(self) -> bool:
        return self.raw.in_transaction

    def now(self) -> float:
        return time.time()

    def tables_with(self, column: str) -> list[str]:
        names = [r[0] for r in self.raw.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return [name for name in names if any(c[1] == column for c in self.raw.execute(f'PRAGMA table_info("{name}")'))]

    def has_schema(self) -> bool:
        return True  # the file's existence is the test, made by the caller

    def schema_version(self) -> int:
        return int(self.raw.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self.raw.execute(f"PRAGMA user_version = {int(version)}")

    def prepare(self) -> None:
        # Switching to WAL needs a moment alone with the file; with 60 quiz processes starting at
        # once the busy timeout makes them take turns. Once the file is WAL this is a no-op.
        mode = self.raw.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise sqlite3.DatabaseError(f"cannot switch to WAL mode (got {mode})")
        self.raw.execute("PRAGMA synchronous=FULL")

    def close(self) -> None:
        self.raw.close()


def open_sqlite(path: Path, timeout: float) -> SQLiteConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
    return SQLiteConnection(raw, str(path))


class PostgresConnection(Connection):
    """One connection to PostgreSQL, in autocommit like the SQLite one (so each statement outside
    `begin` is its own committed transaction). Its errors are ResultsError; a connection the
    server dropped is opened again at the next statement."""

    # SQLite's types as PostgreSQL spells them: a row id the database gives, and a float of 8
    # bytes (PostgreSQL's REAL has 4: a Unix time in it would be off by minutes).
    TYPES = (
        (re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
        (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    )
    # An exclusive transaction (a teacher's action, which reads what it changes first) waits for
    # and blocks the students' writes for its few milliseconds, as SQLite's one writer does;
    # the students' answers, rows of their own, are written side by side.
    WRITE_LOCK = "LOCK TABLE sittings, answers, sessions IN SHARE ROW EXCLUSIVE MODE"

    def __init__(self, url: str, timeout: float) -> None:
        import psycopg  # checked by open_postgres

        self._psycopg = psycopg
        self.url = url
        self.timeout = timeout
        self.where = shown(url)
        self._offset = 0.0
        self._offset_at = float("-inf")
        self.raw: Any = self._connect()

    def _connect(self) -> Any:
        try:
            conn = self._psycopg.connect(
                self.url, autocommit=True, connect_timeout=max(1, int(self.timeout)), application_name="convquest"
            )
        except self._psycopg.Error as exc:
            raise ResultsError(str(exc).strip()) from None
        # A statement waits for a lock at most as long as SQLite's busy timeout lets a writer wait.
        conn.execute(f"SET lock_timeout = '{int(self.timeout * 1000)}ms'")
        return conn

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def _run(self, call: Any) -> Any:
        if self.raw.closed or self.raw.broken:
            self.raw = self._connect()
        try:
            return call()
        except self._psycopg.Error as exc:
            raise ResultsError(str(exc).strip()) from exc

    def execute(self, sql: str, args: Sequence[object] = ()) -> Cursor:
        cursor: Cursor = self._run(lambda: self.raw.execute(self._sql(sql), tuple(args)))
        return cursor

    def ddl(self, statement: str) -> str:
        for sqlite_type, postgres_type in self.TYPES:
            statement = sqlite_type.sub(postgres_type, statement)
        return statement

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self._run(lambda: self.raw.cursor().executemany(self._sql(sql), list(rows)))

    def begin(self, *, exclusive: bool) -> None:
        self.execute("BEGIN")
        if exclusive:
            self.execute(self.WRITE_LOCK)

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE)

    def now(self) -> float:
        """The database server's clock, read as this machine's plus the offset between the two
        (measured again every CLOCK_CHECK_EVERY seconds): a quiz ticks twice a second, and asking
        the server each time would be 300 students' worth of round trips for nothing."""
        local = time.time()
        if local - self._offset_at >= CLOCK_CHECK_EVERY:
            before = time.time()
            server = self.server_clock()
            after = time.time()
            self._offset = server - (before + after) / 2
            self._offset_at = after
        return local + self._offset

    def server_clock(self) -> float:
        return float(self.execute("SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8").fetchone()[0])

    def tables_with(self, column: str) -> list[str]:
        rows = self.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = ? ORDER BY table_name",
            (column,),
        )
        return [r[0] for r in rows]

    def has_schema(self) -> bool:
        row = self.execute("SELECT to_regclass('convquest_schema') IS NOT NULL").fetchone()
        return bool(row[0])

    def schema_version(self) -> int:
        if not self.has_schema():
            return 0
        row = self.execute("SELECT MAX(version) FROM convquest_schema").fetchone()
        return int(row[0] or 0)

    def set_schema_version(self, version: int) -> None:
        self.execute("DELETE FROM convquest_schema")
        self.execute("INSERT INTO convquest_schema (version) VALUES (?)", (version,))

    def prepare(self) -> None:
        pass  # nothing to set per connection: commits are durable by default (synchronous_commit)

    def begin_migration(self) -> None:
        """One process migrates at a time: the others wait on the lock, then find it done."""
        self.execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(hashtext('convquest_schema'))")
        self.execute("CREATE TABLE IF NOT EXISTS convquest_schema (version INTEGER NOT NULL)")

    def close(self) -> None:
        self.raw.close()


def open_postgres(url: str, timeout: float) -> PostgresConnection:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise ResultsError(
            "PostgreSQL needs psycopg, which is not installed: install convquest[postgres] "
            "(pip install 'convquest[postgres]', or pip install 'psycopg[binary]')"
        ) from None
    return PostgresConnection(url, timeout)
