"""The teacher's live view: each question across the class (b), and a teacher's override as it is made."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from rich.cells import cell_len
from textual.widgets import DataTable, Static
from textual.widgets.data_table import ColumnKey

from convquest.classroom.export import question_lines
from convquest.classroom.progress import override_mark, quiz_progress
from convquest.classroom.quiz import load_quiz
from convquest.classroom.sitting import QuizSitting
from convquest.ui.quiz.teacher import QUESTION_MISTAKES, TeacherApp
from convquest.ui.screens.help import HelpScreen
from tests.classroom.quiz_helpers import QUIZ, right, write_quiz, wrong
from tests.ui.quiz.test_teacher_view import EVERY, SIZE, cell, class_db, wait_until

__all__ = ["class_db"]  # the fixture, used by name


def text(app, selector: str) -> str:
    return str(app.query_one(selector, Static).content)


def ann_got_q1_wrong(tmp_path, db) -> QuizSitting:
    """ann's sitting of the week-3 quiz, her first answer (a wrong one) given."""
    ann = QuizSitting(load_quiz(write_quiz(tmp_path)), "ann", db)
    ann.answer(wrong(ann.problems[0]))
    return ann


@pytest.mark.slow
async def test_b_shows_each_question_across_the_class_and_follows_new_answers(tmp_path, class_db):
    path, db = class_db
    quiz = load_quiz(write_quiz(tmp_path, seed="5"))
    ann, ben = QuizSitting(quiz, "ann", db), QuizSitting(quiz, "ben", db)
    ann.answer(right(ann.problems[0]))
    ben.answer(wrong(ben.problems[0]))
    app = TeacherApp(path, every=EVERY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.query_one(DataTable).row_count == 2)
        assert "b" in app.screen.active_bindings and app.screen.active_bindings["b"].binding.description
        assert not app.query_one("#teacher-questions").display
        await pilot.press("b")
        assert app.query_one("#teacher-questions").display and not app.query_one("#teacher-feed").display
        expected = question_lines(quiz_progress(db, "week-3"), 78, QUESTION_MISTAKES)
        assert text(app, "#teacher-questions").splitlines()[1:] == expected
        assert "2 of 2 answered, 50% right" in expected[0] and expected[1].startswith("   1× ")

        ben.answer(right(ben.problems[1]))  # as the student's own process would, while the view runs
        await wait_until(
            pilot, lambda: "Q2 predict-size/stride: 1 of 2 answered, 100% right" in text(app, "#teacher-questions")
        )

        await pilot.press("b")
        assert app.query_one("#teacher-feed").display and not app.query_one("#teacher-questions").display


@pytest.mark.slow
async def test_an_override_shows_in_the_table_as_it_is_made(tmp_path, class_db):
    path, db = class_db
    ann_got_q1_wrong(tmp_path, db)
    app = TeacherApp(path, every=EVERY)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.query_one(DataTable).row_count == 1)
        assert [cell(app, "ann", c) for c in ("score", "Q1")] == ["0", "✗"]
        # What `convquest results override` does, while the view runs.
        override_mark(db, "week-3", "ann", 1, 0.5, by="mr_t", now=time.time(), reason="units right")
        await wait_until(pilot, lambda: cell(app, "ann", "Q1") != "✗")
        assert [cell(app, "ann", c) for c in ("score", "Q1")] == ["0.50", "✎0.50"]
        # Shown whole: the column of ✓ and ✗ widens for it (it was cut to "✎0" at first). DataTable
        # measures its columns when it next refreshes, so the width follows the cell a moment later.
        await wait_until(
            pilot, lambda: app.query_one(DataTable).columns[ColumnKey("Q1")].content_width >= cell_len("✎0.50")
        )
        assert text(app, "#teacher-feed").splitlines()[-1].endswith("ann  Q1  ✎ mark 0.50 by mr_t: units right")
        override_mark(db, "week-3", "ann", 1, None, by="mr_t", now=time.time())
        await wait_until(pilot, lambda: cell(app, "ann", "Q1") == "✗")
        assert cell(app, "ann", "score") == "0"
        assert text(app, "#teacher-feed").splitlines()[-1].endswith("ann  Q1  ✎ back to its answers' mark by mr_t")


@pytest.mark.slow
async def test_the_help_names_the_views_keys(tmp_path, class_db):
    path, db = class_db
    ann = ann_got_q1_wrong(tmp_path, db)
    app = TeacherApp(path, every=EVERY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.pause(EVERY * 5)  # the view goes on reading the database under the help
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys", Static).content)
        assert "teacher view" in keys and "By question" in keys and "Refresh now" in keys
        assert "results override" in str(app.screen.query_one("#help-about", Static).content)
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)
        ann.answer(right(ann.problems[1]))
        await wait_until(pilot, lambda: cell(app, "ann", "Q2") == "✓")


