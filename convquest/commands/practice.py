"""`convquest practice`, `convquest exam`, `convquest report`.

A run_* function returns 0 done, 1 nothing to report, 2 a usage error explained on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from convquest.commands.common import EXIT_OK, UsageError, curriculum, fail, interactive, open_store

if TYPE_CHECKING:
    from convquest.practice.exam import Paper
    from convquest.ui.app import ConvQuestApp

EXIT_EMPTY = 1
Plan = TypeVar("Plan")


def _add_topic(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--topic",
        action="append",
        metavar="T",
        dest="topics",
        help="only this topic: a kind (predict-size) or kind/variant (predict-size/transposed); repeatable; "
        "default every topic",
    )


def add_practice_arguments(parser: argparse.ArgumentParser) -> None:
    _add_topic(parser)
    parser.add_argument("--seed", type=int, metavar="N", help="the same seed and answers give the same problems")


def add_exam_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--questions", type=int, default=10, metavar="N", help="questions on the paper (default 10)")
    parser.add_argument(
        "--minutes",
        type=float,
        default=20.0,
        metavar="M",
        help="time allowed (default 20); unanswered questions count as wrong when it runs out",
    )
    _add_topic(parser)
    parser.add_argument("--seed", type=int, metavar="N", help="the same seed gives the same paper")


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        help="text (default, 80 columns), csv (one row per answer) or json",
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--session", type=int, metavar="ID", help="report this session (default: the latest)")
    parser.add_argument(
        "--mode", choices=("exam", "practice"), help="the latest session of this mode (default: the latest of either)"
    )


def check_terminal() -> None:
    if not interactive():
        raise UsageError(
            "this needs a terminal: run it in an interactive terminal, not with its input or output redirected or piped"
        )


def practice_plan(args: argparse.Namespace) -> tuple[list[str], int]:
    """(topics, seed) for `convquest practice`; UsageError for an unknown topic."""
    from convquest.practice.topics import fresh_seed, select_topics

    try:
        topics = select_topics(getattr(args, "topics", None))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    seed = getattr(args, "seed", None)
    return topics, fresh_seed() if seed is None else seed


def exam_plan(args: argparse.Namespace) -> tuple[Paper, float]:
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


def _run_game(
    args: argparse.Namespace,
    plan_of: Callable[[argparse.Namespace], Plan],
    open_first: Callable[[ConvQuestApp, Plan], None],
) -> int:
    """What `practice` and `exam` share: the arguments and the terminal are checked before the UI
    is imported (a refusal is one line on stderr), then the game runs with `open_first(app, plan)`
    putting the first screen up, and the store is closed however the game ends."""
    try:
        plan = plan_of(args)
        check_terminal()
    except UsageError as exc:
        return fail(str(exc))
    from convquest.ui.first_frame import collector_held

    with collector_held():
        from convquest.ui import practice as ui

        store = open_store(args)
        try:
            # The home screen under practice/exam lists the chapters, so it needs the curriculum too.
            ui.run_app(curriculum(args), store, lambda app: open_first(app, plan))
        finally:
            store.close()
    return EXIT_OK


def run_practice(args: argparse.Namespace) -> int:
    def first(app: ConvQuestApp, plan: tuple[list[str], int]) -> None:
        from convquest.ui.practice import open_practice

        open_practice(app, *plan)

    return _run_game(args, practice_plan, first)


def run_exam(args: argparse.Namespace) -> int:
    def first(app: ConvQuestApp, plan: tuple[Paper, float]) -> None:
        from convquest.ui.practice import open_exam

        open_exam(app, paper=plan[0], minutes=plan[1])

    return _run_game(args, exam_plan, first)


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
