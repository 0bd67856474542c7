"""`convquest serve`'s arguments and entry point, without the rest of the CLI."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from convquest.commands.classroom import add_serve_arguments, run_serve


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="convquest serve")
    add_serve_arguments(parser)
    return parser.parse_args(argv)


def test_defaults_listen_on_loopback_port_2222():
    args = parse()
    assert (args.host, args.port, args.class_code, args.authorized_keys) == ("127.0.0.1", 2222, None, None)
    assert (args.open, args.max_sessions, args.idle_timeout) == (False, 60, 30)


def test_a_code_and_a_keys_file_cannot_be_given_together(capsys):
    with pytest.raises(SystemExit):
        parse("--class-code", "x", "--authorized-keys", "keys")
    assert "not allowed with argument" in capsys.readouterr().err


def test_importing_the_command_does_not_load_asyncssh():
    # `convquest --help` builds this parser; it must not pay for asyncssh and cryptography.
    code = "import sys, convquest.commands.classroom; print('asyncssh' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_serving_the_network_without_a_code_exits_2_with_advice(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CONVQUEST_CLASS_CODE", raising=False)
    status = run_serve(parse("--host", "0.0.0.0", "--data-dir", str(tmp_path)))
    assert status == 2
    assert "without a roster, a class code or authorized keys" in capsys.readouterr().err
    assert not (tmp_path / "ssh_host_ed25519_key").exists()


def test_the_class_code_can_come_from_the_environment(tmp_path, monkeypatch, capsys):
    # The environment keeps the code out of `ps`; an empty code is still refused.
    monkeypatch.setenv("CONVQUEST_CLASS_CODE", " ")
    assert run_serve(parse("--host", "0.0.0.0", "--data-dir", str(tmp_path))) == 2
    assert "class code is empty" in capsys.readouterr().err


@pytest.mark.slow
def test_a_taken_port_is_reported_plainly(tmp_path, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = run_serve(parse("--port", str(port), "--data-dir", str(tmp_path)))
    assert status == 1
    assert f"cannot listen on 127.0.0.1 port {port}" in capsys.readouterr().err


def test_the_cli_global_data_dir_option_is_reused_not_duplicated(tmp_path):
    # convquest.cli adds --data-dir to every subcommand (default suppressed); serve must fit in.
    parser = argparse.ArgumentParser(prog="convquest serve")
    parser.add_argument("--data-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS)
    add_serve_arguments(parser)
    assert parser.parse_args(["--data-dir", str(tmp_path)]).data_dir == tmp_path
    assert not hasattr(parser.parse_args([]), "data_dir")


_SERVE = (
    "import argparse, sys\n"
    "from convquest.commands.classroom import add_serve_arguments, run_serve\n"
    "parser = argparse.ArgumentParser()\n"
    "add_serve_arguments(parser)\n"
    "sys.exit(run_serve(parser.parse_args(sys.argv[1:])))\n"
)


@pytest.mark.slow
async def test_sigterm_stops_serve_and_hangs_up_its_games(tmp_path):
    import asyncio
    import re
    import signal

    pytest.importorskip("asyncssh")
    from ssh_helpers import connect_port, read_until, wait_reaped

    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _SERVE,
        "--port",
        "0",
        "--data-dir",
        str(tmp_path),
        "--class-code",
        "c0de",
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        log = await asyncio.wait_for(server.stderr.readline(), 10)
        while b"serving on" not in log:
            log = await asyncio.wait_for(server.stderr.readline(), 10)
        port = int(re.search(rb"port (\d+)", log).group(1))
        async with await connect_port(port, password="c0de") as conn:
            game = await conn.create_process(term_type="xterm-256color", term_size=(100, 30), encoding=None)
            await read_until(game.stdout, b"\x1b[?1049h", timeout=20)  # the game is drawing
            connected = await asyncio.wait_for(server.stderr.readline(), 10)
            while b"connect user=" not in connected:
                connected = await asyncio.wait_for(server.stderr.readline(), 10)
            pid = int(re.search(rb"pid=(\d+)", connected).group(1))
            server.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(server.wait(), 15) == 0
            assert await wait_reaped(pid, timeout=1)
            out = await asyncio.wait_for(game.stdout.read(), 5)
            assert b"The teacher stopped the ConvQuest server" in out
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()


def test_a_broken_quiz_is_refused_before_listening_with_every_problem(tmp_path, capsys):
    quiz = tmp_path / "week.toml"
    quiz.write_text(
        '[quiz]\nid = "w"\ntitle = "W"\nfeedback = "loud"\n[[question]]\nkind = "guess"\n', encoding="utf-8"
    )
    status = run_serve(
        parse("--class-code", "c", "--quiz", str(quiz), "--data-dir", str(tmp_path / "data"), "--port", "0")
    )
    err = capsys.readouterr().err
    assert status == 2
    assert "the quiz file has 2 problem(s)" in err
    assert "field 'quiz.feedback'" in err and "question 1: field 'kind'" in err
    assert not (tmp_path / "data" / "ssh_host_ed25519_key").exists()  # stopped before anything was made
