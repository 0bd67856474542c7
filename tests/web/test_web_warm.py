"""Warm sessions at the browser door: each browser game is forked from the door's own warm parent
(started with the web driver's environment) onto three pipes, gets its own student's environment and
size, reports its exit as a fresh game does, and a warm parent that dies means fresh games until it
is back."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
from web_helpers import CODE, GameSocket, Page, eventually, game_processes

from convquest.classroom import warm as warm_module
from convquest.classroom.server import ClassroomServer, ServerConfig
from convquest.classroom.web.child import WEB_DRIVER

pytestmark = pytest.mark.skipif(warm_module.unavailable_reason() is not None, reason="warm sessions need Linux")

# A stand-in game speaking the web driver's protocol: draws what it was given as one JSON line,
# then exits with the status typed as one digit.
PROBE = r"""
import json, os, sys
try:
    os.close(os.open("/dev/tty", os.O_RDWR))
    ctty = True
except OSError:
    ctty = False
fds = {}
for fd in os.listdir("/proc/self/fd"):
    try:
        fds[fd] = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass  # the listing's own descriptor, closed by now
info = dict(
    pid=os.getpid(), ppid=os.getppid(), sid=os.getsid(0), ctty=ctty, env=dict(os.environ), cwd=os.getcwd(),
    fds=fds, textual="textual" in sys.modules,
)
line = (json.dumps(info) + "\r\n").encode()
out = sys.stdout.buffer
out.write(b"__GANGLION__\n" + b"D" + len(line).to_bytes(4, "big") + line)
out.flush()
while head := sys.stdin.buffer.read(5):
    payload = sys.stdin.buffer.read(int.from_bytes(head[1:], "big"))
    if head[:1] == b"D" and payload.isdigit():
        sys.exit(int(payload))
