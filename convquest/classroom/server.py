"""The classroom SSH server: who may log in, how many at once, and what each session runs.

Who may log in: students on a roster, each with their own password (`--roster`), enrolled keys,
or anyone with the class code (for practice rooms). Each student has at most one live session: a
second login under the same id takes it over. Failed logins are limited per (address, id), with a
looser cap per address, so a class behind one NAT address is not locked out by one student.

Every session runs the same program (by default `convquest play` with the student's own data
dir, or `convquest quiz` with --quiz) on its own PTY; nothing else is reachable: no shell, no
commands, no SFTP, no forwarding. Who is connected is written to the class's results database,
for the teacher's live view.

With a web port, the browser door (convquest.classroom.web) serves the same class in a web page
from this process: the same login decision (convquest.classroom.gate), session cap and live
sessions, so a login by either door takes over the student's session by the other.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import logging
import os
import resource
import socket
import stat
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import asyncssh

from convquest.classroom.gate import Gate, Login, Refused
from convquest.classroom.hostkey import load_or_create_host_key
from convquest.classroom.limits import LoginLimiter
from convquest.classroom.pty_child import PtyChild
from convquest.classroom.roster import Roster, RosterInvalid, load_roster
from convquest.classroom.session import GameSession, LiveSession, duration_words, wants_truecolor
from convquest.classroom.session_log import SessionLog
from convquest.classroom.warm import GAME_MODULES, WEB_GAME_MODULES, WarmParent, forkable, raise_open_files_limit
from convquest.classroom.warm import unavailable_reason as warm_unavailable_reason

if TYPE_CHECKING:
    from convquest.classroom.web import WebDoor

log = logging.getLogger("convquest.classroom")

# Server environment a child may see; the rest (tokens, the teacher's own settings) stays out.
INHERITED_ENV = ("PATH", "HOME", "PYTHONPATH", "VIRTUAL_ENV", "TZ", "TMPDIR", "LD_LIBRARY_PATH")


# Games that may be building their first screens at once, per core; a start takes a slot from its
# fork until its first screen is drawn (a Textual screen is several kB; what it writes before, a few
# escape sequences), or at most FIRST_SCREEN_SECONDS. A start waits part of its time (between
# frames), so a core has a few. Measured with 200 at once on 2 cores (benchmarks ssh, hold): 0.43-0.55 s
# of CPU per game until all were drawn with no queue, 0.23-0.27 s with 2 or 4 per core.
STARTS_PER_CORE = 4
FIRST_SCREEN_BYTES = 2048
FIRST_SCREEN_SECONDS = 5.0


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ServeError(Exception):
    """A configuration the server refuses to start with; the message says what to change."""


@dataclass
class ServerConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 2222
    class_code: str | None = None
    authorized_keys: Path | None = None
    # A CSV of students and their own passwords (convquest.classroom.roster); only its ids log in.
    roster: Path | None = None
    open: bool = False
    max_sessions: int = 60
    idle_timeout: float = 30 * 60  # seconds without a key from the client; 0 turns it off
    # Failed logins allowed per (address, student id) and per address within the window; 0: no limit.
    failed_logins_per_id: int = 5
    failed_logins_per_address: int = 200
    failed_login_window: float = 10 * 60
    hangup_grace: float = 5.0  # seconds between SIGHUP and SIGKILL
    login_timeout: float = 60.0  # seconds to log in and start the game; a connection without one is closed
    # What each session runs, given the student id. None: the game with the student's data dir.
    child_argv: Callable[[str], list[str]] | None = None
    child_env: Mapping[str, str] = field(default_factory=dict)
    # A quiz file: each session sits it (`convquest quiz`) instead of playing the game.
    quiz_file: Path | None = None
    # Connects and disconnects go to the results database, for the teacher's live view.
    record_sessions: bool = True
    # The browser door (convquest.classroom.web): the same class in a web page, beside SSH.
    web_port: int | None = None
    web_host: str = "127.0.0.1"
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # Behind a reverse proxy on this machine: a student's address is the one it forwards.
    web_behind_proxy: bool = False
    # Fork each session from a prepared parent (convquest.classroom.warm) instead of a fresh Python.
    warm: bool = True
    # The class results (`--results`): an SQLite file, or a postgresql:// URL several servers
    # share. None: classroom.db in the data dir.
    results: Path | str | None = None

    def student_dir(self, username: str) -> Path:
        return self.data_dir / "students" / username

    @property
    def results_db(self) -> Path | str:
        from convquest.classroom.results import default_path

        return default_path(self.data_dir) if self.results is None else self.results

    @property
    def server_name(self) -> str:
        """This server among those sharing one results database: its restart closes only the
        sessions it left open itself."""
        return f"{socket.gethostname()}:{self.port} {self.data_dir}"

    def argv_for(self, username: str) -> list[str]:
        if self.child_argv is not None:
            return self.child_argv(username)
        game = [sys.executable, "-m", "convquest", "--data-dir", str(self.student_dir(username))]
        if self.quiz_file is not None:
            return game + ["quiz", "sit", "--file", str(self.quiz_file), "--results", str(self.results_db)]
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
    if config.roster is not None and config.class_code is not None:
        raise ServeError(
            "use either a roster or a class code, not both: with the code, anyone could log in as any "
            "student on the roster (a class code suits a practice room, a roster a graded quiz)"
        )
    if config.class_code is not None and not config.class_code.strip():
        raise ServeError("the class code is empty")
    # A folder holds one file per student, read at each login; a file must be readable now.
    if config.authorized_keys is not None and not config.authorized_keys.is_dir():
        try:
            asyncssh.read_authorized_keys(str(config.authorized_keys))
        except (OSError, ValueError, asyncssh.KeyImportError) as exc:
            raise ServeError(f"cannot read authorized keys from {config.authorized_keys}: {exc}") from None
    if not has_auth(config) and not config.open and not is_loopback(config.host):
        raise ServeError(
            f"refusing to serve on {config.host or 'every interface'} without a roster, a class code or "
            "authorized keys: anyone who can reach this machine could log in. Add --roster FILE, "
            "--class-code CODE or --authorized-keys FILE, or --open if an open server is really what you want."
        )
    if config.web_port is not None:
        if config.authorized_keys is not None and config.roster is None:
            raise ServeError("the browser door needs a roster or a class code: a browser cannot log in with an SSH key")
        if not has_auth(config) and not config.open and not is_loopback(config.web_host):
            raise ServeError(
                f"refusing to serve the browser door on {config.web_host or 'every interface'} without a roster "
                "or a class code: anyone who can reach this machine could log in. Add --roster FILE or "
                "--class-code CODE, or --open if an open server is really what you want."
            )
    if (config.tls_cert is None) != (config.tls_key is None):
        raise ServeError("give both --tls-cert and --tls-key (the certificate and its private key), or neither")
    if config.tls_cert is not None and config.web_port is None:
        raise ServeError("--tls-cert and --tls-key are for the browser door: add --web-port PORT")
    if config.max_sessions < 1:
        raise ServeError("--max-sessions must be at least 1")
    if config.idle_timeout < 0:
        raise ServeError("--idle-timeout cannot be negative")


def has_auth(config: ServerConfig) -> bool:
    return config.class_code is not None or config.authorized_keys is not None or config.roster is not None


def load_served_roster(config: ServerConfig) -> Roster | None:
    if config.roster is None:
        return None
    try:
        return load_roster(config.roster)
    except RosterInvalid as exc:
        raise ServeError(f"the roster cannot be used: {exc}") from None


def make_private(data_dir: Path, results_db: Path | str) -> None:
    """The data dir and the results database, readable by the server's user only.

    They hold every student's answers and progress. An existing folder or file loses what others
    may do but keeps its group: a folder set up for a group (setgid and group-writable, as
    docs/CLASSROOM.md describes for a managed server) keeps working, and a database made there
    is group-writable too.
    """
    for path in (data_dir, results_db):
        if not isinstance(path, Path):
            continue  # a PostgreSQL database: its server's grants are what keep it private
        if path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o007:
                log.warning("%s could be used by every user (mode %o); restricting it to %o", path, mode, mode & ~0o007)
                path.chmod(mode & ~0o007)
        elif path is data_dir:
            path.mkdir(parents=True, mode=0o700)
        else:
            folder = stat.S_IMODE(data_dir.stat().st_mode)
            shared = folder & stat.S_ISGID and folder & stat.S_IWGRP
            mode = 0o660 if shared else 0o600
            # Made empty before SQLite opens it: an empty file is an empty database, and SQLite
            # gives its -wal and -shm files the database's own mode.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            try:
                os.fchmod(fd, mode)  # the umask would take the group's write away
            finally:
                os.close(fd)


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
        self._roster = load_served_roster(config)
        self._roster_stamp = _file_stamp(config.roster)
        self.session_log = SessionLog(config.results_db, config.server_name) if config.record_sessions else None
        self.limiter = LoginLimiter(
            config.failed_logins_per_id, config.failed_logins_per_address, config.failed_login_window
        )
        # The one login decision both doors (SSH and the browser) ask.
        self.gate = Gate(lambda: self.roster, config.class_code, config.authorized_keys, self.limiter)
        self._acceptor: asyncssh.SSHAcceptor | None = None
        # --max-sessions, or fewer where the open-files limit leaves room for fewer (set at start):
        # a student beyond it is told the server is full, rather than a game failing to start.
        self.session_cap = config.max_sessions
        self._sessions = 0
        # Games of the server's own program build their first screens a few at a time: 200 starting
        # at once on 2 cores each took twice the CPU a game alone does (measured; scheduling overhead)
        # and left this process and the warm parent a 1/200th share, so that all waited for the last.
        self._starting = asyncio.Semaphore(STARTS_PER_CORE * _cores())
        self._live: dict[str, LiveSession] = {}  # the one game session each connected student has, by either door
        self._bare: set[_Connection] = set()  # logged in, with no session running: they count too
        self._tasks: set[asyncio.Task] = set()
        self._children: set[PtyChild] = set()
        self._connections: set[_Connection] = set()
        self.warm: WarmParent | None = None
        self.web_warm: WarmParent | None = None  # the browser door's: its environment has the web driver's settings
        self.stopping = False
        self.web: WebDoor | None = None
        if config.web_port is not None:
            from convquest.classroom.web import WebDoor

            self.web = WebDoor(self)  # reads the TLS files now: a bad one stops the server before it starts

    @property
    def port(self) -> int:
        return self._acceptor.get_port() if self._acceptor is not None else self.config.port

    @property
    def active_sessions(self) -> int:
        return self._sessions

    @property
    def occupied(self) -> int:
        """What counts toward --max-sessions: running sessions and logged-in connections without one."""
        return self._sessions + len(self._bare)

    @property
    def children(self) -> frozenset[PtyChild]:
        return frozenset(self._children)

    @property
    def roster(self) -> Roster | None:
        """The roster, read again when its file changed, so a teacher can add a late student
        without a restart. A file that became broken or public is logged and the last good one kept."""
        path = self.config.roster
        if path is not None:
            stamp = _file_stamp(path)
            if stamp != self._roster_stamp:
                self._roster_stamp = stamp
                try:
                    self._roster = load_roster(path)
                    log.info("read the roster %s again: %d students", path, len(self._roster))
                except RosterInvalid as exc:
                    log.error("kept the roster read before: %s", exc)
        return self._roster

    async def start(self) -> None:
        if self.session_log is not None or self.quiz is not None:
            make_private(self.config.data_dir, self.config.results_db)
        self._fit_sessions_to_open_files()
        await self._start_warm()
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
            # A class connects in one burst: asyncssh's 100 would drop the SYNs of the rest (their
            # clients retry 1, 3, 7 s later) while this loop is busy with key exchanges.
            backlog=max(100, min(self.session_cap, 4096)),
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
        if self.web is not None:
            await self.web.start()

    def _fit_sessions_to_open_files(self) -> None:
        fit = raise_open_files_limit(self.config.max_sessions, web=self.web is not None)
        self.session_cap = min(self.config.max_sessions, fit)
        if fit < self.config.max_sessions:
            log.warning(
                "--max-sessions is %d, but the open-files limit leaves room for %d sessions: students beyond "
                "%d are told the server is full",
                self.config.max_sessions,
                fit,
                self.session_cap,
            )

    def _access_words(self) -> str:
        words = []
        if self._roster is not None:
            words.append(f"roster of {len(self._roster)} students from {self.config.roster}")
        if self.config.class_code is not None:
            words.append("class code required")
        if self.config.authorized_keys is not None:
            words.append(f"keys from {self.config.authorized_keys}")
        return ", ".join(words) or "no login check"

    async def close(self) -> None:
        """Stop listening, hang up every game, wait until each is reaped, then disconnect."""
        self.stopping = True
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        for child in list(self._children):
            child.hang_up(self.config.hangup_grace)
        if self.web is not None:
            await self.web.close()
        while self._tasks:  # a game that was starting adds its tasks while we wait
            await asyncio.gather(*self._tasks, return_exceptions=True)
        # Closing the listener leaves open connections alone; a student's ssh would otherwise
        # sit there connected to nothing.
        for connection in list(self._connections):
            connection.close()
        for parent in (self.warm, self.web_warm):
            if parent is not None:
                await parent.close()
        if self.session_log is not None:
            await self.session_log.stop()

    async def serve_forever(self) -> None:
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.close()

    # --- used by sessions ---------------------------------------------------------------------

    def claim_session(self, connection: _Connection | None, replacing: bool) -> bool:
        """A place for a new session on `connection` (None: the browser door's), unless the server is
        full. A session that takes over its student's running one (`replacing`) fits where that one was."""
        in_use = self._sessions + len(self._bare - {connection}) - (1 if replacing else 0)
        if in_use >= self.session_cap:
            return False
        self._sessions += 1
        if connection is not None:
            connection.session_began()
        return True

    def release_session(self, connection: _Connection | None) -> None:
        self._sessions -= 1
        if connection is not None:
            connection.session_ended()

    def live_session(self, username: str) -> LiveSession | None:
        return self._live.get(username)

    def take_over(self, username: str, session: LiveSession) -> LiveSession | None:
        """Make `session` the student's live one; the one it replaces (told, and hung up) or None."""
        previous = self._live.get(username)
        self._live[username] = session
        if previous is not None:
            previous.taken_over(session.address)
        return previous

    def forget_session(self, username: str, session: LiveSession) -> None:
        if self._live.get(username) is session:
            del self._live[username]

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

    async def _start_warm(self) -> None:
        """Start the warm parents (the SSH door's, and the browser door's if it is open), or say in the log
        why sessions will be fresh processes."""
        reason = warm_unavailable_reason()
        if not self.config.warm:
            reason = "turned off (--no-warm)"
        elif reason is None and self.config.child_argv is not None:
            sample = self.config.child_argv("student")
            if not forkable(sample):
                reason = f"the session program {sample[0]} is not this Python"
        if reason is not None:
            log.info("warm sessions: %s; each session is a fresh process", reason)
            return
        own_program = self.config.child_argv is None
        preload = GAME_MODULES if own_program else ()
        self.warm = WarmParent(self.session_env(), preload=preload, game=own_program, serves="SSH sessions")
        parents = [self.warm]
        if self.web is not None:
            web_preload = WEB_GAME_MODULES if own_program else ()
            self.web_warm = WarmParent(
                self.web.shared_env(), preload=web_preload, game=own_program, serves="browser games"
            )
            parents.append(self.web_warm)
        await asyncio.gather(*(parent.start() for parent in parents))

    def session_env(self) -> dict[str, str]:
        """The environment every session shares, at either door: also the warm parent's, so what Textual reads
        from it at import (TEXTUAL_ANIMATIONS, ...) is what a fresh process would have read."""
        env = {k: os.environ[k] for k in INHERITED_ENV if k in os.environ}
        env.update(LANG="C.UTF-8", LC_ALL="C.UTF-8", CONVQUEST_SERVED="1")
        env.update(self.config.child_env)
        return env

    async def spawn_child(
        self, username: str, term: str, chan: asyncssh.SSHServerChannel, size: tuple[int, int, int, int]
    ) -> PtyChild:
        student_dir = self.config.student_dir(username)
        # mode= applies to the last folder only; students/ lists every id, so it is private too.
        student_dir.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        student_dir.mkdir(exist_ok=True, mode=0o700)
        env = self.session_env()
        env.update(TERM=term, CONVQUEST_USER=username, CONVQUEST_DATA_DIR=str(student_dir))
        if wants_truecolor(term, dict(chan.get_environment())):
            env["COLORTERM"] = "truecolor"
        env.update(self.config.child_env)
        # Another program's first screen cannot be recognized: it is not queued.
        queued = self.config.child_argv is None
        if queued:
            await self._starting.acquire()
        try:
            child = await PtyChild.spawn(
                self.config.argv_for(username), env, size, cwd=str(student_dir), warm=self.warm
            )
        except OSError as exc:
            if queued:
                self._starting.release()
            if exc.errno not in (errno.EMFILE, errno.ENFILE):
                raise
            raise self._out_of_files(exc) from exc
        except BaseException:
            if queued:
                self._starting.release()
            raise
        if queued:
            self.track(asyncio.ensure_future(self._next_start_when_drawn(child)))
        self._children.add(child)
        self.track(asyncio.ensure_future(self._forget_when_reaped(child)))
        if self.stopping:  # close() has already hung up the others; this one started too late
            child.hang_up(self.config.hangup_grace)
        return child

    def _out_of_files(self, exc: OSError) -> OSError:
        """The teacher's log says which limit was reached and what to do; the error says it to the student."""
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        which = (
            "the system's open-files limit (fs.file-max)"
            if exc.errno == errno.ENFILE
            else f"its open-files limit ({soft})"
        )
        log.error(
            "a game could not start: the server reached %s with %d sessions; raise it (ulimit -n, systemd's "
            "LimitNOFILE=) or lower --max-sessions",
            which,
            self._sessions,
        )
        return OSError("the server has too many students connected to start another game; try again in a few minutes")

    async def _next_start_when_drawn(self, child: PtyChild) -> None:
        try:
            await child.first_screen(FIRST_SCREEN_BYTES, quiet=0.05, timeout=FIRST_SCREEN_SECONDS)
        finally:
            self._starting.release()

    async def _forget_when_reaped(self, child: PtyChild) -> None:
        await child.wait()
        self._children.discard(child)


def _file_stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        info = path.stat() if path is not None else None
    except OSError:
        return None
    return None if info is None else (info.st_mtime_ns, info.st_size)


class _Connection(asyncssh.SSHServer):
    """One client connection: authentication, which channels it may open, and how long it may
    stay without a game running."""

    def __init__(self, server: ClassroomServer) -> None:
        self._server = server
        self._conn: asyncssh.SSHServerConnection | None = None
        self._address = "?"
        self._peer = "?"
        self._username = ""
        self._login: Login | None = None  # the login in progress, once its id has been checked
        self._authenticated = False
        self._sessions = 0
        self._unused_timer: asyncio.TimerHandle | None = None
        self._connected_at = 0.0

    @property
    def peer(self) -> str:
        return self._peer

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._server._connections.add(self)
        self._connected_at = asyncio.get_running_loop().time()
        peer = conn.get_extra_info("peername") or ("?", 0)
        self._address = str(peer[0])
        self._peer = f"{peer[0]}:{peer[1]}"

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._server._connections.discard(self)
        self._server._bare.discard(self)
        self._cancel_unused_timer()
        # Key-only servers never see a wrong password; a login that ends without success
        # counts once, so trying keys one connection at a time is limited too.
        login = self._login
        if (
            not self._authenticated
            and login is not None
            and not login.counted
            and self._server.config.authorized_keys is not None
        ):
            login.record_failure()

    def _refuse(self, refused: Refused) -> asyncssh.PermissionDenied:
        log.info("refused user=%s from=%s reason=%s", self._username, self._peer, refused.reason)
        return asyncssh.PermissionDenied(refused.message)

    def begin_auth(self, username: str) -> bool:
        self._username = username
        self._login = None
        try:
            self._login = self._server.gate.begin(self._address, username, how=f" (ssh -p {self._server.port} ID@HOST)")
        except Refused as refused:
            raise self._refuse(refused) from None
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
                    Refused("authorized keys unreadable", "the server cannot check keys now; tell your teacher")
                ) from None
        return self._server.gate.checks

    def auth_completed(self) -> None:
        self._authenticated = True
        # It holds a place only if one is free: a class logging in at once, more than the cap, would
        # otherwise all be logged in before any asks for its game, and each find the others in the way.
        if self._server.occupied < self._server.session_cap:
            self._server._bare.add(self)
        # A connection that logs in and never starts a game (`ssh -N`, a forgotten tunnel) would
        # hold a place all lesson: it gets what is left of the login grace time to start one.
        timeout = self._server.config.login_timeout
        if timeout:
            left = timeout - (asyncio.get_running_loop().time() - self._connected_at)
            self._schedule_unused_close(max(left, 0), f"no game started within {duration_words(timeout)} of connecting")

    # --- staying connected without a game ------------------------------------------------------

    def session_began(self) -> None:
        self._sessions += 1
        self._server._bare.discard(self)
        self._cancel_unused_timer()

    def session_ended(self) -> None:
        self._sessions -= 1
        if self._sessions == 0 and self in self._server._connections:
            self._server._bare.add(self)
            config = self._server.config
            timeout = config.idle_timeout or config.login_timeout
            if timeout:
                self._schedule_unused_close(timeout, f"no game running for {duration_words(timeout)}")

    def _schedule_unused_close(self, delay: float, reason: str) -> None:
        self._cancel_unused_timer()
        self._unused_timer = asyncio.get_running_loop().call_later(delay, self._close_unused, reason)

    def _cancel_unused_timer(self) -> None:
        if self._unused_timer is not None:
            self._unused_timer.cancel()
            self._unused_timer = None

    def _close_unused(self, reason: str) -> None:
        self._unused_timer = None
        if self._conn is None or self._sessions:
            return
        log.info("closed user=%s from=%s reason=%s", self._username, self._peer, reason)
        self._conn.disconnect(
            asyncssh.DISC_BY_APPLICATION,
            f"ConvQuest closed this connection: {reason}. Connect with ssh -t -p {self._server.port} "
            f"{self._username or 'ID'}@HOST to play.",
        )

    # --- passwords (the student's own from the roster, or the class code) ----------------------

    def password_auth_supported(self) -> bool:
        return self._server.gate.asks_password

    def validate_password(self, username: str, password: str) -> bool:
        return self._check_password(password)

    def kbdint_auth_supported(self) -> bool:
        return self.password_auth_supported()

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str):
        # Clients given a password (asyncssh's among them) answer a lone prompt with it only
        # when the prompt says "password" or "passcode".
        if self._server.roster is not None:
            return ("ConvQuest", "Type the password on your slip from the teacher.", "", [("Password: ", False)])
        return ("ConvQuest", "Ask your teacher for the class code.", "", [("Password (the class code): ", False)])

    def validate_kbdint_response(self, username: str, responses) -> bool:
        return len(responses) == 1 and self._check_password(responses[0])

    def _check_password(self, given: str) -> bool:
        login = self._login
        assert login is not None  # asyncssh asks for a password only after begin_auth let the id in
        over: Refused | None = None  # wrong, and one wrong login too many
        try:
            if login.check_password(given):
                return True
        except Refused as refused:
            over = refused
        log.info("refused user=%s from=%s reason=%s", self._username, self._peer, self._server.gate.wrong_password)
        if over is not None:
            raise self._refuse(over)
        return False

    # --- channels ------------------------------------------------------------------------------

    def session_requested(self) -> GameSession:
        return GameSession(self._server, self._username, self)

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
