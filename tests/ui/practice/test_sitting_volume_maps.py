"""A fill-volume question on the sitting screen at 80×24, driven with Pilot: one answer box per
filter's map, all of them on screen with the whole question at difficulty 3, each map taken cell by
cell (the exam's answers), and a quiz resumed with part of a map answered."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from convquest.classroom.results import ResultsDB
from convquest.classroom.sitting import QuizSitting
from convquest.engine.problems.fill_volume import VARIANTS
from convquest.play.judge import judge
from convquest.practice.exam import cell_maps, join_grid
from convquest.ui.practice.exam_screen import ExamScreen
from convquest.ui.sitting_screen import QuestionScroll
from tests.classroom.test_quiz_volume_maps import QUIZ
from tests.practice.practice_oracle import FakeClock
from tests.ui.practice.test_sitting_figure_screen import SIZE, paper_of
from tests.ui.quiz.test_quiz_screen import make, type_into


def on_screen(widget) -> bool:
    return widget.region.height > 0 and widget.region.y >= 0 and widget.region.bottom <= SIZE[1] - 1


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
async def test_a_difficulty_3_volume_question_fits_80x24_with_a_box_per_map_in_view(make_app, variant):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(ExamScreen(paper_of([(f"fill-volume/{variant}", 3)], seed=3), 60, clock=FakeClock()))
        await pilot.pause()
        screen = app.screen
        problem = screen.sitting.problems[0]
        maps = cell_maps(problem.parts())
        boxes = list(screen.query(Input))
        assert [b.border_title for b in boxes] == [f"{m.name} map {m.rows}×{m.cols}" for m in maps]
        question = screen.query_one(QuestionScroll)
        assert question.max_scroll_y == 0 and question.border_subtitle == "", f"{variant} needs scrolling"
        assert all(on_screen(b) for b in boxes), [b.region for b in boxes]
        assert app.focused is boxes[0]


async def test_each_map_typed_row_by_row_is_taken_cell_by_cell(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(
            ExamScreen(paper_of([("fill-volume/volume", 3), ("predict-size/conv", 1)]), 60, clock=FakeClock())
        )
        await pilot.pause()
        screen = app.screen
        sitting = screen.sitting
        problem = sitting.problems[0]
        maps = cell_maps(problem.parts())
        right = [str(int(v)) for v in problem.expected.ravel()]
        for n, grid in enumerate(maps):
            assert app.focused.id == f"sitting-grid-{n}"
            app.focused.value = join_grid([right[p] for p in grid.parts], grid.cols)
            await pilot.press("enter")
            await pilot.pause()
        assert sitting.current == 1  # the last map given, the exam moves on
        assert [sitting.given[(0, p)].text for p in range(len(right))] == right
        assert all(sitting.given[(0, p)].verdict == judge(problem, right[p], p) for p in range(len(right)))


@pytest.mark.slow
async def test_a_quiz_resumed_part_way_through_a_map_shows_it_and_takes_the_rest(tmp_path, store):
    db = ResultsDB.open(tmp_path / "classroom.db")
    try:
        app = make(tmp_path, db, store, text=QUIZ)
        before = QuizSitting(app.quiz, "alice", db, clock=FakeClock())
        problem = before.problems[0]
        maps = cell_maps(problem.parts())
        right = [str(int(v)) for v in problem.expected.ravel()]
        before.answer(right[maps[0].first], maps[0].first)  # one cell given, then the connection dropped
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            first = app.screen.query_one("#sitting-grid-0", Input)
            assert first.value == join_grid([right[0]] + [None] * (len(maps[0].parts) - 1), maps[0].cols)
            assert app.focused is first and not first.disabled
            await type_into(pilot, join_grid([right[p] for p in maps[0].parts], maps[0].cols))
            assert first.disabled and first.border_title.endswith("(answered)")
            assert app.focused.id == "sitting-grid-1"
        assert [a.part for a in db.answers()] == list(maps[0].parts)  # its first cell written once
    finally:
        db.close()
