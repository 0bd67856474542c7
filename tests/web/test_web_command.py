"""`convquest serve`'s browser-door options: parsed, handed to the server, refused plainly."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from convquest.commands.classroom import run_serve
from tests.classroom.test_serve_command import parse


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


@pytest.mark.slow
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


@pytest.mark.slow
def test_under_nohup_the_games_are_not_left_ignoring_the_hang_up(tmp_path):
    """nohup ignores SIGHUP, and an ignored signal is inherited by every game the server starts:
    each hang-up (a takeover, a reload, a closed tab) would then wait for the SIGKILL after the
    grace time. A handler of the server's own keeps it up under nohup and is not inherited."""
    import os
    import signal
    import time

    argv = [sys.executable, "-m", "convquest", "serve", "--port", "0", "--web-port", "0", "--class-code", "x"]
    server = subprocess.Popen(
        [*argv, "--data-dir", str(tmp_path)],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # what nohup does
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stderr is not None
        while "browser door on" not in server.stderr.readline():
            assert server.poll() is None, "the server did not start"
        status = (Path("/proc") / str(server.pid) / "status").read_text()
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        hup = 1 << (signal.SIGHUP - 1)
        assert not int(fields["SigIgn"], 16) & hup and int(fields["SigCgt"], 16) & hup
        server.send_signal(signal.SIGHUP)
        time.sleep(0.3)
        assert server.poll() is None  # still serving, as under nohup
    finally:
        server.terminate()
        server.wait(20)
