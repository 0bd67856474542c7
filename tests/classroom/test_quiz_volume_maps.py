"""A fill-volume question in a quiz: one box per filter's map, every cell still its own saved,
final answer (its slip in the database), and a sitting resumed part-way through a map."""

from __future__ import annotations

import pytest

from convquest.classroom.progress import quiz_progress
from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.classroom.sitting import AlreadyAnswered, QuizSitting
from convquest.practice.exam import cell_maps, join_grid
from convquest.ui.sitting_screen import answer_boxes, open_boxes
from tests.classroom.quiz_helpers import right, write_quiz
from tests.practice.practice_oracle import FakeClock

QUIZ = (
    '[quiz]\nid = "vol"\ntitle = "Volumes"\nseed = 4\nfeedback = "after-each"\n'
    '[[question]]\nkind = "fill-volume"\nvariant = "depthwise"\ndifficulty = 3\n'
    '[[question]]\nkind = "predict-size"\nvariant = "conv"\n'
)


@pytest.fixture
def db(tmp_path):
    opened = ResultsDB.open(tmp_path / "classroom.db")
    yield opened
    opened.close()


def sit(tmp_path, db) -> QuizSitting:
    return QuizSitting(load_quiz(write_quiz(tmp_path, text=QUIZ)), "alice", db, clock=FakeClock())


def typed(problem, slip_at: int) -> list[str]:
    """Every cell right but one, that one with its bias left off."""
    cells = [right(problem, p) for p in range(len(problem.parts()))]
    cells[slip_at] = str(int(problem.step(slip_at).total))
    return cells


def test_each_map_is_saved_cell_by_cell_with_each_slip_and_locks_once_given(tmp_path, db):
    sitting = sit(tmp_path, db)
    problem = sitting.problems[0]
    maps = cell_maps(problem.parts())
    cells = typed(problem, maps[2].first)
    assert [b.id for b in answer_boxes(sitting)] == [f"sitting-grid-{n}" for n in range(len(maps))]
    for n, grid in enumerate(maps):
        sitting.answer_grid(join_grid([cells[p] for p in grid.parts], grid.cols), n)
        if n < len(maps) - 1:  # after the last, the quiz is on the next question
            assert [b.disabled for b in answer_boxes(sitting)] == [m <= n for m in range(len(maps))]
    rows = db.answers("vol", "alice")
    assert [(r.question, r.part, r.answer) for r in rows] == [(1, p, c) for p, c in enumerate(cells)]
    assert [(r.part, r.mistake) for r in rows if not r.correct] == [(maps[2].first, "forgot_bias")]
    assert sitting.current == 1  # the question done, the quiz moves on by itself
    sitting.goto(0)
    assert all(b.disabled and b.title.endswith("(answered)") for b in answer_boxes(sitting))
    [record, _] = sitting.records()
    assert [p.answer for p in record.parts] == cells and record.per_cell
    assert record.marks == pytest.approx((len(cells) - 1) / len(cells))  # one slipped cell costs its share
    # The teacher's view of the same sitting marks it by the same rule.
    [progress] = quiz_progress(db, "vol")
    question = progress.questions[0]
    assert question.per_cell and question.answered_marks == pytest.approx(record.marks)


def test_a_map_given_again_is_refused_and_nothing_is_written(tmp_path, db):
    sitting = sit(tmp_path, db)
    problem = sitting.problems[0]
    grid = cell_maps(problem.parts())[0]
    text = join_grid([right(problem, p) for p in grid.parts], grid.cols)
    sitting.answer_grid(text, 0)
    before = len(db.answers())
    with pytest.raises(AlreadyAnswered, match="every cell of this map"):
        sitting.answer_grid(text, 0)
    assert len(db.answers()) == before


def test_a_sitting_resumed_part_way_through_a_map_takes_the_cells_still_open(tmp_path, db):
    sitting = sit(tmp_path, db)
    problem = sitting.problems[0]
    grid = cell_maps(problem.parts())[1]
    first = grid.first
    sitting.answer(right(problem, first), first)  # one cell of the map given (one box per cell, as before)
    again = sit(tmp_path, db)
    assert again.current == 0 and again.open_parts(0) == [p for p in range(len(problem.parts())) if p != first]
    box = answer_boxes(again)[1]
    assert box.value == join_grid([right(problem, first)] + [None] * (len(grid.parts) - 1), grid.cols)
    assert "?" in box.value and not box.disabled
    assert open_boxes(again) == [b.id for b in answer_boxes(again)]  # every map has a cell to give
    cells = [right(problem, p) for p in grid.parts]
    changed = list(cells)
    changed[0] = str(int(changed[0]) + 1)
    before = len(db.answers())
    with pytest.raises(AlreadyAnswered, match=r"f1 \(0,0\) is answered already"):
        again.answer_grid(join_grid(changed, grid.cols), 1)
    assert len(db.answers()) == before  # the other cells were not taken either
    given = again.answer_grid(join_grid(cells, grid.cols), 1)
    assert [g.text for g in given] == cells  # the whole map, its first cell as it was
    assert [r.part for r in db.answers()] == list(grid.parts)  # the first cell written once
    assert answer_boxes(again)[1].disabled
