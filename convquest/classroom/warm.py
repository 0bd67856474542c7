"""Warm sessions: one prepared parent process forks each session's game instead of a fresh Python.

A fresh `python -m convquest` per SSH session imports Textual and NumPy again (about 0.4 s of CPU
and 34 MB each); with a class logging in at once, that is what they wait for. The warm parent
imports them (loads the curriculum, and draws the home screen once, headless) once; each session is then a fork of it, sharing those
pages copy-on-write. The garbage collector's objects are frozen before each fork (gc.freeze), so a
collection in a child does not touch, and so copy, every page the parent's objects live on.

Two processes, two halves of this module:
- `WarmParent`, in the server: starts the parent (`python -m convquest.classroom.warm`), sends it
  each session's PTY slave (the SSH door's) or its three pipes (the browser door's: stdin, stdout,
  stderr) over a Unix socket (SCM_RIGHTS) with the argv, environment and folder,
  gets the child's pid back and later its exit status. It restarts a parent that died; children
  of a dead parent are adopted by the server (it is their subreaper) and reaped by it.
- `serve_forks`, in the parent: waits for requests, forks, reaps its children and reports each
  exit. A child becomes its session before running anything: its own session with the PTY as
  controlling terminal and stdin/out/err (or the pipes, and no terminal), the session's
  environment (os.environ replaced whole), folder, default signal handlers, its own random state,
  then runs the program as `python` would.

What can be forked: an argv that is this Python followed by `-m MODULE`, `-c CODE` or a script, with
no interpreter options; anything else (another program, or a Python with options) is a fresh
process, and so is everything when the parent is not running (not started, restarting, refused the
request). What Textual reads at import (TEXTUAL_DRIVER, TEXTUAL_COLOR_SYSTEM, ...) is the parent's:
each door has its own parent, started with the environment its sessions share. Linux only
(pidfd_open, PR_SET_CHILD_SUBREAPER); elsewhere every session is fresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import fcntl
import gc
import io
import json
import logging
import os
import resource
import select
import signal
import socket
import sys
import termios
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger("convquest.classroom")

# What the game and the quiz import, done once in the parent: every screen and problem kind (a
# child that opens one later then finds it already shared), Textual's terminal driver, and "pkg.*"
# for a package with all its modules.
GAME_MODULES = (
    "numpy",
    "textual.app",
    "textual.drivers.linux_driver",
    "textual.drivers._writer_thread",
    "textual._xterm_parser",
    "textual.layouts.factory",
    "convquest.cli",
    "convquest.commands.*",
    "convquest.store",
    "convquest.classroom.quiz",
    "convquest.classroom.results",
    "convquest.classroom.sitting",
    "convquest.engine.*",
    "convquest.levels.*",
    "convquest.play.*",
    "convquest.practice.*",
    "convquest.ui.*",
)
# The browser door's games run under Textual's web driver (TEXTUAL_DRIVER in the parent's environment).
WEB_GAME_MODULES = (*GAME_MODULES, "textual.drivers.web_driver")
# How a session's stdio is passed, and how many descriptors that takes.
STDIO_FDS = {"pty": 1, "pipes": 3}

_MAX_MESSAGE = 1 << 18  # a request is an argv and an environment: a few kB
_READY_TIMEOUT = 120.0  # seconds for the parent to import everything on a busy machine
_FORK_TIMEOUT = 10.0
_RESTART_DELAYS = (0.0, 1.0, 5.0, 30.0)  # after each quick death in a row, wait longer
_STABLE_SECONDS = 30.0  # a parent that lived this long resets the delays
_PR_SET_CHILD_SUBREAPER = 36

# File descriptors one session holds in the server at its door's worst moment, while its game starts.
# SSH: the connection's socket, the PTY's master, and its slave until the game has it (after a warm
# parent's death, a pidfd per adopted game instead). Browser: the websocket's socket and the login
# form's kept-alive one, the game's three pipes, and their other ends until the game has them.
# (A fresh process's exec pipe is one session's at a time: Popen forks synchronously.)
FDS_PER_SESSION = {"ssh": 3, "web": 8}
# The server's own: listeners, the results database, the warm parents' sockets, the log, and the
# sockets of logins under way (not yet sessions).
FDS_BASE = 256
SESSIONS_PROVIDED = 200  # issue 21's lecture hall: room for this many, whatever --max-sessions says


def open_files_needed(sessions: int, web: bool) -> int:
    """Descriptors `sessions` need at the worst door that is open (all of them there)."""
    return FDS_BASE + FDS_PER_SESSION["web" if web else "ssh"] * sessions


def sessions_fitting(limit: int, web: bool) -> int:
    """How many sessions an open-files limit leaves room for (RLIM_INFINITY: no bound)."""
    if limit == resource.RLIM_INFINITY:
        return sys.maxsize
    return max((limit - FDS_BASE) // FDS_PER_SESSION["web" if web else "ssh"], 0)


def raise_open_files_limit(sessions: int, web: bool = False) -> int:
    """Raise the soft RLIMIT_NOFILE to what `sessions` (at least SESSIONS_PROVIDED) need, up to the
    hard limit; say in the log when it falls short. Returns how many sessions the limit allows."""
    wanted = max(sessions, SESSIONS_PROVIDED)
    needed = open_files_needed(wanted, web)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return sessions_fitting(soft, web)
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as exc:
        log.warning(
            "cannot raise the open-files limit from %d to %d (%s): about %d sessions fit",
            soft,
            target,
            exc,
            sessions_fitting(soft, web),
        )
        return sessions_fitting(soft, web)
    if target < needed:
        log.warning(
            "the open-files limit is %d (the hard limit), %d are needed for %d sessions: about %d fit; "
            "raise it with `ulimit -Hn` or systemd's LimitNOFILE=",
            target,
            needed,
            wanted,
            sessions_fitting(target, web),
        )
    else:
        log.info("raised the open-files limit from %d to %d", soft, target)
    return sessions_fitting(target, web)


def forkable(argv: Sequence[str]) -> bool:
    """Whether `argv` is this Python running a module, -c code or a script (no interpreter options)."""
    if len(argv) < 2 or argv[0] != sys.executable:
        return False
    if argv[1] in ("-m", "-c"):
        return len(argv) >= 3
    return not argv[1].startswith("-")


def unavailable_reason() -> str | None:
    """Why this system cannot run warm sessions, or None."""
    if not sys.platform.startswith("linux"):
        return f"not on Linux ({sys.platform})"
    if not hasattr(os, "pidfd_open") or not hasattr(socket, "send_fds"):
        return "this Python lacks os.pidfd_open or socket.send_fds"
    return None


# --- the server's side ------------------------------------------------------------------------------


class ForkedProcess:
    """A child of the warm parent, as PtyChild sees a process: pid, returncode, wait()."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._exited: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)

    def exited(self, status: int) -> None:
        if self.returncode is None:
            self.returncode = status
            self._exited.set_result(status)


