"""A class quiz with fill-volume and match-kernel questions, at 80×24 with Pilot: each question
shows every number its answer needs (the volume's channels, slices and biases), the palette's
pictures and kernel names fit beside the answer box, and a question taller than its box says so."""

from __future__ import annotations

from textual.widgets import Input

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.ui.match.shaded import ShadedImage
from convquest.ui.quiz.app import QuizApp
from convquest.ui.sitting_screen import MORE_ABOVE, MORE_BELOW, QuestionScroll
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
            scrolled = []
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
                if question.max_scroll_y:
                    scrolled.append(index)
                    # A box per output cell leaves the figure a few lines: the border says more is
                    # below, and ctrl+↓ gets to the last line (the biases).
                    assert question.border_subtitle == MORE_BELOW
                    for _ in range(question.max_scroll_y // 3 + 1):
                        await pilot.press("ctrl+down")
                    await pilot.pause()
                    assert question.scroll_y == question.max_scroll_y
                    assert question.border_subtitle == MORE_ABOVE
                    assert app.focused is box  # scrolling never takes the answer's focus
            # A 2-channel layer fits beside its two boxes in view; the 3-channel one does not: its cue was checked.
            assert scrolled == [2]
            # With two of eight boxes in view, Enter brings the next one into view as it takes the focus.
            await pilot.press("pagedown", "pagedown")  # round the skipped ones: Q1, then Q2
            await pilot.pause()
            assert screen.sitting.current == 1
            parts = screen.query_one("#sitting-parts")
            for part in range(3):
                await type_into(pilot, right(screen.sitting.problems[1], part))
                box = app.focused
                assert isinstance(box, Input) and box.id == f"sitting-answer-{part + 1}"
                assert parts.region.contains_region(box.region)
    finally:
        db.close()
