"""Picture: half-block pixels in truecolour, the 256-colour palette where that is all there is, the
character ramp under NO_COLOR, the signed blue/grey/orange map, and fitting to the room given."""

from __future__ import annotations

import numpy as np
import pytest
import textual.constants
from rich.color import ColorType
from textual.app import App, ComposeResult
from textual.geometry import Size

from convquest.engine import KERNELS, PHOTOS, conv2d
from convquest.ui.widgets.picture import (
    HALF_BLOCK,
    LEVELS,
    NEGATIVE_RAMP,
    POSITIVE_RAMP,
    RAMP,
    Picture,
    fit,
    fitted_size,
    shade,
)


class Host(App[None]):
    CSS = "#small { width: 20; height: 10; }"

    def __init__(self, *pictures: Picture) -> None:
        super().__init__()
        self._pictures = pictures

    def compose(self) -> ComposeResult:
        yield from self._pictures


@pytest.fixture
def colours(monkeypatch):
    """Run the app as on a terminal with this colour system (Textual reads it when an App is made)."""

    def use(system: str) -> None:
        monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", system)

    return use


def lines(picture: Picture) -> list:
    return [picture.render_line(y) for y in range(picture.size.height)]


def test_shrinking_averages_the_pixels_each_target_pixel_covers():
    values = np.arange(16, dtype=float).reshape(4, 4)
    np.testing.assert_array_equal(fit(values, 2, 2), [[2.5, 4.5], [10.5, 12.5]])


def test_enlarging_repeats_pixels():
    np.testing.assert_array_equal(fit(np.array([[1.0, 2.0]]), 2, 4), [[1, 1, 2, 2], [1, 1, 2, 2]])


def test_the_fitted_size_keeps_the_shape_and_counts_two_pixel_rows_a_line():
    assert fitted_size((64, 64), Size(40, 20)) == (40, 40)
    assert fitted_size((64, 96), Size(48, 40)) == (32, 48)


async def test_truecolour_half_blocks_carry_the_top_pixel_over_the_bottom_one(colours):
    colours("truecolor")
    app = Host(Picture(np.array([[0, 255], [255, 0]]), limits=(0, 255)))
    async with app.run_test(size=(40, 10)):
        picture = app.query_one(Picture)
        assert picture.size == Size(2, 1)
        segments = list(picture.render_line(0))
        assert "".join(s.text for s in segments) == HALF_BLOCK * 2
        first, second = segments[0].style, segments[-1].style
        assert first.color.get_truecolor() == (0, 0, 0) and first.bgcolor.get_truecolor() == (255, 255, 255)
        assert second.color.get_truecolor() == (255, 255, 255) and second.bgcolor.get_truecolor() == (0, 0, 0)


async def test_on_a_256_colour_terminal_the_colours_come_from_the_palette(colours):
    colours("256")
    app = Host(Picture(PHOTOS["camera"].pixels, limits=(0, 255), id="small"))
    async with app.run_test(size=(40, 12)):
        styles = [seg.style for strip in lines(app.query_one(Picture)) for seg in strip if seg.text.strip()]
        assert styles and all(s.color.type == ColorType.EIGHT_BIT for s in styles)
        assert len({s.color.number for s in styles}) > 8  # shades of grey, not black and white


async def test_no_color_draws_the_character_ramp(colours, monkeypatch):
    colours("truecolor")
    monkeypatch.setenv("NO_COLOR", "1")
    ramp = np.tile(np.linspace(0, 255, 10), (2, 1))
    app = Host(Picture(ramp, limits=(0, 255)))
    async with app.run_test(size=(40, 10)):
        picture = app.query_one(Picture)
        assert picture.colour_system is None
        assert [strip.text for strip in lines(picture)] == [RAMP]


async def test_a_photograph_fits_the_room_it_is_given(colours):
    colours("truecolor")
    app = Host(Picture(PHOTOS["astronaut"].pixels, id="small"))
    async with app.run_test(size=(40, 12)):
        rows = lines(app.query_one(Picture))
        assert len(rows) == 10 and all(strip.cell_length == 20 for strip in rows)
        assert all(strip.text == HALF_BLOCK * 20 for strip in rows)


def test_the_signed_map_is_grey_at_zero_blue_below_and_orange_above():
    assert shade(0, signed=True) == (128, 128, 128)
    r, _, b = shade(-(LEVELS - 1), signed=True)
    assert b > r + 100
    r, _, b = shade(LEVELS - 1, signed=True)
    assert r > b + 100
    # Not told apart by hue alone: negatives darker, positives lighter than the grey of zero.
    luma = lambda rgb: 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]  # noqa: E731
    assert luma(shade(-(LEVELS - 1), True)) < 128 < luma(shade(LEVELS - 1, True))


async def test_an_edge_map_keeps_both_signs_on_one_symmetric_scale(colours):
    colours("truecolor")
    edges = conv2d(PHOTOS["camera"].pixels, KERNELS["sobel_x"].weights)
    app = Host(Picture(np.array([[-30.0, 0.0, 10.0, 30.0]] * 2), signed=True), Picture(edges, signed=True))
    async with app.run_test(size=(80, 40)):
        small, photo = app.query(Picture)
        assert small.limits == (-30.0, 30.0)
        fg = [seg.style.color.get_truecolor() for seg in small.render_line(0)]
        dark, grey, light, full = fg
        assert grey == (128, 128, 128)
        assert dark == shade(-(LEVELS - 1), True) and full == shade(LEVELS - 1, True)
        assert light != grey and light != full  # a third of the scale: between the two
        lo, hi = photo.limits
        assert lo == -hi and hi == np.abs(edges).max()


async def test_a_signed_map_without_colour_uses_its_own_characters_for_each_sign(colours, monkeypatch):
    colours("truecolor")
    monkeypatch.setenv("NO_COLOR", "1")
    values = np.array([[-9.0, -3.0, 0.0, 3.0, 9.0]] * 2)
    app = Host(Picture(values, signed=True))
    async with app.run_test(size=(40, 10)):
        text = app.query_one(Picture).render_line(0).text
        assert text[0] == NEGATIVE_RAMP[-1] and text[-1] == POSITIVE_RAMP[-1]
        assert text[1] in NEGATIVE_RAMP[1:] and text[3] in POSITIVE_RAMP[1:] and text[2] == " "
        assert "−9" in app.query_one(Picture).legend() and "+9" in app.query_one(Picture).legend()


@pytest.mark.parametrize("no_color", [False, True])
async def test_every_segment_has_a_style_even_in_the_space_around_the_picture(colours, monkeypatch, no_color):
    """Textual's NO_COLOR filter reads every segment's style; one without crashed the app."""
    colours("truecolor")
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = Host(Picture(PHOTOS["chelsea"].pixels, id="small"))
    async with app.run_test(size=(40, 12)):
        picture = app.query_one(Picture)
        assert picture.size == Size(20, 10)  # a wide photograph: room to spare below it
        segments = [seg for y in range(12) for seg in picture.render_line(y)]
        assert all(seg.style is not None for seg in segments)


async def test_show_replaces_the_picture(colours):
    colours("truecolor")
    app = Host(Picture(np.zeros((4, 4))))
    async with app.run_test(size=(40, 10)) as pilot:
        picture = app.query_one(Picture)
        picture.show(np.zeros((6, 8)), signed=True)
        await pilot.pause()
        assert picture.size == Size(8, 3) and picture.signed
