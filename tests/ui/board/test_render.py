"""Layout of a scene into lines: brackets, padding glyphs, scales, wrapping, click mapping.

These scenes are built by hand (no engine): they test where things are drawn, not arithmetic.
"""

from __future__ import annotations

import re

from convquest.ui.board.render import (
    SCALES,
    Cell,
    Grid,
    Joiner,
    Scene,
    Span,
    fallback_styler,
    render_scene,
    wrap_spans,
)


def grid(grid_id: str, rows: int, cols: int, *, taps=(), pad: int = 0) -> Grid:
    cells = []
    for r in range(rows):
        row = []
        for c in range(cols):
            is_pad = r < pad or c < pad or r >= rows - pad or c >= cols - pad
            marks = ("tap",) if (r, c) in taps else ()
            row.append(Cell("·" if is_pad else str((r + c) % 10), "pad" if is_pad else "value", marks))
        cells.append(tuple(row))
    return Grid(grid_id, grid_id, tuple(cells))


def line_of(picture, grid_id: str, row: int) -> str:
    place = picture.places[grid_id]
    text = picture.plain()[place.y + row * place.pitch]
    # Spaces dropped: the bracket positions matter here, not the scale the layout chose.
    return re.sub(" +", "", text[place.x : place.x + place.cols * place.slot + 1])


def test_window_is_one_bracketed_run_per_row():
    taps = {(r, c) for r in range(1, 4) for c in range(2, 5)}
    scene = Scene((grid("input", 6, 6, taps=taps),))
    picture = render_scene(scene, 80, 8, fallback_styler)
    assert line_of(picture, "input", 0) == "012345"
    assert line_of(picture, "input", 1) == "12[345]6"
    assert line_of(picture, "input", 3) == "34[567]8"


def test_dilated_taps_are_bracketed_one_by_one():
    taps = {(r, c) for r in (0, 2) for c in (0, 2, 4)}
    scene = Scene((grid("input", 5, 5, taps=taps),))
    picture = render_scene(scene, 80, 8, fallback_styler)
    assert line_of(picture, "input", 0) == "[0]1[2]3[4]"
    # The row the dilation skips carries no brackets at all.
    assert "[" not in line_of(picture, "input", 1)


def test_padding_is_a_distinct_glyph_and_role():
    scene = Scene((grid("input", 4, 4, pad=1),))
    picture = render_scene(scene, 80, 20, fallback_styler)
    assert line_of(picture, "input", 0) == "····"
    assert line_of(picture, "input", 1) == "·23·"
    pad_segments = [s for s in picture.lines[picture.places["input"].y]._segments if s.text.strip() == "·"]
    assert pad_segments and all(s.style.dim for s in pad_segments)


def test_window_style_does_not_depend_on_colour():
    scene = Scene((grid("input", 3, 3, taps={(0, 0)}),))
    picture = render_scene(scene, 80, 20, fallback_styler)
    tap = next(s for s in picture.lines[picture.places["input"].y]._segments if s.text.strip() == "0")
    assert tap.style.reverse and tap.style.color is None


def test_small_terminal_uses_three_column_cells_and_big_one_uses_the_room():
    scene = Scene(
        (grid("input", 9, 9, pad=1), Joiner("∗"), grid("kernel", 3, 3), Joiner("="), grid("output", 7, 7)),
        ((Span("sum = 4"),),),
    )
    small = render_scene(scene, 80, 20, fallback_styler)
    assert small.scale == SCALES[-1] and small.places["input"].slot == 3
    assert small.width <= 80
    big = render_scene(scene, 158, 44, fallback_styler)
    assert big.places["input"].slot > 3 and big.places["input"].pitch >= 2
    assert big.width <= 158 and len(big.lines) <= 44


def test_grids_wrap_to_a_new_band_when_too_wide():
    scene = Scene((grid("input", 5, 14), Joiner("∗"), grid("kernel", 3, 3), Joiner("="), grid("output", 5, 12)))
    picture = render_scene(scene, 50, 30, fallback_styler)
    assert picture.places["output"].y > picture.places["input"].y
    assert picture.places["output"].x == 0
    assert picture.width <= 50


def test_joiner_sits_on_the_middle_row_and_small_grids_are_centred():
    scene = Scene((grid("input", 7, 7), Joiner("∗"), grid("kernel", 3, 3)))
    for height in (10, 20):  # without and with blank lines between rows
        picture = render_scene(scene, 80, height, fallback_styler)
        star_line = next(i for i, t in enumerate(picture.plain()) if "∗" in t)
        inp, ker = picture.places["input"], picture.places["kernel"]
        assert star_line == inp.y + 3 * inp.pitch == ker.y + 1 * ker.pitch


def test_text_lines_wrap_between_products():
    line = tuple(Span(f"{i}·{i}") if i % 2 == 0 else Span(" + ") for i in range(40))
    wrapped = wrap_spans(line, 20)
    assert all(sum(len(s.text) for s in w) <= 20 for w in wrapped)
    assert "".join(s.text for w in wrapped for s in w).replace(" ", "") == "".join(s.text for s in line).replace(
        " ", ""
    )
    assert not any(w[0].text.startswith(" ") for w in wrapped[1:])


def test_click_positions_map_back_to_cells():
    scene = Scene((grid("input", 4, 4), Joiner("∗"), grid("kernel", 2, 2)))
    picture = render_scene(scene, 80, 20, fallback_styler)
    for grid_id in ("input", "kernel"):
        place = picture.places[grid_id]
        for r in range(place.rows):
            for c in range(place.cols):
                x, y, _, _ = place.region(r, c)
                assert picture.cell_at(x + place.slot - 1, y) == (grid_id, r, c)
    assert picture.cell_at(0, 0) is None  # the title line
