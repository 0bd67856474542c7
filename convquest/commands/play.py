"""`convquest play` (and `convquest` alone): the game, from the chapter map or one level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from convquest.commands.common import EXIT_OK, curriculum, data_dir, fail, interactive

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace


def add_play_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--level", metavar="ID", help="start straight at this level")


def run_play(args: argparse.Namespace | SimpleNamespace) -> int:
    # A SimpleNamespace from a plain launch (convquest.cli._parse_play), read without argparse.
    from convquest.ui.first_frame import collector_held

    with collector_held():
        return _play(args)


def _play(args: argparse.Namespace | SimpleNamespace) -> int:
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


def rehearse_home_screen() -> None:
    """Draw the home screen once, headless, in a folder thrown away after (the classroom's warm
    parent does it before it forks each session: convquest/classroom/warm.py).

    Python 3.11 specializes each function's bytecode in place during its first calls, and a
    first screen fills caches (CSS, themes, the store's schema). Done here, those writes are made
    once before the fork and stay shared, instead of being copied into every child: 2 MB less
    private memory per session (16 MB instead of 18 measured on the home screen). What it leaves
    behind is what any run leaves in the process: warmed caches, no open file, no thread."""
    import asyncio
    import tempfile
    from pathlib import Path

    from convquest.levels import load_curriculum
    from convquest.store import Store
    from convquest.ui.app import ConvQuestApp

    async def home() -> None:
        with tempfile.TemporaryDirectory(prefix="convquest-warm-") as folder:
            store = Store.open(Path(folder))
            try:
                app = ConvQuestApp(curriculum=load_curriculum(), store=store, start_level=None)
                # As a session is drawn: with the tooltip and notification widgets run_test leaves out.
                async with app.run_test(size=(80, 24), tooltips=True, notifications=True) as pilot:
                    await pilot.press("down")
                    await pilot.pause()
            finally:
                store.close()

    asyncio.run(home())
