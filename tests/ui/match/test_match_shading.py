"""The shading rules: ramp characters for NO_COLOR, colours for signed and unsigned values, legends."""

from __future__ import annotations

import numpy as np
import pytest

from convquest.ui.match.shading import (
    RAMP,
    Look,
    Scale,
    grid_strips,
    ink_for,
    legend_lines,
    ramp_cell,
    scale_for,
    shade_rgb,
    text_lines,
)

# A bright square on black, and what a Laplacian (4 centre, -1 neighbours) makes of it (valid):
# a positive ring just inside the square's edge, negative just outside, zero in flat regions.
SQUARE = np.array(
    [
        [0, 0, 0, 0, 0],
        [0, 9, 9, 9, 0],
        [0, 9, 9, 9, 0],
        [0, 9, 9, 9, 0],
        [0, 0, 0, 0, 0],
    ]
)
EDGES = np.array([[18, 9, 18], [9, 0, 9], [18, 9, 18]])
SIGNED = np.array([[-8, 0, 8], [-4, 2, 4]])


def test_scale_is_zero_based_for_unsigned_and_symmetric_for_signed():
    assert scale_for(SQUARE) == Scale(0.0, 9.0)
    assert scale_for(SIGNED) == Scale(-8.0, 8.0)
    assert scale_for(np.array([[-1, 5]])) == Scale(-5.0, 5.0)
    # All zeros must still map somewhere rather than divide by zero.
    assert scale_for(np.zeros((2, 2))) == Scale(0.0, 1.0)


def test_shared_scale_covers_every_array():
    assert scale_for(SQUARE, SIGNED) == Scale(-9.0, 9.0)
    assert scale_for(None, SQUARE) == Scale(0.0, 9.0)


def test_no_color_ramp_draws_the_square_dense_on_blank():
    lines = text_lines(SQUARE, scale_for(SQUARE), Look(colour=False))
    assert lines == [
        "          ",
        "  @@@@@@  ",
        "  @@@@@@  ",
        "  @@@@@@  ",
        "          ",
    ]


def test_no_color_ramp_levels_follow_magnitude():
    scale = Scale(0.0, 9.0)
    assert [ramp_cell(v, scale) for v in range(10)] == [c * 2 for c in RAMP]


def test_no_color_marks_negatives_distinctly():
    lines = text_lines(SIGNED, scale_for(SIGNED), Look(colour=False))
    # -8 is the strongest negative ("-@"), 8 the strongest positive ("@@"); zero is blank.
    assert lines[0] == "-@  @@"
    # -4 and +4 have the same density but differ by the minus flag.
    assert lines[1][:2] == "-" + RAMP[round(0.5 * 9)]
    assert lines[1][4:] == RAMP[round(0.5 * 9)] * 2
    assert lines[1][2:4] == RAMP[round(0.25 * 9)] * 2


def test_edge_map_ramp_shows_the_outline():
    lines = text_lines(EDGES, scale_for(EDGES), Look(colour=False))
    assert lines[0] == "@@==@@"
    assert lines[1] == "==  =="


def test_colour_cells_are_shaded_backgrounds_from_dark_to_light():
    strips = grid_strips(SQUARE, scale_for(SQUARE), Look(colour=True))
    dark = strips[0]._segments[0].style.bgcolor.triplet
    bright = strips[1]._segments[1].style.bgcolor.triplet
    assert sum(bright) > sum(dark) + 600
    # Unsigned values are grey: equal red, green and blue.
    assert len({dark.red, dark.green, dark.blue}) == 1
    assert len({bright.red, bright.green, bright.blue}) == 1
    # Each pixel is two blank columns so the shade itself is the picture.
    assert strips[1]._segments[1].text == "  "


def test_colour_signed_values_are_blue_below_zero_and_orange_above():
    scale = scale_for(SIGNED)
    neg = shade_rgb(-8, scale)
    pos = shade_rgb(8, scale)
    zero = shade_rgb(0, scale)
    assert neg[2] > neg[0]  # blue
    assert pos[0] > pos[2]  # orange
    assert sum(zero) < sum(neg) and sum(zero) < sum(pos)  # zero is dark: only responses light up
    strips = grid_strips(SIGNED, scale, Look(colour=True))
    assert strips[0]._segments[0].style.bgcolor.triplet == neg
    assert strips[0]._segments[2].style.bgcolor.triplet == pos


