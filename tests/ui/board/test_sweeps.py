"""The board against the engine's traces: every step of a sweep, driven by keys in a real app.

At each step the cells drawn as the window must be exactly the trace's taps (with the padding
offset), the brackets must sit on them in the drawn text, the products line must end in the
trace's sum, and the output must show the trace's values for the cells already written.
"""

from __future__ import annotations

import numpy as np
import pytest

from convquest.engine.traces import avg_pool2d_trace, conv2d_trace, conv_transpose2d_trace, max_pool2d_trace
from convquest.ui.board.player import SweepPlayer
from convquest.ui.board.scenes import ConvSweep, PoolSweep, TransposedSweep, fmt
from tests.ui.board.apps import PlayerApp

X = np.array(
    [
        [1, 0, 2, 3, 1],
        [0, 1, 3, 2, 2],
        [2, 2, 0, 1, 0],
        [1, 3, 1, 0, 2],
        [0, 1, 2, 2, 1],
    ]
)
W = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])


def paren(value) -> str:
    return f"(−{-value})" if value < 0 else str(value)


def marked(grid, mark: str) -> set[tuple[int, int]]:
    return {(r, c) for r, row in enumerate(grid.cells) for c, cell in enumerate(row) if mark in cell.marks}


def drawn_row(picture, grid_id: str, row: int) -> str:
    place = picture.places[grid_id]
    line = picture.plain()[place.y + row * place.pitch]
    return line[place.x : place.x + place.cols * place.slot + 1]


def check_brackets(picture, grid_id: str, taps: set[tuple[int, int]]) -> None:
    """In the drawn text, every run of tapped cells in a row opens with [ and closes with ]."""
    place = picture.places[grid_id]
    for r in {r for r, _ in taps}:
        text = drawn_row(picture, grid_id, r)
        cols = sorted(c for rr, c in taps if rr == r)
        runs = []
        for c in cols:
            if runs and runs[-1][1] == c - 1:
                runs[-1][1] = c
            else:
                runs.append([c, c])
        for first, last in runs:
            assert text[first * place.slot] == "[", (r, text)
            assert text[(last + 1) * place.slot] == "]", (r, text)
        assert text.count("[") == len(runs)


CONV_CASES = {
    "valid": dict(padding=0),
    "same": dict(padding="same"),
    "full": dict(padding="full"),
    "strided": dict(padding=1, stride=2),
    "dilated": dict(padding=1, dilation=2),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CONV_CASES))