class WarmParent:
    """The server's handle on the warm parent: start, fork a session, restart, close."""

    def __init__(self, env: Mapping[str, str], preload: Sequence[str], game: bool, serves: str = "sessions") -> None:
        self._env = dict(env)
        self._serves = serves  # what the log calls its children: a server has one parent per door
        self._preload = list(preload)
        self._game = game  # the program is ConvQuest: load its curriculum and draw its home screen once
        self._process: asyncio.subprocess.Process | None = None
        self._sock: socket.socket | None = None
        self._ready = False
        self._closing = False
        self._next_id = 0
        self._replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._abandoned: set[int] = set()  # requests given up on: a late child is killed
        self._children: dict[int, ForkedProcess | _EarlyExit] = {}
        self._supervisor: asyncio.Task[None] | None = None
        self._first_try = asyncio.Event()  # the first parent is ready, or has died trying
        self.forks = 0  # sessions forked and parents started, for the tests
        self.starts = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None and self._ready else None

    @property
    def ready(self) -> bool:
        return self._ready

    async def start(self) -> None:
        """Start the parent and wait until it has imported everything (or failed: then sessions are fresh)."""
        _become_subreaper()
        self._supervisor = asyncio.ensure_future(self._supervise())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first_try.wait(), _READY_TIMEOUT)
        if not self._ready:
            log.warning(
                "warm sessions: the parent did not start; %s start as fresh processes until it does", self._serves
            )

    async def close(self) -> None:
        self._closing = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        await self._stop_parent()

    async def fork(
        self, argv: Sequence[str], env: Mapping[str, str], stdio: Sequence[int], cwd: str | None
    ) -> ForkedProcess | None:
        """Fork the session from the parent onto `stdio`: a PTY's slave, or the child's ends of its stdin,
        stdout and stderr pipes. None if it cannot (the caller starts it fresh)."""
        sock = self._sock
        if not self._ready or sock is None or not forkable(argv):
            return None
        self._next_id += 1
        request_id = self._next_id
        kind = "pty" if len(stdio) == STDIO_FDS["pty"] else "pipes"
        request = {"id": request_id, "argv": list(argv[1:]), "env": dict(env), "cwd": cwd, "stdio": kind}
        payload = json.dumps(request).encode()
        reply: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._replies[request_id] = reply
        try:
            socket.send_fds(sock, [payload], list(stdio))
            answer = await asyncio.wait_for(asyncio.shield(reply), _FORK_TIMEOUT)
        except (OSError, TimeoutError, ConnectionError) as exc:
            self._abandoned.add(request_id)
            log.warning("warm parent did not fork a session (%s); starting a fresh process", exc or type(exc).__name__)
            return None
        finally:
            self._replies.pop(request_id, None)
        if "pid" not in answer:
            log.warning("warm parent could not fork a session (%s); starting a fresh process", answer.get("error"))
            return None
        process = ForkedProcess(int(answer["pid"]))
        # Its exit may already have been reported, just after the pid.
        early = self._children.get(process.pid)
        if isinstance(early, _EarlyExit):
            process.exited(early.status)
        else:
            self._children[process.pid] = process
        self.forks += 1
        return process

    # --- the parent's life ---

    async def _supervise(self) -> None:
        quick_deaths = 0
        while not self._closing:
            started = time.monotonic()
            try:
                await self._run_parent()
            except Exception:
                log.exception("warm parent failed")
            self._first_try.set()
            if self._closing:
                return
            quick_deaths = 0 if time.monotonic() - started > _STABLE_SECONDS else quick_deaths + 1
            delay = _RESTART_DELAYS[min(quick_deaths, len(_RESTART_DELAYS)) - 1] if quick_deaths else 0.0
            log.warning(
                "warm parent gone; %s start as fresh processes until it is back (restart in %g s)", self._serves, delay
            )
            await asyncio.sleep(delay)

    async def _run_parent(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        started = time.monotonic()
        argv = [sys.executable, "-P", "-m", "convquest.classroom.warm", str(theirs.fileno())]
        if self._game:
            argv.append("--game")
        argv += self._preload
        env = dict(self._env)
        # The game's arrays are small: one BLAS thread is plenty, and leaves the parent one thread to fork.
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        try:
            self._process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                env=env,
                pass_fds=[theirs.fileno()],
                start_new_session=True,  # a teacher's ctrl+c in the server's terminal is the server's to handle
            )
        finally:
            theirs.close()
        ours.setblocking(False)
        self._sock = ours
        self.starts += 1
        loop = asyncio.get_running_loop()
        try:
            while True:
                data = await loop.sock_recv(ours, _MAX_MESSAGE)
                if not data:
                    break
                self._handle(json.loads(data), started)
        finally:
            self._ready = False
            self._sock = None
            ours.close()
            for reply in self._replies.values():
                if not reply.done():
                    reply.set_exception(ConnectionError("the warm parent exited"))
            await self._stop_parent()
            self._adopt_orphans()

    def _handle(self, message: dict[str, Any], started: float) -> None:
        if "ready" in message:
            self._ready = True
            self._first_try.set()
            log.info(
                "warm sessions: parent pid %d ready in %.1f s (%s); %s are forked from it",
                message["pid"],
                time.monotonic() - started,
                ", ".join(message["ready"]),
                self._serves,
            )
        elif "exited" in message:
            pid, status = int(message["exited"]), int(message["status"])
            child = self._children.pop(pid, None)
            if isinstance(child, ForkedProcess):
                child.exited(status)
            else:  # reported before fork() read the pid
                self._children[pid] = _EarlyExit(status)
        elif "id" in message:
            request_id = int(message["id"])
            reply = self._replies.get(request_id)
            if reply is not None and not reply.done():
                reply.set_result(message)
            elif request_id in self._abandoned and "pid" in message:
                self._abandoned.discard(request_id)
                log.warning("warm parent forked pid %s after its session had started fresh; killed it", message["pid"])
                # The process itself: it may not have made its own process group yet.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(message["pid"]), signal.SIGKILL)

    async def _stop_parent(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        # It leaves by itself once its socket is closed; one that does not is stopped.
        for stop in (None, process.terminate, process.kill):
            if stop is not None:
                with contextlib.suppress(ProcessLookupError):
                    stop()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 2)
                break
        if not self._closing:
            log.warning("warm parent pid %d exited with status %s", process.pid, process.returncode)

    def _adopt_orphans(self) -> None:
        """The children of a dead parent are now the server's (subreaper): reap each when it exits."""
        for pid, child in list(self._children.items()):
            if isinstance(child, _EarlyExit):
                continue
            del self._children[pid]
            _Adoption(child).start()


