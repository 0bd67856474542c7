"""receptive-field panel: mark cells with the cursor and space, check with enter."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from convquest.engine.problems import from_params
from convquest.ui.board.receptive import MARKED, ReceptiveFieldPanel
from convquest.ui.board.widget import Board
from tests.ui.board import apps


class PanelApp(apps.PanelApp):
    panel_class = ReceptiveFieldPanel


def one_layer():
    # 3×3 kernel, padding 1 on a 5×5 input: output cell (0, 1) reads rows -1..1, cols 0..2; the
    # padding row is not part of the answer, so six input cells.
    return from_params(
        "receptive-field",
        {"variant": "one-layer", "n": 5, "layers": [{"kind": "conv", "k": 3, "s": 1, "p": 1, "d": 1}], "cell": [0, 1]},
    )


def stack():
    return from_params(
        "receptive-field",
        {
            "variant": "stack",
            "n": 8,
            "layers": [
                {"kind": "conv", "k": 3, "s": 1, "p": 0, "d": 1},
                {"kind": "pool", "k": 2, "s": 2, "p": 0, "d": 1},
            ],
            "cell": [1, 2],
        },
    )


async def mark(pilot, cells, start=(0, 0)):
    r0, c0 = start
    for r, c in sorted(cells):
        for _ in range(abs(r - r0)):
            await pilot.press("down" if r > r0 else "up")
        for _ in range(abs(c - c0)):
            await pilot.press("right" if c > c0 else "left")
        await pilot.press("space")
        r0, c0 = r, c
    return r0, c0


@pytest.mark.slow
async def test_marking_the_right_cells_solves_the_level_and_reveals_the_field():
    problem = one_layer()
    app = PanelApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ReceptiveFieldPanel)
        await mark(pilot, problem.answer)
        assert panel.marked == set(problem.answer)
        # The marks are drawn: the marked glyph sits on exactly the marked cells (offset by the ring).
        grid = app.query_one(Board).scene.grid("input")
        drawn = {
            (r - 1, c - 1) for r, row in enumerate(grid.cells) for c, cell in enumerate(row) if cell.text == MARKED
        }
        assert drawn == set(problem.answer)
        await pilot.press("enter")
        assert [m.verdict.correct for m in app.judged] == [True]
        assert len(app.solved) == 1
        # After solving, the padding row the window reached into is shown as part of the field.
        grid = app.query_one(Board).scene.grid("input")
        assert [c for c, cell in enumerate(grid.cells[0]) if "marked" in cell.marks] == [1, 2, 3]


@pytest.mark.slow
async def test_a_wrong_set_is_judged_wrong_with_the_first_rung_of_the_ladder():
    problem = one_layer()
    app = PanelApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        too_few = sorted(problem.answer)[:-1]
        await mark(pilot, too_few)
        await pilot.press("enter")
        assert [m.verdict.correct for m in app.judged] == [False]
        assert not app.solved
        feedback = str(app.query_one("#rf-feedback").render())
        panel = app.query_one(ReceptiveFieldPanel)
        assert "✗" in feedback and panel.run.words()[0] in feedback
        assert app.judged[0].verdict.explanation not in feedback


async def test_nothing_marked_is_not_judged():
    app = PanelApp(one_layer())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert app.judged == []


async def test_space_twice_unmarks_and_clear_empties():
    app = PanelApp(one_layer())
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ReceptiveFieldPanel)
        await pilot.press("space", "space")
        assert panel.marked == set()
        await pilot.press("space", "right", "space", "c")
        assert panel.marked == set()


@pytest.mark.slow
async def test_a_stack_shows_every_map_and_is_solved_through_the_pool():
    problem = stack()
    app = PanelApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        scene = app.query_one(Board).scene
        assert scene.grid("map1").shape == (6, 6)
        assert scene.grid("output").shape == (3, 3)
        assert "current" in scene.grid("output").cells[1][2].marks
        await mark(pilot, problem.answer)
        await pilot.press("enter")
        assert app.judged[-1].verdict.correct
        # The intermediate map shows the 2×2 pooling window the output cell reads.
        seen = {
            (r, c)
            for r, row in enumerate(app.query_one(Board).scene.grid("map1").cells)
            for c, cell in enumerate(row)
            if "marked" in cell.marks
        }
        assert seen == {(2, 4), (2, 5), (3, 4), (3, 5)}


@pytest.mark.slow
async def test_the_revealed_input_field_is_the_engines_answer_plus_the_padding_it_reaches():
    problem = from_params(
        "receptive-field",
        {
            "variant": "stack",
            "n": 5,
            "layers": [
                {"kind": "conv", "k": 3, "s": 1, "p": 1, "d": 1},
                {"kind": "conv", "k": 3, "s": 1, "p": 1, "d": 1},
            ],
            "cell": [0, 0],
        },
    )
    app = PanelApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        await mark(pilot, problem.answer)
        await pilot.press("enter")
        assert app.solved
        grid = app.query_one(Board).scene.grid("input")
        seen = {
            (r - 1, c - 1) for r, row in enumerate(grid.cells) for c, cell in enumerate(row) if "marked" in cell.marks
        }
        inside = {(r, c) for r, c in seen if 0 <= r < 5 and 0 <= c < 5}
        assert inside == set(problem.answer)
        # The first layer's padding ring is reached; the second layer's padding reads nothing,
        # so the field stops one cell into the ring rather than two.
        assert min(r for r, _ in seen) == -1


@pytest.mark.slow
async def test_a_named_padding_draws_its_ring_and_the_level_is_playable():
    # 'same' with a 4×4 kernel pads 3 cells in all: 1 before the input and 2 after (PyTorch's split).
    problem = from_params(
        "receptive-field",
        {"variant": "one-layer", "n": 5, "layers": [{"kind": "conv", "k": 4, "p": "same"}], "cell": [4, 4]},
    )
    app = PanelApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        grid = app.query_one(Board).scene.grid("input")
        assert grid.shape == (8, 8)
        assert {cell.text for cell in grid.cells[0]} == {"·"}
        assert {row[-1].text for row in grid.cells} == {"·"} and {row[-2].text for row in grid.cells} == {"·"}
        await mark(pilot, problem.answer)
        await pilot.press("enter")
        assert app.judged[-1].verdict.correct
        # Revealed: the window over the last cell reaches 1 row above it and 2 below, into the ring.
        grid = app.query_one(Board).scene.grid("input")
        seen = {(r, c) for r, row in enumerate(grid.cells) for c, cell in enumerate(row) if "marked" in cell.marks}
        assert {r for r, _ in seen} == {4, 5, 6, 7}


@pytest.mark.slow
@pytest.mark.parametrize("level_id", ["dilation-field", "stacking-6", "stacking-hierarchy", "stacking-7"])
async def test_every_rung_fits_under_the_grids_at_80_by_24(store, level_id):
    """The box under the grids has a few lines: no rung, with or without a slip named, runs off it."""
    from convquest.levels.loader import load_curriculum
    from convquest.ui.app import ConvQuestApp

    curriculum = load_curriculum()
    app = ConvQuestApp(curriculum=curriculum, store=store, start_level=level_id)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.screen.query_one(ReceptiveFieldPanel)
        problem = panel.problem
        slipped = problem.cells_seen(problem.layers[-1:])  # the last layer's window only: a named slip
        for answer in (slipped, {(0, 0)}, {(0, 1)}):
            panel.marked = set(answer)
            panel.action_check()
            await pilot.pause()
            box = app.screen.query_one("#rf-feedback", Static)
            lines = str(box.render()).splitlines()
            assert box.size.height >= len(lines), lines
            assert all(len(line) <= box.content_size.width for line in lines), lines
        assert panel.run.rung_of(0) == 3
