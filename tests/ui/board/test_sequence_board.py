"""The 1-D board: the sequence row with causal padding on the left, copied borders, the dilated
causal stack lit layer by layer, its panels solved and slips named, and the playground's 1-D side."""

from __future__ import annotations

import pytest

from convquest.engine.arithmetic import receptive_cells
from convquest.engine.problems import from_params
from convquest.levels import load_curriculum
from convquest.ui.board.playground import PlaygroundApp
from convquest.ui.board.render import fallback_styler, render_scene
from convquest.ui.board.sequence import (
    WAVENET,
    DilatedStackPanel,
    SequenceFillPanel,
    SequenceParams,
    SequencePlaygroundScreen,
    SequenceSizePanel,
    sequence_sweep,
    stack_scene,
)
from convquest.ui.board.widget import Board
from tests.ui.board import apps

CURRICULUM = load_curriculum()


class StackApp(apps.PanelApp):
    panel_class = DilatedStackPanel


class FillApp(apps.PanelApp):
    panel_class = SequenceFillPanel


class SizeApp(apps.PanelApp):
    panel_class = SequenceSizePanel


def bracketed(grid, row: int) -> set[int]:
    return {c for c, cell in enumerate(grid.cells[row]) if cell.bracketed}


async def answer(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("minus" if ch == "-" else ch)
    await pilot.press("enter")


def test_the_stack_lights_the_cells_the_engine_says_one_output_sees():
    scene = stack_scene(WAVENET, 4)
    grid = scene.grid("stack")
    assert len(grid.cells) == 5  # four layers over the input
    for row in range(5):  # grid row 0 is the top layer; column 0 holds the row's label
        layer = 4 - row
        want = {16 - 1} if layer == 4 else set(receptive_cells(WAVENET.layers[layer:], 15))
        assert bracketed(grid, row) == {t + 1 for t in want}
    assert [len(bracketed(grid, row)) for row in range(5)] == [1, 2, 4, 8, 16]  # doubling per layer


def test_the_stack_reads_without_colour():
    picture = render_scene(stack_scene(WAVENET, 4), 80, 24, fallback_styler)
    lines = picture.plain()
    assert any("d=8" in line and "[" in line and "●" in line for line in lines)
    bottom = next(line for line in lines if line.strip().startswith("in"))
    assert bottom.count("●") == 16 and "[" in bottom and "]" in bottom
    assert max(len(line.rstrip()) for line in lines) <= 80


@pytest.mark.slow
async def test_the_stack_panel_lights_each_layer_as_it_is_answered():
    problem = CURRICULUM.level("sequences-wavenet").problem(0)
    app = StackApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.query_one(Board).scene.grid("stack")
        assert sum(len(bracketed(grid, row)) for row in range(5)) == 1  # only the output cell, nothing given away
        for field in (2, 4, 8, 16):
            if field == 4:
                await answer(pilot, "3")  # as if undilated: one more cell per layer
                assert app.judged[-1].verdict.mistake == "forgot_dilation"
                assert "dilation" in app.query_one(".sq-feedback").render().plain
            await answer(pilot, str(field))
            grid = app.query_one(Board).scene.grid("stack")
            assert len(bracketed(grid, 4)) == field  # the input row: the field of the answered layer's output
        assert app.solved and app.query_one(DilatedStackPanel).run.solved


@pytest.mark.slow
async def test_a_causal_fill_level_pads_on_the_left_and_names_a_peek_at_the_future():
    level = CURRICULUM.level("sequences-causal-by-hand")
    problem = level.problem(0)
    app = FillApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        scene = app.query_one(Board).scene
        row = scene.grid("input").cells[0]
        assert [cell.role for cell in row[:1]] == ["pad"] and row[-1].role == "value"
        assert "causal pad 1" in scene.grid("input").title
        future = int(problem.x[0] * problem.w[0] + problem.x[1] * problem.w[1])
        await answer(pilot, str(future))
        assert app.judged[-1].verdict.mistake == "read_the_future"
        for value in problem.expected.ravel():
            await answer(pilot, str(int(value)))
        assert app.solved


async def test_a_reflect_border_is_hidden_until_the_cell_is_tried():
    problem = CURRICULUM.level("padding-reflect").problem(0)
    app = FillApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        corner = app.query_one(Board).scene.grid("input").cells[0][0]
        assert corner.text == "?"
        await answer(pilot, "0")
        corner = app.query_one(Board).scene.grid("input").cells[0][0]
        assert corner.text == "‹5›"  # reflect: the corner copies the cell one in along both axes
        source = problem.trace.source(-1, -1)
        assert problem.trace.input[source] == 5


@pytest.mark.slow
async def test_the_size_panel_draws_causal_padding_on_the_left_only():
    problem = from_params("sequence-size", {"variant": "causal", "i": 10, "k": 3, "d": 2})
    app = SizeApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.query_one(Board).scene.grid("sequence")
        roles = [cell.role for cell in grid.cells[0]]
        assert roles == ["pad"] * 4 + ["value"] * 10
        assert bracketed(grid, 0) == {0, 2, 4}  # the first window's taps, d apart, ending on x[0]
        await answer(pilot, "14")
        assert app.judged[-1].verdict.mistake == "causal_both_sides"
        await answer(pilot, "10")
        assert app.solved


def test_the_playground_sweep_is_the_engines_conv1d():
    sweep = sequence_sweep(SequenceParams(i=6, k=2, padding="causal", d=2))
    assert sweep.trace.pads == ((0, 0), (2, 0))
    assert sweep.trace.output.shape == (1, 6)
    assert sweep.describe(0) == "window on cells −2, 0 → y[0]"


async def open_1d_playground(pilot) -> SequencePlaygroundScreen:
    """From the 2-D playground, its 1 key."""
    await pilot.press("1")
    screen = pilot.app.screen
    assert isinstance(screen, SequencePlaygroundScreen)
    return screen


@pytest.mark.slow
async def test_the_playground_switches_to_1d_and_back():
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_1d_playground(pilot)
        await pilot.press("b")  # reflect: refused with causal padding, the engine's sentence shows
        assert "causal padding pads with zeros only" in screen.query_one("#sq-error").render().plain
        await pilot.press("m")
        assert screen.params.padding == 0 and not screen.query_one("#sq-error").display
        await pilot.press("w")
        assert screen.query_one("#sq-stack", Board).display
        await pilot.press("2")
        assert not isinstance(app.screen, SequencePlaygroundScreen)


@pytest.mark.slow
async def test_an_upsampling_fill_level_keeps_the_transposed_views():
    problem = CURRICULUM.level("sequences-upsample-by-hand").problem(0)
    app = FillApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(SequenceFillPanel)
        assert panel.views == ("gather", "equivalent")
        await answer(pilot, "1")
        await answer(pilot, "2")
        await answer(pilot, "1")  # only x[0]'s paint: the overlap with x[1] left out
        assert app.judged[-1].verdict.mistake == "missed_overlap"
        await pilot.press("v")
        assert panel.view == "equivalent"
        for value in problem.expected.ravel()[2:]:
            await answer(pilot, str(int(value)))
        assert app.solved


@pytest.mark.slow
async def test_a_sequence_board_names_its_cells_y_t_as_the_chapter_does_and_a_grid_keeps_row_and_column():
    for level_id in ("sequences-causal-by-hand", "sequences-upsample-by-hand"):
        problem = CURRICULUM.level(level_id).problem(0)
        app = FillApp(problem)
        async with app.run_test(size=(80, 24)) as pilot:
            panel = app.query_one(SequenceFillPanel)
            assert str(app.query_one("#fc-feedback").content).startswith("Output cell y[0] — 1 of")
            for wrong in ("100", "101", "102"):  # up to the rung where the board spells the sum out
                await answer(pilot, wrong)
            assert panel.run.rung_of(0) == 3
            text = app.query_one(Board).scene.text()
            assert "output y[0] = " in text and "(0, 0)" not in text, text
            await answer(pilot, str(int(problem.expected.ravel()[0])))
            assert "Output cell y[1] — 2 of" in str(app.query_one("#fc-feedback").content)
    grid = CURRICULUM.level("padding-reflect").problem(0)  # a sequence-fill level on a 3×3 grid
    app = FillApp(grid)
    async with app.run_test(size=(80, 24)):
        assert str(app.query_one("#fc-feedback").content).startswith("Output cell (0, 0) — 1 of")


async def test_keys_that_arrive_together_on_the_1d_playground_take_effect_in_the_order_typed():
    from textual import events

    from convquest.ui.board.player import SweepPlayer

    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_1d_playground(pilot)
        player = screen.query_one(SweepPlayer)
        player.focus()
        await pilot.pause()
        before = screen.params.i
        last_before = player.sweep.count(player.view) - 1
        # One read from a terminal can bring both: `end` goes to the last step of this sequence,
        # then the longer input keeps the window there; I must not go first.
        for name, character in (("end", None), ("I", "I")):
            app.post_message(events.Key(name, character))
        await pilot.pause()
        assert screen.params.i == before + 1
        assert player.step == last_before < player.sweep.count(player.view) - 1
