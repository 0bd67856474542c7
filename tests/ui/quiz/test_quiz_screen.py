"""The student's quiz screen driven with Pilot at 80×24, against a real results database."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from convquest.classroom.quiz import load_quiz
from convquest.ui.quiz.app import QuizApp
from convquest.ui.quiz.done import QuizDoneScreen
from tests.classroom.quiz_helpers import right, write_quiz, wrong
from tests.practice.practice_oracle import FakeClock

SIZE = (80, 24)


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def type_into(pilot, text: str) -> None:
    box = pilot.app.focused
    assert isinstance(box, Input), f"no answer box has the focus ({box!r})"
    box.value = ""
    await pilot.press(*text, "enter")
    await pilot.pause()


def make(tmp_path, db, store, *, feedback="at-end", student="alice", clock=None, text=None, **app_options):
    quiz = load_quiz(write_quiz(tmp_path, feedback=feedback, text=text))
    return QuizApp(quiz=quiz, student=student, db=db, store=store, clock=clock or FakeClock(), **app_options)


async def test_the_head_shows_name_progress_and_time_left(tmp_path, db, store):
    clock = FakeClock()
    app = make(tmp_path, db, store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app, "#sitting-head") == "Week 3: sizes · alice · question 1 of 3 · answered 0 · 20:00 left"
        assert "How to answer: Type a whole number" in shown(app, "#sitting-prompt")
        clock.advance(65)
        app.screen.tick()
        assert shown(app, "#sitting-head").endswith("18:55 left")


@pytest.mark.slow
async def test_a_slip_is_explained_in_place_and_not_saved(tmp_path, db, store):
    app = make(tmp_path, db, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_into(pilot, "seven")
        assert shown(app, "#sitting-feedback-text").startswith("Not an answer the game can read: Type a whole number")
        assert db.answers() == [] and app.screen.sitting.current == 0


@pytest.mark.slow
async def test_at_end_feedback_saves_without_a_verdict_and_moves_on(tmp_path, db, store):
    app = make(tmp_path, db, store, feedback="at-end")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sitting = app.screen.sitting
        text = wrong(sitting.problems[0])
        await type_into(pilot, text)
        assert [(r.question, r.answer, r.correct) for r in db.answers()] == [(1, text, False)]  # saved at once
        feedback = shown(app, "#sitting-feedback-text")
        assert feedback == "Saved your answer to Q1." and "wrong" not in feedback
        assert "question 2 of 3 · answered 1" in shown(app, "#sitting-head")


@pytest.mark.slow
async def test_after_each_feedback_shows_the_verdict_and_explanation(tmp_path, db, store):
    app = make(tmp_path, db, store, feedback="after-each")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        problems = app.screen.sitting.problems
        await type_into(pilot, wrong(problems[0]))
        feedback = shown(app, "#sitting-feedback-text")
        # In the words of the chapter the question's topic belongs to, as the sitting judges it.
        verdict = problems[0].check(int(wrong(problems[0])), taught=app.screen.sitting.taught[0])
        assert feedback.startswith("Q1: ✗ wrong.") and verdict.explanation in feedback
        await type_into(pilot, right(problems[1]))
        assert shown(app, "#sitting-feedback-text").startswith("Q2: ✓ right.")


@pytest.mark.slow
async def test_finishing_shows_the_score_and_every_mark(tmp_path, db, store):
    app = make(tmp_path, db, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        problems = app.screen.sitting.problems
        texts = [right(problems[0]), wrong(problems[1]), right(problems[2])]
        for text in texts:
            await type_into(pilot, text)
        assert isinstance(app.screen, QuizDoneScreen)
        done = shown(app, "#quiz-done-text")
        assert "You have answered every question." in done and "Score: 2 of 3" in done
        assert [line for line in done.splitlines() if line.startswith("Q")] == [
            f"Q1 ✓ {texts[0]}",
            f"Q2 ✗ {texts[1]}",
            f"Q3 ✓ {texts[2]}",
        ]
        await pilot.press("q")
    assert db.sitting("week-3", "alice").finish_reason == "completed"


@pytest.mark.slow
async def test_feedback_none_keeps_the_score_from_the_student(tmp_path, db, store):
    app = make(tmp_path, db, store, feedback="none")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for problem in list(app.screen.sitting.problems):
            await type_into(pilot, right(problem))
            if not isinstance(app.screen, QuizDoneScreen):
                assert shown(app, "#sitting-feedback-text").startswith("Saved your answer")
        done = shown(app, "#quiz-done-text")
        assert "Score" not in done and "✓" not in done and "Your teacher will tell you" in done


@pytest.mark.slow
async def test_coming_back_resumes_at_the_first_open_question(tmp_path, db, store):
    clock = FakeClock()
    first = make(tmp_path, db, store, clock=clock)
    async with first.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_into(pilot, right(first.screen.sitting.problems[0]))
        await pilot.press("ctrl+n")  # skip Q2
        await pilot.pause()
        await type_into(pilot, right(first.screen.sitting.problems[2]))
    clock.advance(300)
    again = make(tmp_path, db, store, clock=clock)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(again, "#sitting-head") == "Week 3: sizes · alice · question 2 of 3 · answered 2 · 15:00 left"
        assert shown(again, "#sitting-feedback-text").startswith("Welcome back: 2 questions already answered")


@pytest.mark.slow
async def test_time_running_out_ends_the_quiz_even_under_the_hand_in_dialog(tmp_path, db, store):
    clock = FakeClock()
    app = make(tmp_path, db, store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await type_into(pilot, right(screen.sitting.problems[0]))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not screen  # the confirm dialog is up
        clock.advance(20 * 60)
        screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, QuizDoneScreen)
        assert "Time is up." in shown(app, "#quiz-done-text") and "Score: 1 of 3" in shown(app, "#quiz-done-text")
    assert db.sitting("week-3", "alice").finish_reason == "time"


@pytest.mark.slow
async def test_a_network_question_takes_one_shape_per_layer_and_locks_each(tmp_path, db, store):
    text = (
        '[quiz]\nid = "net"\ntitle = "Net"\nseed = 1\nfeedback = "after-each"\n'
        '[[question]]\nkind = "predict-size"\nvariant = "network"\n'
    )
    app = make(tmp_path, db, store, text=text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        problem = app.screen.sitting.problems[0]
        labels = problem.parts()
        assert len(labels) > 1
        shape = _right_shape(problem, 0).replace("×", "x")  # as typed on a keyboard
        await type_into(pilot, shape)
        first = app.screen.query_one("#sitting-answer-0", Input)
        assert first.disabled and first.value == shape and app.focused.id == "sitting-answer-1"
        assert shown(app, "#sitting-feedback-text").startswith(f"Q1 ({labels[0]}): ✓ right.")
        assert [(r.part, r.correct) for r in db.answers()] == [(0, True)]


def _right_shape(problem, part: int) -> str:
    """The C×H×W the engine accepts, read from its own worked solution for this part."""
    import re

    verdict = problem.check(problem.parse_answer("1×1×1", part), part)
    shapes = re.findall(r"shape: (\d+×\d+×\d+)", verdict.explanation)
    assert shapes, verdict.explanation
    return shapes[-1]


@pytest.mark.slow
async def test_a_grid_answer_says_how_many_cells_were_right(tmp_path, db, store):
    from convquest.practice.exam import cell_grid, join_grid

    text = (
        '[quiz]\nid = "grid"\ntitle = "Grid"\nseed = 3\nfeedback = "after-each"\n'
        '[[question]]\nkind = "fill-cells"\nvariant = "valid"\n'
        '[[question]]\nkind = "predict-size"\nvariant = "conv"\n'
    )
    app = make(tmp_path, db, store, text=text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        problem = app.screen.sitting.problems[0]
        cells = [right(problem, p) for p in range(len(problem.parts()))]
        cells[-1] = wrong(problem, len(cells) - 1)
        assert app.focused.id == "sitting-grid-0"
        await type_into(pilot, join_grid(cells, cell_grid(problem.parts())[1]))
        feedback = shown(app, "#sitting-feedback-text")
        assert feedback.startswith(f"Q1: ✗ {len(cells) - 1} of {len(cells)} cells right; the first wrong one:")
        assert len(db.answers()) == len(cells)
        assert "question 2 of 2" in shown(app, "#sitting-head")


@pytest.mark.slow
async def test_a_long_title_gives_way_to_the_time_left(tmp_path, db, store):
    """Issue 14.4: at 80 columns a long quiz title pushed the time left off the header."""
    from tests.classroom.quiz_helpers import QUIZ

    long_title = "Week 3: output sizes, padding, strides and dilation, the whole chapter revised"
    text = QUIZ.format(feedback="at-end", seed='"per-student"').replace("Week 3: sizes", long_title)
    assert long_title in text
    app = make(tmp_path, db, store, text=text)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        head = app.screen.query_one("#sitting-head")
        line = head.render_line(0).text.rstrip()
        assert line.endswith("question 1 of 3 · answered 0 · 20:00 left")
        assert line.lstrip().startswith("Week 3: output") and "…" in line


async def test_question_mark_opens_the_help_of_the_sitting_and_is_never_typed(tmp_path, db, store):
    from textual import events

    from convquest.ui.screens.help import HelpScreen
    from convquest.ui.widgets.key_footer import shown_keys

    app = make(tmp_path, db, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        quiz_screen, box = app.screen, app.focused
        assert isinstance(box, Input)
        assert ("?", "Help") in [(key.display, key.description) for key in shown_keys(quiz_screen)]
        # Typed in one burst: the digit before it still goes into the box, the `?` never does.
        for key, character in (("5", "5"), ("question_mark", "?")):
            app.post_message(events.Key(key, character))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and box.value == "5"
        keys = shown(app, "#help-keys")
        assert "Keys on this screen (quiz)" in keys
        for name in ("Hand in", "Skip for now", "Scroll", "Scroll the question back up", "Give the answer in the box"):
            assert name in keys
        await pilot.press("escape")
        assert app.screen is quiz_screen and app.focused is box and box.value == "5"
