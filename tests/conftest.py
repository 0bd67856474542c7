"""Fixtures shared across the test folders."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def store(tmp_path: Path):
    """A real progress Store in tmp_path (the UI and practice tests both play against one)."""
    from convquest.store import Store

    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
async def classroom_server(tmp_path: Path):
    """`await classroom_server(**config)` starts a ClassroomServer in the test's loop (free port,
    data in tmp_path) for the classroom and browser-door tests; every one is closed (games
    reaped) after."""
    from convquest.classroom.server import ClassroomServer, ServerConfig

    servers: list[ClassroomServer] = []

    async def start(**config) -> ClassroomServer:
        server = ClassroomServer(
            ServerConfig(**{"data_dir": tmp_path / "data", "port": 0, "hangup_grace": 1.0, **config})
        )
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()
