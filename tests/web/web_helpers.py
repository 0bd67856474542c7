"""The browser door under test: a classroom server on loopback in a thread of its own (Selenium's
calls block, so the server cannot share the test's loop), and Debian's Chromium driven by Selenium."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import pytest

from convquest.classroom.server import ClassroomServer, ServerConfig

CODE = "sesame-42"
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
T = TypeVar("T")
PATIENCE = 30.0  # a game starts in about a second alone; a machine busy with other runs takes longer


def need_chromium() -> None:
    """Skip where Debian's chromium and chromium-driver are missing; under CI=true, fail instead:
    CI installs them (.ci/run), so their absence there is a broken CI, not a reason to skip."""
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)) if path is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    if missing:
        reason = f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)


class ServerThread:
    """A ClassroomServer running in its own thread and event loop."""

    def __init__(self, config: ServerConfig) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = ClassroomServer(config)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.call(self.server.start())

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = PATIENCE) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    @property
    def url(self) -> str:
        assert self.server.web is not None
        return f"http://127.0.0.1:{self.server.web.port}/"

    def stop(self) -> None:
        if self.loop.is_closed():
            return  # stopped by the test already
        self.call(self.server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


def game_processes() -> list[int]:
    """The games this test process has started: its children running convquest, and the SSH door's
    sessions forked by its warm parent (which is itself no game: it runs before any login)."""
    me = str(os.getpid())
    processes = {}  # pid: (parent pid, command line)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        # The parent's pid is the 4th field after the command's name (in parentheses).
        processes[entry.name] = (stat.rsplit(")", 1)[1].split()[1], cmdline)
    warm_parents = {pid for pid, (parent, cmd) in processes.items() if parent == me and b"classroom.warm" in cmd}
    # A game is this Python running convquest: the results tests' PostgreSQL server, also a child of
    # this process for the whole run, has "convquest" in its folder's name.
    python = os.fsencode(sys.executable)
    return [
        int(pid)
        for pid, (parent, cmd) in processes.items()
        if parent in warm_parents
        or (parent == me and cmd.startswith(python + b"\0") and b"convquest" in cmd and pid not in warm_parents)
    ]


def eventually(condition: Callable[[], T], what: str, timeout: float = PATIENCE) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)


def new_browser():
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "chromium"
    # --disable-3d-apis: no WebGL, so xterm.js draws with its DOM renderer and the screen's text
    # is in .xterm-rows for the test to read. Root needs --no-sandbox.
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-3d-apis",
        "--disable-dev-shm-usage",
        "--window-size=1100,800",
    ):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER or "chromedriver")
    return webdriver.Chrome(options=options, service=service)


class Page:
    """One browser tab on the door: log in, read the screen, type."""

    def __init__(self, driver, url: str) -> None:
        self.driver = driver
        self.url = url

    def open(self) -> None:
        self.driver.get(self.url)

    def log_in(self, student: str, password: str | None = CODE) -> None:
        from selenium.webdriver.common.by import By

        self.open()
        self.driver.find_element(By.ID, "student").send_keys(student)
        if password is not None:
            self.driver.find_element(By.ID, "password").send_keys(password)
        button = self.driver.find_element(By.CSS_SELECTOR, "button[type=submit]")
        button.click()
        # The click returns before the answer has replaced the page: reading it at once on a busy
        # machine read the old page (no refusal yet, no game yet).
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.wait import WebDriverWait

        WebDriverWait(self.driver, PATIENCE).until(expected_conditions.staleness_of(button))

    def problem(self) -> str:
        from selenium.webdriver.common.by import By

        found = self.driver.find_elements(By.CSS_SELECTOR, ".problem")
        return found[0].text if found else ""

    def screen(self) -> str:
        from selenium.webdriver.common.by import By

        rows = self.driver.find_elements(By.CSS_SELECTOR, ".xterm-rows")
        return rows[0].get_attribute("textContent") if rows else ""

    def wait_for(self, text: str, timeout: float = PATIENCE) -> str:
        try:
            return eventually(lambda: s if text in (s := self.screen()) else "", f"{text!r} on the screen", timeout)
        except AssertionError:
            raise AssertionError(f"no {text!r} within {timeout} s; the screen: {self.screen()!r}") from None

    def type(self, text: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, "textarea.xterm-helper-textarea").send_keys(text)


class GameSocket:
    """A game's socket and everything drawn on it so far."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.screen = b""

    async def drawn(self, marker: bytes, timeout: float = 20.0) -> bytes:
        async def read() -> bytes:
            while marker not in self.screen:
                message = await self.ws.receive()
                if message.type != aiohttp.WSMsgType.BINARY:
                    raise AssertionError(f"the socket ended ({message.type}) before {marker!r}; drawn: {self.screen!r}")
                self.screen += message.data
            return self.screen

        return await asyncio.wait_for(read(), timeout)