class _EarlyExit:
    def __init__(self, status: int) -> None:
        self.status = status


class _Adoption:
    """Wait for an adopted child's exit with a pidfd, then reap it as its new parent."""

    def __init__(self, child: ForkedProcess) -> None:
        self._child = child
        self._fd = -1

    def start(self) -> None:
        try:
            self._fd = os.pidfd_open(self._child.pid)
        except ProcessLookupError:
            # Reaped by the parent just before it died, the report with it: the status is lost.
            log.warning("exit status of session pid %d was lost with the warm parent", self._child.pid)
            self._child.exited(1)
            return
        asyncio.get_running_loop().add_reader(self._fd, self._exited)

    def _exited(self) -> None:
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._fd)
        os.close(self._fd)
        try:
            _, status = os.waitpid(self._child.pid, 0)
        except ChildProcessError:  # not ours after all (no subreaper): someone else reaped it
            log.warning("exit status of session pid %d unknown (adopted by another process)", self._child.pid)
            self._child.exited(1)
            return
        self._child.exited(os.waitstatus_to_exitcode(status))


def _become_subreaper() -> None:
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            log.warning("cannot become the subreaper of warm sessions: if the warm parent dies, theirs are not reaped")


# --- the parent's side ------------------------------------------------------------------------------


def _preload(modules: Sequence[str], game: bool) -> list[str]:
    import importlib
    import pkgutil

    for name in modules:
        module = importlib.import_module(name.removesuffix(".*"))
        if name.endswith(".*"):
            for info in pkgutil.walk_packages(module.__path__, f"{module.__name__}."):
                importlib.import_module(info.name)
    done = [f"{len(sys.modules)} modules"]
    if "textual.app" in sys.modules:
        from rich.cells import cell_len

        cell_len("\u00e9")  # loads rich's table of character widths, as the first screen would
    if game:
        from convquest.levels import load_curriculum

        load_curriculum()
        done.append("the curriculum")
        # Drawing a screen is the game's own business: the play command does it, as a launch would.
        from convquest.commands.play import rehearse_home_screen

        try:
            rehearse_home_screen()
        except Exception as exc:  # a parent that cannot rehearse still saves every session its imports
            print(f"convquest warm parent: drawing the home screen once failed: {exc!r}", file=sys.stderr)
        else:
            done.append("the home screen drawn once")
    return done


