"""A real SSH client (asyncssh, in-process) against the classroom server, with the echo program
standing in for the game."""

from __future__ import annotations

import ast
import asyncio
import logging
import re
import sys

import asyncssh
import pytest
from ssh_helpers import CODE, PATIENCE, connect, echo_argv, eventually, pid_from, read_until, start_game, wait_reaped

from convquest.classroom.pty_child import PtyChild
from convquest.classroom.server import ClassroomServer, ServerConfig
from convquest.classroom.session import duration_words


def key_bytes(output: bytes) -> bytes:
    """Every byte the echo program reported reading, in order."""
    keys = [ast.literal_eval(line[4:].decode()) for line in output.split(b"\r\n") if line.startswith(b"key ")]
    return b"".join(keys)


async def test_login_gives_the_child_its_own_raw_pty_of_the_requested_size(serve):
    server = await serve()
    async with await connect(server) as conn:
        game = await start_game(conn, size=(100, 30))
        out = await read_until(game.stdout, b"ready")
    assert b"size 100x30" in out
    assert b"ctty yes" in out  # controlling terminal, so SIGWINCH and SIGHUP reach it
    assert b"mode echo=off canon=off" in out  # raw before the child ran a single line
    assert b"env user=alice served=1 term=xterm-256color lang=C.UTF-8" in out


async def test_a_resize_reaches_the_child_as_sigwinch(serve):
    server = await serve()
    async with await connect(server) as conn:
        game = await start_game(conn, size=(80, 24))
        await read_until(game.stdout, b"ready")
        game.change_terminal_size(132, 43)
        out = await read_until(game.stdout, b"winch 132x43\r\n")
    assert out.count(b"winch") == 1


async def test_keys_typed_before_the_child_is_ready_arrive_raw_and_are_not_echoed(serve):
    server = await serve()
    async with await connect(server) as conn:
        game = await start_game(conn)
        game.stdin.write(b"ab\x03")  # at once, while the child is still starting; ^C must be a key
        out = await read_until(game.stdout, b"ready")
        while key_bytes(out) != b"ab\x03":
            out += await read_until(game.stdout, b"\r\n")
    reported = b"\r\n".join(line for line in out.split(b"\r\n") if not line.startswith(b"key "))
    assert b"ab" not in reported and b"^C" not in reported


@pytest.mark.slow
async def test_keys_sent_while_the_game_is_being_started_are_kept(serve, monkeypatch):
    real_spawn = PtyChild.spawn.__func__

    async def slow_spawn(cls, *args, **kwargs):
        await asyncio.sleep(0.3)  # a busy machine: the keys arrive before the child exists
        return await real_spawn(cls, *args, **kwargs)

    monkeypatch.setattr(PtyChild, "spawn", classmethod(slow_spawn))
    server = await serve()
    async with await connect(server) as conn:
        game = await start_game(conn)
        game.stdin.write(b"early")
        out = await read_until(game.stdout, b"ready")
        while key_bytes(out) != b"early":
            out += await read_until(game.stdout, b"\r\n")


async def test_the_childs_exit_status_ends_the_session(serve):
    server = await serve()
    async with await connect(server) as conn:
        game = await start_game(conn)
        await read_until(game.stdout, b"ready")
        game.stdin.write(b"q")
        await asyncio.wait_for(game.wait_closed(), 5)
    assert game.exit_status == 3
    assert server.active_sessions == 0


async def test_a_wrong_class_code_is_refused(serve):
    server = await serve()
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, password="guess")


async def test_the_class_code_also_works_by_keyboard_interactive(serve):
    server = await serve()
    async with await connect(server, preferred_auth="keyboard-interactive") as conn:
        game = await start_game(conn)
        assert b"size 100x30" in await read_until(game.stdout, b"ready")


async def test_a_username_that_is_not_a_safe_student_id_is_refused_with_the_reason(serve):
    server = await serve()
    with pytest.raises(asyncssh.PermissionDenied, match="cannot be a student id"):
        await connect(server, username="../etc")
    with pytest.raises(asyncssh.PermissionDenied, match="cannot be a student id"):
        await connect(server, username="a" * 33)


async def test_a_session_without_a_terminal_is_told_how_to_connect(serve):
    server = await serve()
    async with await connect(server) as conn:
        result = await conn.run(encoding=None)  # a shell request without a PTY
    assert result.exit_status == 1
    assert b"ConvQuest needs a terminal: connect with ssh -t" in result.stderr
    assert result.stdout == b""


@pytest.mark.slow
async def test_a_command_is_not_run(serve, tmp_path):
    server = await serve()
    marker = tmp_path / "ran"
    async with await connect(server) as conn:
        result = await conn.run(f"touch {marker}", encoding=None)
        with_pty = await conn.run(f"touch {marker}", term_type="xterm", encoding=None)
    assert result.exit_status == 1 and with_pty.exit_status == 1
    assert b"runs only the game" in result.stderr
    assert not marker.exists()
    assert server.children == frozenset()


