"""After the quiz: the marked paper a student comes back to, and a teacher's end or extra time
reaching the quiz screen while they sit it (Pilot at 80×24, a real results database)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.classroom.sitting import REFRESH_EVERY, QuizSitting
from convquest.ui.quiz.app import QuizApp
from convquest.ui.quiz.done import NOT_RELEASED, SHARED_PAPER, QuizDoneScreen
from convquest.ui.screens.help import keys_of
from tests.classroom.quiz_helpers import right, write_quiz, wrong
from tests.practice.practice_oracle import FakeClock
from tests.ui.quiz.test_quiz_screen import make, shown, type_into

SIZE = (80, 24)


def texts(app, selector: str) -> list[str]:
    return [str(w.content) for w in app.screen.query(selector).results(Static)]


def handed_in(tmp_path, db, store, clock, **quiz_options) -> tuple:
    """A quiz alice sat earlier (Q1 wrong, Q2 right, Q3 left) and handed in; the app she logs in to now."""
    quiz = load_quiz(write_quiz(tmp_path, **quiz_options))
    earlier = QuizSitting(quiz, "alice", db, clock=clock)
    given = [wrong(earlier.problems[0]), right(earlier.problems[1])]
    earlier.answer(given[0])
    earlier.answer(given[1])
    earlier.hand_in()
    return QuizApp(quiz=quiz, student="alice", db=db, store=store, clock=clock), earlier, given


@pytest.mark.slow
async def test_logging_in_after_the_end_shows_the_marked_paper(tmp_path, db, store):
    clock = FakeClock()
    app, earlier, given = handed_in(tmp_path, db, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuizDoneScreen)
        assert "You handed the quiz in." in shown(app, "#quiz-done-text")
        heads = texts(app, ".quiz-paper-question")
        marks = texts(app, ".quiz-paper-marks")
        assert [h.split("  ", 1)[0] for h in heads] == ["Q1 ✗", "Q2 ✓", "Q3 ✗"]
        assert heads[0].split("  ", 1)[1] == earlier.problems[0].prompt()
        # Q1: their answer and its mark, the right one, the working.
        assert f"Your answer: {given[0]} ✗" in marks[0]
        assert f"Right answer: {right(earlier.problems[0])}" in marks[0]
        assert "Working:" in marks[0] and all(
            f"  {line}" in marks[0] for line in earlier.problems[0].solution().splitlines()
        )
        # Q2 right: no "right answer" line to repeat it; Q3 left open: marked wrong, answer shown.
        assert f"Your answer: {given[1]} ✓" in marks[1] and "Right answer" not in marks[1]
        assert "Your answer: (no answer) ✗" in marks[2] and f"Right answer: {right(earlier.problems[2])}" in marks[2]
        assert {"Scroll", "Leave", "Help"} <= {description for _, description in keys_of(app.screen)}
        scroll = app.screen.query_one("#quiz-done")
        await pilot.press("pagedown")
        assert scroll.scroll_y > 0


@pytest.mark.slow
async def test_feedback_none_says_the_marks_are_not_released(tmp_path, db, store):
    app, _, _ = handed_in(tmp_path, db, store, FakeClock(), feedback="none")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert NOT_RELEASED in shown(app, "#quiz-done-text")
        assert texts(app, ".quiz-paper-question") == [] and "✓" not in shown(app, "#quiz-done-text")


@pytest.mark.slow
async def test_a_shared_paper_shows_marks_but_not_answers_until_the_quiz_is_ended(tmp_path, db, store):
    clock = FakeClock()
    app, _, _ = handed_in(tmp_path, db, store, clock, seed="7")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Q1 ✗" in shown(app, "#quiz-done-text") and shown(app, "#quiz-done-note") == SHARED_PAPER
        assert texts(app, ".quiz-paper-marks") == []
    db.end_quiz("week-3", by="ms.k", now=clock())
    app = QuizApp(quiz=app.quiz, student="alice", db=db, store=store, clock=clock)  # she logs in again
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("Right answer" in m for m in texts(app, ".quiz-paper-marks"))


@pytest.mark.slow
async def test_the_teacher_ending_the_quiz_ends_it_on_the_students_screen(tmp_path, db, store):
    clock = FakeClock()
    app = make(tmp_path, db, store, clock=clock, tick_every=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_into(pilot, right(screen.sitting.problems[0]))
        teacher = ResultsDB.open(db.path)
        teacher.end_quiz("week-3", by="ms.k", now=clock())
        teacher.close()
        clock.advance(REFRESH_EVERY)
        screen.tick()  # the screen's timer beat
        await pilot.pause()
        assert isinstance(app.screen, QuizDoneScreen)
        assert "Your teacher ended the quiz." in shown(app, "#quiz-done-text")
        assert texts(app, ".quiz-paper-question")[0].startswith("Q1 ✓")


async def test_extra_time_shows_on_the_students_clock(tmp_path, db, store):
    clock = FakeClock()
    app = make(tmp_path, db, store, clock=clock, tick_every=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        db.extend("week-3", "alice", 10, by="ms.k", now=clock())
        clock.advance(REFRESH_EVERY)
        app.screen.tick()
        assert shown(app, "#sitting-head").endswith("29:58 left")
