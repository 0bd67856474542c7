"""What a new student tripped on in the first hour (issue 14), in the shipped curriculum."""

from __future__ import annotations

import itertools
import re

import pytest

from convquest.levels import load_curriculum
from convquest.ui.app import ConvQuestApp
from convquest.ui.widgets.chapter_map import ChapterMap


@pytest.fixture
def shipped_app(store, tmp_path):
    curriculum = load_curriculum(cache_dir=tmp_path / "cache")

    def make(start_level: str | None = None) -> ConvQuestApp:
        return ConvQuestApp(curriculum=curriculum, store=store, start_level=start_level)

    return make


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_long_chapter_title_is_not_cut_on_the_map_or_the_level(shipped_app, size):
    """Issue 14.4: "Stacking: channels, pooling, receptive field, a whole network" was cut to
    "…a whole net" on the map and pushed the level's own title off the level screen at 80×24."""
    chapter = next(c for c in shipped_app().curriculum.chapters if c.title.endswith("a whole network"))
    app = shipped_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        chapter_map = app.screen.query_one("#chapter-map", ChapterMap)
        index = next(n for n, row in enumerate(chapter_map.rows) if row.id == f"chapter:{chapter.id}")
        chapter_map.highlighted = index
        await pilot.pause()
        # What the map draws: the row's lines, from its ▸ down to the next row's first line.
        lines = [chapter_map.render_line(y).text for y in range(chapter_map.size.height)]
        first = next(y for y, line in enumerate(lines) if line.startswith("▸"))
        shown = [lines[first]] + list(itertools.takewhile(lambda line: line.startswith("     "), lines[first + 1 :]))
        prompt = re.sub(r"\s+(locked|\d+/\d+ ★)", "", "\n".join(shown).lstrip("▸"))
        assert chapter.title in " ".join(prompt.split())
    level = chapter.levels[0]
    app = shipped_app(level.id)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        title = app.screen.query_one("#level-title")
        line = title.render_line(0).text.rstrip()
        assert line.endswith(level.title)
        assert line.lstrip().startswith(chapter.title[:8])


def board_text(app) -> str:
    return str(app.screen.query_one("#ps-board-text").content)


@pytest.mark.slow
async def test_a_5x5_kernel_is_drawn_whole_without_a_scroll_bar_at_80x24(shipped_app):
    """Issue 14.4: "A 5×5 kernel" showed two of the kernel's five rows before a scroll bar."""
    app = shipped_app("arithmetic-2")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        board = app.screen.query_one("#ps-board")
        text = board_text(app)
        assert sum(line.count("◆") == 5 for line in text.splitlines()) == 5
        assert board.max_scroll_y == 0 and board.max_scroll_x == 0


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_14x14_input_is_drawn_and_a_wide_screen_gives_the_board_room(shipped_app, size):
    """Issue 14.9: "(a 14×14 input is too big to draw)" on the 28-column board at 80×24, and at
    200×50 the answer box took about 170 columns while the board stayed 30 wide."""
    level = "arithmetic-5"
    app = shipped_app(level)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        i = dict(app.screen.problem.params())["i"]
        text = board_text(app)
        assert "too big" not in text
        assert sum(line.count("■") == i for line in text.splitlines()) == i
        board = app.screen.query_one("#ps-board")
        assert board.max_scroll_x == 0
        if size[0] == 200:
            assert board.size.width >= 50
            # With the room, cells are drawn a space apart again.
            assert any(line.startswith("■ ■ ■") for line in text.splitlines())


# The lesson box at 80×24: the screen less the border, the padding and a scroll bar's two columns.
LESSON_COLUMNS = 80 - 2 - 2 - 2


