"""The whole path a player takes: map → lesson → level → wrong → hint → right → result → map."""

from __future__ import annotations

import pytest
from shell_helpers import see_result, text, type_answer


async def test_home_lesson_level_result_home(make_app, store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        from convquest.ui.screens.home import HomeScreen
        from convquest.ui.screens.lesson import LessonScreen
        from convquest.ui.screens.level import LevelScreen
        from convquest.ui.screens.result import ResultScreen

        assert isinstance(app.screen, HomeScreen)
        assert "0 of 5 levels" in text(app, "#home-title")

        await pilot.press("enter")  # the first row is the first chapter
        assert isinstance(app.screen, LessonScreen)
        assert "Page one" in text(app, "#lesson-page")
        await pilot.press("right")
        assert "Page two" in text(app, "#lesson-page")
        await pilot.press("left")
        assert "Page one" in text(app, "#lesson-page")
        await pilot.press("right", "right")  # past the last page: into the first unplayed level
        assert isinstance(app.screen, LevelScreen)
        assert app.screen.level.id == "t-valid"

        await type_answer(pilot, "4")  # i - k, without the +1: wrong, and the engine knows why
        feedback = text(app, "#ps-feedback-text")
        assert feedback.startswith("✗ Wrong.")
        assert "You forgot the +1" in feedback  # rung 1: the engine's diagnosis, in words
        assert app.screen.run.last_verdict.explanation not in feedback  # not the worked solution
        assert "hint 1 of 3" in text(app, "#level-status")

        await pilot.press("h")
        assert "The formula:\n" + app.screen.run.ladder().formula in text(app, "#ps-feedback-text")
        assert "hint 2 of 3" in text(app, "#level-status")
        assert app.screen.query_one("#ps-answer").value == "4"  # h was a hint, not a letter typed

        await type_answer(pilot, "5")
        await see_result(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert "★☆☆" in text(app, "#result-stars")  # solved at rung 2: one star
        assert "i - k + 1 times" in text(app, "#result-level-explanation")

        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "1 of 5 levels" in text(app, "#home-title")

    assert store.stars("t-valid") == 1
    attempts = store.attempts("t-valid")
    assert [(a.answer, a.correct, a.hints) for a in attempts] == [("4", False, 0), ("5", True, 2)]
    assert all(a.mode == "level" and a.topic == "predict-size/conv" for a in attempts)
    assert [a.mistake for a in attempts] == ["forgot_plus_one", None]


@pytest.mark.slow
async def test_right_first_time_earns_three_stars_and_next_goes_on(make_app, store):
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_answer(pilot, "5")
        await see_result(pilot)
        assert "★★★" in text(app, "#result-stars")
        await pilot.press("n")
        assert app.screen.level.id == "t-stride"
        await type_answer(pilot, "3")  # floor((8 - 3) / 2) + 1
        await see_result(pilot)
        await pilot.press("n")  # next chapter: its lesson comes first
        from convquest.ui.screens.lesson import LessonScreen

        assert isinstance(app.screen, LessonScreen)
        assert app.screen.chapter.id == "t-later"
    assert store.all_stars() == {"t-stride": 3, "t-valid": 3}


@pytest.mark.slow
async def test_non_numeric_answer_is_a_slip_not_a_wrong_answer(make_app, store):
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)) as pilot:
        for slip in ("abc", "4.5", ""):
            await type_answer(pilot, slip)
            feedback = text(app, "#ps-feedback-text")
            assert feedback.startswith("! Type"), slip  # the engine's own words for the slip
            assert "no penalty" in feedback
        assert "no hints yet · solve now for ★★★" in text(app, "#level-status")
        await type_answer(pilot, "5")
        await see_result(pilot)
        assert "★★★" in text(app, "#result-stars")
    assert [(a.answer, a.correct) for a in store.attempts("t-valid")] == [("5", True)]


async def test_locked_chapter_says_so_and_stays_on_the_map(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        from convquest.ui.screens.home import HomeScreen

        chapter_map = app.screen.query_one("#chapter-map")
        later = next(n for n, row in enumerate(chapter_map.rows) if "Test later chapter" in row.label)
        assert chapter_map.rows[later].state == "locked"
        chapter_map.highlighted = later
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        assert any("locked" in str(n.message) for n in app._notifications)


@pytest.mark.slow
async def test_retry_replays_the_level(make_app, store):
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_answer(pilot, "5")
        await pilot.press("r")
        from convquest.ui.screens.level import LevelScreen

        assert isinstance(app.screen, LevelScreen) and app.screen.level.id == "t-valid"
        await pilot.press("escape")  # retry replaced the result, so escape is the map
        from convquest.ui.screens.home import HomeScreen

        assert isinstance(app.screen, HomeScreen)
