"""fill-cells panel: every variant filled right, wrong values marked and explained, both
transposed views; the window always sits over the cell being asked."""

from __future__ import annotations

import pytest

from convquest.engine.problems import generate
from convquest.engine.problems.fill_cells import VARIANTS
from convquest.ui.board.fill_cells import FillCellsPanel
from convquest.ui.board.scenes import fmt
from convquest.ui.board.widget import Board
from tests.ui.board import apps


class PanelApp(apps.PanelApp):
    panel_class = FillCellsPanel


def marked(grid, mark: str) -> set[tuple[int, int]]:
    return {(r, c) for r, row in enumerate(grid.cells) for c, cell in enumerate(row) if mark in cell.marks}


def typed(value) -> str:
    return fmt(value).replace("−", "-")


async def answer(pilot, text: str) -> None:
    for ch in text:
        await pilot.press("minus" if ch == "-" else "full_stop" if ch == "." else ch)
    await pilot.press("enter")


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
async def test_filling_every_cell_right_solves_the_level(variant):
    problem = generate("fill-cells", 3, difficulty=2, variant=variant)
    trace = problem.trace
    app = PanelApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(FillCellsPanel)
        rows, cols = trace.output.shape
        for part in range(rows * cols):
            r, c = divmod(part, cols)
            scene = app.query_one(Board).scene
            assert marked(scene.grid("output"), "current") == {(r, c)}
            if variant != "transposed":
                step = trace.steps[part]
                pad = (
                    trace.pads
                    if variant not in ("maxpool", "avgpool")
                    else ((trace.padding[0],) * 2, (trace.padding[1],) * 2)
                )
                top, left = pad[0][0], pad[1][0]
                assert marked(scene.grid("input"), "tap") == {
                    (rr + top, cc + left) for rr in step.rows for cc in step.cols
                }
            else:
                sources = {paint.cell for paint, _, _ in panel.sweep.contributions(r, c)}
                assert marked(scene.grid("input"), "tap") == sources
            await answer(pilot, typed(trace.output[r, c]))
        assert [m.part for m in app.judged] == list(range(rows * cols))
        assert all(m.verdict.correct for m in app.judged)
        assert len(app.solved) == 1
        output = app.query_one(Board).scene.grid("output")
        assert [[cell.text for cell in row] for row in output.cells] == [[fmt(v) for v in row] for row in trace.output]


@pytest.mark.slow
async def test_a_wrong_value_is_struck_out_and_the_cells_ladder_brings_the_products():
    problem = generate("fill-cells", 5, difficulty=2, variant="valid")
    trace = problem.trace
    app = PanelApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        board = app.query_one(Board)
        assert board.scene.lines == ()  # nothing given away before a try
        wrong = trace.output[0, 0] + 1
        await answer(pilot, typed(wrong))
        assert [m.verdict.correct for m in app.judged] == [False]
        cell = board.scene.grid("output").cells[0][0]
        assert cell.text == fmt(wrong) and "wrong" in cell.marks
        assert board.scene.lines == ()  # rung 1 is words: the products wait for rung 2
        feedback = str(app.query_one("#fc-feedback").render())
        assert feedback.startswith("✗") and app.judged[0].verdict.explanation not in feedback
        await answer(pilot, typed(wrong))
        assert len(app.judged) == 1  # the same value again is not judged again
        assert "already" in str(app.query_one("#fc-feedback").render())
        await answer(pilot, typed(wrong + 1))  # a second miss: rung 2, the products in words, once on screen
        feedback = str(app.query_one("#fc-feedback").render())
        written = next(line for line in feedback.splitlines() if line.startswith("cell (0,0) = "))
        assert written.count("·") == trace.kernel.size and board.scene.lines == ()
        assert app.judged[1].verdict.explanation not in feedback
        await answer(pilot, typed(wrong + 2))  # a third: their values to add, the products now on the board
        products = board.scene.text().splitlines()[0]
        assert products.endswith("= ?") and products.count("·") == trace.kernel.size
        feedback = str(app.query_one("#fc-feedback").render())
        assert "·" not in feedback and written not in feedback
        await answer(pilot, typed(trace.output[0, 0]))
        assert app.judged[-1].verdict.correct
        assert app.query_one(FillCellsPanel).part == 1
        assert "right" in board.scene.grid("output").cells[0][0].marks


async def test_a_typing_slip_is_not_judged():
    app = PanelApp(generate("fill-cells", 1, variant="valid"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("minus", "enter")
        assert app.judged == []
        assert str(app.query_one("#fc-feedback").render()).startswith("!")


async def test_transposed_shows_who_paints_here_and_the_equivalent_window():
    problem = generate("fill-cells", 2, difficulty=3, variant="transposed")
    trace = problem.trace
    app = PanelApp(problem)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(FillCellsPanel)
        board = app.query_one(Board)
        found = panel.sweep.contributions(0, 0)
        assert marked(board.scene.grid("kernel"), "tap") == {(a, b) for _, a, b in found}
        await pilot.press("v")
        assert panel.view == "equivalent"
        step = panel.sweep.equivalent.trace.steps[0]
        (top, _), (left, _) = panel.sweep.equivalent.trace.pads
        assert marked(board.scene.grid("input"), "tap") == {(r + top, c + left) for r in step.rows for c in step.cols}
        assert app.query_one("#fc-answer").value == ""  # v switched the view, it was not typed
        await answer(pilot, typed(trace.output[0, 0]))
        assert app.judged[-1].verdict.correct
        await pilot.press("v")
        assert panel.view == "gather"
