"""Fixtures for the browser door: a server (SSH and web) on loopback, and headless Chromium."""

from __future__ import annotations

import pytest
from web_helpers import CODE, ServerThread, need_chromium, new_browser

from convquest.classroom.server import ServerConfig

ENV = {"TEXTUAL_ANIMATIONS": "none"}


@pytest.fixture
def web_server(tmp_path):
    """`web_server(**config)` starts a server with a browser door; each is closed (games reaped) after."""
    servers: list[ServerThread] = []

    def start(**overrides) -> ServerThread:
        config = dict(
            data_dir=tmp_path / "data",
            host="127.0.0.1",
            port=0,
            web_port=0,
            class_code=CODE,
            child_env=ENV,
            hangup_grace=2.0,
            failed_logins_per_id=100,
            failed_logins_per_address=1000,
        )
        config.update(overrides)
        thread = ServerThread(ServerConfig(**config))
        servers.append(thread)
        return thread

    yield start
    for thread in servers:
        thread.stop()


@pytest.fixture
def browser():
    """`browser()` opens a headless Chromium (skipped where it is missing, failed under CI=true)."""
    need_chromium()
    drivers = []

    def open_one():
        driver = new_browser()
        drivers.append(driver)
        return driver

    yield open_one
    for driver in drivers:
        driver.quit()
