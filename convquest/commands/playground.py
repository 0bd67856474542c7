"""`convquest playground`: the free visualizer on its own, with the game's settings."""

from __future__ import annotations

import argparse

from convquest.commands.common import data_dir, fail, interactive


def run_playground(args: argparse.Namespace) -> int:
    if not interactive():
        return fail(
            "the playground needs a terminal: run it in an interactive terminal, not with its "
            "input or output redirected or piped"
        )
    from convquest.ui.first_frame import collector_held

    with collector_held():
        from convquest.store import Store
        from convquest.ui.board.playground import PlaygroundApp

        store = Store.open(data_dir(args))
        try:
            PlaygroundApp(store=store).run()
        finally:
            store.close()
    return 0
