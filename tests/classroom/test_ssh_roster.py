"""A class on a roster, through asyncssh's client: each student's own password, the limits that
keep one student's mistakes from locking out the rest, one live session per student, and
connections that never start a game."""

from __future__ import annotations

import asyncio
import stat

import asyncssh
import pytest
from ssh_helpers import connect, eventually, pid_from, read_until, start_game, wait_reaped

from convquest.classroom.server import ClassroomServer, ServeError, ServerConfig
from convquest.classroom.session import TAKEN_OVER_MESSAGE

PASSWORDS = {"alice": "apple-tree", "bob": "blue-sky", "carol": "cold-rain"}


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student,password,name\n" + "".join(f"{s},{p},{s.title()}\n" for s, p in PASSWORDS.items()))
    path.chmod(0o600)
    return path


@pytest.fixture
def serve_roster(serve, roster):
    async def start(**overrides):
        config = dict(class_code=None, roster=roster, failed_logins_per_id=5, failed_logins_per_address=200)
        config.update(overrides)
        return await serve(**config)

    return start


async def play(conn) -> bytes:
    game = await start_game(conn)
    return await read_until(game.stdout, b"ready")


async def test_each_student_logs_in_with_their_own_password_only(serve_roster):
    server = await serve_roster()
    async with await connect(server, "alice", PASSWORDS["alice"]) as conn:
        assert b"env user=alice" in await play(conn)
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "alice", PASSWORDS["bob"])  # a classmate's password is not yours
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "alice", None)  # nor is no password at all


async def test_an_id_not_on_the_roster_is_refused_whatever_the_password(serve_roster):
    server = await serve_roster()
    with pytest.raises(asyncssh.PermissionDenied, match="zoe is not on this class's roster"):
        await connect(server, "zoe", PASSWORDS["alice"])
    assert server.limiter.allowed("127.0.0.1", "alice")  # counted against the address only


@pytest.mark.slow
async def test_twelve_failures_for_one_id_leave_another_ids_login_working(serve_roster):
    server = await serve_roster()
    for _ in range(12):
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, "alice", "guess")
    # Even alice's right password now waits: five wrong ones used up her 10 minutes...
    with pytest.raises(asyncssh.PermissionDenied, match=r"too many failed logins for alice from 127\.0\.0\.1"):
        await connect(server, "alice", PASSWORDS["alice"])
    # ...but bob, behind the same address, is not held up by her.
    async with await connect(server, "bob", PASSWORDS["bob"]) as conn:
        assert b"env user=bob" in await play(conn)


@pytest.mark.slow
async def test_the_address_cap_stops_a_spray_over_many_ids(serve_roster):
    server = await serve_roster(failed_logins_per_address=4)
    for student in ("alice", "bob", "zoe", "nobody"):
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, student, "guess")
    with pytest.raises(asyncssh.PermissionDenied, match=r"too many failed logins from 127\.0\.0\.1"):
        await connect(server, "carol", PASSWORDS["carol"])


@pytest.mark.slow
async def test_a_second_login_takes_the_session_over_and_the_first_is_told(serve_roster):
    server = await serve_roster()
    async with await connect(server, "alice", PASSWORDS["alice"]) as first:
        game = await start_game(first)
        first_pid = pid_from(await read_until(game.stdout, b"ready"))
        async with await connect(server, "alice", PASSWORDS["alice"]) as second:
            again = await start_game(second)
            out = await read_until(again.stdout, b"ready")
            # The first game was hung up and reaped before the second one started.
            assert await wait_reaped(first_pid, 0.1)
            assert pid_from(out) != first_pid
            told = await read_until(game.stdout, TAKEN_OVER_MESSAGE.encode())
            await asyncio.wait_for(game.wait_closed(), 10)
            assert game.exit_status == 1
            assert b"\x1b[?1049l" in told  # the terminal put back before the sentence
            assert server.live_session("alice") is not None and len(server.children) == 1
            # The new session is the one that keeps working.
            again.stdin.write(b"z")
            await read_until(again.stdout, b"key b'z'")


@pytest.mark.slow
async def test_another_students_login_takes_nothing_over(serve_roster):
    server = await serve_roster()
    async with (
        await connect(server, "alice", PASSWORDS["alice"]) as first,
        await connect(server, "bob", PASSWORDS["bob"]) as second,
    ):
        game = await start_game(first)
        await read_until(game.stdout, b"ready")
        await play(second)
        game.stdin.write(b"z")
        await read_until(game.stdout, b"key b'z'")
        assert len(server.children) == 2