@pytest.mark.slow
async def test_sftp_is_refused(serve):
    server = await serve()
    async with await connect(server) as conn:
        with pytest.raises(asyncssh.Error):
            await conn.start_sftp_client()


@pytest.mark.slow
async def test_port_forwarding_is_refused_both_ways(serve):
    server = await serve()
    async with await connect(server) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_connection("127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", server.port)


@pytest.mark.slow
async def test_sessions_beyond_the_cap_are_told_the_server_is_full(serve):
    server = await serve(max_sessions=1)
    async with await connect(server, username="bob") as second:
        async with await connect(server, username="alice") as first:
            # bob's connection, logged in with no game yet, holds the one place.
            refused = await first.create_process(term_type="xterm", encoding=None)
            await asyncio.wait_for(refused.wait_closed(), 5)
            assert refused.exit_status == 1
            assert b"The class server is full (1 students are connected)" in await refused.stderr.read()
        # alice's connection closed: bob's own game takes the place his connection held.
        await eventually(lambda: server.occupied == 1, "alice's connection forgotten")
        game = await start_game(second)
        assert b"ready" in await read_until(game.stdout, b"ready")
        async with await connect(server, username="carol") as third:
            refused = await third.create_process(term_type="xterm", encoding=None)
            await asyncio.wait_for(refused.wait_closed(), 5)
            assert b"The class server is full" in await refused.stderr.read()


@pytest.mark.slow
async def test_an_idle_session_is_closed_politely_and_its_child_reaped(serve):
    loop = asyncio.get_running_loop()
    server = await serve(idle_timeout=1.5)
    async with await connect(server) as conn:
        game = await start_game(conn)
        out = await read_until(game.stdout, b"ready")
        game.stdin.write(b"x")  # a key restarts the clock...
        pressed = loop.time()
        await asyncio.wait_for(game.wait_closed(), PATIENCE)
        # ...so the session lasts a whole timeout after it (the server saw the key after it was
        # sent), however long the machine took to get here: no sleep has to land in a window.
        assert loop.time() - pressed >= 1.5
        out += await game.stdout.read()
    assert game.exit_status == 124
    assert b"No keys pressed for 1.5 seconds, so ConvQuest closed this session" in out
    assert await wait_reaped(pid_from(out))


@pytest.mark.slow
async def test_the_idle_goodbye_is_written_on_a_restored_terminal(serve):
    """Issue 14.13: the goodbye read "Your progress ." — the game had turned line wrap off, and
    the server wrote its message before turning it back on (and showing the cursor, leaving the
    alternate screen)."""
    server = await serve(idle_timeout=0.5, child_argv=echo_argv("--like-textual"))
    async with await connect(server) as conn:
        game = await start_game(conn, size=(80, 24))
        out = await read_until(game.stdout, b"ready")
        await asyncio.wait_for(game.wait_closed(), 5)
        out += await game.stdout.read()
    assert game.exit_status == 124
    goodbye = out.index(b"No keys pressed for")
    restored = out[out.rindex(b"\x1b[?7l") : goodbye]
    for sequence in (b"\x1b[?7h", b"\x1b[?25h", b"\x1b[?1049l", b"\x1b[?1003l", b"\x1b[?1004l", b"\x1b[?2004l"):
        assert sequence in restored, sequence
    assert b"Your progress is saved: connect again to carry on." in out[goodbye:]


@pytest.mark.slow
@pytest.mark.parametrize("extra", [(), ("--ignore-hup",)], ids=["sighup", "sigkill-after-grace"])
async def test_when_the_client_drops_the_child_is_hung_up_and_reaped(serve, extra):
    server = await serve(child_argv=echo_argv(*extra), hangup_grace=0.5)
    conn = await connect(server)
    game = await start_game(conn)
    pid = pid_from(await read_until(game.stdout, b"ready"))
    conn.abort()
    assert await wait_reaped(pid), f"child {pid} still exists (running or zombie)"
    await eventually(
        lambda: server.active_sessions == 0 and server.children == frozenset(), "the session and its child forgotten"
    )


@pytest.mark.slow
async def test_closing_the_server_hangs_up_every_game(serve):
    server = await serve()
    conns = [await connect(server, username=name) for name in ("alice", "bob")]
    pids = []
    for conn in conns:
        game = await start_game(conn)
        pids.append(pid_from(await read_until(game.stdout, b"ready")))
    await server.close()
    for pid in pids:
        assert await wait_reaped(pid, timeout=0.1)
    for conn in conns:
        conn.abort()


@pytest.mark.slow
async def test_each_student_gets_their_own_data_dir(serve, tmp_path):
    server = await serve()
    async with await connect(server, username="carol.d") as conn:
        game = await start_game(conn)
        await read_until(game.stdout, b"ready")
    student = tmp_path / "data" / "students" / "carol.d"
    assert student.is_dir()
    assert oct(student.stat().st_mode & 0o777) == oct(0o700)


