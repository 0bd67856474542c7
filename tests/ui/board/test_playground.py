"""The playground: every parameter key, impossible values (the engine's sentence, no crash), and back."""

from __future__ import annotations

import argparse
from dataclasses import replace

import pytest

from convquest.engine.arithmetic import conv_output_shape, pool_output_shape, transposed_output_shape
from convquest.engine.kernels import KERNELS
from convquest.ui.board.player import SweepPlayer
from convquest.ui.board.playground import KERNEL_NAMES, Params, PlaygroundApp, PlaygroundScreen, playground_sweep
from convquest.ui.board.scenes import fmt


def screen_of(app) -> PlaygroundScreen:
    assert isinstance(app.screen, PlaygroundScreen)
    return app.screen


def output_shape(app) -> tuple[int, int]:
    return app.query_one(SweepPlayer).board.scene.grid("output").shape


def error_text(app) -> str:
    return str(app.query_one("#pg-error").render())


@pytest.mark.slow
async def test_each_parameter_key_changes_the_board_as_the_engine_says():
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        assert screen.params == Params()
        assert output_shape(app) == conv_output_shape(5, 3, 1, 1, 1)
        await pilot.press("I", "I")
        assert screen.params.i == 7 and output_shape(app) == conv_output_shape(7, 3, 1)
        await pilot.press("p")
        assert screen.params.p == 0 and output_shape(app) == conv_output_shape(7, 3, 0)
        await pilot.press("S")
        assert output_shape(app) == conv_output_shape(7, 3, 0, 2)
        await pilot.press("s", "D")
        assert output_shape(app) == conv_output_shape(7, 3, 0, 1, 2)
        await pilot.press("d", "K", "K")
        assert screen.params.k == 5 and output_shape(app) == conv_output_shape(7, 5, 0)
        assert app.query_one(SweepPlayer).board.scene.grid("kernel").shape == (5, 5)
        await pilot.press("k", "k", "P")
        assert output_shape(app) == (7, 7)
        formula = app.query_one(SweepPlayer).board.scene.text()
        assert "⌊(7 + 1 + 1 − 1·(3−1) − 1) / 1⌋ + 1 = 7" in formula


@pytest.mark.slow
async def test_padding_modes_cycle_and_same_keeps_the_size():
    app = PlaygroundApp(Params(i=6, k=3, p=0))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        seen = []
        for _ in range(4):
            await pilot.press("m")
            seen.append((screen.params.mode, output_shape(app)))
        assert seen == [("valid", (4, 4)), ("same", (6, 6)), ("full", (8, 8)), (None, (4, 4))]
        await pilot.press("m", "m", "P")  # a number leaves the named mode
        assert screen.params.mode is None and screen.params.p == 1


@pytest.mark.slow
async def test_operations_cycle_through_transposed_and_both_poolings():
    app = PlaygroundApp(Params(i=4, k=2, p=0, s=2))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        await pilot.press("t")
        assert screen.params.op == "transposed"
        canvas = app.query_one(SweepPlayer).board.scene.grid("canvas")
        assert canvas.shape == transposed_output_shape(4, 2, 0, 2)
        await pilot.press("v")
        assert output_shape(app) == transposed_output_shape(4, 2, 0, 2)
        await pilot.press("t")
        assert screen.params.op == "maxpool" and output_shape(app) == pool_output_shape(4, 2, 2)
        await pilot.press("t")
        assert screen.params.op == "avgpool"
        assert "/ (2×2)" in app.query_one(SweepPlayer).board.scene.text()
        await pilot.press("t")
        assert screen.params.op == "conv"


@pytest.mark.slow
async def test_kernel_and_image_keys_pick_from_the_engine_libraries():
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        start = KERNEL_NAMES.index(screen.params.kernel)
        await pilot.press("c")
        assert screen.params.kernel == KERNEL_NAMES[(start + 1) % len(KERNEL_NAMES)]
        await pilot.press("C", "K", "c")  # choosing a library kernel brings k back to 3
        assert screen.params.k == 3
        image = screen.params.image
        await pilot.press("x")
        assert screen.params.image != image


