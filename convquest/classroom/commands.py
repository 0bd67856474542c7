"""`convquest serve`: its arguments and its entry point.

Only argparse and the standard library at import time: the CLI imports this module to build
`--help`, which must stay instant. asyncssh is imported when the server actually starts.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

CLASS_CODE_ENV = "CONVQUEST_CLASS_CODE"


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for the whole network)")
    parser.add_argument("--port", type=int, default=2222, help="port to listen on (default: 2222)")
    access = parser.add_mutually_exclusive_group()
    access.add_argument(
        "--class-code",
        metavar="CODE",
        help=f"students log in with this code as their password (or set {CLASS_CODE_ENV}, which other users cannot see in the process list)",
    )
    access.add_argument("--authorized-keys", type=Path, metavar="PATH",
                        help="students log in with public keys: an OpenSSH authorized_keys file (any listed key, any student id), or a folder of <student-id>.pub files (each key opens only its id); re-read at each login")
    parser.add_argument("--open", action="store_true", help="allow logins without a code or key on an address other than loopback")
    try:
        parser.add_argument("--data-dir", metavar="DIR", type=Path, help="where the host key and each student's progress are kept")
    except argparse.ArgumentError:
        pass  # the CLI already gives every subcommand its global --data-dir
    parser.add_argument("--max-sessions", metavar="N", type=int, default=60, help="most students connected at once (default: 60)")
    parser.add_argument("--idle-timeout", metavar="MIN", type=float, default=30, help="close a session after this many minutes without a key pressed; 0 never (default: 30)")


def run_serve(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import signal
    import sys

    from convquest.classroom.server import ClassroomServer, ServeError, ServerConfig
    from convquest.store import default_data_dir

    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    # asyncssh logs every packet-level step at INFO; our own lines are the ones a teacher needs.
    logging.getLogger("asyncssh").setLevel(logging.WARNING)

    class_code = args.class_code
    if class_code is None and args.authorized_keys is None:
        class_code = os.environ.get(CLASS_CODE_ENV) or None
    config = ServerConfig(
        data_dir=(getattr(args, "data_dir", None) or default_data_dir()).expanduser(),
        host=args.host,
        port=args.port,
        class_code=class_code,
        authorized_keys=args.authorized_keys,
        open=args.open,
        max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout * 60,
    )
    async def serve() -> None:
        # SIGTERM (systemd, kill) must hang up the games too: they run in their own sessions and
        # would otherwise outlive the server.
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        try:
            await server.serve_forever()
        except asyncio.CancelledError:
            pass

    try:
        server = ClassroomServer(config)
        asyncio.run(serve())
    except ServeError as exc:
        print(f"convquest serve: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is taken
        print(f"convquest serve: cannot listen on {args.host} port {args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
