"""The browser door's rules with websocket clients and a stand-in game (web_echo.py): the login
page's refusals and limits, the session cap and idle timeout shared with SSH, the environment a
game gets, and a game that cannot start."""

from __future__ import annotations

import asyncio
import functools
import sys
from pathlib import Path

import aiohttp
import pytest
from web_helpers import CODE, GameSocket

from convquest.classroom.roster import write_roster
from convquest.classroom.server import ClassroomServer

ECHO = Path(__file__).with_name("web_echo.py")


def echo_argv(username: str) -> list[str]:
    return [sys.executable, str(ECHO)]


@pytest.fixture
def door(classroom_server):
    """`await door(**config)`: a server with a browser door (stand-in games); closed after."""
    return functools.partial(classroom_server, web_port=0, class_code=CODE, child_argv=echo_argv, record_sessions=False)


class Browser:
    """One browser: its own cookies; logs in and opens the game's socket."""

    def __init__(self, server: ClassroomServer) -> None:
        assert server.web is not None
        self.base = f"http://127.0.0.1:{server.web.port}"
        self.client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def log_in(self, student: str = "alice", password: str = CODE) -> tuple[int, str]:
        data = {"student": student, "password": password}
        async with self.client.post(self.base + "/login", data=data) as response:
            return response.status, await response.text()

    async def play(self) -> GameSocket:
        return GameSocket(await self.client.ws_connect(self.base + "/ws?width=90&height=28"))

    async def close(self) -> None:
        await self.client.close()


@pytest.fixture
async def browsers(door):
    """`browsers(server)` opens a Browser on the server's door; each is closed after, before the
    servers are."""
    opened: list[Browser] = []

    def open_one(server: ClassroomServer) -> Browser:
        browser = Browser(server)
        opened.append(browser)
        return browser

    yield open_one
    for browser in opened:
        await browser.close()


async def test_the_login_page_names_each_refusal(door, browsers, tmp_path):
    roster = tmp_path / "roster.csv"
    write_roster(roster, "student,password\nalice,pw-alice\nbob,pw-bob\n")
    server = await door(class_code=None, roster=roster)
    browser = browsers(server)
    status, page = await browser.log_in("alice", "wrong")
    assert status == 403 and "That is not the password for alice" in page
    status, page = await browser.log_in("zoe", "pw-alice")
    assert status == 403 and "zoe is not on this class&#x27;s roster" in page
    status, page = await browser.log_in("../x", "pw-alice")
    assert status == 403 and "cannot be a student id" in page
    assert server.web is not None and not server.web.sessions and server.active_sessions == 0
    status, page = await browser.log_in("alice", "pw-alice")
    assert status == 200 and "textual.js" in page


async def test_failed_logins_are_limited_as_over_ssh(door, browsers):
    server = await door(failed_logins_per_id=2)
    browser = browsers(server)
    assert (await browser.log_in("alice", "wrong"))[0] == 403
    status, page = await browser.log_in("alice", "wrong")
    assert status == 429 and "Too many failed logins for alice from 127.0.0.1: wait 600 s and try again." in page
    status, page = await browser.log_in("alice", CODE)  # even the right code waits now
    assert status == 429
    assert server.limiter.allowed("127.0.0.1", "bob")  # the others are not locked out
    assert (await browser.log_in("bob", CODE))[0] == 200


async def test_a_game_gets_the_student_its_size_and_keys(door, browsers):
    server = await door()
    browser = browsers(server)
    await browser.log_in("alice")
    game = await browser.play()
    await game.drawn(b"size 90x28")
    assert b"user alice" in await game.drawn(b"pid ")
    await game.ws.send_str('["stdin", "q"]')
    await game.drawn(b"key q")
    await game.ws.send_str('["resize", {"width": 100000, "height": 40}]')
    await game.drawn(b"size 512x40")  # capped as a PTY's window is
    await game.ws.send_str('["ping", "7"]')
    assert (await game.ws.receive_json(timeout=10)) == ["pong", "7"]


