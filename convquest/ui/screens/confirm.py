"""A yes/no question that must be answered before anything irreversible happens."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from convquest.ui.widgets.key_footer import KeyFooter


class ConfirmScreen(ModalScreen[bool]):
    HELP_NAME = "confirm"
    BINDINGS = [
        Binding("escape,n", "answer(False)", "No, keep it"),
        Binding("y", "answer(True)", "Yes"),
    ]

    def __init__(self, question: str, yes: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes} (y)", id="confirm-yes", variant="error")
                yield Button("Cancel (n)", id="confirm-no")
        yield KeyFooter()

    def on_mount(self) -> None:
        # Safe choice first: a stray enter cancels.
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
