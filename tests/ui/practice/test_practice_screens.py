"""Practice, exam and report screens driven with Pilot at 80×24, the clock moved by hand."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from convquest.practice.history import History
from convquest.ui.kinds.base import KindPanel
from convquest.ui.practice import open_exam, open_practice, open_report
from convquest.ui.practice.exam_screen import ExamScreen
from convquest.ui.practice.practice_screen import PracticeScreen
from convquest.ui.practice.report_screen import ReportScreen
from tests.practice.practice_oracle import NUMERIC_TOPICS, FakeClock, right_number, wrong_number

SIZE = (80, 24)


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def type_into(pilot, box: Input, text: str) -> None:
    box.focus()
    box.value = ""
    await pilot.press(*text, "enter")
    await pilot.pause()


async def answer_practice(pilot, text: str) -> None:
    panel = pilot.app.screen.query_one(KindPanel)
    await type_into(pilot, panel.query(Input).first(), text)


@pytest.mark.slow
async def test_a_missed_topic_comes_back_sooner_in_a_practice_run(make_app, store):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_practice(app, NUMERIC_TOPICS, seed=3)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PracticeScreen)
        for number in range(1, 8):
            problem = screen.drill.problem
            if number == 2:
                await answer_practice(pilot, str(wrong_number(problem)))
                panel_text = [str(w.content) for w in screen.query_one(KindPanel).query(Static)]
                assert any("✗" in t for t in panel_text)  # the slip is shown with its explanation
                assert not screen.drill.done  # and the part waits to be put right
            await answer_practice(pilot, str(right_number(problem)))
            assert screen.drill.done
            status = shown(app, "#practice-status")
            assert ("counts as missed" in status) == (number == 2)
            await pilot.press("enter")
            await pilot.pause()
        asked = screen.asked
        missed = asked[1]
        assert asked[3] == missed  # back after one other problem
        assert asked.index(asked[0], 1) > 3  # the first topic, right first time, waited longer
        title = shown(app, "#practice-title")
        assert title.startswith(f"#{len(asked)} {asked[-1]} · difficulty ")
        assert f"streak {screen.session.schedule.streak}" in title and "first try 6/7" in title
        # Every answer reached the database at once, the slip with its mistake key.
        attempts = [a for a in store.attempts() if a.mode == "practice"]
        assert len(attempts) == 8
        slip = [a for a in attempts if not a.correct]
        assert len(slip) == 1 and slip[0].topic == missed and slip[0].mistake


@pytest.mark.slow
async def test_skipping_shows_the_solution_and_ending_opens_the_practice_report(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_practice(app, NUMERIC_TOPICS, seed=4)
        await pilot.pause()
        screen = app.screen
        first = screen.drill.problem
        await answer_practice(pilot, str(right_number(first)))
        await pilot.press("enter")
        await pilot.pause()
        second = screen.drill.problem
        await pilot.press("h")
        assert screen.drill.run.words()[0] in shown(app, "#practice-hint")  # rung 1 of the ladder
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert second.solution().splitlines()[-1] in shown(app, "#practice-hint")
        assert "Skipped" in shown(app, "#practice-status")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        report = app.screen.report
        assert (report.mode, report.right, report.asked) == ("practice", 1, 2)


@pytest.mark.slow
async def test_an_exam_that_times_out_counts_unanswered_questions_as_wrong(make_app, store):
    clock = FakeClock()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_exam(app, questions=4, minutes=1, topics=NUMERIC_TOPICS, seed=5, clock=clock)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert "1:00 left" in shown(app, "#sitting-head")
        # How to type the answer is said before the first try (in the engine's words).
        assert "How to answer: Type a whole number" in shown(app, "#sitting-prompt")
        q1 = screen.exam.problems[0]
        await type_into(pilot, screen.query_one("#sitting-answer-0", Input), str(right_number(q1)))
        # No verdict during the exam: only that it was saved; the paper moved on by itself.
        status = shown(app, "#sitting-feedback-text")
        assert "Saved" in status and "✓" not in status and "✗" not in status
        assert (
            screen.exam.current == 1 and "[2 ]" in shown(app, "#sitting-nav") and " 1* " in shown(app, "#sitting-nav")
        )
        clock.advance(35)
        screen.tick()  # what the interval timer calls
        assert "0:25 left" in shown(app, "#sitting-head")
        clock.advance(30)
        q2 = screen.exam.problems[1]
        await type_into(pilot, screen.query_one("#sitting-answer-0", Input), str(right_number(q2)))
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        report = app.screen.report
        assert (report.right, report.asked, report.unanswered, report.reason) == (1, 4, 3, "time")
        assert "Time ran out: 3 question(s) left unanswered count as wrong." in app.screen.text()
        # Only the answer given in time is in the database.
        exam_attempts = [a for a in store.attempts() if a.mode == "exam"]
        assert [(a.answer, a.correct) for a in exam_attempts] == [(str(right_number(q1)), True)]
        assert History(store).session(report.session_id).reason == "time"


@pytest.mark.slow
async def test_exam_navigation_change_of_answer_and_handing_in(make_app):
    clock = FakeClock()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_exam(app, questions=3, minutes=10, topics=NUMERIC_TOPICS, seed=8, clock=clock)
        await pilot.pause()
        screen = app.screen
        problems = screen.exam.problems
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert screen.exam.current == 2
        await type_into(pilot, screen.query_one("#sitting-answer-0", Input), str(wrong_number(problems[2])))
        await pilot.press("pageup")
        await pilot.pause()
        assert screen.exam.current == 1
        await pilot.press("pagedown")
        await pilot.pause()
        box = screen.query_one("#sitting-answer-0", Input)
        assert box.value == str(wrong_number(problems[2]))  # the answer given is shown again
        await type_into(pilot, box, str(right_number(problems[2])))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "1 question" not in str(app.screen.query_one("#confirm-question", Static).content)
        assert "2 questions still unanswered" in str(app.screen.query_one("#confirm-question", Static).content)
        await pilot.press("y")
        await pilot.pause()
        report = app.screen.report
        assert (report.right, report.asked, report.reason) == (1, 3, "submitted")
        assert report.questions[2].parts[0].answer == str(right_number(problems[2]))


@pytest.mark.slow
async def test_the_report_reads_at_80x24_and_scrolls(make_app):
    clock = FakeClock()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_exam(app, questions=10, minutes=20, seed=13, clock=clock)
        await pilot.pause()
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        body = screen.query_one("#report-body")
        room = screen.query_one("#report-text").content_region.width
        assert max(len(line) for line in screen.text().splitlines()) <= room  # nothing wraps twice
        assert body.max_scroll_y > 0 and body.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        assert "score 0/10" in shown(app, "#report-summary")
        await pilot.press("escape")
        await pilot.pause()
        open_report(app)  # on demand: the same latest session
        await pilot.pause()
        assert app.screen.report.session_id == screen.report.session_id


@pytest.mark.slow
async def test_every_kind_can_be_practised_with_its_own_panel(make_app):
    from convquest.engine.problems import KINDS
    from convquest.ui.kinds import panel_for

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for kind in KINDS:
            open_practice(app, [kind], seed=2)
            await pilot.pause()
            screen = app.screen
            panel = screen.query_one(KindPanel)
            assert type(panel) is panel_for(kind) and screen.drill.kind == kind
            await pilot.press("ctrl+n")  # skip: the solution is shown, the topic counts as missed
            await pilot.pause()
            assert screen.drill.skipped and "Solution:" in shown(app, "#practice-hint")
            await pilot.press("escape")  # the report of this one-problem session
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()


@pytest.mark.slow
async def test_time_running_out_while_the_hand_in_question_is_open_still_hands_in(make_app):
    clock = FakeClock()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_exam(app, questions=2, minutes=5, topics=NUMERIC_TOPICS, seed=6, clock=clock)
        await pilot.pause()
        exam_screen = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not exam_screen  # the confirm dialog is up
        clock.advance(5 * 60)
        exam_screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen) and app.screen.report.reason == "time"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"  # the report replaced exam and dialog


@pytest.mark.slow
async def test_quitting_mid_exam_marks_the_paper_left_and_keeps_its_answers(make_app, store):
    clock = FakeClock()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_exam(app, questions=3, minutes=5, topics=NUMERIC_TOPICS, seed=6, clock=clock)
        await pilot.pause()
        screen = app.screen
        await type_into(pilot, screen.query_one("#sitting-answer-0", Input), str(right_number(screen.exam.problems[0])))
        sid = screen.session_id
        await pilot.press("ctrl+q")
        await pilot.pause()
    history = History(store)
    assert history.session(sid).reason == "quit"
    from convquest.practice.report import report_for

    report = report_for(history, sid)
    assert (report.right, report.unanswered) == (1, 2)
    assert "Left before handing in" in report.render_text()


def test_number_grids_are_drawn_side_by_side_when_they_fit():
    from convquest.ui.practice.figure import blocks_text, grid_block, number_grids

    params = {"variant": "valid", "input": [[4, 3], [10, 0]], "stride": 1, "kernel": [[1, -3]], "flag": [[True]]}
    grids = number_grids(params)
    assert [name for name, _ in grids] == ["input", "kernel"]  # booleans and scalars are not grids
    text = blocks_text([grid_block(n, rows) for n, rows in grids], width=74)
    # One column width per grid (numbers right-aligned), the kernel beside the input.
    assert text.splitlines() == ["input (2×2)    kernel (1×2)", " 4  3           1 -3", "10  0"]
    stacked = blocks_text([grid_block(n, rows) for n, rows in grids], width=15)
    assert stacked.splitlines()[:4] == ["input (2×2)", " 4  3", "10  0", ""]


@pytest.mark.slow
async def test_an_exam_shows_a_fill_cells_grid_and_takes_it_row_by_row(make_app, store):
    from convquest.practice.exam import cell_grid

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_exam(app, questions=1, minutes=10, topics=["fill-cells/valid"], seed=3, clock=FakeClock())
        await pilot.pause()
        screen = app.screen
        problem = screen.exam.problems[0]
        params = problem.params()
        figure = str(screen.query_one(".exam-figure", Static).content)
        rows_in = [" ".join(str(v) for v in row) for row in params["input"]]
        assert "input (" in figure and "kernel (" in figure
        assert all(" ".join(line.split()).find(r) >= 0 for line, r in zip(figure.splitlines()[1:], rows_in))
        rows, cols = cell_grid(problem.parts())
        cells = [str(right_number(problem, p)) for p in range(rows * cols)]
        grid = "; ".join(" ".join(cells[r * cols : (r + 1) * cols]) for r in range(rows))
        await type_into(pilot, screen.query_one("#sitting-grid-0", Input), grid)
        assert len([a for a in store.attempts() if a.mode == "exam"]) == rows * cols
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        assert app.screen.report.right == 1


@pytest.mark.slow
async def test_a_match_kernel_exam_question_shows_its_pictures_and_the_kernels_to_name(make_app):
    from convquest.ui.match.shaded import ShadedImage

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_exam(app, questions=1, minutes=10, topics=["match-kernel/palette"], seed=3, clock=FakeClock())
        await pilot.pause()
        screen = app.screen
        labels = [p.label for p in screen.query(ShadedImage)]
        assert labels[:2] == ["image", "target"]
        choices = "\n".join(str(s.content) for s in screen.query_one("#sitting-figure").query(Static))
        for name in screen.exam.problems[0].params()["palette"]:
            assert name in choices.split()


@pytest.mark.slow
async def test_the_exam_is_set_up_from_the_home_screen_with_topics_questions_and_minutes(make_app):
    from textual.widgets import SelectionList

    from convquest.ui.practice import open_exam_setup, open_practice_setup

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_exam_setup(app)
        await pilot.pause()
        kinds = app.screen.query_one("#setup-kinds", SelectionList)
        kinds.deselect_all()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Choose at least one topic" in shown(app, "#setup-error")
        kinds.select("count-params")
        app.screen.query_one("#setup-questions", Input).value = "3"
        app.screen.query_one("#setup-minutes", Input).value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "more than 0 minutes" in shown(app, "#setup-error")
        app.screen.query_one("#setup-minutes", Input).value = "7"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert len(screen.exam) == 3 and screen.exam.limit == 7 * 60
        assert {q.kind for q in screen.paper.questions} == {"count-params"}
        await pilot.press("ctrl+s", "y")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        open_practice_setup(app)
        await pilot.pause()
        app.screen.query_one("#setup-kinds", SelectionList).deselect("predict-size")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen) and "predict-size/conv" not in app.screen.topics


async def test_every_topic_on_the_practice_list_says_what_it_drills(make_app):
    from textual.widgets import SelectionList

    from convquest.engine.problems import KINDS
    from convquest.ui.practice import open_practice_setup

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_practice_setup(app)
        await pilot.pause()
        kinds = app.screen.query_one("#setup-kinds", SelectionList)
        prompts = {
            kinds.get_option_at_index(n).value: str(kinds.get_option_at_index(n).prompt) for n in range(len(KINDS))
        }
        assert set(prompts) == set(KINDS)
        for kind, prompt in prompts.items():
            assert prompt.startswith(f"{kind} — ") and len(prompt) > len(kind) + 10, prompt
            assert len(prompt) <= 72, prompt  # one line in the list at 80 columns
        assert "gradient descent" in prompts["learn-kernel"]


async def test_an_exam_opened_and_left_in_one_burst_does_not_crash(make_app):
    # Found by the monkey: the screen left before its widgets existed, and on_mount's first query
    # raised NoMatches.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_exam(app, questions=2, minutes=5, topics=NUMERIC_TOPICS, seed=6)
        app.pop_screen()
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ExamScreen)


@pytest.mark.slow
@pytest.mark.parametrize("cleared", [0, 2, 3])
async def test_practice_starts_at_the_difficulty_progress_shows(make_app, store, cleared):
    """Issue 14.8: practice started at difficulty 1 after six chapters were cleared."""
    from convquest.practice.schedule import difficulty_from_progress

    app = make_app()
    chapters = app.curriculum.chapters
    for chapter in chapters[:cleared]:
        for level in chapter.levels:
            store.complete_level(level.id, 2)
    expected = difficulty_from_progress(cleared, len(chapters))
    async with app.run_test(size=SIZE) as pilot:
        open_practice(app, NUMERIC_TOPICS, seed=3)
        await pilot.pause()
        drill = app.screen.session.current
        assert drill.difficulty == expected
        assert f"difficulty {expected}/3" in shown(app, "#practice-title")
    if cleared == len(chapters):
        assert expected == 3


def test_difficulty_from_progress_climbs_with_the_chapters_cleared():
    from convquest.practice.schedule import difficulty_from_progress

    # Nine chapters, as shipped: none cleared is the start; six of nine is two thirds of the way.
    by_cleared = [difficulty_from_progress(n, 9) for n in range(10)]
    assert by_cleared[0] == 1 and by_cleared[-1] == 3
    assert by_cleared == sorted(by_cleared)
    assert by_cleared[6] >= 2
    assert difficulty_from_progress(0, 0) == 1


@pytest.mark.slow
async def test_practice_says_when_it_brings_a_recurring_slip_back(make_app, store):
    for _ in range(3):
        store.record_attempt(
            "practice:1", "8", False, mode="practice", topic="predict-size/stride", mistake="ignored_floor"
        )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        open_practice(app, NUMERIC_TOPICS, seed=3)
        await pilot.pause()
        assert shown(app, "#practice-status").startswith("Three times lately: rounded up")
        assert "Three quick ones on it." in shown(app, "#practice-status")
