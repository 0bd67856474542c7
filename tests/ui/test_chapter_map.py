"""The chapter map (convquest/ui/widgets/chapter_map.py): one Line-API widget whose keys, ▸, clicks
and messages are what the OptionList before it gave the player, and a move redraws two lines."""

from __future__ import annotations

import itertools

import pytest
from shell_helpers import see_result, text, type_answer
from textual import events
from textual.app import App, ComposeResult

from convquest.ui.screens.home import HomeScreen
from convquest.ui.widgets.chapter_map import ChapterMap, MapRow

# The test curriculum (tests/ui/conftest.py) as the map lays it out, a line a row at 80 columns.
ROWS = ["chapter:t-arith", "level:t-valid", "level:t-stride", "chapter:t-later", "level:t-pad"]


def drawn(chapter_map: ChapterMap) -> list[str]:
    """The lines the map draws now, top to bottom."""
    return [chapter_map.render_line(y).text for y in range(chapter_map.size.height)]


def cursor_lines(chapter_map: ChapterMap) -> list[int]:
    return [y for y, line in enumerate(drawn(chapter_map)) if line.startswith("▸")]


class MapApp(App[None]):
    """A map alone, with rows of its own, and the messages it posted."""

    def __init__(self, rows: list[MapRow]) -> None:
        super().__init__()
        self.rows = rows
        self.messages: list[ChapterMap.Highlighted | ChapterMap.Selected] = []

    def compose(self) -> ComposeResult:
        yield ChapterMap(id="chapter-map")

    def on_mount(self) -> None:
        chapter_map = self.query_one(ChapterMap)
        chapter_map.styles.height = "1fr"
        chapter_map.set_rows(self.rows)
        chapter_map.focus()

    def on_chapter_map_highlighted(self, message: ChapterMap.Highlighted) -> None:
        self.messages.append(message)

    def on_chapter_map_selected(self, message: ChapterMap.Selected) -> None:
        self.messages.append(message)


def many_rows(count: int = 60) -> list[MapRow]:
    return [MapRow(f"level:l{n}", f"   ✓ Level {n}", "★☆☆", hang=5) for n in range(count)]


LONG = "Stacking: pooling, receptive field, a whole network, and then some more words"


def long_rows() -> list[MapRow]:
    return [
        MapRow("chapter:a", f"1. {LONG}", " 3/9 ★", hang=3),
        MapRow("level:a1", "   ✓ A level whose title is as long as a chapter's title is", "★★☆", hang=5),
        MapRow("chapter:b", "2. Short", "locked", hang=3),
    ]


async def test_keys_move_the_highlight_and_the_cursor_follows(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.screen.query_one("#chapter-map", ChapterMap)
        assert [row.id for row in chapter_map.rows][: len(ROWS)] == ROWS
        assert chapter_map.has_focus and chapter_map.highlighted == 0 and cursor_lines(chapter_map) == [0]
        await pilot.press("down", "down")
        assert chapter_map.highlighted == 2 and cursor_lines(chapter_map) == [2]
        await pilot.press("up")
        assert chapter_map.highlighted == 1 and cursor_lines(chapter_map) == [1]
        await pilot.press("end")
        last = len(chapter_map.rows) - 1
        assert chapter_map.highlighted == last and cursor_lines(chapter_map) == [last]
        await pilot.press("down")  # the end stays the end
        assert chapter_map.highlighted == last
        await pilot.press("home", "up")
        assert chapter_map.highlighted == 0 and cursor_lines(chapter_map) == [0]


@pytest.mark.slow
async def test_page_keys_move_a_page_and_the_highlight_stays_in_view():
    app = MapApp(many_rows())
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.query_one(ChapterMap)
        page = chapter_map.scrollable_content_region.height
        await pilot.press("pagedown")
        assert chapter_map.highlighted == page
        assert cursor_lines(chapter_map) == [page - chapter_map.scroll_offset.y]  # scrolled into view
        await pilot.press("pagedown", "pagedown", "pagedown")
        assert chapter_map.highlighted == len(app.rows) - 1
        assert drawn(chapter_map)[-1].startswith("▸ ") and "Level 59" in drawn(chapter_map)[-1]
        await pilot.press("pageup")
        assert chapter_map.highlighted == len(app.rows) - 1 - page
        await pilot.press("pageup", "pageup", "pageup")
        assert chapter_map.highlighted == 0 and chapter_map.scroll_offset.y == 0


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 16), (40, 40)])
async def test_a_smaller_terminal_keeps_the_highlighted_row_in_view(size):
    # Shorter, the bottom rows fall out of the view; narrower, the rows wrap and push it down.
    app = MapApp([*long_rows(), *many_rows(40), *long_rows()])
    async with app.run_test(size=(120, 40)) as pilot:
        chapter_map = app.query_one(ChapterMap)
        await pilot.press("end", "up")
        assert len(cursor_lines(chapter_map)) == 1
        await pilot.resize_terminal(*size)
        await pilot.pause()
        assert chapter_map.size.width < 120 or chapter_map.size.height < 40
        lines = drawn(chapter_map)
        assert [y for y, line in enumerate(lines) if line.startswith("▸")], lines
        assert chapter_map.highlighted == len(app.rows) - 2


