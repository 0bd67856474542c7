"""`convquest practice` and `convquest exam`: check the command line, then run the game on that screen.

They live under ui/ because only the CLI layer may start the UI (tests/test_layers.py); the
argument checks themselves are plain functions in convquest.practice.commands.
"""

from __future__ import annotations

import argparse

from convquest.practice.commands import (
    EXIT_OK,
    UsageError,
    check_terminal,
    exam_plan,
    fail,
    load_curriculum,
    open_store,
    practice_plan,
)


def run_practice(args: argparse.Namespace) -> int:
    try:
        topics, seed = practice_plan(args)
        check_terminal()
    except UsageError as exc:
        return fail(str(exc))
    from convquest.ui.practice import open_practice, run_app

    store = open_store(args)
    try:
        run_app(load_curriculum(args), store, lambda app: open_practice(app, topics, seed))
    finally:
        store.close()
    return EXIT_OK


def run_exam(args: argparse.Namespace) -> int:
    try:
        paper, minutes = exam_plan(args)
        check_terminal()
    except UsageError as exc:
        return fail(str(exc))
    from convquest.ui.practice import open_exam, run_app

    store = open_store(args)
    try:
        run_app(load_curriculum(args), store, lambda app: open_exam(app, paper=paper, minutes=minutes))
    finally:
        store.close()
    return EXIT_OK