def test_lines_a_lesson_keeps_as_written_fit_an_80_column_lesson_box():
    """Issue 14.4: transposed page 2 wrapped "(same padding stays / same)". Prose is re-wrapped to
    the box, but indented lines (figures, sums) are kept as written, so they must fit."""
    from convquest.ui.widgets.prose import reflow

    too_wide = [
        (chapter.id, number, line)
        for chapter in load_curriculum().chapters
        for number, page in enumerate(chapter.lesson, start=1)
        for line in reflow(page).splitlines()
        if line[:1].isspace() and len(line) > LESSON_COLUMNS
    ]
    assert too_wide == []


KINDS = ("predict-size", "count-params", "fill-cells", "match-kernel", "receptive-field")


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("turns", [0, 1, 2])
async def test_a_level_left_in_the_burst_of_keys_that_opened_it_does_not_crash(shipped_app, kind, turns):
    """Issue 14.15: the monkey's `NoMatches: No nodes match '#l…'`. Enter on the map then Escape
    faster than a frame popped the level while it was still mounting; the pop pruned its widgets
    and its own Mount handlers (the level screen's, the panel's) then queried children already
    gone. Here the pop comes `turns` loop turns after the push, before the mount is done."""
    import asyncio

    from convquest.ui.screens.home import HomeScreen

    app = shipped_app()
    level = next(level for level in app.curriculum.levels if level.kind == kind)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_level(level)
        for _ in range(turns):
            await asyncio.sleep(0)
        opened = app.screen
        assert not opened.is_mounted  # the race: still mounting when it is popped
        app.pop_screen()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app._exception is None


# -- issue 14.16: the mouse ------------------------------------------------------------------


@pytest.mark.slow
async def test_clicking_a_receptive_field_cell_marks_it(shipped_app):
    from convquest.ui.board.receptive import ReceptiveFieldPanel
    from convquest.ui.board.widget import Board

    level = next(level for level in shipped_app().curriculum.levels if level.kind == "receptive-field")
    app = shipped_app(level.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(ReceptiveFieldPanel)
        board = panel.query_one(Board)
        place = board._picture.places["input"]
        r, c = panel.pad + 1, panel.pad + 2  # a cell inside the padding ring
        x, y, _, _ = place.region(r, c)
        await pilot.click(Board, offset=(x + 1 - board.scroll_offset.x, y - board.scroll_offset.y))
        await pilot.pause()
        assert panel.marked == {(1, 2)} and panel.cursor == (1, 2)
        await pilot.click(Board, offset=(x + 1 - board.scroll_offset.x, y - board.scroll_offset.y))
        await pilot.pause()
        assert panel.marked == set()


@pytest.mark.slow
async def test_clicking_a_palette_kernel_tries_it(shipped_app, store):
    from textual.widgets import OptionList

    app = shipped_app("kernels-2")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#palette-list", OptionList)
        await pilot.click("#palette-list", offset=(3, 3))  # the third kernel (under the border)
        await pilot.pause()
        attempts = store.attempts("kernels-2")
        assert len(attempts) == 1 and attempts[0].answer == options.get_option_at_index(2).id


@pytest.mark.slow
async def test_clicking_a_chapter_on_the_map_opens_its_lesson(shipped_app):
    from convquest.ui.screens.lesson import LessonScreen

    app = shipped_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#chapter-map", offset=(4, 1))  # the first chapter's row
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.chapter is app.curriculum.chapters[0]


@pytest.mark.slow
async def test_clicking_the_lesson_pager_turns_the_page(shipped_app):
    from convquest.ui.screens.lesson import LessonScreen

    app = shipped_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_lesson(app.curriculum.chapters[0])
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen) and screen.page == 0
        pager = screen.query_one("#lesson-pager")
        text = pager.render_line(0).text
        await pilot.click("#lesson-pager", offset=(text.index("next"), 0))
        await pilot.pause()
        assert screen.page == 1
        text = pager.render_line(0).text
        await pilot.click("#lesson-pager", offset=(text.index("previous"), 0))
        await pilot.pause()
        assert screen.page == 0