async def test_every_step_of_a_convolution_matches_the_trace(name):
    trace = conv2d_trace(X, W, **CONV_CASES[name])
    sweep = ConvSweep(trace)
    app = PlayerApp(sweep)
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.query_one(SweepPlayer)
        (top, _), (left, _) = trace.pads
        ow = trace.output.shape[1]
        for index, step in enumerate(trace.steps):
            assert player.step == index
            scene = player.board.scene
            taps = {(r + top, c + left) for r in step.rows for c in step.cols}
            assert marked(scene.grid("input"), "tap") == taps
            check_brackets(player.board.picture, "input", taps)
            # Padding taps are drawn as padding, whatever the window does to them.
            for (r, c), pad in np.ndenumerate(step.in_padding):
                cell = scene.grid("input").cells[step.rows[r] + top][step.cols[c] + left]
                assert (cell.role == "pad") == bool(pad)
            products = scene.text().splitlines()[0]
            assert products.endswith(f"= {fmt(step.total)}")
            # weight·value for every tap in row-major order, negatives in parentheses
            terms = [f"{paren(w)}·{paren(v)}" for w, v in zip(W.flatten(), step.values.flatten())]
            assert f"= {' + '.join(terms)} = " in products
            output = scene.grid("output")
            assert marked(output, "current") == {step.cell}
            written = [output.cells[i // ow][i % ow].text for i in range(index + 1)]
            assert written == [fmt(v) for v in trace.output.flatten()[: index + 1]]
            await pilot.press("right")
        assert player.step == len(trace.steps) - 1


async def test_the_stride_jump_leaves_the_previous_window_marked():
    trace = conv2d_trace(X, W, padding=1, stride=2)
    app = PlayerApp(ConvSweep(trace))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        grid = app.query_one(SweepPlayer).board.scene.grid("input")
        before, now = trace.steps[0], trace.steps[1]
        left_behind = {(r + 1, c + 1) for r in before.rows for c in before.cols} - {
            (r + 1, c + 1) for r in now.rows for c in now.cols
        }
        assert marked(grid, "prev") == left_behind
        assert "moved 2 right" in app.query_one("#board-status").text


async def test_dilated_taps_leave_gaps_inside_the_window():
    trace = conv2d_trace(X, W, padding=1, dilation=2)
    app = PlayerApp(ConvSweep(trace))
    async with app.run_test(size=(80, 24)):
        grid = app.query_one(SweepPlayer).board.scene.grid("input")
        step = trace.steps[0]
        span = {
            (r, c)
            for r in range(step.rows[0] + 1, step.rows[-1] + 2)
            for c in range(step.cols[0] + 1, step.cols[-1] + 2)
        }
        assert marked(grid, "gap") == span - marked(grid, "tap")
        assert len(marked(grid, "tap")) == 9 and len(span) == 25


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["max", "avg"])
async def test_every_step_of_a_pooling_matches_the_trace(kind):
    trace = (max_pool2d_trace if kind == "max" else avg_pool2d_trace)(X, 2, stride=2, padding=1)
    app = PlayerApp(PoolSweep(trace))
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.query_one(SweepPlayer)
        for step in trace.steps:
            scene = player.board.scene
            assert marked(scene.grid("input"), "tap") == {(r + 1, c + 1) for r in step.rows for c in step.cols}
            if kind == "max":
                assert marked(scene.grid("input"), "chosen") == {(step.chosen[0] + 1, step.chosen[1] + 1)}
            assert scene.text().splitlines()[0].endswith(f"= {fmt(step.result)}")
            await pilot.press("right")


@pytest.mark.slow
async def test_transposed_scatter_paints_each_patch_and_crops_the_padding():
    trace = conv_transpose2d_trace(X[:3, :3], W, padding=1, stride=2)
    app = PlayerApp(TransposedSweep(trace))
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.query_one(SweepPlayer)
        assert player.view == "scatter"
        top, left = trace.crop
        oh, ow = trace.output.shape
        painted: set[tuple[int, int]] = set()
        for _index, paint in enumerate(trace.paints):
            scene = player.board.scene
            canvas = scene.grid("canvas")
            patch = {(r, c) for r in paint.rows for c in paint.cols}
            painted |= patch
            assert marked(canvas, "patch") == patch
            assert marked(scene.grid("input"), "current") == {paint.cell}
            for r, row in enumerate(canvas.cells):
                for c, cell in enumerate(row):
                    inside = top <= r < top + oh and left <= c < left + ow
                    assert (cell.role == "cropped") == (not inside) or cell.role == "pending"
                    if (r, c) in painted:
                        assert cell.text == fmt(paint.canvas_after[r, c])
            await pilot.press("right")
        # The inside of the last canvas is the output.
        final = trace.paints[-1].canvas_after[top : top + oh, left : left + ow]
        assert np.array_equal(final + trace.bias, trace.output)


async def test_transposed_equivalent_view_is_zero_insertion_padding_and_a_convolution():
    trace = conv_transpose2d_trace(X[:3, :3], W, padding=1, stride=2)
    app = PlayerApp(TransposedSweep(trace))
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.query_one(SweepPlayer)
        await pilot.press("v")
        assert player.view == "equivalent"
        await pilot.press("end")
        scene = player.board.scene
        grid = scene.grid("input")
        roles = [cell.role for row in grid.cells for cell in row]
        assert grid.shape == trace.equivalent_input.shape
        assert roles.count("value") == trace.input.size
        assert roles.count("inserted") == trace.zero_inserted.size - trace.input.size
        values = [cell.text for row in grid.cells for cell in row if cell.role == "value"]
        assert values == [fmt(v) for v in trace.input.flatten()]
        assert scene.grid("kernel").cells[0][0].text == fmt(trace.flipped_kernel[0, 0])
        output = scene.grid("output")
        assert [[c.text for c in row] for row in output.cells] == [[fmt(v) for v in row] for row in trace.output]
        await pilot.press("v")
        assert player.view == "scatter" and player.step == len(trace.paints) - 1


@pytest.mark.slow
async def test_big_input_scrolls_to_keep_the_window_in_view():
    x = np.arange(18 * 18).reshape(18, 18) % 7
    trace = conv2d_trace(x, W, padding=1)
    app = PlayerApp(ConvSweep(trace))
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.query_one(SweepPlayer).board
        assert board.virtual_size.height > board.scrollable_content_region.height
        for target in (len(trace.steps) - 1, 0):
            await pilot.press("end" if target else "home")
            await pilot.pause()
            place = board.picture.places["input"]
            step = trace.steps[target]
            for r in (step.rows[0], step.rows[-1]):
                _, y, _, _ = place.region(r + 1, step.cols[0] + 1)
                assert board.scroll_offset.y <= y < board.scroll_offset.y + board.scrollable_content_region.height


@pytest.mark.slow
async def test_resizing_to_a_big_terminal_draws_bigger_cells():
    app = PlayerApp(ConvSweep(conv2d_trace(X, W, padding=1)))
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.query_one(SweepPlayer).board
        small = board.picture.places["input"]
        assert board.picture.width <= board.scrollable_content_region.width
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        big = board.picture.places["input"]
        assert (big.slot, big.pitch) > (small.slot, small.pitch)
        assert board.picture.width <= board.scrollable_content_region.width
        assert len(board.picture.lines) <= board.scrollable_content_region.height
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert board.picture.places["input"] == small
