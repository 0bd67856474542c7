"""Open the board by hand, for trying it as a player would (in tmux at 80×24 and 160×48):

    python tests/ui/board/launch.py playground
    python tests/ui/board/launch.py level sliding-1        # any fill-cells / receptive-field level

`level` plays the real app with a throw-away progress folder; until the kind registry lists the
board's panels it adds them for this run only.
"""

from __future__ import annotations

import sys
import tempfile


def main(argv: list[str]) -> None:
    if not argv or argv[0] == "playground":
        from convquest.ui.board.playground import run_playground

        run_playground()
        return
    from convquest.levels import load_curriculum
    from convquest.store import Store
    from convquest.ui import kinds
    from convquest.ui.app import ConvQuestApp

    from convquest.ui.board.playground import STYLESHEETS

    # The board's rules as if already merged into the stylesheet (a no-op once they are).
    ConvQuestApp.CSS_PATH = [p for p in STYLESHEETS if p.exists()]
    kinds.PANELS.setdefault("fill-cells", "convquest.ui.board.fill_cells:FillCellsPanel")
    kinds.PANELS.setdefault("receptive-field", "convquest.ui.board.receptive:ReceptiveFieldPanel")
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(folder)
        try:
            ConvQuestApp(curriculum=load_curriculum(), store=store, start_level=argv[1]).run()
        finally:
            store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
