"""The formula card at 80×24: every formula of the last chapter reachable, a longer card scrolls and says so."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.containers import VerticalScroll

from convquest.engine.problems.ladder import ALL_TAUGHT
from convquest.play.formulas import formula_card
from convquest.ui.screens.formulas import FormulaCard


class CardApp(App[None]):
    def __init__(self, lines: tuple[str, ...]) -> None:
        super().__init__()
        self.lines = lines

    def on_mount(self) -> None:
        self.push_screen(FormulaCard(self.lines))


async def test_every_formula_taught_by_the_last_chapter_is_on_the_card_at_80x24():
    app = CardApp(formula_card(ALL_TAUGHT))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#formula-box", VerticalScroll)
        lines = app.screen.query_one("#formula-lines")
        assert box.region.bottom <= 23  # above the footer
        assert box.max_scroll_y == 0 and box.border_subtitle == ""
        assert lines.region.bottom <= box.region.bottom - 1  # the multiply-adds item's last row inside the border
        assert any("multiply-adds" in line for line in app.lines)


@pytest.mark.slow
async def test_a_card_longer_than_the_screen_scrolls_to_its_last_line_and_says_so():
    lines = tuple(f"formula {n}: o = i − k + {n}" for n in range(40))
    app = CardApp(lines)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#formula-box", VerticalScroll)
        assert box.max_scroll_y > 0 and "more" in box.border_subtitle
        assert app.screen.focused is box  # the arrows scroll it straight away
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y > 0
