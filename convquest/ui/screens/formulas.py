"""The formula card: every formula the player has been taught so far, one item each (f on a level).

By the last chapter the card is longer than 80×24 holds: it fills the screen above the footer,
each item's wrapped lines hang under its text (Prose), and the box scrolls, saying so.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.prose import Prose


class FormulaCard(ModalScreen[None]):
    HELP_NAME = "formula card"
    HELP_EXTRA = (("↑ ↓ pgup pgdn", "Scroll the card when it is longer than the screen"),)
    DEFAULT_CSS = """
    FormulaCard {
        align: center middle;
    }
    #formula-box {
        width: 100%;
        max-width: 100;
        height: auto;
        max-height: 100%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    #formula-title {
        text-style: bold;
    }
    """
    BINDINGS = [Binding("escape,f,q", "app.pop_screen", "Close"), Binding("question_mark", "app.help", "Help")]

    def __init__(self, lines: tuple[str, ...]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="formula-box"):
            yield Static("Formulas taught so far", id="formula-title", markup=False)
            yield Prose("\n".join(f"• {line}" for line in self.lines), join=False, id="formula-lines")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(self._say_if_it_scrolls)

    def _say_if_it_scrolls(self) -> None:
        box = self.query_one("#formula-box", VerticalScroll)
        box.border_subtitle = "↑ ↓ more" if box.max_scroll_y > 0 else ""
        box.focus()
