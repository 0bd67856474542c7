"""Small apps that hold one board widget alone, shared by the board's tests."""

from __future__ import annotations

from textual.app import App, ComposeResult

from convquest.ui.board.player import SweepPlayer
from convquest.ui.kinds.base import KindPanel


class PanelApp(App[None]):
    """One kind panel (`panel_class`, set by a subclass) on `problem`, keeping every Judged and
    Solved message it posts so a test can read what the level screen would have been told."""

    panel_class: type[KindPanel]

    def __init__(self, problem) -> None:
        super().__init__()
        self.problem = problem
        self.judged: list[KindPanel.Judged] = []
        self.solved: list[KindPanel.Solved] = []

    def compose(self) -> ComposeResult:
        from convquest.play.run import ProblemRun

        yield self.panel_class(ProblemRun(self.problem))

    def on_kind_panel_judged(self, message: KindPanel.Judged) -> None:
        self.judged.append(message)

    def on_kind_panel_solved(self, message: KindPanel.Solved) -> None:
        self.solved.append(message)


class PlayerApp(App[None]):
    """A SweepPlayer on `sweep`, focused so that keys reach it."""

    def __init__(self, sweep) -> None:
        super().__init__()
        self.sweep = sweep

    def compose(self) -> ComposeResult:
        yield SweepPlayer(self.sweep)

    def on_mount(self) -> None:
        self.query_one(SweepPlayer).focus()
