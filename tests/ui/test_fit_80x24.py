"""Shipped levels a playtest found cut or scrolling at 80×24: the whole question and the whole board in view."""

from __future__ import annotations

import pytest
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


@pytest.mark.slow
async def test_the_reflect_padding_board_needs_no_scrolling_even_at_the_last_rung(store):
    from convquest.ui.app import ConvQuestApp

    app = ConvQuestApp(curriculum=CURRICULUM, store=store, start_level="padding-reflect")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        run = app.screen.run
        step = run.problem.trace.steps[0]
        left_out = [str(int(step.total - p)) for p in step.products.ravel() if p]

        async def answer(text: str) -> Static:
            box = app.screen.query_one("#fc-answer", Input)
            box.focus()
            box.value = text
            await pilot.press("enter")
            await pilot.pause()
            feedback = app.screen.query_one("#fc-feedback", Static)
            assert whole(feedback), (text, str(feedback.content))  # what the player asked for, never cut
            return feedback

        # Three rungs, then a slip the engine names on top: the board still needs no scrolling.
        for wrong in ("100", "101", "102"):
            await answer(wrong)
            board = app.screen.query_one(Board)
            assert board.virtual_size.height <= board.size.height, (wrong, board.virtual_size, board.size)
        slips = {}
        for text in dict.fromkeys(left_out):  # each a slip the engine names, one a misread border
            said = await answer(text)
            slips[run.last_verdict.mistake] = str(said.content)
            if run.last_verdict.mistake == "forgot_product":
                board = app.screen.query_one(Board)
                assert board.virtual_size.height <= board.size.height, (text, board.virtual_size, board.size)
        # "✗ Wrong." and a short slip share a line, as on the receptive-field board.
        assert slips["forgot_product"].startswith("✗ Wrong. You left out")
        said = await answer(left_out[0])  # a repeat: the rung and the repeat's line under it, in view
        assert "You tried" in str(said.content).splitlines()[-1]