async def test_new_rows_and_a_far_highlight_in_the_same_tick_are_in_view():
    app = MapApp(many_rows(5))
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.query_one(ChapterMap)
        chapter_map.set_rows(many_rows(80))
        chapter_map.highlighted = 70  # before any layout has seen the 80 rows
        await pilot.pause()
        assert len(cursor_lines(chapter_map)) == 1 and "Level 70 " in drawn(chapter_map)[cursor_lines(chapter_map)[0]]
        assert chapter_map.vertical_scrollbar.window_virtual_size == 80
        chapter_map.set_rows(many_rows(3))  # fewer: the view goes back to the top, the ▸ to the last row
        await pilot.pause()
        assert chapter_map.scroll_offset.y == 0 and cursor_lines(chapter_map) == [2]


async def test_the_map_posts_its_own_messages_with_the_row_id_and_index():
    app = MapApp(many_rows(5))
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.query_one(ChapterMap)
        await pilot.press("down")
        chapter_map.highlighted = 3
        await pilot.press("enter")
        await pilot.pause()
        assert [(type(m).__name__, m.row_id, m.index) for m in app.messages] == [
            ("Highlighted", "level:l1", 1),
            ("Highlighted", "level:l3", 3),
            ("Selected", "level:l3", 3),
        ]
        assert all(m.control is chapter_map for m in app.messages)
        chapter_map.highlighted = 99  # kept within the rows
        assert chapter_map.highlighted == 4 and chapter_map.highlighted_row == app.rows[4]


@pytest.mark.slow
async def test_enter_opens_a_chapters_lesson_and_a_level(make_app):
    from convquest.ui.screens.lesson import LessonScreen
    from convquest.ui.screens.level import LevelScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, LessonScreen) and app.screen.chapter.id == "t-arith"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("down", "down", "enter")
        assert isinstance(app.screen, LevelScreen) and app.screen.level.id == "t-stride"


async def test_keys_that_arrive_together_open_the_row_they_move_to(make_app):
    from convquest.ui.screens.level import LevelScreen

    # One read from a terminal (a quick typist over SSH) can bring all three: enter must not
    # overtake the arrows typed before it.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for name in ("down", "down", "enter"):
            app.post_message(events.Key(name, None))
        await pilot.pause()
        assert isinstance(app.screen, LevelScreen) and app.screen.level.id == "t-stride"


@pytest.mark.parametrize("row", [ROWS.index("chapter:t-later"), ROWS.index("level:t-pad")])
async def test_a_locked_chapter_or_its_level_says_so_and_stays_on_the_map(make_app, row):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        chapter_map = app.screen.query_one("#chapter-map", ChapterMap)
        chapter_map.highlighted = row
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        assert [n.title for n in app._notifications] == ["Locked"]
        assert "“Test later chapter” is locked" in str(next(iter(app._notifications)).message)


async def test_a_click_on_a_row_opens_it(make_app):
    from convquest.ui.screens.level import LevelScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.screen.query_one("#chapter-map", ChapterMap)
        # Under the border and the padding: the third row, a level.
        await pilot.click(chapter_map, offset=(10, 1 + ROWS.index("level:t-stride")))
        assert isinstance(app.screen, LevelScreen) and app.screen.level.id == "t-stride"
        await pilot.press("escape")
        assert chapter_map.highlighted == ROWS.index("level:t-stride")


async def test_a_click_on_the_second_line_of_a_wrapped_row_is_that_row():
    app = MapApp(long_rows())
    async with app.run_test(size=(60, 24)) as pilot:
        chapter_map = app.query_one(ChapterMap)
        await pilot.click(chapter_map, offset=(10, 2))  # the chapter's second line
        assert chapter_map.highlighted == 0
        assert [(type(m).__name__, m.index) for m in app.messages] == [("Selected", 0)]
        await pilot.press("down")  # a wrapped row is one row
        assert chapter_map.highlighted == 1
        assert cursor_lines(chapter_map) == [len(app.rows[0].lines(chapter_map.scrollable_content_region.width - 2))]