@pytest.mark.slow
async def test_a_connection_that_starts_no_game_is_closed_after_the_grace_time(serve_roster):
    server = await serve_roster(login_timeout=1.0, max_sessions=1)
    loop = asyncio.get_running_loop()
    conn = await connect(server, "alice", PASSWORDS["alice"])  # like ssh -N: logged in, no session
    started = loop.time()
    try:
        assert server.occupied == 1
        # It holds its place meanwhile: the server is full for bob.
        async with await connect(server, "bob", PASSWORDS["bob"]) as other:
            refused = await other.create_process(term_type="xterm", encoding=None)
            await asyncio.wait_for(refused.wait_closed(), 5)
            assert b"The class server is full" in await refused.stderr.read()
        await asyncio.wait_for(conn.wait_closed(), 10)
    finally:
        conn.close()
    assert loop.time() - started >= 0.9
    await eventually(lambda: server.occupied == 0, "the closed connection no longer counted")


@pytest.mark.slow
async def test_a_connection_whose_game_ended_is_closed_after_the_idle_timeout(serve_roster):
    server = await serve_roster(idle_timeout=1.0)
    async with await connect(server, "alice", PASSWORDS["alice"]) as conn:
        game = await start_game(conn)
        await read_until(game.stdout, b"ready")
        game.stdin.write(b"q")
        await asyncio.wait_for(game.wait_closed(), 10)
        assert server.occupied == 1  # the connection, still open, still counts
        await asyncio.wait_for(conn.wait_closed(), 10)
    await eventually(lambda: server.occupied == 0, "the connection no longer counted")


async def test_a_roster_others_can_read_stops_the_server(tmp_path, roster):
    roster.chmod(0o644)
    with pytest.raises(ServeError, match="holds every student's password"):
        ClassroomServer(ServerConfig(data_dir=tmp_path, roster=roster))


async def test_a_roster_and_a_class_code_are_not_served_together(tmp_path, roster):
    with pytest.raises(ServeError, match="roster or a class code"):
        ClassroomServer(ServerConfig(data_dir=tmp_path, roster=roster, class_code="x"))


async def test_a_student_added_to_the_roster_logs_in_without_a_restart(serve_roster, roster):
    server = await serve_roster()
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "dan", "dark-wood")
    roster.write_text(roster.read_text() + "dan,dark-wood,Dan\n")
    async with await connect(server, "dan", "dark-wood"):
        pass


async def test_enrolled_keys_still_work_beside_a_roster(serve_roster, tmp_path):
    key = asyncssh.generate_private_key("ssh-ed25519")
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "alice.pub").write_bytes(key.export_public_key())
    server = await serve_roster(authorized_keys=folder)
    async with await connect(server, "alice", None, client_keys=[key]):
        pass
    async with await connect(server, "bob", PASSWORDS["bob"]):
        pass


async def test_the_results_database_and_its_folder_are_private(serve, tmp_path):
    server = await serve()
    async with await connect(server) as conn:
        await play(conn)
    db = server.config.results_db
    await eventually(lambda: db.with_name(db.name + "-wal").exists(), "the session written")
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((db.parent / "students").stat().st_mode) == 0o700


async def test_a_shared_group_folder_keeps_its_group_and_others_lose_access(serve, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o2775)  # setgid and group-writable, as the managed-server setup makes it
    await serve(data_dir=shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o2770
    assert stat.S_IMODE((shared / "classroom.db").stat().st_mode) == 0o660


async def test_an_existing_world_readable_database_is_made_private(serve, tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "classroom.db").touch(mode=0o644)
    (data / "classroom.db").chmod(0o644)
    await serve(data_dir=data)
    assert stat.S_IMODE((data / "classroom.db").stat().st_mode) == 0o640
    assert stat.S_IMODE(data.stat().st_mode) == 0o750


async def test_keyboard_interactive_takes_the_students_own_password_too(serve_roster):
    server = await serve_roster()
    async with await connect(server, "bob", PASSWORDS["bob"], preferred_auth="keyboard-interactive") as conn:
        assert b"env user=bob" in await play(conn)
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "bob", PASSWORDS["alice"], preferred_auth="keyboard-interactive")


def test_a_roster_broken_while_serving_is_logged_and_the_last_good_one_kept(tmp_path, roster, caplog):
    server = ClassroomServer(ServerConfig(data_dir=tmp_path / "data", roster=roster))
    roster.write_text("student,password\nalice,x\nalice,y\n")
    assert server.roster is not None and "bob" in server.roster
    assert "duplicate student 'alice'" in caplog.text
