"""`convquest play` (and `convquest` alone): the game, from the chapter map or one level."""

from __future__ import annotations

import argparse

from convquest.commands.common import EXIT_OK, curriculum, data_dir, fail, interactive


def add_play_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--level", metavar="ID", help="start straight at this level")


def run_play(args: argparse.Namespace) -> int:
    from convquest.store import Store

    folder = data_dir(args)
    terminal = interactive()
    # The data dir also keeps the parsed level files for the next launch (start-up time), but only
    # for a game that will run: a refused launch leaves nothing behind.
    chapters = curriculum(args, cache_dir=folder if terminal else None)
    level = getattr(args, "level", None)
    if level is not None:
        try:
            chapters.level(level)
        except KeyError:
            return fail(f"unknown level '{level}'; `convquest levels list` shows every level id")
    if not terminal:
        return fail(
            "the game needs a terminal: run it in an interactive terminal, not with its input or "
            "output redirected or piped"
        )
    store = Store.open(folder)
    try:
        from convquest.ui.app import ConvQuestApp

        ConvQuestApp(curriculum=chapters, store=store, start_level=level).run()
    finally:
        store.close()
    return EXIT_OK
