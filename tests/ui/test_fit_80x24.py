"""Shipped levels a playtest found cut or scrolling at 80×24: the whole question and the whole board in view."""

from __future__ import annotations

from textual.widgets import Input, Static

from convquest.levels import load_curriculum
from convquest.ui.board.widget import Board

CURRICULUM = load_curriculum()


def whole(widget: Static) -> bool:
    """Every wrapped line of the widget's text is inside its region."""
    room = widget.content_region
    return widget.get_content_height(room.size, widget.app.size, room.width) <= room.height


async def test_the_pooled_shift_question_is_shown_whole_down_to_how_to_answer(store):
    from convquest.ui.app import ConvQuestApp

    app = ConvQuestApp(curriculum=CURRICULUM, store=store, start_level="stacking-pool-shift-2")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        prompt = app.screen.query_one("#match-prompt", Static)
        assert str(prompt.content).endswith("Answer row,col.")
        assert whole(prompt)


async def test_the_reflect_padding_board_needs_no_scrolling_even_at_the_last_rung(store):
    from convquest.ui.app import ConvQuestApp

    app = ConvQuestApp(curriculum=CURRICULUM, store=store, start_level="padding-reflect")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for wrong in ("100", "101", "102", "103"):  # three rungs, then one more wrong answer on top
            box = app.screen.query_one("#fc-answer", Input)
            box.focus()
            box.value = wrong
            await pilot.press("enter")
            await pilot.pause()
            board = app.screen.query_one(Board)
            assert board.virtual_size.height <= board.size.height, (wrong, board.virtual_size, board.size)
        assert app.screen.run.rung_of(0) == 3
