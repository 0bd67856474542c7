"""The open-files limit: raised for a lecture hall at either door, what one session really holds
open, and what a student and the teacher are told when the limit is reached."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import resource

import pytest
from ssh_helpers import connect, eventually, read_until, start_game

from convquest.classroom import pty_child
from convquest.classroom import warm as warm_module
from convquest.classroom.warm import (
    FDS_BASE,
    FDS_PER_SESSION,
    SESSIONS_PROVIDED,
    open_files_needed,
    raise_open_files_limit,
    sessions_fitting,
)


@pytest.fixture
def restore_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    yield soft, hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.parametrize("web", [False, True], ids=["ssh", "ssh-and-browser"])
def test_the_limit_is_raised_for_200_sessions_at_the_worst_open_door(restore_limit, web):
    _, hard = restore_limit
    per_session = FDS_PER_SESSION["web" if web else "ssh"]
    needed = FDS_BASE + per_session * SESSIONS_PROVIDED
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"the hard limit {hard} is below what 200 sessions need")
    resource.setrlimit(resource.RLIMIT_NOFILE, (FDS_BASE, hard))
    fit = raise_open_files_limit(60, web=web)  # fewer asked for: room for the lecture hall all the same
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == needed
    assert fit == SESSIONS_PROVIDED


def test_more_sessions_than_200_get_room_for_each():
    assert open_files_needed(500, web=False) == FDS_BASE + 500 * FDS_PER_SESSION["ssh"]
    for web in (False, True):
        for sessions in (0, 1, 200, 999):
            limit = open_files_needed(sessions, web)
            assert sessions_fitting(limit, web) == sessions
            assert sessions_fitting(limit - 1, web) == max(sessions - 1, 0)
    assert sessions_fitting(FDS_BASE - 10, web=True) == 0


def test_a_hard_limit_too_low_is_said_in_the_log(monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="convquest.classroom")
    set_to = []
    monkeypatch.setattr(warm_module.resource, "getrlimit", lambda what: (256, 512))
    monkeypatch.setattr(warm_module.resource, "setrlimit", lambda what, limits: set_to.append(limits))
    assert raise_open_files_limit(200) == (512 - FDS_BASE) // FDS_PER_SESSION["ssh"]
    assert set_to == [(512, 512)]
    assert any("the open-files limit is 512" in r.getMessage() for r in caplog.records)


def test_an_unlimited_limit_is_left_alone(monkeypatch):
    monkeypatch.setattr(warm_module.resource, "getrlimit", lambda what: (resource.RLIM_INFINITY,) * 2)
    monkeypatch.setattr(warm_module.resource, "setrlimit", lambda what, limits: pytest.fail("set"))
    assert raise_open_files_limit(200, web=True) > 10**6


def _open_fds() -> set[int]:
    return {int(fd) for fd in os.listdir("/proc/self/fd")}


async def test_an_ssh_session_holds_no_more_descriptors_than_the_arithmetic_counts(serve):
    server = await serve()
    before = _open_fds()
    conns, games = [], []
    try:
        for n in range(4):
            conn = await connect(server, username=f"s{n}")
            conns.append(conn)
            game = await start_game(conn)
            await read_until(game.stdout, b"ready")
            games.append(game)
        # The clients are in this process too: their sockets are not the server's.
        clients = {conn.get_extra_info("socket").fileno() for conn in conns}
        per_session = len(_open_fds() - before - clients) / len(conns)
        assert 1 < per_session <= FDS_PER_SESSION["ssh"]
    finally:
        for conn in conns:
            conn.close()


async def test_beyond_what_the_limit_leaves_room_for_students_are_told_the_server_is_full(serve, monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="convquest.classroom")
    room_for_two = FDS_BASE + 2 * FDS_PER_SESSION["ssh"]
    with monkeypatch.context() as limits:  # only while the server starts: the test's own process keeps its limit
        limits.setattr(warm_module.resource, "getrlimit", lambda what: (room_for_two, room_for_two))
        limits.setattr(warm_module.resource, "setrlimit", lambda what, limits: None)
        server = await serve(max_sessions=60)
    assert server.session_cap == 2
    assert any("leaves room for 2 sessions" in r.getMessage() for r in caplog.records)
    async with await connect(server, username="a") as a, await connect(server, username="b") as b:
        for conn in (a, b):
            await read_until((await start_game(conn)).stdout, b"ready")
        async with await connect(server, username="c") as c:
            refused = await c.create_process(term_type="xterm", encoding=None)
            await asyncio.wait_for(refused.wait_closed(), 5)
            assert refused.exit_status == 1
            assert b"The class server is full (2 students are connected)" in await refused.stderr.read()


async def test_a_game_that_cannot_start_for_want_of_descriptors_is_explained_and_the_server_serves_on(
    serve, monkeypatch, caplog
):
    caplog.set_level(logging.INFO, logger="convquest.classroom")
    server = await serve()

    def exhausted(size):
        raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))

    with monkeypatch.context() as at_the_limit:
        at_the_limit.setattr(pty_child, "_open_pty", exhausted)
        async with await connect(server, username="late") as conn:
            refused = await start_game(conn)
            await asyncio.wait_for(refused.wait_closed(), 10)
            assert refused.exit_status == 1
            told = (await refused.stderr.read()).decode()
            assert "too many students connected to start another game; try again in a few minutes" in told
            assert "Errno" not in told
    teacher = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("reached its open-files limit" in m and "LimitNOFILE" in m for m in teacher)
    await eventually(lambda: server.occupied == 0, "the failed session's place given back")
    async with await connect(server, username="next") as conn:  # the limit passed: the next student plays
        assert b"ready" in await read_until((await start_game(conn)).stdout, b"ready")


async def test_a_class_larger_than_the_cap_logging_in_at_once_fills_it_and_the_rest_are_told(serve):
    server = await serve(max_sessions=2)
    # Every one logged in before any asks for a game, as when a lecture hall connects at once.
    conns = [await connect(server, username=f"s{n}") for n in range(4)]
    try:
        games = await asyncio.gather(*(start_game(conn) for conn in conns))
        # A game's first output, or the end of a refused session's (nothing on stdout).
        first = await asyncio.gather(*(asyncio.wait_for(game.stdout.read(4096), 10) for game in games))
        playing = [game for game, out in zip(games, first) if out]
        refused = [game for game, out in zip(games, first) if not out]
        assert len(playing) == 2 and len(refused) == 2
        for game in refused:
            await asyncio.wait_for(game.wait_closed(), 5)
            assert b"The class server is full (2 students are connected)" in await game.stderr.read()
    finally:
        for conn in conns:
            conn.close()
