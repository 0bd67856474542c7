"""A class quiz with fill-volume and match-kernel questions, at 80×24 with Pilot: each question
shows every number its answer needs (the volume's channels, slices and biases), the palette's
pictures and kernel names fit beside the answer box, and a volume fits with a box per filter's
map, each map saved cell by cell."""

from __future__ import annotations

from textual.widgets import Input

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.practice.exam import cell_maps, join_grid
from convquest.ui.match.shaded import ShadedImage
from convquest.ui.quiz.app import QuizApp
from convquest.ui.sitting_screen import QuestionScroll
from tests.classroom.quiz_helpers import right, write_quiz
from tests.practice.practice_oracle import FakeClock
from tests.ui.practice.test_sitting_figure_screen import SIZE, fits, screen_text
from tests.ui.practice.test_sitting_figures import has_run, needed, tokens
from tests.ui.quiz.test_quiz_screen import type_into

QUIZ = """
[quiz]
id = "week-9"
title = "Week 9: volumes"
minutes = 20
feedback = "at-end"
seed = "per-student"

[[question]]
kind = "match-kernel"
variant = "palette"
difficulty = 3

[[question]]
kind = "fill-volume"
variant = "depthwise"
difficulty = 1

[[question]]
kind = "fill-volume"
variant = "volume"
difficulty = 3
"""


async def test_a_quiz_of_volumes_and_kernels_can_be_answered_from_the_screen(tmp_path, store):
    db = ResultsDB.open(tmp_path / "classroom.db")
    quiz = load_quiz(write_quiz(tmp_path, text=QUIZ))
    app = QuizApp(quiz=quiz, student="alice", db=db, store=store, clock=FakeClock())
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            # The palette: pictures, kernel names and the answer box all in view, no scrolling.
            assert screen.sitting.problems[0].kind == "match-kernel"
            assert len(screen.query_one("#sitting-figure").query(ShadedImage)) == 2
            assert fits(screen)
            for index in (1, 2):
                await pilot.press("pagedown")
                await pilot.pause()
                assert screen.sitting.current == index
                problem = screen.sitting.problems[index]
                text = screen_text(screen)
                lines = [tokens(line) for line in text.splitlines()]
                assert all(has_run(lines, run) for run in needed(problem.params())), text
                question = screen.query_one(QuestionScroll)
                box = screen.query(Input).first()
                assert app.focused is box and box.region.bottom <= SIZE[1] - 1
                # A box per filter's map, side by side: even a 3-channel layer at difficulty 3 fits with them.
                assert question.max_scroll_y == 0 and question.border_subtitle == "", f"Q{index + 1} scrolls"
            await pilot.press("pagedown", "pagedown")  # round the skipped ones: Q1, then Q2
            await pilot.pause()
            assert screen.sitting.current == 1
            problem = screen.sitting.problems[1]
            parts = screen.query_one("#sitting-parts")
            maps = cell_maps(problem.parts())
            for n, grid in enumerate(maps[:-1]):
                box = app.focused
                assert isinstance(box, Input) and box.id == f"sitting-grid-{n}"
                await type_into(pilot, join_grid([right(problem, p) for p in grid.parts], grid.cols))
                assert box.disabled and app.focused.id == f"sitting-grid-{n + 1}"
                assert parts.region.contains_region(app.focused.region)
            assert [a.part for a in db.answers()] == list(range(maps[-1].first))  # saved cell by cell
    finally:
        db.close()
