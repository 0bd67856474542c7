"""What the browser door serves: nothing that loads from another host, no file routes, and the
login's cookie as the issue asks (HttpOnly, SameSite=Strict, a random token). No browser needed:
an aiohttp client reads every page and every file those pages reference."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest
from web_helpers import CODE

from convquest.classroom.server import ClassroomServer, ServerConfig

# Where a page, a stylesheet or a script names another resource.
_REFERENCE = re.compile(r"""(?:src|href|action)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)["']?\s*\)""")
_ABSOLUTE = re.compile(r"""\b(?:https?|wss?)://[^\s"'`()<>]+""", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@pytest.fixture
async def door(tmp_path):
    # Pages and the socket's refusals are what is checked, not how games start: no warm parents (two
    # processes importing the whole game, for games these tests do not play; the one opened starts fresh).
    config = ServerConfig(data_dir=tmp_path / "data", port=0, web_port=0, class_code=CODE, warm=False)
    server = ClassroomServer(config)
    await server.start()
    assert server.web is not None
    yield f"http://127.0.0.1:{server.web.port}"
    await server.close()


async def _crawl(client: aiohttp.ClientSession, base: str, start: list[str]) -> dict[str, str]:
    """Every page and file reachable from `start` by src/href/url(), fetched; their texts by path."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        async with client.get(base + path) as response:
            assert response.status == 200, f"{path} answered {response.status}"
            body = await response.read()
        text = body.decode("utf-8", errors="replace") if not path.endswith(".ttf") else ""
        seen[path] = text
        for match in _REFERENCE.finditer(_CSS_COMMENT.sub("", text)):
            target = match.group(1) or match.group(2)
            if target.startswith("data:"):
                continue
            parts = urlsplit(urljoin(base + path, target))
            assert parts.netloc == urlsplit(base).netloc, f"{path} references {target}"
            if parts.path.startswith("/static/"):
                todo.append(parts.path)
    return seen


async def test_the_pages_load_nothing_from_another_host(door):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        login_page = await _crawl(client, door, ["/"])
        async with client.post(door + "/login", data={"student": "alice", "password": CODE}) as response:
            assert response.status == 200  # after the redirect to the game page
            csp = response.headers["Content-Security-Policy"]
        game_page = await _crawl(client, door, ["/"])
    assert "/static/textual/js/textual.js" in game_page and "/static/convquest/convquest.css" in game_page
    assert any(path.endswith(".ttf") for path in game_page)  # the font is the package's own
    for path, text in {**login_page, **game_page}.items():
        if path.endswith(".css"):
            text = _CSS_COMMENT.sub("", text)
        # A URL in a script may be code, not a comment: any absolute address at all fails (the
        # websocket's is made from the page's own location).
        found = _ABSOLUTE.findall(text)
        assert not found, f"{path} names another host: {found[:3]}"
    # And the browser is told so: whatever a script tries, it may reach this server only.
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "script-src 'self'" in csp


@pytest.mark.slow
async def test_no_file_routes_and_no_folder_listings(door):
    async with aiohttp.ClientSession() as client:
        for path in ("/download/x", "/static/textual/", "/static/convquest/", "/screenshot", "/static/../door.py"):
            async with client.get(door + path) as response:
                assert response.status in (403, 404), f"{path} answered {response.status}"


@pytest.mark.slow
async def test_the_login_cookie_is_httponly_strict_and_random(door):
    tokens = []
    for _ in range(2):
        async with (
            aiohttp.ClientSession() as client,
            client.post(
                door + "/login", data={"student": "alice", "password": CODE}, allow_redirects=False
            ) as response,
        ):
            assert response.status == 303
            cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        tokens.append(cookie.split(";")[0].split("=", 1)[1])
    assert tokens[0] != tokens[1] and all(len(t) >= 40 for t in tokens)


@pytest.mark.slow
async def test_a_game_socket_without_a_login_or_from_another_site_is_refused(door):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(door + "/ws")
        assert refused.value.status == 403
        await client.post(door + "/login", data={"student": "alice", "password": CODE})
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(door + "/ws", headers={"Origin": "http://evil.example"})
        assert refused.value.status == 403
        async with client.ws_connect(door + "/ws") as ws:  # logged in, same origin: the game starts
            message = await asyncio.wait_for(ws.receive(), 30)
            assert message.type == aiohttp.WSMsgType.BINARY