"""


def probe_argv(username: str) -> list[str]:
    return [sys.executable, "-c", PROBE]


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def environ_of(pid: int) -> dict[str, str]:
    pairs = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(p.decode().split("=", 1) for p in pairs if b"=" in p)


@pytest.fixture
async def door(tmp_path):
    """`await door(**config)`: a server with a browser door whose games are the probe; closed after."""
    servers: list[ClassroomServer] = []

    async def start(**overrides) -> ClassroomServer:
        config = dict(
            data_dir=tmp_path / "data",
            port=0,
            web_port=0,
            class_code=CODE,
            child_argv=probe_argv,
            hangup_grace=1.0,
            record_sessions=False,
        )
        config.update(overrides)
        server = ClassroomServer(ServerConfig(**config))
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()


class Game(GameSocket):
    """One student's browser tab on the door: logged in, its game's socket open."""

    def __init__(self, client: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        super().__init__(ws)
        self.client = client

    @classmethod
    async def open(cls, server: ClassroomServer, student: str, size: tuple[int, int]) -> Game:
        assert server.web is not None
        base = f"http://127.0.0.1:{server.web.port}"
        client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        async with client.post(base + "/login", data={"student": student, "password": CODE}) as response:
            assert response.status == 200
        return cls(client, await client.ws_connect(f"{base}/ws?width={size[0]}&height={size[1]}"))

    async def info(self) -> dict:
        screen = await self.drawn(b"}\r\n")
        return json.loads(screen[screen.index(b"{") : screen.index(b"}\r\n") + 1])

    async def close(self) -> None:
        await self.ws.close()
        await self.client.close()


async def gone(pid: int) -> bool:
    """Whether `pid` has exited and been reaped (no zombie left)."""
    for _ in range(200):
        if not Path(f"/proc/{pid}").exists():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_the_door_has_a_warm_parent_of_its_own_with_the_web_drivers_settings_and_no_students(door):
    server = await door()
    web_warm, ssh_warm = server.web_warm, server.warm
    assert web_warm is not None and web_warm.ready and ssh_warm is not None and web_warm.pid != ssh_warm.pid
    # The parent has the web driver's settings Textual reads at import, and no student's.
    parent_env = environ_of(web_warm.pid)
    assert parent_env["TEXTUAL_DRIVER"] == WEB_DRIVER and parent_env["TEXTUAL_COLOR_SYSTEM"] == "truecolor"
    assert "CONVQUEST_USER" not in parent_env and "COLUMNS" not in parent_env
    assert "TEXTUAL_DRIVER" not in environ_of(ssh_warm.pid)


@pytest.mark.slow
async def test_browser_games_are_forked_from_the_doors_own_parent_with_their_own_env(door, caplog):
    caplog.set_level(logging.INFO, logger="convquest.classroom")
    server = await door()
    web_warm, ssh_warm = server.web_warm, server.warm
    assert web_warm is not None and web_warm.ready and ssh_warm is not None

    games = [await Game.open(server, "alice", (90, 28)), await Game.open(server, "bob", (120, 40))]
    try:
        alice, bob = [await game.info() for game in games]
        for info, student, size in ((alice, "alice", ("90", "28")), (bob, "bob", ("120", "40"))):
            assert info["ppid"] == web_warm.pid  # forked, not started fresh
            assert info["sid"] == info["pid"] and not info["ctty"]  # its own session, no terminal
            env = info["env"]
            assert (env["CONVQUEST_USER"], (env["COLUMNS"], env["ROWS"])) == (student, size)
            assert env["TEXTUAL_DRIVER"] == WEB_DRIVER and env["CONVQUEST_DATA_DIR"] == info["cwd"]
            assert Path(info["cwd"]) == server.config.student_dir(student)
            # Its stdin, stdout and stderr are three pipes of its own; nothing of the parent's is open.
            assert sorted(info["fds"]) == ["0", "1", "2"]
            assert len(set(info["fds"].values())) == 3 and all(p.startswith("pipe:") for p in info["fds"].values())
        assert web_warm.forks == 2 and ssh_warm.forks == 0
        assert not set(alice["fds"].values()) & set(bob["fds"].values())
        # The exit status reaches the door as a fresh game's does, and the game is reaped.
        await games[0].ws.send_str('["stdin", "7"]')
        assert await gone(alice["pid"])
        await eventually_async(
            lambda: any("user=alice" in r.getMessage() and "status 7" in r.getMessage() for r in caplog.records),
            "alice's exit status logged",
        )
        # Hanging up (the tab closed) ends a forked game too.
        await games[1].close()
        assert await gone(bob["pid"])
        await eventually_async(lambda: not server.web.sessions, "both sessions over")
    finally:
        for game in games:
            await game.close()


async def eventually_async(condition, what: str, timeout: float = 20.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not within {timeout} s: {what}")


@pytest.mark.slow  # three seconds of it are the restart's delay, the window to log in while the parent is gone
async def test_a_killed_web_warm_parent_means_fresh_games_until_it_is_restarted(door, monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="convquest.classroom")
    monkeypatch.setattr(warm_module, "_RESTART_DELAYS", (3.0,))  # a window to log in while it is gone
    server = await door()
    web_warm = server.web_warm
    assert web_warm is not None
    first = web_warm.pid
    os.kill(first, signal.SIGKILL)
    await eventually_async(lambda: not web_warm.ready, "the warm parent's death noticed")
    game = await Game.open(server, "carol", (80, 24))
    try:
        info = await game.info()
        assert info["ppid"] == os.getpid()  # a fresh process, started by the server
        assert info["env"]["CONVQUEST_USER"] == "carol" and info["env"]["TEXTUAL_DRIVER"] == WEB_DRIVER
        assert any("warm parent gone" in r.getMessage() for r in caplog.records)
        await eventually_async(lambda: web_warm.ready and web_warm.pid not in (None, first), "a new warm parent")
        assert web_warm.starts == 2
        later = await Game.open(server, "dan", (80, 24))
        try:
            assert (await later.info())["ppid"] == web_warm.pid
        finally:
            await later.close()
    finally:
        await game.close()


@pytest.mark.slow
def test_the_real_game_in_a_browser_is_forked_from_the_web_warm_parent(web_server, browser):
    served = web_server()
    web_warm = served.server.web_warm
    assert web_warm is not None and web_warm.ready
    page = Page(browser(), served.url)
    page.log_in("alice")
    page.wait_for("ConvQuest")
    [game] = eventually(game_processes, "alice's game running")
    assert parent_of(game) == web_warm.pid
    page.type("?")  # keys reach it: its help opens
    page.wait_for("Keys on this screen")
