"""The browser door: the class's game in a web page, beside the SSH door, in the same server.

A student opens http(s)://HOST:PORT/, types their id and password (or the class code) into a login
page, and only then does a game start: one process per browser session under Textual's web driver
(convquest.classroom.web.child), its screen drawn by textual-serve's xterm.js page script. Who may
log in is the SSH door's decision (convquest.classroom.gate) with the same failed-login limits; the
session cap, the idle timeout, the quiz, the session log and "one live session per student" are the
server's, shared with SSH: a login by either door takes over the student's session by the other.

The login is bound to the browser by a cookie holding a random token (HttpOnly, SameSite=Strict,
Secure over TLS); reloading the page starts the game again from what was saved, without a new
login. Every page and script comes from this server (a Content-Security-Policy says so to the
browser too), and there are no routes that write files on the server or hand files out from it.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import json
import logging
import secrets
import ssl
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from convquest.classroom.gate import Refused
from convquest.classroom.limits import username_problem
from convquest.classroom.pty_child import MAX_COLS, MAX_ROWS
from convquest.classroom.roster import Roster
from convquest.classroom.server import ClassroomServer, ServeError, is_loopback
from convquest.classroom.session import TAKEN_OVER, TAKEN_OVER_MESSAGE, IdleTimer, duration_words
from convquest.classroom.web.child import WEB_DRIVER, WebChild

log = logging.getLogger("convquest.classroom")

COOKIE = "convquest_login"
# A login stays good this long after it was made (a lesson, with room); the cookie itself lives
# only as long as the browser session, so a shared lab machine forgets it when the browser closes.
LOGIN_LIFETIME = 12 * 3600
# Most browser logins kept at once, the oldest forgotten first: with a class code any valid id
# logs in, and a script logging in as alice1, alice2, … must not grow the server's memory.
MAX_LOGINS = 5000
# How long a connection may stay without a whole request (aiohttp's default: an hour). A browser
# opens a new one when it needs to; a script holding thousands open would use up the server's
# files, and with them every student's game.
IDLE_CONNECTION = 20.0
_HERE = resources.files(__package__)
_PAGE_HEADERS = {
    # Nothing from another host, no inline script, no framing. xterm.js writes <style> elements.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make the browser send Origin: null
}
# Where the browser's screen goes when the game has ended: out of the alternate screen, cursor back.
_RESTORE_TERMINAL = b"\x1b[?1049l\x1b[?25h\x1b[0m\x1b[2J\x1b[H"


def textual_serve_static() -> Path:
    """textual-serve's own page script (xterm.js and its glue), its CSS and its fonts."""
    import textual_serve

    return Path(textual_serve.__file__).parent / "static"


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    for what, path in (("certificate", cert), ("private key", key)):
        if not path.is_file():
            raise ServeError(f"the TLS {what} {path} does not exist (or is not a file)")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(str(cert), str(key))
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise ServeError(
            f"cannot use the TLS certificate {cert} with the key {key}: {exc}. Both must be PEM files, "
            "the key the certificate's own and not protected by a passphrase"
        ) from None
    return context


@dataclass
class _WebLogin:
    student: str
    made: float
    # The roster the password was checked against, and the password: when the teacher edits the
    # roster (a password given away and changed, a student taken off), the login holds only if
    # the edited roster still takes it. It stays in this process's memory, as the roster does.
    roster: Roster | None
    password: str


