"""WeightEditor keys: digits replace, minus flips, backspace erases, tab walks, Enter submits."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult

from convquest.ui.match.editor import WeightEditor


class Host(App[None]):
    def __init__(self, weights) -> None:
        super().__init__()
        self._weights = np.asarray(weights)
        self.submitted: list[np.ndarray] = []

    def compose(self) -> ComposeResult:
        yield WeightEditor(self._weights)

    def on_weight_editor_submitted(self, event: WeightEditor.Submitted) -> None:
        self.submitted.append(event.weights)


@pytest.mark.slow
async def test_typing_a_laplacian_and_submitting_it():
    app = Host(np.zeros((3, 3), dtype=int))
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.query_one(WeightEditor)
        assert editor.has_focus
        await pilot.press("right", "-", "1", "down", "4", "left", "-", "1")
        await pilot.press("right", "right", "-", "1", "down", "left", "-", "1", "enter")
        await pilot.pause()
        expected = np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]])
        assert np.array_equal(editor.weights, expected)
        assert len(app.submitted) == 1 and np.array_equal(app.submitted[0], expected)
        assert editor.as_text() == "0 -1 0; -1 4 -1; 0 -1 0"
        # Numbers are always shown while editing, over their shade.
        lines = [editor.render_line(y).text.rstrip() for y in range(editor.size.height)]
        assert lines == ["kernel 2,1", "  0  -1   0", " -1   4  -1", "  0 [-1]  0"]


@pytest.mark.slow
async def test_minus_flips_a_stored_weight_and_digits_start_afresh_in_each_cell():
    app = Host([[3, 5], [12, 0]])
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.query_one(WeightEditor)
        await pilot.press("-")
        assert editor.weights[0, 0] == -3
        await pilot.press("2")  # keeps the minus typed in this cell
        assert editor.weights[0, 0] == -2
        await pilot.press("tab", "7")
        assert editor.weights[0, 1] == 7
        await pilot.press("4", "9")  # two digits at most: the third starts a new number
        assert editor.weights[0, 1] == 9
        await pilot.press("down", "backspace")
        assert editor.weights[1, 1] == 0
        await pilot.press("left", "backspace")
        assert editor.weights[1, 0] == 0
        await pilot.press("-")
        lines = [editor.render_line(y).text.rstrip() for y in range(editor.size.height)]
        assert lines[2] == "[ -]  0"  # a lone minus waits for its digits, visibly
        await pilot.press("8")
        assert editor.weights[1, 0] == -8


async def test_n_cannot_hide_the_numbers_being_edited():
    app = Host([[1, 0], [0, 1]])
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.query_one(WeightEditor)
        await pilot.press("n")
        assert editor.show_numbers
