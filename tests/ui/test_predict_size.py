"""predict-size and count-params panels: answered part by part, slips, board, never crashing."""

from __future__ import annotations

import pytest
from shell_helpers import see_result, text, type_answer


@pytest.mark.slow
async def test_network_is_answered_layer_by_layer(make_app, store):
    app = make_app(start_level="t-net")
    async with app.run_test(size=(80, 24)) as pilot:
        assert "→ after layer 1  (part 1 of 2)" in text(app, "#ps-parts")
        assert "part 1 of 2" in text(app, "#level-status")

        await type_answer(pilot, "1x24x24")  # kept the input channels: the engine says why
        assert "one channel per filter" in text(app, "#ps-feedback-text")

        await type_answer(pilot, "6x24x24")
        assert "→ after layer 2" in text(app, "#ps-parts")
        assert "1. conv 5×5 →6\n   ✓ 6x24x24" in text(app, "#ps-board-text")  # the board keeps it
        assert text(app, "#ps-feedback-text").startswith("✓ Right.")

        await type_answer(pilot, "24")  # one number is not a C×H×W shape: a slip
        assert "no penalty" in text(app, "#ps-feedback-text")

        await type_answer(pilot, "6x12x12")
        await see_result(pilot)
        assert "★★☆" in text(app, "#result-stars")
    assert [(a.part, a.answer, a.correct) for a in store.attempts("t-net")] == [
        (0, "1x24x24", False),
        (0, "6x24x24", True),
        (1, "6x12x12", True),
    ]
    assert store.stars("t-net") == 2


@pytest.mark.slow
async def test_count_params_asks_conv_then_dense(make_app, store):
    app = make_app(start_level="t-count")
    async with app.run_test(size=(80, 24)) as pilot:
        assert "→ conv layer" in text(app, "#ps-parts")
        await type_answer(pilot, "224")  # 8·3·3·3 + 8
        assert "→ dense layer" in text(app, "#ps-parts")
        await type_answer(pilot, "555,84")  # thousands come in groups of three (issue 14.3)
        assert "no penalty" in text(app, "#ps-feedback-text")
        await type_answer(pilot, "55,584")  # 3·8·8 = 192 inputs · 288 outputs + 288 biases
        await see_result(pilot)
        assert "★★★" in text(app, "#result-stars")
        assert "Parameter sharing" in text(app, "#result-explanation")
    assert [(a.part, a.correct) for a in store.attempts("t-count")] == [(0, True), (1, True)]


async def test_board_draws_the_layer(make_app):
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)):
        board = text(app, "#ps-board-text")
        assert "input i         7" in board and "kernel k        3" in board
        assert board.count("■") == 49  # the 7×7 input, drawn
        assert board.count("◆") == 9  # the 3×3 kernel


@pytest.mark.slow
async def test_hints_climb_the_ladder_to_its_top_without_costing_more(make_app, store):
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h", "h", "h", "h")
        assert "hint 3 of 3" in text(app, "#level-status")
        said = text(app, "#ps-feedback-text")
        assert "every hint" in said and "s shows the solution" in said
        assert app.screen.run.words()[-1] in said  # rung 3: the steps short of the last
        await type_answer(pilot, "5")
        await see_result(pilot)
        assert "★☆☆" in text(app, "#result-stars")
    assert [a.hints for a in store.attempts("t-valid")] == [3]


@pytest.mark.slow
async def test_any_key_on_the_level_screen_is_safe(make_app, store):
    app = make_app(start_level="t-net")
    keys = [
        "tab",
        "tab",
        "up",
        "down",
        "pageup",
        "pagedown",
        "home",
        "end",
        "left",
        "right",
        "backspace",
        "delete",
        "enter",
        "enter",
        "space",
        "x",
        "ctrl+a",
        "ctrl+e",
        "ctrl+u",
        "shift+tab",
        "f1",
        "ctrl+z",
        "minus",
        "9",
        "9",
        "9",
        "9",
        "9",
        "9",
        "9",
        "9",
        "9",
        "enter",
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        for key in keys:
            await pilot.press(key)
        from convquest.ui.screens.level import LevelScreen

        assert isinstance(app.screen, LevelScreen)
        await type_answer(pilot, "9")  # still answerable after all that
        assert "no penalty" in text(app, "#ps-feedback-text")
    assert all(not a.correct for a in store.attempts("t-net"))


@pytest.mark.slow
async def test_once_solved_the_board_shows_the_last_window_from_the_engine(make_app):
    app = make_app(start_level="t-stride")  # 8×8, k 3, stride 2: the last column is never reached
    async with app.run_test(size=(80, 24)) as pilot:
        assert "why:" not in text(app, "#ps-board-text")
        await type_answer(pilot, "4")  # rounded up
        assert "that fits" not in text(app, "#ps-board-text")  # the last window would give the answer away
        await type_answer(pilot, "3")
        board = text(app, "#ps-board-text")
        assert "that fits: output (2, 2)" in board
        grid = [line for line in board.splitlines() if line.startswith(("■", "◆"))]
        assert len(grid) == 8
        # the window covers columns and rows 4..6; row/column 7 is left over: the floor
        assert grid[4] == "■ ■ ■ ■ ◆ ◆ ◆ ■"
        assert grid[7] == "■ ■ ■ ■ ■ ■ ■ ■"
        await see_result(pilot)
        assert "that fits: output (2, 2)" in text(app, "#result-picture")


def test_why_pictures_for_transposed_and_same_padding():
    from convquest.ui.kinds.why import why_lines

    transposed = why_lines({"variant": "transposed", "i": 3, "k": 3, "p": 1, "s": 2, "d": 1, "a": 1})
    assert "a 3×3 window gives 6×6" in transposed  # the engine's output shape
    assert transposed[4] == "· ■ ∘ ■ ∘ ■ · ·"  # zeros between the cells, the extra pad from a
    same = why_lines({"variant": "padding", "i": 5, "k": 3, "padding": "same", "s": 1, "d": 1})
    assert same[-2] == "· ■ ■ ■ ◆ ◆ ◇"  # the last window reaches into the padding ring
    assert why_lines({"variant": "network", "input": [1, 8, 8], "layers": []}) == []
    # the stride is what is asked: no picture drawn with a made-up one
    assert why_lines({"variant": "solve-stride", "i": 8, "k": 5, "o": 2, "p": 0, "d": 1}) == []


@pytest.mark.slow
async def test_after_a_wrong_answer_the_next_one_typed_replaces_it(make_app, store):
    # The playtest typed 1, was told why it was wrong, typed 2 and got 12.
    app = make_app(start_level="t-valid")
    async with app.run_test(size=(80, 24)) as pilot:
        box = app.screen.query_one("#ps-answer")
        box.focus()
        await pilot.press("4", "enter")
        await pilot.pause()
        assert box.value == "4" and "✗" in text(app, "#ps-feedback-text")
        await pilot.press("5")
        assert box.value == "5"
