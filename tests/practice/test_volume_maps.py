"""A fill-volume question in an exam: answered one filter's map at a time, row by row, and still
taken, judged and recorded cell by cell (each cell's slip named), each cell earning its share."""

from __future__ import annotations

import re

import pytest

from convquest.engine import problems
from convquest.engine.problems.fill_volume import VARIANTS
from convquest.play.judge import judge
from convquest.practice.exam import (
    CellMap,
    ExamSession,
    cell_grid,
    cell_maps,
    join_grid,
    make_paper,
    marked_per_cell,
)


def slipped(problem, part: int) -> str:
    """The cell with its bias left off: the engine's first slip for a fill-volume cell."""
    return str(int(problem.step(part).total))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_the_maps_are_the_filters_in_order_each_the_output_s_shape(variant, difficulty):
    problem = problems.generate("fill-volume", 7, difficulty, variant)
    filters, rows, cols = problem.expected.shape
    maps = cell_maps(problem.parts())
    assert maps == tuple(CellMap(f"f{f}", f * rows * cols, rows, cols) for f in range(filters))
    for grid in maps:
        assert [problem.cell(p) for p in grid.parts] == [
            (int(grid.name[1:]), r, c) for r in range(rows) for c in range(cols)
        ]
    # A volume is not one grid: marking, results and exports that ask cell_grid see what they saw before.
    assert cell_grid(problem.parts()) is None


def test_a_fill_cells_grid_is_one_unnamed_map_and_anything_else_is_none():
    problem = problems.generate("fill-cells", 2, 2, "valid")
    rows, cols = problem.expected.shape
    assert cell_maps(problem.parts()) == (CellMap("", 0, rows, cols),)
    assert cell_grid(problem.parts()) == (rows, cols)
    refused = [
        ["(0,0)"],  # one cell is one box
        ["f0 (0,0)", "f0 (0,1)", "f1 (0,0)", "f0 (1,0)"],  # a map split in two
        ["f0 (0,0)", "f0 (1,1)"],  # cells missing
        ["f0 (0,0)", "f0 (0,1)", "answer"],
    ]
    assert all(cell_maps(labels) is None for labels in refused)


def test_each_map_is_taken_cell_by_cell_with_each_cell_s_verdict_and_slip():
    seen = []
    exam = ExamSession(
        make_paper(4, 1, ["fill-volume/volume"]), on_answer=lambda q, part, text, v, s: seen.append((part, text))
    )
    problem = exam.problems[0]
    maps = cell_maps(problem.parts())
    right = [str(int(v)) for v in problem.expected.ravel()]
    typed = list(right)
    typed[maps[1].first + 1] = slipped(problem, maps[1].first + 1)
    for n, grid in enumerate(maps):
        given = exam.answer_grid(join_grid([typed[p] for p in grid.parts], grid.cols), n)
        assert [g.verdict for g in given] == [judge(problem, typed[p], p) for p in grid.parts]
    assert seen == list(enumerate(typed))  # one database write per cell, as before
    [record] = exam.finish()
    assert [p.label for p in record.parts] == list(problem.parts())
    assert [p.answer for p in record.parts] == typed
    wrong = [p for p in record.parts if not p.correct]
    assert [(p.label, p.mistake) for p in wrong] == [(problem.parts()[maps[1].first + 1], "forgot_bias")]
    assert wrong[0].diagnosis and "bias" in wrong[0].diagnosis
    # Every cell of every map is a part and earns its share, as a fill-cells grid's cells do.
    assert record.per_cell and record.marks == pytest.approx((len(typed) - 1) / len(typed))


@pytest.mark.parametrize("marking", ["per-cell", "all-or-nothing"])
def test_a_volume_s_cells_each_earn_their_share_unless_the_paper_says_all_or_nothing(marking):
    exam = ExamSession(make_paper(4, 1, ["fill-volume/grouped"]), grid_marking=marking)
    problem = exam.problems[0]
    maps = cell_maps(problem.parts())
    right = [str(int(v)) for v in problem.expected.ravel()]
    for n, grid in enumerate(maps):  # the first map all wrong (bias left off), the others right
        cells = [slipped(problem, p) if n == 0 else right[p] for p in grid.parts]
        exam.answer_grid(join_grid(cells, grid.cols), n)
    [record] = exam.finish()
    share = 1 - len(maps[0].parts) / len(right)
    assert record.marks == pytest.approx(share if marking == "per-cell" else 0.0) and not record.correct


def test_one_rule_says_which_parts_are_marked_per_cell():
    volume = problems.generate("fill-volume", 4, 2, "volume")
    grid = problems.generate("fill-cells", 2, 2, "valid")
    assert marked_per_cell(volume.parts()) and marked_per_cell(grid.parts())
    assert not marked_per_cell(["conv layer", "dense layer"]) and not marked_per_cell(["(0,0)"])
    assert not marked_per_cell(problems.generate("predict-size", 1, 1, "conv").parts())


def test_a_slip_in_one_cell_takes_nothing_of_its_map_and_names_the_cell():
    exam = ExamSession(make_paper(4, 1, ["fill-volume/depthwise"]))
    problem = exam.problems[0]
    grid = cell_maps(problem.parts())[1]
    cells = [str(int(v)) for v in problem.expected.ravel()[grid.parts.start : grid.parts.stop]]
    cells[-1] = "x"
    with pytest.raises(ValueError, match=re.escape(f"cell {problem.parts()[grid.parts[-1]]}: ")):
        exam.answer_grid(join_grid(cells, grid.cols), 1)
    with pytest.raises(ValueError, match=r"2 row\(s\) of 2"):
        exam.answer_grid("1 2 3", 1)
    with pytest.raises(ValueError, match="map 9"):
        exam.answer_grid("1 2; 3 4", 9)
    assert exam.given == {}


def test_an_exam_map_can_be_given_again_and_the_later_answer_counts():
    exam = ExamSession(make_paper(4, 1, ["fill-volume/grouped"]))
    problem = exam.problems[0]
    grid = cell_maps(problem.parts())[0]
    right = [str(int(problem.expected.ravel()[p])) for p in grid.parts]
    exam.answer_grid(join_grid([slipped(problem, p) for p in grid.parts], grid.cols), 0)
    exam.answer_grid(join_grid(right, grid.cols), 0)
    assert all(exam.given[(0, p)].verdict.correct for p in grid.parts)


def test_the_history_read_back_marks_a_volume_per_cell_as_the_paper_did(store):
    from convquest.practice.history import History

    history = History(store)
    paper = make_paper(4, 1, ["fill-volume/depthwise"])
    sid = history.start_session("exam", 4, ["fill-volume/depthwise"], minutes=10, paper=paper)
    exam = ExamSession(
        paper,
        on_answer=lambda q, part, text, v, s: history.record_answer("exam", sid, q.number, q.topic, part, text, v),
    )
    problem = exam.problems[0]
    maps = cell_maps(problem.parts())
    right = [str(int(v)) for v in problem.expected.ravel()]
    for n, grid in enumerate(maps):
        cells = [slipped(problem, p) if p == grid.first else right[p] for p in grid.parts]  # each map's first cell
        exam.answer_grid(join_grid(cells, grid.cols), n)
    [live] = exam.finish()
    [kept] = history.records(sid)
    assert kept.per_cell and kept.marks == pytest.approx(1 - len(maps) / len(right)) == pytest.approx(live.marks)