async def test_the_mouse_wheel_scrolls_the_map_and_not_the_highlight():
    app = MapApp(many_rows())
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.query_one(ChapterMap)
        await pilot._post_mouse_events([events.MouseScrollDown], chapter_map, offset=(5, 5))
        assert chapter_map.scroll_offset.y > 0 and chapter_map.highlighted == 0
        top = chapter_map.scroll_offset.y
        assert "Level 0 " not in drawn(chapter_map)[0] and f"Level {top} " in drawn(chapter_map)[0]


async def test_the_wheel_under_a_still_mouse_moves_the_hover_to_the_row_now_under_it():
    app = MapApp(many_rows())
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.query_one(ChapterMap)

        def looks_other() -> list[int]:
            """The lines in view drawn unlike a plain row (the hovered one, the highlighted one)."""
            styles = [next(iter(chapter_map.render_line(y))).style for y in range(chapter_map.size.height)]
            return [y for y, style in enumerate(styles) if style != styles[-1]]

        await pilot.hover(chapter_map, offset=(10, 6))  # the map's line 0 is its border: content line 5
        assert looks_other() == [0, 5]  # the highlighted row 0, the hovered row 5
        await pilot._post_mouse_events([events.MouseScrollDown], chapter_map, offset=(10, 6))
        await pilot.pause()
        assert chapter_map.scroll_offset.y > 0  # row 0 is out of view
        assert looks_other() == [5] and f"Level {5 + chapter_map.scroll_offset.y} " in drawn(chapter_map)[5]
        await pilot.hover(chapter_map, offset=(0, 0))  # onto the border: nothing is hovered
        assert looks_other() == []


async def test_a_move_redraws_only_the_two_rows_that_changed(make_app, monkeypatch):
    drawn_lines: list[int] = []
    render_line = ChapterMap.render_line

    def spy(self: ChapterMap, y: int):  # type: ignore[no-untyped-def]
        drawn_lines.append(y)
        return render_line(self, y)

    monkeypatch.setattr(ChapterMap, "render_line", spy)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chapter_map = app.screen.query_one("#chapter-map", ChapterMap)
        assert len(drawn_lines) >= chapter_map.size.height  # the first paint drew every line
        drawn_lines.clear()
        await pilot.press("down")
        await pilot.pause()
        assert sorted(drawn_lines) == [0, 1]
        drawn_lines.clear()
        await pilot.press("down", "down")
        await pilot.pause()
        assert set(drawn_lines) == {1, 2, 3} and len(drawn_lines) <= 4  # one frame or two


async def test_hovering_redraws_the_row_under_the_mouse():
    app = MapApp(many_rows(5))
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.query_one(ChapterMap)
        before = [list(chapter_map.render_line(y)) for y in (2, 3)]
        await pilot.hover(chapter_map, offset=(10, 3))  # the third row (the map's line 0 is its border)
        hovered, below = (list(chapter_map.render_line(y)) for y in (2, 3))
        assert "".join(s.text for s in hovered) == "".join(s.text for s in before[0])
        assert hovered != before[0] and below == before[1]  # only the row under the mouse looks other


