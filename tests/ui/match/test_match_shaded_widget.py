"""ShadedImage in a running App: what reaches the screen, the numbers toggle, the cursor, NO_COLOR."""

from __future__ import annotations

import numpy as np
import pytest
from textual.app import App, ComposeResult

from convquest.ui.match.shaded import ShadedImage

SQUARE = np.zeros((6, 6), dtype=int)
SQUARE[1:5, 1:5] = 9
SIGNED = np.array([[-8, 0, 8], [-4, 2, 4]])


class Host(App[None]):
    def __init__(self, values: np.ndarray, **kwargs) -> None:
        super().__init__()
        self._values = values
        self._kwargs = kwargs
        self.chosen: list[tuple[int, int]] = []
        self.toggled: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield ShadedImage(self._values, id="img", **self._kwargs)

    def on_shaded_image_chosen(self, event: ShadedImage.Chosen) -> None:
        self.chosen.append(event.cell)

    def on_shaded_image_toggled(self, event: ShadedImage.Toggled) -> None:
        self.toggled.append(event.cell)


def screen_text(widget: ShadedImage) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def test_no_color_env_switches_to_the_character_ramp(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = Host(SQUARE, label="image")
    async with app.run_test(size=(80, 24)):
        img = app.query_one(ShadedImage)
        assert not img.colour
        lines = screen_text(img)
        assert lines[0] == "image"
        assert lines[1] == ""
        assert lines[2] == "  @@@@@@@@"
        assert img.size == (12, 7)


async def test_colour_mode_paints_background_shades(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = Host(SIGNED)
    async with app.run_test(size=(80, 24)):
        img = app.query_one(ShadedImage)
        assert img.colour
        segments = list(img.render_line(0))
        neg, zero, pos = (s.style.bgcolor.triplet for s in segments[:3])
        assert neg.blue > neg.red and pos.red > pos.blue
        assert sum(zero) < sum(pos)


async def test_n_toggles_the_numbers_and_widens_the_cells():
    app = Host(SIGNED, pickable=True)
    async with app.run_test(size=(80, 24)) as pilot:
        img = app.query_one(ShadedImage)
        assert img.size.width == 6
        await pilot.press("n")
        assert img.show_numbers
        # Each number gets a column either side, for the cursor's brackets.
        assert img.size.width == 12
        assert screen_text(img) == ["[-8]  0   8", " -4   2   4"]
        await pilot.press("n")
        assert not img.show_numbers and img.size.width == 6


@pytest.mark.slow
async def test_cursor_moves_chooses_and_toggles_cells():
    app = Host(SIGNED, pickable=True, label="picks")
    async with app.run_test(size=(80, 24)) as pilot:
        img = app.query_one(ShadedImage)
        assert img.has_focus and img.cursor == (0, 0)
        await pilot.press("right", "right", "right", "down", "down")
        assert img.cursor == (1, 2)  # clamped at the edges
        assert img.render_line(0).text.startswith("picks 1,2")  # the label says where it is
        await pilot.press("enter", "left", "space")
        await pilot.pause()
        assert app.chosen == [(1, 2)]
        assert app.toggled == [(1, 1)]
        await pilot.click(ShadedImage, offset=(0, 1))
        assert img.cursor == (0, 0)


async def test_legend_is_drawn_below_the_grid():
    app = Host(SIGNED, legend=True, no_color=True)
    async with app.run_test(size=(80, 24)):
        lines = screen_text(app.query_one(ShadedImage))
        assert lines[2] == "-@ -8 .. @@ +8"
        assert lines[3] == "-x means <0"


async def test_show_replaces_values_and_marks():
    app = Host(SIGNED, no_color=True)
    async with app.run_test(size=(80, 24)) as pilot:
        img = app.query_one(ShadedImage)
        img.show(SQUARE, marks={(0, 0)})
        await pilot.pause()
        assert img.size.height == 6
        first = next(iter(img.render_line(0)))
        assert first.text == "  " and first.style.underline