def serve_forks(sock: socket.socket, preloaded: list[str]) -> None:
    """The parent's loop: fork each request, report each exit, until the server closes the socket."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # only to wake the poll below
    sock.sendall(json.dumps({"ready": preloaded, "pid": os.getpid()}).encode())
    poller = select.poll()  # not a selector: an epoll fd would be shared with every child
    poller.register(sock.fileno(), select.POLLIN)
    poller.register(wake_r, select.POLLIN)
    inherited = (sock, wake_r, wake_w)
    while True:
        for fd, _ in poller.poll():
            if fd == wake_r:
                with contextlib.suppress(BlockingIOError):
                    os.read(wake_r, 4096)
                _report_exits(sock)
                continue
            message, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, max(STDIO_FDS.values()))
            if not message:
                return  # the server closed its end: it has reaped its sessions or is gone
            request = json.loads(message)
            try:
                kind = request.setdefault("stdio", "pty")
                if len(fds) != STDIO_FDS.get(kind):
                    raise OSError(f"a request for {kind!r} came with {len(fds)} file descriptors")
                pid = _fork_session(request, fds, inherited)
            except OSError as exc:
                sock.sendall(json.dumps({"id": request["id"], "error": str(exc)}).encode())
            else:
                sock.sendall(json.dumps({"id": request["id"], "pid": pid}).encode())
            finally:
                for fd_ in fds:
                    os.close(fd_)
        _report_exits(sock)


def _report_exits(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        sock.sendall(json.dumps({"exited": pid, "status": os.waitstatus_to_exitcode(status)}).encode())


def _fork_session(request: dict[str, Any], stdio: list[int], inherited: tuple[socket.socket, int, int]) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    # Everything allocated so far is the parent's: out of the collector's reach, so no child's
    # collection writes to (and so copies) the pages those objects live on.
    gc.freeze()
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        _become_session(request, stdio, inherited)
        status = _run_python(request["argv"])
    except BaseException:  # the child must never return into the parent's loop
        with contextlib.suppress(BaseException):
            import traceback

            traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(status)


def _become_session(request: dict[str, Any], stdio: list[int], inherited: tuple[socket.socket, int, int]) -> None:
    """What a fresh process started by PtyChild.spawn or WebChild.spawn has; each step undoes one of the parent's."""
    sock, wake_r, wake_w = inherited
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    sock.close()
    os.close(wake_r)
    os.close(wake_w)
    os.setsid()
    on_terminal = request["stdio"] == "pty"
    if on_terminal:
        fcntl.ioctl(stdio[0], termios.TIOCSCTTY, 0)
        stdio = stdio * 3
    for target, fd in enumerate(stdio):
        os.dup2(fd, target)
    for fd in set(stdio) - {0, 1, 2}:
        os.close(fd)
    os.environ.clear()
    os.environ.update(request["env"])
    if request.get("cwd"):
        os.chdir(request["cwd"])
    # The streams on fds 0-2, whatever the parent's rehearsal did with sys.stdout; stdout was
    # /dev/null in the parent, so block-buffered as on a pipe; on a terminal Python line-buffers it.
    sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
    if on_terminal and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    gc.enable()
    _reseed()


