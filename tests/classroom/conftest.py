"""Fixtures for the SSH tests: a classroom server on 127.0.0.1 (free port) in the test's loop."""

from __future__ import annotations

import pytest

pytest.importorskip("asyncssh", reason="asyncssh is the SSH server's dependency")

from ssh_helpers import CODE, echo_argv

from convquest.classroom.server import ClassroomServer, ServerConfig


@pytest.fixture
async def serve(tmp_path):
    """`await serve(**config)` starts a server; every server is closed (games reaped) after."""
    servers: list[ClassroomServer] = []

    async def start(**overrides) -> ClassroomServer:
        config = dict(
            data_dir=tmp_path / "data",
            host="127.0.0.1",
            port=0,
            class_code=CODE,
            child_argv=echo_argv(),
            hangup_grace=1.0,
            failed_logins_per_id=100,
            failed_logins_per_address=1000,
        )
        config.update(overrides)
        server = ClassroomServer(ServerConfig(**config))
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()
