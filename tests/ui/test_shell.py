"""The frame around the levels: help everywhere, too-small guard, settings, palette, quit."""

from __future__ import annotations

import pytest
from shell_helpers import text


async def _open(pilot, where: str) -> None:
    """Bring the app to one screen by the keys a player would press."""
    if where == "home":
        return
    if where == "lesson":
        await pilot.press("enter")
    elif where == "level":
        await pilot.press("enter", "l")
    elif where == "result":
        await pilot.press("enter", "l", *"5", "enter")
        await pilot.pause()
        await pilot.press("enter")  # the solved level, then its result
    elif where == "settings":
        await pilot.press("s")
    await pilot.pause()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("where", "screen_name", "expected_key"),
    [
        ("home", "HomeScreen", "Settings"),
        ("lesson", "LessonScreen", "Next"),
        ("level", "LevelScreen", "Hint"),
        ("result", "ResultScreen", "Retry"),
        ("settings", "SettingsScreen", "Back"),
    ],
)
async def test_question_mark_opens_help_for_that_screen(make_app, where, screen_name, expected_key):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, where)
        assert type(app.screen).__name__ == screen_name
        await pilot.press("question_mark")
        from convquest.ui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        keys = text(app, "#help-keys")
        assert expected_key in keys
        assert "ConvQuest teaches convolution" in text(app, "#help-about")
        await pilot.press("escape")
        assert type(app.screen).__name__ == screen_name


@pytest.mark.slow
async def test_small_terminal_shows_the_size_message_and_comes_back(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "l")
        from convquest.ui.screens.level import LevelScreen
        from convquest.ui.screens.too_small import TooSmallScreen

        level_screen = app.screen
        assert isinstance(level_screen, LevelScreen)
        await pilot.resize_terminal(60, 20)
        await pilot.pause(0.1)
        assert isinstance(app.screen, TooSmallScreen)
        assert "Make the terminal at least 80×24 (now 60×20)" in text(app, "#too-small")
        await pilot.resize_terminal(79, 30)
        await pilot.pause(0.1)
        assert "(now 79×30)" in text(app, "#too-small")
        await pilot.press("question_mark", "h", "escape", "enter")  # nothing here acts or crashes
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.1)
        assert app.screen is level_screen
        assert app.screen.query_one("#ps-answer").region.height > 0
        assert level_screen.run.rung == 0  # the h pressed while too small did not reach it


async def test_starting_too_small_shows_the_message(make_app):
    app = make_app()
    async with app.run_test(size=(70, 24)) as pilot:
        await pilot.pause()
        from convquest.ui.screens.too_small import TooSmallScreen

        assert isinstance(app.screen, TooSmallScreen)
        assert "(now 70×24)" in text(app, "#too-small")


@pytest.mark.slow
async def test_reset_progress_asks_first(make_app, store):
    store.complete_level("t-valid", 3)
    store.record_attempt("t-valid", "5", True, topic="predict-size/conv")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        from convquest.ui.screens.confirm import ConfirmScreen

        await pilot.press("s")
        app.screen.query_one("#setting-reset").press()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # changed their mind
        assert store.stars("t-valid") == 3

        app.screen.query_one("#setting-reset").press()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert store.all_stars() == {}
        assert store.attempts() == []
        await pilot.press("escape")
        assert "0 of 5 levels" in text(app, "#home-title")


@pytest.mark.slow
async def test_settings_are_stored_and_applied(make_app, store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        app.screen.query_one("#theme-light").value = True
        app.screen.query_one("#unlock-on").value = True
        app.screen.query_one("#speed-off").value = True
        await pilot.pause()
        assert app.theme == "textual-light"
        assert str(app.screen.query_one("#theme-light").label) == "light ✓"
        assert str(app.screen.query_one("#theme-dark").label) == "dark"
        assert str(app.screen.query_one("#unlock-on").label) == "on ✓"
        assert str(app.screen.query_one("#setting-unlock-state").content) == "every chapter is open"
        app.screen.query_one("#speed-fast").value = True
        await pilot.pause()
        await pilot.press("escape")
        # unlock-all opens the second chapter on the map straight away
        rows = app.screen.query_one("#chapter-map").rows
        assert rows and not any(row.state == "locked" for row in rows)
    assert store.get_setting("theme") == "light"
    assert store.get_setting("unlock_all") == "yes"
    assert store.get_setting("animation_speed") == "fast"


def test_animation_speed_off_stops_animations_and_another_speed_restores_them(make_app):
    app = make_app()
    app._animation_ceiling = "full"  # as in a terminal without TEXTUAL_ANIMATIONS set
    app.save_setting("animation_speed", "off")
    assert app.animation_level == "none"
    app.save_setting("animation_speed", "slow")
    assert app.animation_level == "full"


async def test_theme_setting_is_used_on_next_start(make_app, store):
    store.set_setting("theme", "light")
    app = make_app()
    async with app.run_test(size=(80, 24)):
        assert app.theme == "textual-light"


async def test_no_palette_and_no_key_that_writes_files(make_app):
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)
    from textual.binding import Binding

    from convquest.ui.screens import confirm, help, home, lesson, level, result, settings

    owners = [type(app)] + [
        cls
        for module in (confirm, help, home, lesson, level, result, settings)
        for cls in vars(module).values()
        if isinstance(cls, type) and hasattr(cls, "BINDINGS")
    ]
    actions = [b.action for owner in owners for b in owner.BINDINGS if isinstance(b, Binding)]
    assert "app.pop_screen" in actions  # the scan really read the screens' bindings
    assert not any("screenshot" in action for action in actions)


