"""Who may log in: the class code, enrolled keys, the open/loopback rule, the failed-login budget,
and the host key a returning student's client recognises."""

from __future__ import annotations

import stat

import asyncssh
import pytest
from ssh_helpers import CODE, connect, eventually, read_until, start_game

from convquest.classroom.hostkey import KEY_NAME
from convquest.classroom.server import ServeError, ServerConfig, check_config


async def test_on_loopback_without_a_code_anyone_may_play(serve):
    server = await serve(class_code=None)
    async with await connect(server, password=None) as conn:
        game = await start_game(conn)
        assert b"env user=alice" in await read_until(game.stdout, b"ready")


@pytest.mark.parametrize("host", ["0.0.0.0", "", "::"])
def test_beyond_loopback_a_server_without_a_code_or_keys_is_refused(tmp_path, host):
    with pytest.raises(ServeError, match="--open"):
        check_config(ServerConfig(data_dir=tmp_path, host=host))


def test_open_or_a_code_allows_serving_beyond_loopback(tmp_path):
    check_config(ServerConfig(data_dir=tmp_path, host="0.0.0.0", open=True))
    check_config(ServerConfig(data_dir=tmp_path, host="0.0.0.0", class_code=CODE))
    check_config(ServerConfig(data_dir=tmp_path, host="localhost"))


def test_an_empty_class_code_is_refused(tmp_path):
    with pytest.raises(ServeError, match="empty"):
        check_config(ServerConfig(data_dir=tmp_path, class_code="  "))


async def test_after_too_many_wrong_codes_even_the_right_code_waits(serve):
    server = await serve(failed_logins_per_id=2)
    for _ in range(2):
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, password="guess")
    with pytest.raises(asyncssh.PermissionDenied, match=r"too many failed logins for alice from 127\.0\.0\.1"):
        await connect(server)


async def test_the_host_key_is_made_once_private_and_reused(serve, tmp_path):
    first = await serve()
    async with await connect(first) as conn:
        key_before = conn.get_server_host_key().export_public_key()
    await first.close()
    path = tmp_path / "data" / KEY_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = await serve()
    async with await connect(second) as conn:
        assert conn.get_server_host_key().export_public_key() == key_before


async def test_enrolled_keys_log_in_and_others_do_not(serve, tmp_path):
    enrolled = asyncssh.generate_private_key("ssh-ed25519")
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    keys_file = tmp_path / "authorized_keys"
    keys_file.write_bytes(enrolled.export_public_key())
    server = await serve(class_code=None, authorized_keys=keys_file)
    async with await connect(server, password=None, client_keys=[enrolled]) as conn:
        game = await start_game(conn)
        assert b"ready" in await read_until(game.stdout, b"ready")
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, password=None, client_keys=[stranger])
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, password=CODE, client_keys=None)  # no password door on a keys server
    # Enrolling takes effect at the next login, without a restart.
    keys_file.write_bytes(enrolled.export_public_key() + stranger.export_public_key())
    async with await connect(server, password=None, client_keys=[stranger]):
        pass


def test_an_unreadable_keys_file_stops_the_server_from_starting(tmp_path):
    with pytest.raises(ServeError, match="cannot read authorized keys"):
        check_config(ServerConfig(data_dir=tmp_path, authorized_keys=tmp_path / "missing"))


async def test_a_folder_of_student_keys_binds_each_key_to_its_student(serve, tmp_path):
    alice_key = asyncssh.generate_private_key("ssh-ed25519")
    bob_key = asyncssh.generate_private_key("ssh-ed25519")
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "alice.pub").write_bytes(alice_key.export_public_key())
    (folder / "bob.pub").write_bytes(bob_key.export_public_key())
    server = await serve(class_code=None, authorized_keys=folder)
    async with await connect(server, username="alice", password=None, client_keys=[alice_key]):
        pass
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, username="alice", password=None, client_keys=[bob_key])
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, username="zoe", password=None, client_keys=[alice_key])  # not enrolled


async def test_on_a_keys_server_each_failed_login_spends_from_the_budget(serve, tmp_path):
    enrolled = asyncssh.generate_private_key("ssh-ed25519")
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    keys_file = tmp_path / "authorized_keys"
    keys_file.write_bytes(enrolled.export_public_key())
    server = await serve(class_code=None, authorized_keys=keys_file, failed_logins_per_id=2)
    for _ in range(2):
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(server, password=None, client_keys=[stranger])
    # The server counts a failed key login when its connection closes, a moment after the refusal.
    await eventually(lambda: not server.limiter.allowed("127.0.0.1", "alice"), "both failed logins counted")
    with pytest.raises(asyncssh.PermissionDenied, match="too many failed logins"):
        await connect(server, password=None, client_keys=[enrolled])