class WebDoor:
    """The aiohttp application of the browser door, and every browser session it runs."""

    def __init__(self, server: ClassroomServer) -> None:
        self.server = server
        config = server.config
        self.ssl = (
            None if config.tls_cert is None or config.tls_key is None else tls_context(config.tls_cert, config.tls_key)
        )
        self._logins: dict[str, _WebLogin] = {}
        self._sessions: set[BrowserSession] = set()
        self._runner: web.AppRunner | None = None
        self._templates = {
            name: Template((_HERE / "templates" / name).read_text()) for name in ("login.html", "game.html")
        }

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose, for --web-port 0)."""
        if self._runner is not None and self._runner.addresses:
            return int(self._runner.addresses[0][1])
        return self.server.config.web_port or 0

    @property
    def sessions(self) -> frozenset[BrowserSession]:
        return frozenset(self._sessions)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024)
        app.add_routes(
            [
                web.get("/", self.index),
                web.post("/login", self.login),
                web.post("/logout", self.logout),
                web.get("/ws", self.websocket),
                web.static("/static/textual", textual_serve_static()),
                web.static("/static/convquest", Path(str(_HERE / "static"))),
            ]
        )
        app.on_response_prepare.append(_security_headers)
        return app

    async def start(self) -> None:
        config = self.server.config
        self._runner = web.AppRunner(
            self.app(), access_log=None, handle_signals=False, shutdown_timeout=2.0, keepalive_timeout=IDLE_CONNECTION
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, config.web_host, config.web_port, ssl_context=self.ssl).start()
        scheme = "https" if self.ssl else "http"
        # The default --web-host is right behind a proxy, and a puzzle to a teacher whose class
        # cannot open the page: the log says why.
        alone = is_loopback(config.web_host) and not config.web_behind_proxy
        where = " (only from this machine: add --web-host 0.0.0.0 for the class's)" if alone else ""
        log.info("browser door on %s://%s:%d/%s", scheme, config.web_host or "*", self.port, where)

    async def close(self) -> None:
        """Hang up every browser's game, wait until each is reaped and told, then stop listening."""
        for session in list(self._sessions):
            session.hang_up()
        while self._sessions:
            await asyncio.gather(*(s.wait_ended() for s in list(self._sessions)), return_exceptions=True)
            await asyncio.sleep(0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- the login -------------------------------------------------------------------------------

    def address(self, request: web.Request) -> str:
        """Where the student is: the peer's address, or behind a reverse proxy on this machine
        (--web-behind-proxy), the address that proxy put last in X-Forwarded-For. Only a proxy on
        loopback is believed: anyone else could write any address there and escape the limits."""
        peer = request.remote or "?"
        if not self.server.config.web_behind_proxy or not _is_loopback(peer):
            return peer
        # The last entry of the last header: a proxy that adds a header line rather than joining
        # them puts its own after whatever the client sent.
        forwarded = ",".join(request.headers.getall("X-Forwarded-For", [])).rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            return peer

    def _secure(self, request: web.Request) -> bool:
        """Whether the browser reached the door over https: directly, or through the proxy."""
        if self.ssl is not None:
            return True
        proxied = self.server.config.web_behind_proxy and _is_loopback(request.remote or "")
        return proxied and request.headers.get("X-Forwarded-Proto", "") == "https"

    def _student(self, request: web.Request) -> str | None:
        token = request.cookies.get(COOKIE, "")
        login = self._logins.get(token)
        if login is None or time.time() - login.made > LOGIN_LIFETIME:
            return None
        roster = self.server.gate.roster()
        if roster is not login.roster:
            if roster is None or not roster.check_password(login.student, login.password):
                del self._logins[token]
                return None
            login.roster = roster
        return login.student

    async def index(self, request: web.Request) -> web.Response:
        student = self._student(request)
        if student is None:
            return self._login_page()
        return web.Response(
            text=self._templates["game.html"].substitute(student=html.escape(student)), content_type="text/html"
        )

    def _login_page(self, problem: str = "", student: str = "", status: int = 200) -> web.Response:
        gate = self.server.gate
        roster = gate.roster() is not None
        if not gate.asks_password:
            password = ""
        else:
            label = "Password (on your slip from the teacher)" if roster else "Class code (ask your teacher)"
            password = (
                f'<label for="password">{label}</label>'
                '<input id="password" name="password" type="password" autocomplete="current-password" required>'
            )
        text = self._templates["login.html"].substitute(
            problem=f'<p class="problem" role="alert">{html.escape(problem)}</p>' if problem else "",
            student=html.escape(student),
            password=password,
            quiz=html.escape(self.server.quiz.title) if self.server.quiz is not None else "ConvQuest",
        )
        return web.Response(text=text, content_type="text/html", status=status)

    async def login(self, request: web.Request) -> web.Response:
        if not _same_origin(request):
            raise web.HTTPForbidden(text="this form can only be sent from the ConvQuest page itself")
        if (
            request.content_type != "application/x-www-form-urlencoded"
            or (request.charset or "utf-8").lower() != "utf-8"
        ):
            # The page's form is sent so; aiohttp would write a multipart form's files to disk.
            raise web.HTTPUnsupportedMediaType(text="send the login form from the ConvQuest page")
        form = await request.post()
        username = str(form.get("student", "")).strip()
        password = str(form.get("password", ""))
        address = self.address(request)
        shown = _shown(username)
        gate = self.server.gate
        try:
            attempt = gate.begin(address, username)
            if gate.asks_password and not attempt.check_password(password):
                log.info("refused user=%s from=%s door=web reason=%s", shown, address, gate.wrong_password)
                if gate.roster() is not None:
                    said = f"That is not the password for {username}. Check the slip from your teacher and try again."
                else:
                    said = "That is not the class code. Ask your teacher for it and try again."
                return self._login_page(said, username, status=403)
        except Refused as refused:
            log.info("refused user=%s from=%s door=web reason=%s", shown, address, refused.reason)
            status = 429 if refused.reason == "too many failed logins" else 403
            return self._login_page(
                _sentence(refused.message, username), username if status == 429 else "", status=status
            )
        now = time.time()
        for token, old in list(self._logins.items()):  # forget logins past their lifetime
            if now - old.made > LOGIN_LIFETIME:
                del self._logins[token]
        self.forget_logins(username)
        while len(self._logins) >= MAX_LOGINS:  # a dict keeps the order logins were made in
            del self._logins[next(iter(self._logins))]
        token = secrets.token_urlsafe(32)
        roster = gate.roster()
        self._logins[token] = _WebLogin(username, now, roster, password if roster is not None else "")
        log.info("login user=%s from=%s door=web", username, address)
        response = web.HTTPSeeOther("/")
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=self._secure(request), path="/")
        raise response

    def forget_logins(self, student: str, keep: str = "") -> None:
        """Forget the student's browser logins but `keep`: once they have logged in again
        elsewhere, a browser left open on a shared machine must not carry on as them."""
        for token, login in list(self._logins.items()):
            if login.student == student and token != keep:
                del self._logins[token]

    async def logout(self, request: web.Request) -> web.Response:
        if not _same_origin(request):
            raise web.HTTPForbidden(text="this form can only be sent from the ConvQuest page itself")
        token = request.cookies.get(COOKIE)
        login = self._logins.pop(token, None) if token else None
        if login is not None:
            for session in list(self._sessions):
                if session.token == token:
                    session.hang_up()
        response = web.HTTPSeeOther("/")
        response.del_cookie(COOKIE, path="/")
        raise response

    # --- the game --------------------------------------------------------------------------------

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        student = self._student(request)
        if student is None or not _same_origin(request):
            raise web.HTTPForbidden(text="log in first")
        ws = web.WebSocketResponse(heartbeat=30, max_msg_size=64 * 1024)
        await ws.prepare(request)
        session = BrowserSession(self, student, request.cookies.get(COOKIE, ""), self.address(request), ws)
        session.size = (
            _clamp(request.query.get("width"), 80, MAX_COLS),
            _clamp(request.query.get("height"), 24, MAX_ROWS),
        )
        self._sessions.add(session)
        try:
            await session.run()
        finally:
            self._sessions.discard(session)
        return ws

    def shared_env(self) -> dict[str, str]:
        """What every browser game's environment has: also its warm parent's, so what Textual reads at
        import (the driver, the colour system) is what a fresh game reads."""
        env = self.server.session_env()
        env.update(
            TEXTUAL_DRIVER=WEB_DRIVER,
            TEXTUAL_COLOR_SYSTEM="truecolor",  # xterm.js draws 24-bit colour
            COLORTERM="truecolor",
        )
        env.update(self.server.config.child_env)  # a test's or a site's own settings win over the door's
        return env

    def child_env(self, student: str, student_dir: Path, size: tuple[int, int]) -> dict[str, str]:
        env = self.shared_env()
        env.update(CONVQUEST_USER=student, CONVQUEST_DATA_DIR=str(student_dir), COLUMNS=str(size[0]), ROWS=str(size[1]))
        env.update(self.server.config.child_env)
        return env


