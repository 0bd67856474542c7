"""What the command modules share: exit codes, refusals on stderr, the terminal check, the data
folder, the store and the curriculum. Standard library only at module level (see __init__)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from convquest.levels.model import Curriculum
    from convquest.store import Store

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A choice on the command line that cannot be run; the message says what to do instead."""


def fail(message: str, code: int = EXIT_USAGE, *, prog: str = "convquest") -> int:
    print(f"{prog}: {message}", file=sys.stderr)
    return code


# `--output -` is standard output, as Unix tools read it (an export piped on, or redirected).
STDOUT = "-"


def to_stdout(output: object) -> bool:
    return output is not None and str(output) == STDOUT


def write_binary_to_stdout(data: bytes, what: str, *, prog: str) -> int:
    """A zip on standard output; refused on a terminal, where it would only be noise (as tar does)."""
    if sys.stdout.isatty():
        return fail(f"will not write {what} to a terminal: redirect it (> FILE) or give --output FILE", prog=prog)
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return EXIT_OK


# What textual-serve (and convquest serve's browser door) sets for the games it runs: their pipes
# carry a browser's keys and screen, which Textual's web driver speaks.
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"


def interactive() -> bool:
    """Whether a full-screen app can run: on a terminal, or in a browser through the web driver."""
    return os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER or (sys.stdin.isatty() and sys.stdout.isatty())


def data_dir(args: argparse.Namespace | SimpleNamespace) -> Path:
    """--data-dir, else $CONVQUEST_DATA_DIR, else the user data folder."""
    from convquest.store import default_data_dir

    return Path(getattr(args, "data_dir", None) or default_data_dir()).expanduser()


def open_store(args: argparse.Namespace) -> Store:
    from convquest.store import Store

    store = Store.open(data_dir(args))
    if store.notice:
        print(f"convquest: {store.notice}", file=sys.stderr)
    return store


def curriculum(args: argparse.Namespace | SimpleNamespace, cache_dir: Path | None = None) -> Curriculum:
    """The shipped chapters and every --levels pack; a pack refused is one line on stderr."""
    from convquest.levels import load_curriculum

    loaded = load_curriculum(list(getattr(args, "levels", None) or []), cache_dir=cache_dir)
    for error in loaded.errors:
        print(f"convquest: skipped {error}", file=sys.stderr)
    return loaded
