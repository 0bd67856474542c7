"""Keys that arrive together (one read from the terminal, one SSH packet) edit the answer box in the
order they were typed. They are posted to the app in one go, as the terminal driver does."""

from __future__ import annotations

import pytest
from textual import events
from textual.app import App, ComposeResult

from convquest.ui.widgets.answer_input import AnswerInput


class OneBox(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        yield AnswerInput(id="box")

    def on_input_submitted(self, event: AnswerInput.Submitted) -> None:
        self.submitted.append(event.value)


def key(name: str) -> events.Key:
    return events.Key(name, name if len(name) == 1 else None)


@pytest.mark.slow
@pytest.mark.parametrize(
    "burst, expected",
    [
        (["backspace"] * 5 + ["7"], "7"),  # wipe "seven" key by key, type the answer
        (["ctrl+u", "7"], "7"),  # wipe it in one key
        (["backspace", "backspace", "7"], "sev7"),
        (["home", "delete", "S"], "Seven"),  # move, delete, insert
    ],
)
async def test_a_burst_of_keys_edits_in_typing_order(burst, expected):
    app = OneBox()
    async with app.run_test() as pilot:
        box = app.query_one(AnswerInput)
        box.focus()
        box.value = "seven"
        box.cursor_position = len(box.value)
        await pilot.pause()
        for name in burst:
            app.post_message(key(name))
        await pilot.pause()
        assert box.value == expected


async def test_enter_in_a_burst_submits_what_was_typed_before_it():
    app = OneBox()
    async with app.run_test() as pilot:
        app.query_one(AnswerInput).focus()
        await pilot.pause()
        for name in ["1", "2", "enter", "9"]:
            app.post_message(key(name))
        await pilot.pause()
        assert app.submitted == ["12"]