@pytest.mark.slow
async def test_the_map_keeps_its_row_when_it_comes_back_and_after_stars_change(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.screen.query_one("#chapter-map", ChapterMap)
        await pilot.press("down", "down", "enter", "escape")
        assert isinstance(app.screen, HomeScreen) and chapter_map.highlighted == 2
        await pilot.press("up", "enter")
        await type_answer(pilot, "5")
        await see_result(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "1 of 5 levels" in text(app, "#home-title")  # the map was rebuilt with the new stars
        assert chapter_map.highlighted == 1 and cursor_lines(chapter_map) == [1]
        assert drawn(chapter_map)[1].startswith("▸    ✓ Valid, small") and drawn(chapter_map)[1].rstrip().endswith(
            "★★★"
        )


@pytest.mark.parametrize("width", [80, 60])
async def test_a_narrow_map_keeps_the_states_in_a_column_at_the_right_and_wraps_long_titles(width):
    app = MapApp(long_rows())
    async with app.run_test(size=(width, 24)):
        chapter_map = app.query_one(ChapterMap)
        inner = chapter_map.scrollable_content_region.width
        lines = drawn(chapter_map)
        assert all(len(line) == inner for line in lines)
        states = tuple(row.state for row in app.rows)
        starts = [y for y, line in enumerate(lines) if line.rstrip().endswith(states)]
        assert [lines[y].rstrip().endswith(row.state) for y, row in zip(starts, app.rows, strict=True)] == [True] * 3
        ends = {len(lines[y].rstrip()) for y in starts}
        assert len(ends) == 1 and ends.pop() <= inner  # one column, within the map
        for row, start, end in zip(app.rows, starts, [*starts[1:], None], strict=True):
            shown = " ".join(line.strip() for line in lines[start:end] if line.strip())
            assert " ".join(shown.lstrip("▸").replace(row.state, "").split()) == " ".join(row.label.split())
            assert all(more.startswith(" " * (2 + row.hang)) for more in lines[start + 1 : end] if more.strip())
        heights = [b - a for a, b in itertools.pairwise(starts)]
        assert heights[0] > 1  # the long chapter title wraps under itself at both widths
        assert heights[1] == (2 if width == 60 else 1)  # the level's title fits at 80 columns


async def test_under_no_color_the_row_is_told_by_its_cursor(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color and app._filters  # colours really are taken away
        chapter_map = app.screen.query_one("#chapter-map", ChapterMap)
        await pilot.press("down")
        background = app.screen.styles.background
        for y, strip in enumerate(chapter_map.render_line(y) for y in range(len(ROWS))):
            for colour_filter in app._filters:
                strip = strip.apply_filter(colour_filter, background)
            assert strip.text.startswith("▸ ") == (y == 1)


async def test_the_cursor_follows_the_highlight_where_a_theme_draws_every_row_alike():
    # Blurred, the ansi-dark theme gives the highlighted, the hovered and a plain row one style:
    # only the ▸ tells them apart, so a row's cached strips must not outlive its cursor.
    app = MapApp(many_rows(5))
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "ansi-dark"
        chapter_map = app.query_one(ChapterMap)
        chapter_map.blur()
        await pilot.pause()
        plain, highlighted = (
            chapter_map.get_visual_style("chapter-map--row", *extra)
            for extra in ((), ("chapter-map--row-highlighted",))
        )
        assert plain == highlighted  # the case under test
        assert cursor_lines(chapter_map) == [0]
        for row in (1, 2, 0):
            chapter_map.highlighted = row
            await pilot.pause()
            assert cursor_lines(chapter_map) == [row]


@pytest.mark.slow
async def test_a_theme_change_in_the_settings_restyles_the_map_and_the_footer(make_app):
    import re

    from convquest.ui.widgets.key_footer import KeyFooter

    def drawn_now(app) -> tuple[list[list[object]], list[object], str]:  # type: ignore[no-untyped-def]
        chapter_map, footer = app.screen.query_one(ChapterMap), app.screen.query_one(KeyFooter)
        screenshot = re.sub(r"terminal-\d+", "terminal", app.export_screenshot())
        return [list(chapter_map.render_line(y)) for y in range(4)], list(footer.render_line(0)), screenshot

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dark = drawn_now(app)
        await pilot.press("s")
        app.screen.query_one("#theme-light").value = True
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        changed = drawn_now(app)
    fresh = make_app()  # started in the light theme, which the settings stored
    async with fresh.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert fresh.theme == "textual-light"
        light = drawn_now(fresh)
    assert changed == light and changed[0] != dark[0] and changed[1] != dark[1]


@pytest.mark.slow
async def test_a_map_without_rows_and_a_click_below_the_last_row_do_nothing():
    app = MapApp([])
    async with app.run_test(size=(80, 24)) as pilot:
        chapter_map = app.query_one(ChapterMap)
        await pilot.press("down", "pagedown", "end", "pageup", "home", "up", "enter")
        await pilot.click(chapter_map, offset=(5, 3))
        chapter_map.highlighted = 5
        await pilot.pause()
        assert chapter_map.highlighted == 0 and chapter_map.highlighted_row is None and app.messages == []
        assert cursor_lines(chapter_map) == [] and not any(line.strip() for line in drawn(chapter_map))
        chapter_map.set_rows(many_rows(3))
        await pilot.pause()
        assert cursor_lines(chapter_map) == [0]
        await pilot.click(chapter_map, offset=(5, 10))  # the map is taller than its three rows
        assert chapter_map.highlighted == 0 and not any(isinstance(m, ChapterMap.Selected) for m in app.messages)
