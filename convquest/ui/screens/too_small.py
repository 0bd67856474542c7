"""Shown instead of a squashed layout while the terminal is smaller than the game needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from convquest.ui.settings import MIN_HEIGHT, MIN_WIDTH


class TooSmallScreen(Screen[None]):
    HELP_NAME = "too small"

    def compose(self) -> ComposeResult:
        yield Static(id="too-small", markup=False)

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def show_size(self, width: int, height: int) -> None:
        self.query_one("#too-small", Static).update(
            f"Make the terminal at least {MIN_WIDTH}×{MIN_HEIGHT} (now {width}×{height}).\n"
            "The game comes back as soon as it fits. ctrl+q quits."
        )