class BrowserSession:
    """One browser tab's game: the websocket on one side, the game process on the other."""

    def __init__(self, door: WebDoor, student: str, token: str, address: str, ws: web.WebSocketResponse) -> None:
        self._door = door
        self._server = door.server
        self.student = student
        self.token = token
        self._address = address
        self._ws = ws
        self.size = (80, 24)
        self.child: WebChild | None = None
        self._end_reason = "client left"
        self._idle = IdleTimer(self._server.config.idle_timeout, self._went_idle)
        self._ended = asyncio.Event()

    @property
    def address(self) -> str:
        return self._address

    async def wait_ended(self) -> None:
        await self._ended.wait()

    def taken_over(self, address: str) -> None:
        log.info("takeover user=%s from=%s door=web by=%s", self.student, self._address, address)
        # Taken over by this browser's own reload, the login stays; by any other, it ends here.
        successor = self._server.live_session(self.student)
        self._door.forget_logins(self.student, keep=successor.token if isinstance(successor, BrowserSession) else "")
        self._end_reason = TAKEN_OVER
        self.hang_up()

    def hang_up(self) -> None:
        if self.child is not None and self.child.returncode is None:
            self.child.hang_up(self._server.config.hangup_grace)

    async def _say(self, message: str) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self._ws.send_bytes(_RESTORE_TERMINAL + message.replace("\n", "\r\n").encode() + b"\r\n")

    async def run(self) -> None:
        server = self._server
        try:
            if server.stopping:
                await self._say("The ConvQuest server is stopping. Ask your teacher when it is back.")
                return
            if not server.claim_session(None, server.live_session(self.student) is not None):
                log.info("refused user=%s from=%s door=web reason=full", self.student, self._address)
                await self._say(
                    f"The class server is full ({server.session_cap} students are connected). "
                    "Try again in a few minutes."
                )
                return
            try:
                await self._run_game()
            finally:
                server.release_session(None)
        finally:
            self._ended.set()
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._ws.close()

    async def _run_game(self) -> None:
        server = self._server
        previous = server.take_over(self.student, self)
        try:
            if previous is not None:
                # As over SSH: the game it replaces has saved every answer, and is reaped before
                # this one reads where the student got to.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(previous.wait_ended(), server.config.hangup_grace + 10)
            if self._end_reason == TAKEN_OVER or self._ws.closed:
                return
            await self._play()
        finally:
            server.forget_session(self.student, self)

    async def _play(self) -> None:
        server = self._server
        student_dir = server.config.student_dir(self.student)
        student_dir.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        student_dir.mkdir(exist_ok=True, mode=0o700)
        env = self._door.child_env(self.student, student_dir, self.size)
        try:
            self.child = child = await WebChild.spawn(
                server.config.argv_for(self.student), env, cwd=str(student_dir), warm=server.web_warm
            )
        except OSError as exc:
            log.exception("could not start the game for %s", self.student)
            await self._say(f"ConvQuest could not start on the server ({exc}). Tell your teacher.")
            return
        started = time.monotonic()
        log.info(
            "connect user=%s from=%s door=web size=%dx%d pid=%d", self.student, self._address, *self.size, child.pid
        )
        session_id = server.session_opened(self.student, self._address)
        if server.stopping:
            self.hang_up()
        child.resize(*self.size)
        relay = asyncio.ensure_future(child.relay_output(self._ws.send_bytes))
        keys = asyncio.ensure_future(self._read_browser(child))
        self._idle.start()
        try:
            status = await child.wait()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(relay), 0.5)  # the last frames it drew
        finally:
            relay.cancel()
            keys.cancel()
            self._idle.cancel()
            self.hang_up()  # only if cancelled while it ran: a game must not outlive its session
        if self._end_reason == "client left" and not self._ws.closed:
            self._end_reason = "server stopped" if server.stopping else f"game exited (status {status})"
        log.info(
            "disconnect user=%s from=%s door=web duration=%.1fs reason=%s",
            self.student,
            self._address,
            time.monotonic() - started,
            self._end_reason,
        )
        server.session_closed(session_id, self._end_reason)
        await self._say(self._goodbye(child, status))

    def _goodbye(self, child: WebChild, status: int) -> str:
        reason = self._end_reason
        if reason == TAKEN_OVER:
            return TAKEN_OVER_MESSAGE
        if reason.startswith("idle"):
            idle = duration_words(self._server.config.idle_timeout)
            return f"No keys pressed for {idle}, so ConvQuest closed this session. Your progress is saved."
        if reason == "server stopped":
            return "The teacher stopped the ConvQuest server. Your progress is saved."
        if not child.started and reason.startswith("game exited"):
            said = child.prelude.decode(errors="replace").strip()
            log.error("the game for %s did not start (status %d): %s", self.student, status, said[-500:])
            return f"ConvQuest could not start on the server: {said[-300:] or f'status {status}'}. Tell your teacher."
        return "The game has ended. Your progress is saved."

    async def _read_browser(self, child: WebChild) -> None:
        """textual-serve's page sends JSON lists: ["stdin", keys], ["resize", {width, height}],
        ["ping", n], ["focus"], ["blur"]. Anything else is ignored."""
        async for message in self._ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, *rest = json.loads(message.data)
            except (ValueError, TypeError, RecursionError):  # RecursionError: "[[[[…" nested too deep
                continue
            if kind == "stdin" and rest and isinstance(rest[0], str):
                self._idle.key_pressed()
                child.write_keys(rest[0].encode())
            elif kind == "resize" and rest and isinstance(rest[0], dict):
                self.size = (_clamp(rest[0].get("width"), 80, MAX_COLS), _clamp(rest[0].get("height"), 24, MAX_ROWS))
                child.resize(*self.size)
            elif kind == "ping" and rest:
                await self._ws.send_str(json.dumps(["pong", str(rest[0])[:32]]))
            elif kind in ("focus", "blur"):
                child.focus(kind == "focus")
        # The tab was closed or reloaded: the game ends, as an SSH game does when its client leaves.
        self.hang_up()

    def _went_idle(self, reason: str) -> None:
        self._end_reason = reason
        self.hang_up()


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _clamp(value: object, default: int, most: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return default
    return min(max(number, 1), most) if number > 0 else default


def _shown(username: str) -> str:
    """The id as the log shows it: a valid id as it is, anything else quoted (a typed newline
    must not begin a line of its own in the teacher's log)."""
    return username if username_problem(username) is None else repr(username[:40])


def _sentence(message: str, username: str) -> str:
    """A refusal written for ssh's terminal, as a sentence for the login page: capitalised, but
    not where it begins with the student id as typed."""
    if not (username and message.startswith(username)):
        message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def _same_origin(request: web.Request) -> bool:
    """Whether the browser says the request comes from a page of this server (or says nothing, as
    non-browser clients do). With the SameSite=Strict cookie, this stops another site's page from
    driving a student's game or logging them in as someone else."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == request.host


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in _PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Server"] = "ConvQuest"  # not aiohttp's and Python's versions, to anyone who asks
    # A page says who is logged in and is never kept; the script and font (0.7 MB) are the same
    # for everyone, and a class reloading at once over the school's Wi-Fi should not fetch them anew.
    static = request.path.startswith("/static/")
    response.headers.setdefault("Cache-Control", "max-age=3600" if static else "no-store")