@pytest.mark.slow
async def test_the_child_sees_only_the_environment_it_is_given(serve, monkeypatch):
    monkeypatch.setenv("TEACHER_SECRET", "do-not-leak")
    show_env = lambda username: [sys.executable, "-c", "import os; print(sorted(os.environ))"]  # noqa: E731
    server = await serve(child_argv=show_env)
    async with await connect(server, env={"COLORTERM": "truecolor", "LD_PRELOAD": "/tmp/evil.so"}) as conn:
        game = await start_game(conn)
        await asyncio.wait_for(game.wait_closed(), 10)
        names = ast.literal_eval((await game.stdout.read()).decode().strip())
    assert "TEACHER_SECRET" not in names and "LD_PRELOAD" not in names
    assert {"TERM", "LANG", "LC_ALL", "COLORTERM", "CONVQUEST_USER", "CONVQUEST_SERVED", "CONVQUEST_DATA_DIR"} <= set(
        names
    )


@pytest.mark.slow
async def test_a_game_that_cannot_start_says_so_and_exits_127(serve):
    server = await serve(child_argv=lambda username: ["/nonexistent/convquest"])
    async with await connect(server) as conn:
        game = await start_game(conn)
        await asyncio.wait_for(game.wait_closed(), 10)
        out = await game.stdout.read()
    assert game.exit_status == 127
    assert b"cannot start /nonexistent/convquest" in out


@pytest.mark.slow
async def test_one_log_line_at_connect_and_one_at_disconnect(serve, caplog):
    caplog.set_level(logging.INFO, logger="convquest.classroom")
    server = await serve()
    async with await connect(server) as conn:
        game = await start_game(conn, size=(100, 30))
        await read_until(game.stdout, b"ready")
        game.change_terminal_size(120, 40)
        await read_until(game.stdout, b"winch 120x40")
        game.stdin.write(b"q")
        await game.wait_closed()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith(("connect ", "disconnect "))]
    assert len(lines) == 2
    assert re.fullmatch(r"connect user=alice from=127\.0\.0\.1:\d+ term=xterm-256color size=100x30 pid=\d+", lines[0])
    assert re.fullmatch(
        r"disconnect user=alice from=127\.0\.0\.1:\d+ size=120x40 duration=\d+\.\ds reason=game exited \(status 3\)",
        lines[1],
    )


@pytest.mark.slow
async def test_refusals_are_logged_with_the_reason(serve, caplog):
    caplog.set_level(logging.INFO, logger="convquest.classroom")
    server = await serve()
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, password="guess")
    async with await connect(server) as conn:
        await conn.run("ls", encoding=None)
    messages = [r.getMessage() for r in caplog.records]
    assert any(re.fullmatch(r"refused user=alice from=127\.0\.0\.1:\d+ reason=wrong class code", m) for m in messages)
    assert any(re.fullmatch(r"refused user=alice from=127\.0\.0\.1:\d+ reason=exec of 'ls'", m) for m in messages)


@pytest.mark.slow
async def test_stopping_the_server_tells_students_and_disconnects_them(tmp_path):
    server = ClassroomServer(ServerConfig(data_dir=tmp_path, port=0, class_code=CODE, child_argv=echo_argv()))
    serving = asyncio.ensure_future(server.serve_forever())  # what SIGTERM cancels in `convquest serve`
    while server.port == 0:
        await asyncio.sleep(0.01)
    conn = await connect(server)
    game = await start_game(conn)
    pid = pid_from(await read_until(game.stdout, b"ready"))
    serving.cancel()
    await asyncio.gather(serving, return_exceptions=True)
    assert await wait_reaped(pid, timeout=0.1)
    out = await asyncio.wait_for(game.stdout.read(), 5)
    assert b"The teacher stopped the ConvQuest server. Your progress is saved." in out
    await asyncio.wait_for(conn.wait_closed(), 5)


@pytest.mark.slow
async def test_an_absurd_terminal_is_tamed_before_the_child_sees_it(serve):
    server = await serve()
    async with await connect(server) as conn:
        game = await start_game(conn, size=(65535, 65535), term="xterm;rm -rf")
        out = await read_until(game.stdout, b"ready")
        game.change_terminal_size(0, 0)  # "unknown": must not become a 0x0 screen
        out += await read_until(game.stdout, b"winch 80x24\r\n")
    assert b"size 512x256" in out  # a screen buffer of sane size, whatever the client claims
    assert b"term=xterm-256color " in out


def test_a_timeout_is_said_in_seconds_up_to_two_minutes_then_in_minutes():
    # The goodbye after an idle close and the log's reasons for closing a connection say it alike,
    # and never "1 minutes".
    said = [duration_words(seconds) for seconds in (1.5, 60, 119, 120, 90 * 60)]
    assert said == ["1.5 seconds", "60 seconds", "119 seconds", "2 minutes", "90 minutes"]