IMPOSSIBLE = [
    ("input 0", ["i"] * 5, Params()),
    ("kernel 0", ["k"] * 3, Params()),
    ("negative padding", ["p", "p"], Params()),
    ("stride 0", ["s"], Params()),
    ("dilation 0", ["d"], Params()),
    ("dilated kernel too big", ["D"] * 3, Params(p=0)),
    ("same with stride 2", ["m", "m", "S"], Params()),
    ("output padding too big", ["A"], Params(op="transposed", i=3, s=1)),
    ("output padding negative", ["a"], Params(op="transposed", i=3)),
    ("transposed crops everything", ["P"] * 3, Params(op="transposed", i=2, k=2, p=0)),
    ("pool padding over half", ["P"], Params(op="maxpool", k=2, s=2, p=1)),
]


@pytest.mark.slow
@pytest.mark.parametrize("name,keys,start", IMPOSSIBLE, ids=[c[0] for c in IMPOSSIBLE])
async def test_impossible_settings_show_the_engines_reason_and_recover(name, keys, start):
    app = PlaygroundApp(start)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = screen_of(app)
        assert screen.error is None
        await pilot.press(*keys)
        assert screen.error is not None, screen.params
        with pytest.raises(ValueError) as refused:
            playground_sweep(screen.params)
        assert screen.error == str(refused.value)
        assert "Not possible" in error_text(app)
        assert not app.query_one(SweepPlayer).display
        # Stepping and playing with no board do nothing rather than crash.
        await pilot.press("right", "space", "v", "end")
        # Undo the keys: the board comes back.
        undo = {"i": "I", "k": "K", "p": "P", "s": "S", "d": "D", "a": "A", "D": "d", "A": "a", "P": "p", "S": "s"}
        for key in reversed(keys):
            if key == "m":
                continue
            await pilot.press(undo[key])
        if "m" in keys:
            await pilot.press("m", "m")
        assert screen.error is None, (screen.params, screen.error)
        assert app.query_one(SweepPlayer).display


@pytest.mark.slow
async def test_values_stop_at_their_limits():
    app = PlaygroundApp(Params(i=23))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["I"] * 5)
        assert screen_of(app).params.i == 24
        assert screen_of(app).error is None


