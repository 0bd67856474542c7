"""KeyFooter (issue 21): the same keys as Textual's Footer, in its order, on one line that redraws when
the bindings change, answers clicks, fits 80 columns by whole entries and reads without colour."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.screen import Screen
from textual.widgets import Footer, Input

from convquest.engine.arithmetic import conv_output_size
from convquest.levels.loader import load_curriculum
from convquest.ui.widgets.key_footer import HELP_KEY, MORE, KeyFooter, ShownKey, fit
from tests.ui.shell_helpers import type_answer


class Keys(Screen[None]):
    AUTO_FOCUS = ""  # the text box would take the letters: it is focused only where the test says
    BINDINGS = [
        Binding("a", "go", "Go"),
        Binding("b", "go", "Go again"),  # the same action: Footer shows only the first key
        Binding("c", "hidden", "Hidden", show=False),
        Binding("d", "later", "Later"),  # greyed out until `ready`
        Binding("e", "gone", "Gone"),  # left out once `ready`
        Binding("ctrl+f", "go_far", "Far", key_display="F!"),  # drawn as its key_display
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ready = False
        self.went = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "later":
            return True if self.ready else None
        if action == "gone":
            return not self.ready
        return True

    def compose(self) -> ComposeResult:
        yield Input(id="box")
        yield Footer()  # Textual's own, as the reference
        yield KeyFooter()

    def action_go(self) -> None:
        self.went += 1

    def action_go_far(self) -> None:
        self.went += 10


class KeysApp(App[None]):
    ENABLE_COMMAND_PALETTE = False  # as in ConvQuest's apps; KeyFooter leaves its key out
    BINDINGS = [Binding("q", "quit", "Quit"), Binding(HELP_KEY, "bell", "Help")]

    def get_default_screen(self) -> Screen[None]:
        return Keys()


Shown = tuple[str, str, str, bool]


def footers(app: App[None]) -> tuple[list[Shown], list[Shown]]:
    """(key, display, description, disabled) of Textual's Footer and of the KeyFooter on the screen."""
    textual = [(key.key, key.key_display, key.description, key._disabled) for key in app.screen.query("FooterKey")]
    ours = [(key.key, key.display, key.description, not key.enabled) for key in app.screen.query_one(KeyFooter).keys]
    return textual, ours


async def test_the_keys_and_their_order_are_textuals_and_follow_state_and_focus():
    app = KeysApp()
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        textual, ours = footers(app)
        assert ours == textual
        assert [description for _, _, description, _ in ours] == ["Go", "Later", "Gone", "Far", "Quit", "Help"]
        footer = app.screen.query_one(KeyFooter)
        assert footer.render_line(0).text.startswith(" a Go  d Later  e Gone  F! Far  q Quit  ? Help ")
        # A state change that the screen announces redraws the line.
        app.screen.ready = True
        app.screen.refresh_bindings()
        await pilot.pause()
        textual, ours = footers(app)
        assert ours == textual and "Gone" not in footer.render_line(0).text
        assert ("d", "d", "Later", False) in ours
        # So does focus: the text box takes q, and Textual drops it from the bindings.
        app.screen.query_one("#box").focus()
        await pilot.pause()
        textual, ours = footers(app)
        assert ours == textual and "Quit" not in footer.render_line(0).text


async def test_a_click_on_an_entry_presses_its_key_and_a_greyed_one_rings():
    app = KeysApp()
    rang: list[bool] = []
    app.bell = lambda: rang.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(KeyFooter).render_line(0).text
        await pilot.click(KeyFooter, offset=(line.index("Go"), 0))
        await pilot.pause()
        assert app.screen.went == 1 and not rang
        await pilot.click(KeyFooter, offset=(line.index(" d "), 0))
        await pilot.pause()
        assert rang == [True]
        await pilot.click(KeyFooter, offset=(len(line.rstrip()) + 2, 0))  # past the last entry: nothing
        await pilot.pause()
        assert app.screen.went == 1 and rang == [True]


@pytest.mark.slow
async def test_the_home_screen_shows_its_keys_and_a_click_opens_practice(make_app):
    from convquest.ui.practice.setup_screen import SetupScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        described = [key.description for key in footer.drawn]
        assert described == ["Open", "Practice", "Exam", "Report", "Playground", "Settings", "Help", "Quit"]
        line = footer.render_line(0).text
        await pilot.click(KeyFooter, offset=(line.index("Practice"), 0))
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)


@pytest.mark.slow
async def test_a_level_footer_offers_the_result_once_solved(make_app):
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        assert "Result" not in footer.render_line(0).text
        params = app.screen.level.params
        await type_answer(pilot, str(conv_output_size(params["i"], params["k"], params["p"], params["s"])))
        assert app.screen.run.solved
        assert "⏎ Result" in footer.render_line(0).text


