"""The formula card: every formula the player has been taught so far, one line each (f on a level)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from convquest.ui.widgets.key_footer import KeyFooter


class FormulaCard(ModalScreen[None]):
    HELP_NAME = "formula card"
    DEFAULT_CSS = """
    FormulaCard {
        align: center middle;
    }
    #formula-box {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    #formula-title {
        text-style: bold;
    }
    """
    BINDINGS = [Binding("escape,f,q", "app.pop_screen", "Close")]

    def __init__(self, lines: tuple[str, ...]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="formula-box"):
            yield Static("Formulas taught so far", id="formula-title", markup=False)
            yield Static("\n".join(f"• {line}" for line in self.lines), id="formula-lines", markup=False)
        yield KeyFooter()
