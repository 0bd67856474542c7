"""Fixtures for the classroom tests: a classroom server on 127.0.0.1 (free port) in the test's loop,
and the class results in each backend (SQLite, and a real PostgreSQL server made for the run)."""

from __future__ import annotations

import functools
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("asyncssh", reason="asyncssh is the SSH server's dependency")

from ssh_helpers import CODE, echo_argv


@pytest.fixture
def serve(classroom_server):
    """`await serve(**config)` starts a server on 127.0.0.1 with stand-in games (tty_echo.py) and
    login limits no test reaches by accident; every server is closed (games reaped) after."""
    return functools.partial(
        classroom_server,
        host="127.0.0.1",
        class_code=CODE,
        child_argv=echo_argv(),
        failed_logins_per_id=100,
        failed_logins_per_address=1000,
    )


# --- PostgreSQL: a throw-away cluster for the session, a fresh database for each test ------------------


def _unavailable(reason: str) -> None:
    """Skip, saying why; under CI, where .ci/run installs PostgreSQL, fail instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the PostgreSQL tests, but {reason}")
    pytest.skip(reason)


def _postgres_bin() -> Path | None:
    """The newest PostgreSQL's programs (Debian keeps them out of PATH), else initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server of its own on a Unix socket in a temp dir (no TCP port opened), for the
    whole test session; the URL of its `postgres` database. PostgreSQL refuses to run as root, so
    as root its programs run as the `postgres` user."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'psycopg[binary]', or the project's test extra)")
    programs = _postgres_bin()
    if programs is None:
        _unavailable("PostgreSQL is not installed (apt-get install postgresql)")
    assert programs is not None
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root, and there is no `postgres` user to run PostgreSQL as")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="convquest-pg-"))
    if as_user:
        shutil.chown(root, "postgres")
    data, port = root / "data", _free_port()
    run = functools.partial(subprocess.run, check=True, capture_output=True, text=True, timeout=120)
    try:
        run([*as_user, str(programs / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
        options = f"-k {root} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=200"
        run(
            [*as_user, str(programs / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o", options, "start"]
        )
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", "") or exc
        _unavailable(f"a PostgreSQL server could not be started here: {detail}")
    try:
        yield f"postgresql://postgres@/postgres?host={root}&port={port}"
    finally:
        subprocess.run([*as_user, str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A database of its own for one test, dropped after it."""
    import psycopg

    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.replace("/postgres?", f"/{name}?", 1)
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def results_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where the class results go, once for each backend: a classroom.db, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "data" / "classroom.db"
    return str(request.getfixturevalue("postgres_url"))
