"""The stylesheet in two parts (issue 21): a start parses only first_screens.tcss, the rest of the
game's rules come in before the first other screen is styled, and an app that starts elsewhere
reads both at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.ui.board.playground import PlaygroundApp
from convquest.ui.quiz.app import QuizApp
from tests.classroom.quiz_helpers import write_quiz


def sheets(app) -> set[str]:
    """The stylesheet files the app has read (not the widgets' DEFAULT_CSS)."""
    return {Path(path).name for path, class_var in app.stylesheet.source if not class_var}


def border(app, selector: str) -> str:
    return app.screen.query_one(selector).styles.border_top[0]


@pytest.mark.slow
async def test_the_home_screen_starts_on_its_own_rules_and_the_rest_come_with_the_next_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert sheets(app) == {"first_screens.tcss"}
        assert border(app, "#chapter-map") == "heavy"  # focused: #chapter-map:focus
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SettingsScreen"
        assert sheets(app) == {"first_screens.tcss", "convquest.tcss"}
        assert app.screen.query_one("#settings-body").styles.padding.left == 1  # a rule of convquest.tcss
        await pilot.press("escape")
        await pilot.pause()
        assert border(app, "#chapter-map") == "heavy"


@pytest.mark.slow
async def test_a_level_opened_at_launch_is_styled_by_the_whole_sheet(make_app):
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "LevelScreen"
        assert "convquest.tcss" in sheets(app)
        assert app.screen.query_one("#level-title").styles.text_style.reverse


@pytest.mark.slow
async def test_the_quiz_starts_on_its_own_rules(tmp_path, store):
    db = ResultsDB.open(tmp_path / "results.db")
    app = QuizApp(quiz=load_quiz(write_quiz(tmp_path)), student="alice", db=db, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert sheets(app) == {"first_screens.tcss"}
        assert border(app, "#sitting-question") == "round"
        assert app.screen.query_one("#sitting-head").styles.text_style.reverse
    db.close()


async def test_an_app_with_its_own_first_screen_reads_the_whole_sheet_at_start():
    assert not PlaygroundApp.FIRST_SCREEN_CSS_ONLY
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert sheets(app) == {"first_screens.tcss", "convquest.tcss"}