def test_numbers_toggle_prints_values_over_the_shade():
    lines = text_lines(SIGNED, scale_for(SIGNED), Look(colour=True, numbers=True))
    assert lines == ["-8  0  8 ", "-4  2  4 "]
    strips = grid_strips(SIGNED, scale_for(SIGNED), Look(colour=True, numbers=True))
    seg = strips[0]._segments[2]
    assert seg.style.color.triplet == ink_for(seg.style.bgcolor.triplet)
    # A differing cell's ✗ follows its own number, not the one before it.
    marked = text_lines(SIGNED, scale_for(SIGNED), Look(colour=False, numbers=True, marks={(0, 1)}))
    assert marked[0] == "-8  0✗ 8 "


def test_marks_selection_and_cursor_are_visible_in_both_modes():
    for colour in (True, False):
        look = Look(colour=colour, marks={(0, 0)}, selected={(0, 2)}, cursor=(1, 1))
        lines = text_lines(SIGNED, scale_for(SIGNED), look)
        assert lines[0][4] == "●"
        assert lines[1][2:4] == "[]"
    # With colour a differing cell carries a ✗ over its shade ...
    assert text_lines(SIGNED, scale_for(SIGNED), Look(colour=True, marks={(0, 0)}))[0][0] == "✗"
    # ... without colour its characters are the picture, so it keeps them and is underlined.
    strips = grid_strips(SIGNED, scale_for(SIGNED), Look(colour=False, marks={(0, 0)}))
    marked, plain = strips[0]._segments[0], strips[0]._segments[2]
    assert marked.text == "-@" and marked.style.underline
    assert not plain.style.underline


@pytest.mark.parametrize("colour", [True, False])
def test_legend_names_the_range_and_the_sign(colour):
    signed = ["".join(s.text for s in line) for line in legend_lines(Scale(-4, 4), colour)]
    assert "-4" in signed[0] and "+4" in signed[0]
    assert "<0" in signed[1]
    unsigned = ["".join(s.text for s in line) for line in legend_lines(Scale(0, 9), colour)]
    assert len(unsigned) == 1 and unsigned[0].startswith("0 ") and unsigned[0].endswith(" 9")


def test_minus_means_negative_only():
    # The sign flag must not also be a brightness level, or "--" would read as negative.
    assert "-" not in RAMP
    scale = Scale(-9.0, 9.0)
    assert all("-" not in ramp_cell(v, scale) for v in range(10))
    assert all(ramp_cell(-v, scale).startswith("-") for v in range(1, 10))


@pytest.mark.parametrize("colour", [True, False])
def test_blank_answer_grid_shows_its_cells_as_dots(colour):
    zeros = np.zeros((2, 3))
    look = Look(colour=colour, blank=True, selected={(0, 2)}, cursor=(1, 0))
    assert text_lines(zeros, Scale(0, 1), look) == ["· · ● ", "[]· · "]
    numbers = Look(colour=colour, blank=True, numbers=True, cursor=(1, 0))
    assert text_lines(zeros, Scale(0, 1), numbers) == [" ·  ·  · ", "[·] ·  · "]


def test_compact_draws_two_pixel_rows_per_line():
    # Colour: ▀ with the top pixel as foreground and the bottom one as background.
    strips = grid_strips(SQUARE, scale_for(SQUARE), Look(colour=True, compact=True))
    assert len(strips) == 3 and all(s.cell_length == 5 for s in strips)
    top_edge = strips[0]._segments[1]  # rows 0 and 1, column 1: dark over bright
    assert top_edge.text == "▀"
    assert sum(top_edge.style.color.triplet) < sum(top_edge.style.bgcolor.triplet)
    # No colour: the bright halves as block characters.
    assert text_lines(SQUARE, scale_for(SQUARE), Look(colour=False, compact=True)) == [
        " ▄▄▄ ",
        " ███ ",
        "     ",
    ]
    # Numbers need a cell each, so they override compact.
    assert len(grid_strips(SQUARE, scale_for(SQUARE), Look(compact=True, numbers=True))) == 5