async def test_the_session_cap_counts_browser_tabs_and_ssh_sessions_together(door, browsers):
    from tests.classroom.ssh_helpers import connect_port

    server = await door(max_sessions=1)
    first, second = browsers(server), browsers(server)
    await first.log_in("alice")
    game = await first.play()
    await game.drawn(b"pid ")
    await second.log_in("bob")
    full = await second.play()
    assert b"The class server is full (1 students are connected)" in await full.drawn(b"full")
    async with await connect_port(server.port, "carol", CODE) as conn:
        process = await conn.create_process(term_type="xterm", encoding=None)
        said = await asyncio.wait_for(process.stderr.read(), 10)
        assert b"full" in said


@pytest.mark.slow
async def test_an_idle_tab_is_closed_and_told(door, browsers):
    server = await door(idle_timeout=1.0)
    browser = browsers(server)
    await browser.log_in("alice")
    game = await browser.play()
    await game.drawn(b"No keys pressed for 1 seconds, so ConvQuest closed this session", timeout=20)
    await game.drawn(b"Your progress is saved")
    assert server.live_session("alice") is None and server.active_sessions == 0


async def test_a_game_that_cannot_start_says_why(door, browsers, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("import sys\nsys.stderr.write('the quiz file is gone')\nsys.exit(2)\n")
    server = await door(child_argv=lambda username: [sys.executable, str(broken)])
    browser = browsers(server)
    await browser.log_in("alice")
    game = await browser.play()
    screen = await game.drawn(b"Tell your teacher")
    assert b"ConvQuest could not start on the server: the quiz file is gone" in screen


async def test_logging_out_ends_the_game_and_forgets_the_login(door, browsers):
    server = await door()
    browser = browsers(server)
    await browser.log_in("alice")
    game = await browser.play()
    await game.drawn(b"pid ")
    async with browser.client.post(browser.base + "/logout") as response:
        assert response.status == 200 and 'name="student"' in await response.text()
    await game.drawn(b"The game has ended")
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await browser.play()


@pytest.mark.parametrize("behind_proxy", [True, False])
async def test_behind_a_proxy_each_student_is_limited_at_their_own_address(door, browsers, behind_proxy):
    server = await door(failed_logins_per_id=1, web_behind_proxy=behind_proxy)
    browser = browsers(server)
    for address in ("10.0.0.7", "10.0.0.8"):
        data = {"student": "alice", "password": "wrong"}
        # A client's own X-Forwarded-For comes first; the proxy appends the address it saw.
        headers = {"X-Forwarded-For": f"1.2.3.4, {address}"}
        async with browser.client.post(browser.base + "/login", data=data, headers=headers) as response:
            assert response.status in (403, 429)
    assert server.limiter.allowed("127.0.0.1", "alice") is (behind_proxy is True)
    assert server.limiter.allowed("10.0.0.7", "alice") is (behind_proxy is False)
    assert server.limiter.allowed("1.2.3.4", "alice")  # what a client writes itself is never believed


@pytest.mark.slow
async def test_browser_sessions_are_in_the_teachers_view(door, browsers):
    from convquest.classroom.results import ResultsDB

    server = await door(record_sessions=True)
    browser = browsers(server)
    await browser.log_in("alice")
    game = await browser.play()
    await game.drawn(b"pid ")
    await game.ws.send_str('["stdin", "\\u0011"]')  # ctrl+q: the game quits
    await game.drawn(b"The game has ended")
    await server.close()  # the session log is flushed when the server stops
    db = ResultsDB.open(server.config.results_db)
    try:
        rows = db.sessions()
    finally:
        db.close()
    assert [(r.student, r.address, r.reason) for r in rows] == [("alice", "127.0.0.1", "game exited (status 0)")]


async def test_without_a_code_on_loopback_the_page_asks_only_for_the_id(door, browsers):
    server = await door(class_code=None)
    browser = browsers(server)
    async with browser.client.get(browser.base + "/") as response:
        page = await response.text()
    assert 'name="student"' in page and 'name="password"' not in page
    async with browser.client.post(browser.base + "/login", data={"student": "alice"}) as response:
        assert response.status == 200 and "textual.js" in await response.text()
    game = await browser.play()
    assert b"user alice" in await game.drawn(b"user alice")


async def test_a_student_id_typed_with_a_newline_cannot_forge_a_line_in_the_servers_log(door, browsers, caplog):
    server = await door()
    browser = browsers(server)
    forged = "x\n2026-12-01 10:00:00,000 login user=bob from=10.9.9.9 door=web"
    with caplog.at_level("INFO", logger="convquest.classroom"):
        status, _ = await browser.log_in(forged, "wrong")
    assert status == 403
    said = [record.getMessage() for record in caplog.records if "door=web" in record.getMessage()]
    assert said and all("\n" not in line for line in said), said


async def test_a_file_sent_to_the_login_form_is_refused_before_it_is_read(door, browsers):
    """aiohttp keeps a form's file fields in temporary files on the server: the login form has none."""
    server = await door()
    browser = browsers(server)
    form = aiohttp.FormData()
    form.add_field("student", "alice")
    form.add_field("password", b"x" * 1000, filename="notes.txt", content_type="text/plain")
    async with browser.client.post(browser.base + "/login", data=form) as response:
        assert response.status == 415
    # A charset Python does not know was a server error with a traceback in the teacher's log.
    for charset in ("nope", "utf-16"):
        headers = {"Content-Type": f"application/x-www-form-urlencoded; charset={charset}"}
        async with browser.client.post(browser.base + "/login", data=b"student=alice", headers=headers) as response:
            assert response.status == 415


async def test_behind_a_proxy_the_address_is_the_last_the_proxy_added_of_every_header(door, browsers):
    from multidict import CIMultiDict

    server = await door(failed_logins_per_id=1, web_behind_proxy=True)
    browser = browsers(server)
    # A client's own header line first, then the one a proxy that adds lines (not joins them) wrote.
    headers = CIMultiDict([("X-Forwarded-For", "10.0.0.9"), ("X-Forwarded-For", "10.0.0.7")])
    data = {"student": "alice", "password": "wrong"}
    async with browser.client.post(browser.base + "/login", data=data, headers=headers) as response:
        assert response.status in (403, 429)
    assert not server.limiter.allowed("10.0.0.7", "alice")
    assert server.limiter.allowed("10.0.0.9", "alice")


@pytest.mark.slow
async def test_a_new_login_elsewhere_forgets_the_old_browsers_login_but_a_reload_keeps_it(door, browsers):
    from tests.classroom.ssh_helpers import connect_port

    server = await door()
    first, second = browsers(server), browsers(server)
    await first.log_in("alice")
    game = await first.play()
    await game.drawn(b"pid ")
    reloaded = await first.play()  # the same browser again: a reload, no new login
    await reloaded.drawn(b"pid ")
    await game.drawn(b"You logged in somewhere else")
    await second.log_in("alice")  # alice on another machine
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await first.play()  # the first machine's "Start again" asks for the password again
    async with first.client.get(first.base + "/") as response:
        assert 'name="password"' in await response.text()
    await (await second.play()).drawn(b"pid ")
    assert b"You logged in somewhere else" in await reloaded.drawn(b"You logged in somewhere else")
    await first.log_in("alice")
    game = await first.play()
    await game.drawn(b"pid ")
    async with await connect_port(server.port, "alice", CODE) as conn:  # and by SSH
        process = await conn.create_process(term_type="xterm", encoding=None)
        await game.drawn(b"You logged in somewhere else")
        process.close()
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await first.play()


@pytest.mark.slow
async def test_a_connection_that_sends_no_request_is_closed(door, browsers, monkeypatch):
    """aiohttp keeps one for an hour by default: a script opening thousands would use up the
    server's files, and with them every student's game."""
    from convquest.classroom.web import door as door_module

    monkeypatch.setattr(door_module, "IDLE_CONNECTION", 0.5)
    server = await door()
    assert server.web is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", server.web.port)
    try:
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the end of the headers
        assert await asyncio.wait_for(reader.read(), 10) == b""  # closed by the server
    finally:
        writer.close()
    browser = browsers(server)
    # A game's socket is a request being answered: it stays, however long between keys.
    await browser.log_in("alice")
    game = await browser.play()
    await game.drawn(b"pid ")
    await asyncio.sleep(1.5)
    await game.ws.send_str('["stdin", "k"]')
    await game.drawn(b"key k")


async def test_a_message_the_door_cannot_read_does_not_stop_the_keys(door, browsers):
    server = await door()
    browser = browsers(server)
    await browser.log_in("alice")
    game = await browser.play()
    await game.drawn(b"pid ")
    for junk in ("[" * 50000, "{}", '"stdin"', "[]", "7", '["resize", {"width": [1]}]', b"\x00"):
        await (game.ws.send_bytes(junk) if isinstance(junk, bytes) else game.ws.send_str(junk))
    await game.ws.send_str('["stdin", "z"]')
    await game.drawn(b"key z")


async def test_a_roster_edit_ends_the_browser_logins_of_a_changed_password_or_a_removed_student(
    door, browsers, tmp_path
):
    roster = tmp_path / "roster.csv"
    write_roster(roster, "student,password\nalice,pw-alice\nbob,pw-bob\n")
    server = await door(class_code=None, roster=roster)
    alice, bob = browsers(server), browsers(server)
    assert (await alice.log_in("alice", "pw-alice"))[0] == 200
    assert (await bob.log_in("bob", "pw-bob"))[0] == 200
    # A late student added: the others' logins carry on.
    write_roster(roster, "student,password\nalice,pw-alice\nbob,pw-bob\ncarol,pw-carol\n", force=True)
    await (await alice.play()).drawn(b"pid ")
    await (await bob.play()).drawn(b"pid ")
    # alice's password given away and changed, bob taken off the roster: both must log in again.
    write_roster(roster, "student,password\nalice,pw-alice-new\ncarol,pw-carol\n", force=True)
    for browser in (alice, bob):
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await browser.play()
    assert (await alice.log_in("alice", "pw-alice-new"))[0] == 200
    await (await alice.play()).drawn(b"pid ")


async def test_another_sites_page_can_neither_log_a_browser_in_nor_out(door, browsers):
    server = await door()
    browser = browsers(server)
    evil = {"Origin": "http://evil.example"}
    data = {"student": "mallory", "password": CODE}
    async with browser.client.post(browser.base + "/login", data=data, headers=evil) as response:
        assert response.status == 403
    assert not browser.client.cookie_jar.filter_cookies(browser.base)  # not logged in as mallory
    await browser.log_in("alice")
    async with browser.client.post(browser.base + "/logout", headers=evil) as response:
        assert response.status == 403
    await (await browser.play()).drawn(b"user alice")  # still logged in


async def test_logins_kept_are_bounded_the_oldest_forgotten_first(door, browsers, monkeypatch):
    """With a class code any valid id logs in: a script logging in as alice1, alice2, … must not
    grow the server's memory for as long as the lesson lasts."""
    from convquest.classroom.web import door as door_module

    monkeypatch.setattr(door_module, "MAX_LOGINS", 3)
    server = await door()
    first, rest = browsers(server), [browsers(server) for _ in range(3)]
    await first.log_in("alice")
    for number, browser in enumerate(rest):
        await browser.log_in(f"student{number}")
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await first.play()  # the oldest login, forgotten
    await (await rest[0].play()).drawn(b"user student0")


async def test_the_door_does_not_name_its_web_server_or_its_version(door, browsers):
    server = await door()
    browser = browsers(server)
    for path in ("/", "/nothing-here", "/static/convquest/convquest.css"):
        async with browser.client.get(browser.base + path) as response:
            assert response.headers.get("Server") == "ConvQuest", path


@pytest.mark.parametrize(
    ("overrides", "hint"),
    [({}, True), ({"web_behind_proxy": True}, False), ({"web_host": "0.0.0.0"}, False)],
)
async def test_a_door_on_loopback_says_students_elsewhere_cannot_reach_it(door, caplog, overrides, hint):
    with caplog.at_level("INFO", logger="convquest.classroom"):
        await door(**overrides)
    said = " ".join(r.getMessage() for r in caplog.records if "browser door on" in r.getMessage())
    assert ("only from this machine: add --web-host 0.0.0.0" in said) is hint, said
