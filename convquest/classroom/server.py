"""The classroom SSH server: who may log in, how many at once, and what each session runs.

Every session runs the same program (by default `convquest play` with the student's own data
dir, or `convquest quiz` with --quiz) on its own PTY; nothing else is reachable: no shell, no
commands, no SFTP, no forwarding. Who is connected is written to the class's results database,
for the teacher's live view.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from convquest.classroom.hostkey import load_or_create_host_key
from convquest.classroom.limits import FailedLoginLimiter, username_problem
from convquest.classroom.pty_child import PtyChild
from convquest.classroom.session import GameSession, wants_truecolor
from convquest.classroom.session_log import SessionLog

log = logging.getLogger("convquest.classroom")

# Server environment a child may see; the rest (tokens, the teacher's own settings) stays out.
_INHERITED_ENV = ("PATH", "HOME", "PYTHONPATH", "VIRTUAL_ENV", "TZ", "TMPDIR", "LD_LIBRARY_PATH")


class ServeError(Exception):
    """A configuration the server refuses to start with; the message says what to change."""


@dataclass
class ServerConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 2222
    class_code: str | None = None
    authorized_keys: Path | None = None
    open: bool = False
    max_sessions: int = 60
    idle_timeout: float = 30 * 60  # seconds without a key from the client; 0 turns it off
    failed_logins_per_minute: int = 10
    hangup_grace: float = 5.0  # seconds between SIGHUP and SIGKILL
    login_timeout: float = 60.0
    # What each session runs, given the student id. None: the game with the student's data dir.
    child_argv: Callable[[str], list[str]] | None = None
    child_env: Mapping[str, str] = field(default_factory=dict)
    # A quiz file: each session sits it (`convquest quiz`) instead of playing the game.
    quiz_file: Path | None = None
    # Connects and disconnects go to the results database, for the teacher's live view.
    record_sessions: bool = True

    def student_dir(self, username: str) -> Path:
        return self.data_dir / "students" / username

    @property
    def results_db(self) -> Path:
        from convquest.classroom.results import default_path

        return default_path(self.data_dir)

    def argv_for(self, username: str) -> list[str]:
        if self.child_argv is not None:
            return self.child_argv(username)
        game = [sys.executable, "-m", "convquest", "--data-dir", str(self.student_dir(username))]
        if self.quiz_file is not None:
            return game + ["quiz", "--file", str(self.quiz_file), "--results-db", str(self.results_db)]
        return game + ["play"]


def is_loopback(host: str) -> bool:
    """Whether listening on `host` only accepts connections from this machine."""
    if not host:
        return False  # "" means every interface
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def check_config(config: ServerConfig) -> None:
    if config.class_code is not None and config.authorized_keys is not None:
        raise ServeError("use either a class code or an authorized-keys file, not both")
    if config.class_code is not None and not config.class_code.strip():
        raise ServeError("the class code is empty")
    # A folder holds one file per student, read at each login; a file must be readable now.
    if config.authorized_keys is not None and not config.authorized_keys.is_dir():
        try:
            asyncssh.read_authorized_keys(str(config.authorized_keys))
        except (OSError, ValueError, asyncssh.KeyImportError) as exc:
            raise ServeError(f"cannot read authorized keys from {config.authorized_keys}: {exc}") from None
    has_auth = config.class_code is not None or config.authorized_keys is not None
    if not has_auth and not config.open and not is_loopback(config.host):
        raise ServeError(
            f"refusing to serve on {config.host or 'every interface'} without a class code or "
            "authorized keys: anyone who can reach this machine could log in. Add --class-code "
            "CODE or --authorized-keys FILE, or --open if an open server is really what you want."
        )
    if config.max_sessions < 1:
        raise ServeError("--max-sessions must be at least 1")
    if config.idle_timeout < 0:
        raise ServeError("--idle-timeout cannot be negative")


def load_served_quiz(config: ServerConfig):
    """The quiz every session will sit, checked before the first student connects: a broken file
    found by the first student would leave the whole class looking at an error."""
    if config.quiz_file is None:
        return None
    from convquest.classroom.quiz import QuizFileInvalid, load_quiz

    try:
        return load_quiz(config.quiz_file)
    except QuizFileInvalid as exc:
        raise ServeError(f"the quiz file has {len(exc.errors)} problem(s):\n{exc}") from None


class ClassroomServer:
    """Owns the listener, the session count and every running child."""

    def __init__(self, config: ServerConfig) -> None:
        check_config(config)
        self.config = config
        self.quiz = load_served_quiz(config)
        self.session_log = SessionLog(config.results_db) if config.record_sessions else None
        self.limiter = FailedLoginLimiter(config.failed_logins_per_minute)
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._sessions = 0
        self._tasks: set[asyncio.Task] = set()
        self._children: set[PtyChild] = set()
        self._connections: set[_Connection] = set()
        self.stopping = False

    @property
    def port(self) -> int:
        return self._acceptor.get_port() if self._acceptor is not None else self.config.port

    @property
    def active_sessions(self) -> int:
        return self._sessions

    @property
    def children(self) -> frozenset[PtyChild]:
        return frozenset(self._children)

    async def start(self) -> None:
        host_key = load_or_create_host_key(self.config.data_dir)
        if self.session_log is not None:
            # Also creates the database before 60 quiz processes race to.
            await self.session_log.start()
        self._acceptor = await asyncssh.create_server(
            lambda: _Connection(self),
            self.config.host,
            self.config.port,
            server_host_keys=[host_key],
            server_version="ConvQuest",
            # The game draws the screen and reads raw keys itself; asyncssh's line editor would
            # echo and buffer them. Bytes both ways, no decoding.
            line_editor=False,
            encoding=None,
            allow_pty=True,
            agent_forwarding=False,
            x11_forwarding=False,
            sftp_factory=None,
            allow_scp=False,
            # No Kerberos, and no DNS lookup of this host's name at every connection.
            gss_host=None,
            login_timeout=self.config.login_timeout,
            # A student's laptop that sleeps or leaves the Wi-Fi never says goodbye; after
            # ~90 s of silence its game is hung up like any other.
            keepalive_interval=30,
            keepalive_count_max=3,
        )
        log.info(
            "serving on %s port %d (host key %s, %s)%s",
            self.config.host or "*",
            self.port,
            host_key.get_fingerprint(),
            self._access_words(),
            f", quiz '{self.quiz.id}' ({len(self.quiz.questions)} questions)" if self.quiz else "",
        )

    def _access_words(self) -> str:
        if self.config.class_code is not None:
            return "class code required"
        if self.config.authorized_keys is not None:
            return f"keys from {self.config.authorized_keys}"
        return "no login check"

    async def close(self) -> None:
        """Stop listening, hang up every game, wait until each is reaped, then disconnect."""
        self.stopping = True
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        for child in list(self._children):
            child.hang_up(self.config.hangup_grace)
        while self._tasks:  # a game that was starting adds its tasks while we wait
            await asyncio.gather(*self._tasks, return_exceptions=True)
        # Closing the listener leaves open connections alone; a student's ssh would otherwise
        # sit there connected to nothing.
        for connection in list(self._connections):
            connection.close()
        if self.session_log is not None:
            await self.session_log.stop()

    async def serve_forever(self) -> None:
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.close()

    # --- used by sessions ---------------------------------------------------------------------

    def claim_session(self) -> bool:
        if self._sessions >= self.config.max_sessions:
            return False
        self._sessions += 1
        return True

    def release_session(self) -> None:
        self._sessions -= 1

    def session_opened(self, username: str, address: str) -> str | None:
        """Note a game that started; returns the id to close it with."""
        if self.session_log is None:
            return None
        session_id = uuid.uuid4().hex
        self.session_log.opened(session_id, username, address, self.quiz.id if self.quiz else None, time.time())
        return session_id

    def session_closed(self, session_id: str | None, reason: str) -> None:
        if self.session_log is not None and session_id is not None:
            self.session_log.closed(session_id, reason, time.time())

    def track(self, task: asyncio.Task) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def spawn_child(
        self, username: str, term: str, chan: asyncssh.SSHServerChannel, size: tuple[int, int, int, int]
    ) -> PtyChild:
        student_dir = self.config.student_dir(username)
        student_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        env = {k: os.environ[k] for k in _INHERITED_ENV if k in os.environ}
        env.update(
            TERM=term,
            LANG="C.UTF-8",
            LC_ALL="C.UTF-8",
            CONVQUEST_USER=username,
            CONVQUEST_SERVED="1",
            CONVQUEST_DATA_DIR=str(student_dir),
        )
        if wants_truecolor(term, dict(chan.get_environment())):
            env["COLORTERM"] = "truecolor"
        env.update(self.config.child_env)
        child = await PtyChild.spawn(self.config.argv_for(username), env, size, cwd=str(student_dir))
        self._children.add(child)
        self.track(asyncio.ensure_future(self._forget_when_reaped(child)))
        if self.stopping:  # close() has already hung up the others; this one started too late
            child.hang_up(self.config.hangup_grace)
        return child

    async def _forget_when_reaped(self, child: PtyChild) -> None:
        await child.wait()
        self._children.discard(child)


class _Connection(asyncssh.SSHServer):
    """One client connection: authentication, and which channels it may open."""

    def __init__(self, server: ClassroomServer) -> None:
        self._server = server
        self._conn: asyncssh.SSHServerConnection | None = None
        self._address = "?"
        self._peer = "?"
        self._username = ""
        self._counted = False  # this connection has already spent from its address's budget
        self._authenticated = False

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._server._connections.add(self)
        peer = conn.get_extra_info("peername") or ("?", 0)
        self._address = str(peer[0])
        self._peer = f"{peer[0]}:{peer[1]}"

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._server._connections.discard(self)
        # Key-only servers never see a "wrong code"; a login that ends without success
        # counts once, so trying keys one connection at a time is limited too.
        if (
            not self._authenticated
            and self._username
            and not self._counted
            and self._server.config.authorized_keys is not None
        ):
            self._server.limiter.record_failure(self._address)

    def _refuse(self, reason: str, message: str) -> asyncssh.PermissionDenied:
        log.info("refused user=%s from=%s reason=%s", self._username, self._peer, reason)
        return asyncssh.PermissionDenied(message)

    def _record_failure(self) -> None:
        self._counted = True
        self._server.limiter.record_failure(self._address)

    def _check_budget(self) -> None:
        limiter = self._server.limiter
        if not limiter.allowed(self._address):
            self._counted = True  # refusing it is not a new failure; the wait must not grow
            wait = max(1, round(limiter.seconds_until_allowed(self._address)))
            raise self._refuse(
                "too many failed logins",
                f"too many failed logins from {self._address}: wait {wait} s and try again",
            )

    def begin_auth(self, username: str) -> bool:
        self._username = username
        self._check_budget()
        problem = username_problem(username)
        if problem is not None:
            self._record_failure()
            raise self._refuse("bad username", problem)
        config = self._server.config
        conn = self._conn
        assert conn is not None  # asyncssh makes the connection before it asks about logins
        if config.authorized_keys is not None:
            # Re-read at every login so a teacher can enrol a student without a restart.
            keys = config.authorized_keys
            if keys.is_dir():
                # One file per student: only alice's keys open the id "alice".
                keys = keys / f"{username}.pub"
                if not keys.exists():
                    conn.set_authorized_keys(None)
                    return True
            try:
                conn.set_authorized_keys(str(keys))
            except (OSError, ValueError, asyncssh.KeyImportError) as exc:
                log.error("cannot read authorized keys %s: %s", config.authorized_keys, exc)
                raise self._refuse(
                    "authorized keys unreadable", "the server cannot check keys now; tell your teacher"
                ) from None
        return config.class_code is not None or config.authorized_keys is not None

    def auth_completed(self) -> None:
        self._authenticated = True

    # --- the class code, by password or keyboard-interactive -----------------------------------

    def password_auth_supported(self) -> bool:
        return self._server.config.class_code is not None

    def validate_password(self, username: str, password: str) -> bool:
        return self._check_code(password)

    def kbdint_auth_supported(self) -> bool:
        return self._server.config.class_code is not None

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str):
        # Clients given a password (asyncssh's among them) answer a lone prompt with it only
        # when the prompt says "password" or "passcode".
        return ("ConvQuest", "Ask your teacher for the class code.", "", [("Password (the class code): ", False)])

    def validate_kbdint_response(self, username: str, responses) -> bool:
        return len(responses) == 1 and self._check_code(responses[0])

    def _check_code(self, given: str) -> bool:
        code = self._server.config.class_code or ""
        if hmac.compare_digest(given.encode(), code.encode()):
            return True
        self._record_failure()
        log.info("refused user=%s from=%s reason=wrong class code", self._username, self._peer)
        self._check_budget()
        return False

    # --- channels ------------------------------------------------------------------------------

    def session_requested(self) -> GameSession:
        return GameSession(self._server, self._username, self._peer)

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        log.info(
            "refused user=%s from=%s reason=port forwarding to %s:%d", self._username, self._peer, dest_host, dest_port
        )
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info(
            "refused user=%s from=%s reason=remote forwarding from %s:%d",
            self._username,
            self._peer,
            listen_host,
            listen_port,
        )
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        log.info("refused user=%s from=%s reason=unix socket forwarding", self._username, self._peer)
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        log.info("refused user=%s from=%s reason=unix socket forwarding", self._username, self._peer)
        return False