async def test_q_quits_from_the_map(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.slow
async def test_q_in_the_answer_box_is_typed_and_ctrl_q_quits(make_app, store):
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        assert app.is_running
        assert app.screen.query_one("#ps-answer").value == "q"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running
    assert store.attempts() == []


async def test_map_cursor_is_a_glyph_not_only_a_colour(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.screen.query_one("#chapter-map")

        def marked() -> list[int]:
            lines = [chapter_map.render_line(y).text for y in range(chapter_map.size.height)]
            return [y for y, line in enumerate(lines) if line.startswith("▸")]

        assert marked() == [0]
        await pilot.press("down", "down")
        await pilot.pause()
        assert marked() == [2]  # each row of the test curriculum is one line


async def test_store_notice_is_shown_on_the_map(make_app, store):
    store.notice = "Your progress database could not be read, so it was moved aside."
    app = make_app()
    async with app.run_test(size=(80, 24)):
        assert text(app, "#home-notice") == "! Your progress database could not be read, so it was moved aside."
        assert app.screen.query_one("#home-notice").display


async def test_screenshot_action_writes_nothing(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        # Pointed at tmp_path so the test would see a file if one were written.
        app.action_screenshot(path=str(tmp_path))
        app.save_screenshot(path=str(tmp_path))
        await pilot.pause(0.2)
    written = set(tmp_path.rglob("*")) - before
    assert not [path for path in written if path.suffix == ".svg"]


@pytest.mark.slow
async def test_q_outside_the_answer_box_returns_to_it_instead_of_quitting(make_app):
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.screen.query_one("#ps-answer")
        app.set_focus(None)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        assert app.focused is box and box.value == ""


@pytest.mark.slow
async def test_enter_on_a_setting_keeps_what_is_chosen(make_app, store):
    """Issue 14.6: Tab to "Animation speed" and Enter turned animations off unasked (the
    highlight started on the first choice, whatever was chosen)."""
    from textual.widgets import RadioSet

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        for _ in range(6):
            if getattr(app.focused, "id", None) == "setting-speed":
                break
            await pilot.press("tab")
        assert isinstance(app.focused, RadioSet) and app.focused.id == "setting-speed"
        await pilot.press("enter")
        await pilot.pause()
        assert app.animation_speed == "normal" and store.get_setting("animation_speed") in (None, "normal")
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.animation_speed == "fast"


@pytest.mark.slow
async def test_unlock_all_looks_different_on_and_off_without_colour(make_app, store):
    """Issue 14.6: the unlock-all switch was drawn the same on and off but for its colour."""

    def plain(widget) -> str:
        """The characters drawn for the widget and the widgets inside it, colours dropped."""
        parts = [widget, *widget.query("*")]
        return "\n".join(part.render_line(y).text for part in parts for y in range(part.size.height))

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        widget = app.screen.query_one("#setting-unlock")
        off = plain(widget)
        for _ in range(6):
            if app.focused is widget:
                break
            await pilot.press("tab")
        assert app.focused is widget
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.unlock_all
        assert plain(widget) != off


async def test_settings_open_with_the_first_setting_focused_so_arrows_and_space_work(make_app, store):
    from textual.widgets import RadioSet

    from convquest.ui.widgets.key_footer import shown_keys

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#setting-theme", RadioSet)
        # The footer offers the keys that now work, not only Back.
        shown = {(key.display, key.description) for key in shown_keys(app.screen)}
        assert {("←→", "Move"), ("space", "Choose")} <= shown
        await pilot.press("right", "space")
        await pilot.pause()
        assert store.get_setting("theme") == "light"
        # Tab goes round the settings and the button only, never to the scrolling body.
        stops = []
        for _ in range(4):
            await pilot.press("tab")
            stops.append(app.focused.id)
        assert stops == ["setting-speed", "setting-unlock", "setting-reset", "setting-theme"]


@pytest.mark.parametrize("where", ["level", "settings"])
async def test_help_names_each_key_as_the_footer_does(make_app, where):
    from textual.binding import Binding

    from convquest.ui.widgets.key_footer import shown_keys

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, where)
        footer = {key.description: key.display for key in shown_keys(app.screen)}
        await pilot.press("question_mark")
        rows = [line.split(None, 1) for line in text(app, "#help-keys").splitlines()[1:]]
        keys = {description: key for key, description in rows}
        for description, display in footer.items():
            assert keys[description] == display
        # Keys the screen names itself (enter in the answer box, tab) and ctrl+q: in the same form.
        names = " ".join(keys.values())
        assert "enter" not in names and "ctrl" not in names and "⏎" in names
        assert keys["Quit from anywhere"] == app.get_key_display(Binding("ctrl+q", ""))