@pytest.mark.slow
async def test_the_step_is_kept_while_a_parameter_is_tuned():
    app = PlaygroundApp(Params(i=6, p=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right", "right", "right")
        await pilot.press("I")
        assert app.query_one(SweepPlayer).step == 3


def test_params_summary_names_only_what_applies():
    assert "a=" not in Params().summary()
    assert "a=0" in replace(Params(), op="transposed").summary()
    assert "d=" not in replace(Params(), op="maxpool").summary()


async def test_an_averaging_kernel_is_shown_as_whole_numbers_over_its_divisor():
    from convquest.engine.kernels import KERNELS

    gaussian = KERNELS["gaussian"]
    app = PlaygroundApp(Params(kernel="gaussian"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("right")
        scene = app.query_one(SweepPlayer).board.scene
        kernel = scene.grid("kernel")
        assert kernel.title.endswith(f"÷{gaussian.divisor}")
        assert [[c.text for c in row] for row in kernel.cells] == [
            [str(v) for v in row] for row in gaussian.numerators.tolist()
        ]
        products = scene.text().splitlines()[0]
        step = playground_sweep(screen_of(app).params).trace.steps[1]
        assert f") / {gaussian.divisor} = " in products
        assert products.endswith(f"= {fmt(step.total)}")


@pytest.mark.slow
async def test_a_transposed_canvas_too_big_to_draw_is_refused_by_the_board_not_the_engine():
    app = PlaygroundApp(Params(op="transposed", i=12, k=3, p=0, s=3))
    async with app.run_test(size=(80, 24)) as pilot:
        assert screen_of(app).error is None  # a 36×36 canvas still draws (and scrolls)
        await pilot.press("S")
        assert "Too big to draw" in error_text(app)
        assert "40×40" in screen_of(app).error
        await pilot.press("s")
        assert screen_of(app).error is None


def test_the_playground_command_refuses_to_run_without_a_terminal(capsys):
    from convquest.commands.playground import run_playground

    assert run_playground(argparse.Namespace()) == 2  # pytest's stdin is not a terminal
    assert "needs a terminal" in capsys.readouterr().err


@pytest.mark.slow
async def test_on_its_own_the_playground_has_help_and_escape_leaves():
    from convquest.ui.screens.help import HelpScreen

    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlaygroundScreen)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


def visible_footer_keys(app) -> set[str]:
    """The keys drawn in the footer (an 80-column footer leaves out what does not fit)."""
    from convquest.ui.widgets.key_footer import KeyFooter

    return {key.key for key in app.screen.query_one(KeyFooter).drawn}


def lines_of(widget) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_at_80_columns_the_lines_fit_and_the_footer_shows_leave_and_help(size):
    """Issue 14.4: the kernel description and the transposed status line ran off an 80-column
    screen, and the footer had no room for Esc, ? or q."""
    app = PlaygroundApp()
    async with app.run_test(size=size) as pilot:
        width = size[0]
        for op in ("conv", "transposed"):
            await pilot.pause()
            assert screen_of(app).params.op == op
            for line in lines_of(app.query_one("#pg-params")) + lines_of(app.query_one("#board-status")):
                assert len(line) <= width - 1  # inside the padding, not under the screen's edge
                assert width == 80 or "…" not in line  # 200 columns hold every sentence whole
            status = lines_of(app.query_one("#board-status"))[0]
            assert "…" not in status, status
            assert {"escape", "question_mark"} <= visible_footer_keys(app)
            # The kernel's whole sentence is on screen, wrapped at words if need be.
            shown = " ".join(" ".join(lines_of(app.query_one("#pg-params"))).split())
            assert f"kernel Sobel x: {KERNELS['sobel_x'].detects}" in shown
            await pilot.press("t")


@pytest.mark.slow
async def test_q_on_the_playground_goes_back_to_the_map_not_out_of_the_game(make_app):
    """Issue 14.4: q on the playground quit the whole game."""
    from convquest.ui.screens.home import HomeScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, PlaygroundScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, HomeScreen)


@pytest.mark.slow
async def test_v_view_is_offered_only_where_it_does_something():
    """Issue 14.5: the key line offered "v view" in convolution mode, where v does nothing."""
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        keys = lambda: str(app.query_one("#pg-keys").render())  # noqa: E731
        player = app.query_one(SweepPlayer)
        for _ in range(4):
            views = player.sweep.views
            assert ("v view" in keys()) == (len(views) > 1), (screen_of(app).params.op, keys())
            await pilot.press("t")
            await pilot.pause()


async def test_keys_that_arrive_together_take_effect_in_the_order_typed():
    from textual import events

    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        player = app.query_one(SweepPlayer)
        last_before = player.sweep.count(player.view) - 1
        # One read from a terminal (a quick typist over SSH) can bring both: `end` goes to the last
        # step of this board, then the larger input keeps the window there; I must not go first.
        for name, character in (("end", None), ("I", "I")):
            app.post_message(events.Key(name, character))
        await pilot.pause()
        assert screen_of(app).params.i == 6
        assert player.step == last_before < player.sweep.count(player.view) - 1


async def test_go_to_a_cell_takes_digits_that_are_also_playground_keys():
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        player = app.query_one(SweepPlayer)
        # `1` opens the 1-D playground, except while `g` asks for a cell.
        await pilot.press("g", "1", ",", "1", "enter")
        assert screen_of(app).params == Params()
        assert player.step == player.sweep.step_for("output", 1, 1, player.view)
