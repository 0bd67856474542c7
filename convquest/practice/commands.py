"""`convquest practice`, `convquest exam`, `convquest report`: their arguments and what they run.

Only the standard library is imported at module level, so `convquest --help` stays instant; the
engine, the store and Textual are imported inside the functions. A run_* function takes the parsed
arguments (with the global `--data-dir` and `--levels` when the CLI gives them) and returns an exit
code: 0 done, 1 nothing to report, 2 a usage error explained on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_EMPTY, EXIT_USAGE = 0, 1, 2

# (flags, argparse options) for each command; the CLI's command table can be built from these.
PRACTICE_ARGS: tuple[tuple[tuple[str, ...], dict], ...] = (
    (
        ("--topic",),
        {
            "action": "append",
            "metavar": "T",
            "dest": "topics",
            "help": "only this topic: a kind (predict-size) or kind/variant "
            "(predict-size/transposed); repeatable; default every topic",
        },
    ),
    (("--seed",), {"type": int, "metavar": "N", "help": "the same seed and answers give the same problems"}),
)
EXAM_ARGS: tuple[tuple[tuple[str, ...], dict], ...] = (
    (
        (("--questions",), {"type": int, "default": 10, "metavar": "N", "help": "questions on the paper (default 10)"}),
        (
            ("--minutes",),
            {
                "type": float,
                "default": 20.0,
                "metavar": "M",
                "help": "time allowed (default 20); unanswered questions count as wrong when it runs out",
            },
        ),
    )
    + PRACTICE_ARGS[:1]
    + ((("--seed",), {"type": int, "metavar": "N", "help": "the same seed gives the same paper"}),)
)
REPORT_ARGS: tuple[tuple[tuple[str, ...], dict], ...] = (
    (
        ("--format",),
        {
            "choices": ("text", "csv", "json"),
            "default": "text",
            "help": "text (default, 80 columns), csv (one row per answer) or json",
        },
    ),
    (("--output",), {"type": Path, "metavar": "FILE", "help": "write to FILE instead of standard output"}),
    (("--session",), {"type": int, "metavar": "ID", "help": "report this session (default: the latest)"}),
    (
        ("--mode",),
        {"choices": ("exam", "practice"), "help": "the latest session of this mode (default: the latest of either)"},
    ),
)


def _add(parser: argparse.ArgumentParser, spec) -> argparse.ArgumentParser:
    for flags, options in spec:
        parser.add_argument(*flags, **options)
    return parser


def add_practice_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    return _add(parser, PRACTICE_ARGS)


def add_exam_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    return _add(parser, EXAM_ARGS)


def add_report_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    return _add(parser, REPORT_ARGS)


class UsageError(Exception):
    """A choice on the command line that cannot be run; the message says what to do instead."""


def fail(message: str) -> int:
    print(f"convquest: {message}", file=sys.stderr)
    return EXIT_USAGE


def open_store(args: argparse.Namespace):
    from convquest.store import Store, default_data_dir

    store = Store.open(getattr(args, "data_dir", None) or default_data_dir())
    if store.notice:
        print(f"convquest: {store.notice}", file=sys.stderr)
    return store


def check_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError(
            "this needs a terminal: run it in an interactive terminal, not with its input or output redirected or piped"
        )


def load_curriculum(args: argparse.Namespace):
    # The home screen under practice/exam lists the chapters, so it needs the curriculum too.
    from convquest.levels import load_curriculum as load

    return load(list(getattr(args, "levels", None) or []))


def practice_plan(args: argparse.Namespace) -> tuple[list[str], int]:
    """(topics, seed) for `convquest practice`; UsageError for an unknown topic."""
    from convquest.practice.topics import fresh_seed, select_topics

    try:
        topics = select_topics(getattr(args, "topics", None))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    seed = getattr(args, "seed", None)
    return topics, fresh_seed() if seed is None else seed


def exam_plan(args: argparse.Namespace):
    """(paper, minutes) for `convquest exam`; UsageError for a paper that cannot be set."""
    from convquest.practice.exam import make_paper
    from convquest.practice.topics import fresh_seed

    minutes = getattr(args, "minutes", 20.0)
    if minutes is not None and minutes <= 0:
        raise UsageError(f"--minutes must be more than 0, not {minutes:g}")
    seed = getattr(args, "seed", None)
    try:
        paper = make_paper(
            fresh_seed() if seed is None else seed, getattr(args, "questions", 10), getattr(args, "topics", None)
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return paper, minutes


# The CLI's command table runs these, which makes this module part of the CLI layer: it may start
# the UI (tests/test_layers.py), importing it only once the arguments have been checked.


def _run_game(
    args: argparse.Namespace, plan_of: Callable[[argparse.Namespace], Any], open_first: Callable[[Any, Any, Any], None]
) -> int:
    """What `practice` and `exam` share: the arguments and the terminal are checked before the UI
    is imported (a refusal is one line on stderr), then the game runs with `open_first(ui, app,
    plan)` putting the first screen up, and the store is closed however the game ends."""
    try:
        plan = plan_of(args)
        check_terminal()
    except UsageError as exc:
        return fail(str(exc))
    from convquest.ui import practice as ui

    store = open_store(args)
    try:
        ui.run_app(load_curriculum(args), store, lambda app: open_first(ui, app, plan))
    finally:
        store.close()
    return EXIT_OK


def run_practice(args: argparse.Namespace) -> int:
    return _run_game(args, practice_plan, lambda ui, app, plan: ui.open_practice(app, *plan))


def run_exam(args: argparse.Namespace) -> int:
    return _run_game(args, exam_plan, lambda ui, app, plan: ui.open_exam(app, paper=plan[0], minutes=plan[1]))


def run_report(args: argparse.Namespace) -> int:
    """Print (or write) a stored session's report; plain text needs no terminal, so it pipes."""
    from convquest.practice.history import History
    from convquest.practice.report import report_for

    store = open_store(args)
    try:
        report = report_for(History(store), getattr(args, "session", None), mode=getattr(args, "mode", None))
    except KeyError as exc:
        return fail(str(exc.args[0]))
    finally:
        store.close()
    if report is None:
        print(
            "convquest: no practice or exam session yet: try `convquest exam` or `convquest practice`", file=sys.stderr
        )
        return EXIT_EMPTY
    fmt = getattr(args, "format", "text")
    text = {"csv": report.to_csv, "json": report.to_json}.get(fmt, report.render_text)()
    output = getattr(args, "output", None)
    if output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(output).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        return fail(f"cannot write {output}: {exc.strerror or exc}")
    print(f"wrote the {fmt} report of session {report.session_id} to {output}", file=sys.stderr)
    return EXIT_OK