async def test_at_80_columns_a_long_title_gives_way_to_the_counts_and_the_time(tmp_path, class_db):
    path, db = class_db
    title = "Week 3: padding and stride, then dilation"  # the docs' example title is long enough already
    text_of_quiz = QUIZ.format(feedback="at-end", seed='"per-student"').replace('"Week 3: sizes"', f'"{title}"')
    QuizSitting(load_quiz(write_quiz(tmp_path, text=text_of_quiz)), "ann", db)
    now = time.time()
    app = TeacherApp(path, every=EVERY, clock=lambda: now)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.query_one(DataTable).row_count == 1)
        head = text(app, "#teacher-head")
        stamp = datetime.fromtimestamp(now).strftime("%H:%M:%S")
        assert head.endswith(f" · 0 connected · 1 started · 0 finished · {stamp}")  # the time was cut off
        assert len(head) <= 78 and head.startswith("quiz week-3: Week 3: pad") and "…" in head


async def test_a_long_reason_is_cut_to_one_line_of_the_feed(tmp_path, class_db):
    path, db = class_db
    ann_got_q1_wrong(tmp_path, db)
    reason = "right idea, slipped in the padding row; marked by hand after a word with the student " * 2
    override_mark(db, "week-3", "ann", 1, 0.5, by="mr_t", now=time.time(), reason=reason)
    app = TeacherApp(path, every=EVERY)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "✎" in text(app, "#teacher-feed"))
        lines = text(app, "#teacher-feed").splitlines()
        assert lines[0] == "Latest answers:" and len(lines) == 3  # the answer and the override, a line each
        assert lines[-1].endswith("…") and len(lines[-1]) == 78 and "✎ mark 0.50 by mr_t: right idea" in lines[-1]


async def test_the_feed_tells_answers_and_overrides_in_the_order_they_happened(tmp_path, class_db):
    path, db = class_db
    quiz = load_quiz(write_quiz(tmp_path, seed="5"))
    ann, ben = QuizSitting(quiz, "ann", db), QuizSitting(quiz, "ben", db)
    ann.answer(wrong(ann.problems[0]))
    time.sleep(0.01)
    override_mark(db, "week-3", "ann", 1, 1.0, by="mr_t", now=time.time(), reason="fair")
    time.sleep(0.01)
    ben.answer(right(ben.problems[0]))
    app = TeacherApp(path, every=EVERY)  # opened after all three: it reads them in one go
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(text(app, "#teacher-feed").splitlines()) == 4)
        said = [line.split()[1:4] for line in text(app, "#teacher-feed").splitlines()[1:]]
        assert said == [["ann", "Q1", "✗"], ["ann", "Q1", "✎"], ["ben", "Q1", "✓"]]  # not the override last


TEN = '[quiz]\nid = "ten"\ntitle = "Ten"\nseed = 3\n' + "".join(
    f'\n[[question]]\nkind = "predict-size"\nvariant = "{v}"\ndifficulty = 2\n'
    for v in ("conv", "padding", "stride", "dilation", "pool") * 2
)


@pytest.mark.slow
@pytest.mark.parametrize(("size", "all_shown"), [((80, 24), False), ((80, 60), True)])
async def test_by_question_fits_its_panel_and_says_what_is_left_out(tmp_path, class_db, size, all_shown):
    path, db = class_db
    quiz = load_quiz(write_quiz(tmp_path, text=TEN))
    for n, student in enumerate(("ann", "ben", "cal")):
        sitting = QuizSitting(quiz, student, db)
        for number in range(10):
            sitting.goto(number)
            problem = sitting.problems[number]
            sitting.answer(wrong(problem) if (number + n) % 3 == 0 else right(problem))
    app = TeacherApp(path, every=EVERY)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.query_one(DataTable).row_count == 3)
        await pilot.press("b")
        panel = app.query_one("#teacher-questions", Static)
        lines = text(app, "#teacher-questions").splitlines()[1:]
        assert len(lines) + 1 <= panel.content_region.height  # every line it holds is on screen, heading too
        questions = [line.split()[0] for line in lines if line.startswith("Q")]
        if all_shown:
            assert questions == [f"Q{n}" for n in range(1, 11)] and any("×" in line for line in lines)
        else:
            assert lines[-1].startswith("… and ") and "convquest results --by-question" in lines[-1]
            left = int(lines[-1].split()[2])
            assert questions == [f"Q{n}" for n in range(1, 11 - left)]
