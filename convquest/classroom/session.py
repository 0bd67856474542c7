"""One SSH session: the student's terminal bridged to one game process on its own PTY.

A student has one live session at a time: a second login under the same id takes over, and the
first is told so and hung up before the new game starts, so two games never write one student's
answers at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import asyncssh

from convquest.classroom.pty_child import PtyChild

if TYPE_CHECKING:
    from convquest.classroom.server import ClassroomServer, _Connection

log = logging.getLogger("convquest.classroom")

IDLE_EXIT_STATUS = 124  # what `timeout(1)` uses; lets a script tell an idle close from a refusal
REFUSED_EXIT_STATUS = 1
TAKEN_OVER = "logged in elsewhere"
TAKEN_OVER_MESSAGE = "You logged in somewhere else; this session is closed. Your answers are saved."

# Put the student's terminal back if the game could not, undoing what Textual's driver sets: main
# screen, cursor shown, line wrap on (off, a goodbye longer than the screen overwrites its own
# last column), mouse, focus and resize reporting, bracketed paste and the kitty keyboard mode
# off, colours reset. Sent only after an unclean end, and before any message of the server's.
_RESTORE_TERMINAL = (
    b"\x1b[?1049l\x1b[?25h\x1b[?7h"
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l\x1b[?1004l\x1b[?2048l"
    b"\x1b[?2004l\x1b[<u\x1b[0m"
)

# How long to keep relaying output after the child exits, for a grandchild still holding the PTY.
_DRAIN_SECONDS = 0.5

_TERM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
_TRUECOLOR_TERMS = ("xterm-kitty", "alacritty", "wezterm", "foot", "xterm-ghostty", "contour")


class LiveSession(Protocol):
    """A student's one live session, whichever door it came through (SSH or the browser): what a
    new login of theirs needs to take it over."""

    @property
    def address(self) -> str: ...

    def taken_over(self, address: str) -> None:
        """End it, telling the student they logged in again from `address`."""

    async def wait_ended(self) -> None:
        """Return once its game is reaped (or never started): it writes no more answers."""


def wants_truecolor(term: str, client_env: dict[str, str]) -> bool:
    """Whether the client's terminal plausibly shows 24-bit colour.

    OpenSSH does not forward COLORTERM unless asked to (SendEnv), so also trust terminal types
    that are known to be truecolor.
    """
    if client_env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return True
    return term.endswith("-direct") or "truecolor" in term or term.startswith(_TRUECOLOR_TERMS)


class IdleTimer:
    """Ends a session that has had no key for `timeout` seconds (0: never), for both doors: it
    calls `on_idle` with the reason to log once the student has been idle that long."""

    def __init__(self, timeout: float, on_idle: Callable[[str], None]) -> None:
        self._timeout = timeout
        self._on_idle = on_idle
        self._last_input = time.monotonic()
        self._timer: asyncio.TimerHandle | None = None

    def key_pressed(self) -> None:
        self._last_input = time.monotonic()

    def start(self) -> None:
        if self._timeout:
            delay = self._last_input + self._timeout - time.monotonic()
            self._timer = asyncio.get_running_loop().call_later(max(delay, 0), self._check)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check(self) -> None:
        self._timer = None
        if time.monotonic() - self._last_input >= self._timeout:
            self._on_idle(f"idle for {self._timeout:g}s")
        else:
            self.start()


class GameSession(asyncssh.SSHServerSession):
    """The server side of one session channel. asyncssh calls these methods in protocol order."""

    def __init__(self, server: ClassroomServer, username: str, connection: _Connection) -> None:
        self._server = server
        self._username = username
        self._connection = connection
        self._address = connection.peer
        self._chan: asyncssh.SSHServerChannel | None = None
        self._term: str | None = None
        self._size = (80, 24, 0, 0)
        self._refusal: str | None = None
        self._child: PtyChild | None = None
        self._early_input = bytearray()  # keys typed while the game is still being started
        self._slot = False
        self._gone = False  # the client's side of the channel is closed
        self._end_reason = "client left"
        self._started = 0.0
        self._idle = IdleTimer(server.config.idle_timeout, self._went_idle)
        self._session_id: str | None = None  # its row in the results database's sessions table
        self._previous: LiveSession | None = None  # the student's session this one took over
        self._ended = asyncio.Event()  # its game reaped (or never started): nothing more is written

    @property
    def address(self) -> str:
        return self._address

    async def wait_ended(self) -> None:
        await self._ended.wait()

    # --- what the client asks for -------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self._chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes) -> bool:
        # TERM goes into the child's environment and terminfo lookups: a name, nothing else.
        self._term = term_type if _TERM_NAME.fullmatch(term_type) else "xterm-256color"
        self._size = term_size
        return True

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self._size = (width, height, pixwidth, pixheight)
        if self._child is not None:
            self._child.resize(width, height, pixwidth, pixheight)

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only so the student reads why nothing ran; session_started refuses it.
        self._refusal = (
            "ConvQuest runs only the game, not commands: connect with "
            f"ssh -t -p {self._server.port} {self._username}@HOST"
        )
        self._log_refusal(f"exec of {command[:60]!r}")
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        self._log_refusal(f"subsystem {subsystem[:30]!r}")
        return False

    def session_started(self) -> None:
        if self._refusal is not None:
            self._refuse(self._refusal)
        elif self._term is None:
            self._log_refusal("no terminal")
            self._refuse(
                f"ConvQuest needs a terminal: connect with ssh -t -p {self._server.port} {self._username}@HOST"
            )
        elif self._server.stopping:
            self._log_refusal("server stopping")
            self._refuse("The ConvQuest server is stopping. Ask your teacher when it is back.")
        elif not self._server.claim_session(self._connection, self._server.live_session(self._username) is not None):
            self._log_refusal(f"full ({self._server.session_cap} sessions)")
            self._refuse(
                f"The class server is full ({self._server.session_cap} students are "
                "connected). Try again in a few minutes."
            )
        else:
            self._slot = True
            self._previous = self._server.take_over(self._username, self)
            self._server.track(asyncio.ensure_future(self._run()))

    def taken_over(self, address: str) -> None:
        """The student logged in again from `address`: end this session, saying why."""
        log.info("takeover user=%s from=%s by=%s", self._username, self._address, address)
        self._end_reason = TAKEN_OVER
        if self._child is not None and self._child.returncode is None:
            self._child.hang_up(self._server.config.hangup_grace)

    def data_received(self, data: bytes, datatype) -> None:
        self._idle.key_pressed()
        if self._child is not None:
            self._child.write(data)
        elif len(self._early_input) < 65536:
            self._early_input += data

    def eof_received(self) -> bool:
        # Keep the channel open: the game decides when it is done, and still draws meanwhile.
        return True

    def signal_received(self, signal_name: str) -> None:
        pass  # the game reads Ctrl-C as a key; signals from the client are not forwarded

    def pause_writing(self) -> None:
        if self._child is not None:
            self._child.pause_output()

    def resume_writing(self) -> None:
        if self._child is not None:
            self._child.resume_output()

    def connection_lost(self, exc: Exception | None) -> None:
        self._gone = True
        self._idle.cancel()
        if self._child is not None and self._child.returncode is None:
            self._child.hang_up(self._server.config.hangup_grace)

    # --- running the game -----------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._run_game()
        finally:
            self._server.forget_session(self._username, self)
            self._ended.set()

    async def _run_game(self) -> None:
        if self._previous is not None:
            # The game it replaces has saved every answer given and exits on SIGHUP (or is killed
            # after the grace time); only then may this one read where the student got to. One
            # that will not die even then must not keep the student out for good.
            grace = self._server.config.hangup_grace
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._previous.wait_ended(), grace + 10)
            self._previous = None
        try:
            # asyncssh makes the connection before any request that starts the game.
            assert self._chan is not None
            self._child = await self._server.spawn_child(self._username, self._term or "", self._chan, self._size)
        except Exception as exc:
            log.exception("could not start the game for %s", self._username)
            self._release()
            self._refuse(f"ConvQuest could not start on the server ({exc}). Tell your teacher.")
            return
        self._started = time.monotonic()
        log.info(
            "connect user=%s from=%s term=%s size=%dx%d pid=%d",
            self._username,
            self._address,
            self._term,
            self._size[0],
            self._size[1],
            self._child.pid,
        )
        self._session_id = self._server.session_opened(self._username, self._address)
        if self._gone or self._end_reason == TAKEN_OVER:  # ended while the game was starting
            self._child.hang_up(self._server.config.hangup_grace)
        else:
            # The size may have changed while the child was starting.
            self._child.resize(*self._size)
            self._child.start_output(self._send)
            if self._early_input:
                self._child.write(bytes(self._early_input))
                self._early_input.clear()
            self._idle.start()
        try:
            status = await self._child.wait()
            await self._child.output_ended(_DRAIN_SECONDS)
        finally:
            self._child.close()
            self._release()
        self._finish(status)

    def _finish(self, status: int) -> None:
        self._idle.cancel()
        if not self._gone and self._end_reason == "client left":
            self._end_reason = "server stopped" if self._server.stopping else f"game exited ({_describe(status)})"
        log.info(
            "disconnect user=%s from=%s size=%dx%d duration=%.1fs reason=%s",
            self._username,
            self._address,
            self._size[0],
            self._size[1],
            time.monotonic() - self._started,
            self._end_reason,
        )
        self._server.session_closed(self._session_id, self._end_reason)
        if self._gone or self._chan is None:
            return
        if self._end_reason.startswith("idle"):
            idle = duration_words(self._server.config.idle_timeout)
            self._send(
                _RESTORE_TERMINAL
                + f"\r\nNo keys pressed for {idle}, so ConvQuest closed this session. "
                "Your progress is saved: connect again to carry on.\r\n".encode()
            )
            self._chan.exit(IDLE_EXIT_STATUS)
        elif self._end_reason == TAKEN_OVER:
            self._send(_RESTORE_TERMINAL + f"\r\n{TAKEN_OVER_MESSAGE}\r\n".encode())
            self._chan.exit(REFUSED_EXIT_STATUS)
        elif self._end_reason == "server stopped":
            self._send(_RESTORE_TERMINAL + b"\r\nThe teacher stopped the ConvQuest server. Your progress is saved.\r\n")
            self._chan.exit(REFUSED_EXIT_STATUS)
        elif status < 0:
            self._send(_RESTORE_TERMINAL)
            name = signal.Signals(-status).name.removeprefix("SIG")
            self._chan.exit_with_signal(name, False, f"the game was stopped by {name}")
        else:
            self._chan.exit(status)

    def _send(self, data: bytes) -> None:
        if not self._gone and self._chan is not None:
            self._chan.write(data)

    def _release(self) -> None:
        if self._slot:
            self._slot = False
            self._server.release_session(self._connection)

    def _went_idle(self, reason: str) -> None:
        if self._child is None or self._gone:
            return
        self._end_reason = reason
        self._child.hang_up(self._server.config.hangup_grace)

    # --- refusals ------------------------------------------------------------------------------

    def _refuse(self, message: str) -> None:
        if self._gone or self._chan is None:
            return
        newline = "\r\n" if self._term is not None else "\n"
        self._chan.write_stderr((message + newline).encode())
        self._chan.exit(REFUSED_EXIT_STATUS)

    def _log_refusal(self, reason: str) -> None:
        log.info("refused user=%s from=%s reason=%s", self._username, self._address, reason)


def _describe(status: int) -> str:
    if status < 0:
        return f"signal {signal.Signals(-status).name}"
    return f"status {status}"


def duration_words(seconds: float) -> str:
    """A timeout as a student or teacher reads it: seconds up to two minutes (never "1 minutes"
    or "1.5 minutes"), whole or part minutes after."""
    return f"{seconds:g} seconds" if seconds < 120 else f"{seconds / 60:g} minutes"