def entries(*descriptions: str) -> list[ShownKey]:
    return [
        ShownKey(HELP_KEY if d == "Help" else d[0].lower(), "?" if d == "Help" else d[0].lower(), d, True)
        for d in descriptions
    ]


def test_fit_drops_whole_entries_from_the_end_and_keeps_the_help_last():
    keys = entries("Mark", "Check", "Help", "Clear", "Quit")
    whole = sum(key.width for key in keys)
    assert fit(keys, whole) == (keys, False)
    for width in range(keys[2].width + len(MORE) + 1, whole):
        kept, cut = fit(keys, width)
        assert cut and kept[-1].key == HELP_KEY
        others = [key for key in keys if key.key != HELP_KEY]
        assert kept[:-1] == others[: len(kept) - 1]  # a prefix: whole entries, in order
        assert sum(key.width for key in kept) + len(MORE) + 1 <= width
        # Not one entry more would have fitted.
        if len(kept) - 1 < len(others):
            assert sum(key.width for key in kept) + len(MORE) + 1 + others[len(kept) - 1].width > width


async def test_at_80_columns_the_receptive_field_level_ends_with_the_help_not_half_a_word(store):
    from convquest.ui.app import ConvQuestApp

    curriculum = load_curriculum()
    level = next(
        level for chapter in curriculum.chapters for level in chapter.levels if level.kind == "receptive-field"
    )
    app = ConvQuestApp(curriculum=curriculum, store=store, start_level=level.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        assert sum(key.width for key in footer.keys) > 80  # the screen with the most keys: they do not all fit
        line = footer.render_line(0).text
        assert len(line) == 80
        assert line.rstrip().endswith(f"{MORE}  ? Help")
        for key in footer.drawn:
            assert f" {key.display} {key.description} " in line
        for key in footer.keys:
            if key not in footer.drawn:
                assert key.description not in line


async def test_without_colour_the_key_is_bold_and_its_description_is_not(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        segments = list(app.screen.query_one(KeyFooter).render_line(0))
        for line_filter in app._filters:  # what reaches the terminal: colours made grey
            segments = line_filter.apply(segments, Color(0, 0, 0))
        styles = {segment.text.strip(): segment.style for segment in segments if segment.text.strip()}
        assert styles["p"].bold and styles["?"].bold
        assert not styles["Practice"].bold and not styles["Help"].bold


async def test_in_the_dark_and_the_light_theme_it_has_the_colours_of_textuals_footer():
    app = KeysApp()
    backgrounds = set()
    async with app.run_test(size=(100, 10)) as pilot:
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            footer = app.screen.query_one(KeyFooter)
            textual = app.screen.query("FooterKey").first()
            assert footer.rich_style.bgcolor == app.screen.query_one(Footer).rich_style.bgcolor
            backgrounds.add(footer.rich_style.bgcolor)
            for ours, theirs in (
                ("key-footer--key", "footer-key--key"),
                ("key-footer--description", "footer-key--description"),
            ):
                mine, reference = footer.get_component_rich_style(ours), textual.get_component_rich_style(theirs)
                assert (mine.color, mine.bgcolor, mine.bold) == (reference.color, reference.bgcolor, reference.bold), (
                    theme
                )
    assert len(backgrounds) == 2  # the themes did change it


async def test_hovering_an_entry_marks_it_until_the_mouse_leaves():
    app = KeysApp()
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        plain = list(footer.render_line(0))
        line = footer.render_line(0).text
        await pilot.hover(KeyFooter, offset=(line.index("Later"), 0))
        hovered = list(footer.render_line(0))
        changed = [segment.text for segment, before in zip(hovered, plain, strict=True) if segment != before]
        assert changed == [" d ", "Later "]  # that entry alone, key and description
        assert footer.styles.pointer == "pointer"  # a hand, as over Textual's FooterKey, where terminals draw one
        await pilot.hover(KeyFooter, offset=(len(line.rstrip()) + 2, 0))  # the blank after the last entry
        assert list(footer.render_line(0)) == plain and footer.styles.pointer == "default"
        await pilot.hover(KeyFooter, offset=(line.index("Go"), 0))
        await pilot.hover(Input)  # off the footer
        assert list(footer.render_line(0)) == plain and footer.styles.pointer == "default"


class NoKeys(App[None]):
    ENABLE_COMMAND_PALETTE = False

    def compose(self) -> ComposeResult:
        yield KeyFooter()


async def test_a_screen_without_keys_draws_an_empty_footer_and_ignores_clicks():
    app = NoKeys()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        assert footer.keys == [] and footer.render_line(0).text == " " * 40
        await pilot.click(KeyFooter, offset=(3, 0))
        await pilot.hover(KeyFooter, offset=(3, 0))
        assert footer.render_line(0).text == " " * 40
