"""`convquest serve`'s browser-door options: parsed, handed to the server, refused plainly."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys

from convquest.commands.classroom import add_serve_arguments, run_serve


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="convquest serve")
    add_serve_arguments(parser)
    return parser.parse_args(argv)


def test_the_door_is_off_unless_asked_and_then_on_loopback():
    args = parse()
    assert (args.web_port, args.web_host, args.tls_cert, args.tls_key, args.web_behind_proxy) == (
        None,
        "127.0.0.1",
        None,
        None,
        False,
    )
    args = parse("--web-port", "8080", "--web-behind-proxy")
    assert (args.web_port, args.web_host, args.web_behind_proxy) == (8080, "127.0.0.1", True)


def test_a_missing_certificate_exits_2_naming_it(tmp_path, capsys):
    missing = tmp_path / "cert.pem"
    args = parse("--web-port", "0", "--port", "0", "--class-code", "x", "--data-dir", str(tmp_path))
    args.tls_cert, args.tls_key = missing, tmp_path / "key.pem"
    assert run_serve(args) == 2
    assert f"convquest serve: the TLS certificate {missing} does not exist" in capsys.readouterr().err
    assert not (tmp_path / "ssh_host_ed25519_key").exists()  # refused before anything started


def test_a_taken_web_port_is_reported_plainly(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = parse("--web-port", str(port), "--port", "0", "--class-code", "x", "--data-dir", str(tmp_path))
        assert run_serve(args) == 1
    assert f"for the browser door, 127.0.0.1 port {port}" in capsys.readouterr().err


def test_importing_the_command_does_not_load_aiohttp():
    code = "import sys, convquest.commands.classroom; print('aiohttp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
