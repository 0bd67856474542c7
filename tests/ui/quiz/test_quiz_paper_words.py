"""What a new student tripped on in the quiz and exam papers (issue 14, items 2, 11 and 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from convquest.classroom.quiz import load_quiz
from convquest.engine.problems import generate
from convquest.ui.practice.answer_format import answer_parts, question_text
from convquest.ui.quiz.app import QuizApp
from convquest.ui.screens.help import keys_of
from tests.classroom.quiz_helpers import write_quiz
from tests.practice.practice_oracle import FakeClock
from tests.ui.quiz.test_quiz_screen import shown

DOCS = Path(__file__).resolve().parents[3] / "docs" / "CLASSROOM.md"


@pytest.mark.parametrize("seed,difficulty", [(1, 1), (4, 2), (7, 3)])
def test_a_grid_question_asks_for_the_whole_grid_with_an_example_of_its_size(seed, difficulty):
    problem = generate("fill-cells", seed, difficulty=difficulty, variant="valid")
    labels, grid = answer_parts(problem)
    said = question_text(problem, 1, labels, grid)
    assert "one cell at a time" not in said and "type the whole" in said
    rows, cols = grid
    example = said.split("(like ", 1)[1].split(" for a ", 1)[0]
    shown_rows = example.removesuffix("; …").split("; ")
    assert len(shown_rows) == (rows if rows <= 4 else 2) and all(len(r.split()) == cols for r in shown_rows)


@pytest.mark.slow
async def test_a_10000_digit_paste_is_refused_with_a_sentence_and_not_saved(tmp_path, db, store):
    quiz = load_quiz(write_quiz(tmp_path))
    app = QuizApp(quiz=quiz, student="alice", db=db, store=store, clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for digits in (10_000, 4_000):
            app.focused.value = "7" * digits
            await pilot.press("enter")
            await pilot.pause()
            said = shown(app, "#sitting-feedback-text")
            assert "longer than any answer" in said and "4300" not in said and "integer string" not in said
        assert db.answers() == []


async def test_the_skip_key_in_the_footer_is_the_one_the_classroom_guide_names(tmp_path, db, store):
    quiz = load_quiz(write_quiz(tmp_path))
    app = QuizApp(quiz=quiz, student="alice", db=db, store=store, clock=FakeClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        key = {description: key for key, description in keys_of(app.screen)}["Skip for now"]
        assert key == "pgdn"
        assert "PgDn skips a question" in DOCS.read_text(encoding="utf-8")