def _reseed() -> None:
    """The parent's random state is every child's: each gets its own (`random` reseeds itself at fork)."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _run_python(args: Sequence[str]) -> int:
    """Run `python ARGS` (ARGS: -m MODULE ..., -c CODE ..., or SCRIPT ...) in this process; its exit status."""
    import runpy
    import types

    try:
        try:
            if args[0] == "-m":
                sys.argv = [args[1], *args[2:]]
                runpy.run_module(args[1], run_name="__main__", alter_sys=True)
            elif args[0] == "-c":
                sys.argv = ["-c", *args[2:]]
                main = types.ModuleType("__main__")
                sys.modules["__main__"] = main
                exec(compile(args[1], "<string>", "exec"), main.__dict__)
            else:
                sys.argv = list(args)
                sys.path[0:0] = [str(Path(args[0]).resolve().parent)]
                runpy.run_path(args[0], run_name="__main__")
        finally:
            with contextlib.suppress(Exception):
                import atexit

                atexit._run_exitfuncs()
    except SystemExit as stop:
        return _exit_code(stop.code)
    except KeyboardInterrupt:
        # As Python does: the parent sees the child killed by SIGINT.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGINT)
        return 130
    except OSError as exc:
        if args[0] not in ("-m", "-c") and not Path(args[0]).exists():
            sys.stderr.write(f"{sys.executable}: can't open file {args[0]!r}: [Errno {exc.errno}] {exc.strerror}\n")
            return 2
        raise
    return 0


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write(f"{code}\n")
    return 1


def main(argv: Sequence[str]) -> None:
    gc.disable()  # no collections while importing; gc.freeze() before each fork takes it from there
    sock = socket.socket(fileno=int(argv[0]))
    modules = [a for a in argv[1:] if not a.startswith("--")]
    preloaded = _preload(modules, "--game" in argv)
    gc.collect()
    gc.freeze()
    serve_forks(sock, preloaded)


if __name__ == "__main__":
    main(sys.argv[1:])
