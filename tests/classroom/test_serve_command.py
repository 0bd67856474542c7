"""`convquest serve`'s arguments and entry point, without the rest of the CLI."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from convquest.classroom.commands import add_serve_arguments, run_serve


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
    code = "import sys, convquest.classroom.commands; print('asyncssh' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_serving_the_network_without_a_code_exits_2_with_advice(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CONVQUEST_CLASS_CODE", raising=False)
    status = run_serve(parse("--host", "0.0.0.0", "--data-dir", str(tmp_path)))
    assert status == 2
    assert "without a class code or authorized keys" in capsys.readouterr().err
    assert not (tmp_path / "ssh_host_ed25519_key").exists()


def test_the_class_code_can_come_from_the_environment(tmp_path, monkeypatch, capsys):
    # The environment keeps the code out of `ps`; an empty code is still refused.
    monkeypatch.setenv("CONVQUEST_CLASS_CODE", " ")
    assert run_serve(parse("--host", "0.0.0.0", "--data-dir", str(tmp_path))) == 2
    assert "class code is empty" in capsys.readouterr().err


def test_a_taken_port_is_reported_plainly(tmp_path, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status = run_serve(parse("--port", str(port), "--data-dir", str(tmp_path)))
    assert status == 1
    assert f"cannot listen on 127.0.0.1 port {port}" in capsys.readouterr().err
