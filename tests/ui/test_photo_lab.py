"""The photo lab and "Learning the kernel": their state as plain data, and both screens driven
through the real app from the playground at 80×24 (keys, help, the engine's numbers on screen)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convquest.engine import KERNELS, PHOTOS, conv2d
from convquest.ui.board.playground import PlaygroundApp, PlaygroundScreen
from convquest.ui.screens.help import HelpScreen
from convquest.ui.screens.learning import RATES, STEPS, LearningScreen, loss_chart, moves
from convquest.ui.screens.photo_lab import (
    KERNEL_NAMES,
    WEIGHT_LIMIT,
    Lab,
    PhotoLabScreen,
    maps,
    move_cursor,
    next_kernel,
    next_photo,
    nudge_weight,
    weight_lines,
    zero_weight,
)
from convquest.ui.widgets.picture import Picture

# -- the lab's state -------------------------------------------------------------------------------


def test_the_maps_are_the_engines_convolutions_one_after_the_other():
    lab = Lab(photo="chelsea", two=True)
    photo, blurred, edges = maps(lab)
    np.testing.assert_array_equal(photo, PHOTOS["chelsea"].pixels)
    np.testing.assert_allclose(blurred, conv2d(PHOTOS["chelsea"].pixels, KERNELS["box_blur"].weights))
    np.testing.assert_allclose(edges, conv2d(blurred, KERNELS["sobel_x"].weights))
    assert [m.shape for m in (photo, blurred, edges)] == [(64, 96), (62, 94), (60, 92)]
    assert len(maps(Lab())) == 2  # one kernel until the second is switched on


def test_kernels_and_photographs_cycle_both_ways():
    lab = Lab()
    assert next_kernel(lab, 1).first.name == KERNEL_NAMES[(KERNEL_NAMES.index("box_blur") + 1) % len(KERNEL_NAMES)]
    assert next_kernel(next_kernel(lab, 1), -1) == lab
    assert next_photo(next_photo(lab, -1), 1) == lab
    assert next_kernel(Lab(editing=1), 1).second.name != "sobel_x" and next_kernel(Lab(editing=1), 1).first == lab.first


def test_editing_a_weight_makes_an_edited_kernel_over_the_same_divisor():
    lab = nudge_weight(move_cursor(Lab(), -1, -1), 2)
    assert lab.first.name == "edited" and lab.first.title == "edited kernel"
    assert lab.first.numerators[0][0] == 3 and lab.first.divisor == 9
    np.testing.assert_allclose(lab.first.weights[0, 0], 3 / 9)
    assert zero_weight(lab).first.numerators[0][0] == 0
    for _ in range(20):
        lab = nudge_weight(lab, 1)
    assert lab.first.numerators[0][0] == WEIGHT_LIMIT
    assert move_cursor(Lab(cursor=(2, 2)), 5, 5).cursor == (2, 2)
    # An edited kernel goes on with the library from its start.
    assert next_kernel(lab, 1).first.name == KERNEL_NAMES[0]


def test_the_weights_table_brackets_the_cursor_only():
    lines = weight_lines(Lab().second, (1, 2))
    assert lines == ["", " -1   0   1 ", " -2   0 [ 2]", " -1   0   1 "]
    assert weight_lines(Lab().first, None)[0] == "1/9 ×"


# -- learning the kernel: the chart and the arrows -------------------------------------------------


def test_the_loss_chart_falls_with_the_loss_and_grows_with_the_steps():
    losses = [10.0**-e for e in np.linspace(0, 3, 21)]
    rows = loss_chart(losses, 20, 21, 4)
    assert len(rows) == 4 and all(len(r) == 21 for r in rows)
    heights = [sum(" ▁▂▃▄▅▆▇█".index(r[c]) for r in rows) for c in range(21)]
    assert heights == sorted(heights, reverse=True) and heights[0] == 32 and heights[-1] == 0
    half = loss_chart(losses, 10, 21, 4)
    assert all(r[11:] == " " * 10 for r in half)  # steps not yet played are not drawn
    assert [r[:11] for r in half] == [r[:11] for r in rows]


def test_a_diverged_loss_is_a_full_column_with_a_mark():
    rows = loss_chart([1.0, 2.0, float("inf")], 2, 3, 3)
    assert [r[2] for r in rows] == ["!", "█", "█"]


def test_the_arrows_point_against_the_gradient():
    assert moves(np.array([[-1.0, 0.0, 2.0]])) == ["    ↑      ·      ↓"]


# -- the screens in the app -------------------------------------------------------------------------


def visible_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("Static") if w.display)


@pytest.mark.slow
async def test_the_photo_lab_opens_from_the_playground_and_shows_the_engines_maps():
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        screen = app.screen
        assert isinstance(screen, PhotoLabScreen)
        pictures = list(screen.query(Picture))
        np.testing.assert_array_equal(pictures[1].values, maps(screen.lab)[1])
        assert not screen.query_one("#lab-column-2").display
        await pilot.press("t", "tab", "k")
        assert screen.lab.two and screen.lab.second.name == "sobel_y"
        assert screen.query_one("#lab-column-2").display
        np.testing.assert_allclose(pictures[2].values, maps(screen.lab)[2])
        assert pictures[2].signed and pictures[2].limits[0] == -pictures[2].limits[1]
        assert "⋆ Sobel y → 60×60" in visible_text(app)
        await pilot.press("up", "left", "plus", "plus")
        assert screen.lab.second.name == "edited" and screen.lab.second.numerators[0][0] == 1
        assert "[ 1]" in visible_text(app)
        await pilot.press("p")
        assert screen.lab.photo != "camera" and PHOTOS[screen.lab.photo].credit in visible_text(app)
        # Everything fits at 80×24: the pictures have room and the kernels are above the footer.
        assert all(p.size.height >= 10 for p in pictures)
        assert screen.query_one("#lab-kernel-1").region.bottom <= 23
        await pilot.press("escape")
        assert isinstance(app.screen, PlaygroundScreen)


@pytest.mark.slow
async def test_the_photo_lab_has_help_naming_its_keys():
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys").render())
        assert "photo lab" in keys and "Two in a row" in keys and "+ / −" in keys


@pytest.mark.slow
async def test_learning_the_kernel_plays_the_engines_steps():
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "l")
        screen = app.screen
        assert isinstance(screen, LearningScreen)
        assert screen.at == 0 and np.all(screen.fit.steps[0].kernel == 0)
        await pilot.press("right", "right")
        assert screen.at == 2
        np.testing.assert_allclose(
            screen.query_one("#learn-now", Picture).values, conv2d(screen.fit.x, screen.fit.steps[2].kernel)
        )
        assert "step 2 of" in visible_text(app)
        await pilot.press("space")
        await pilot.pause(0.5)
        await pilot.press("space")
        assert screen.at > 2 and not screen.playing
        await pilot.press("end")
        losses = [s.loss for s in screen.fit.steps]
        assert screen.at == STEPS and losses[-1] < losses[0] / 100
        assert all(b <= a for a, b in itertools.pairwise(losses))
        assert "last step" in visible_text(app)


@pytest.mark.slow
@pytest.mark.parametrize("presses", range(1, len(RATES)))
async def test_the_rate_key_cycles_rates_and_above_twice_the_stable_one_the_loss_grows(presses):
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "l", *["r"] * presses)
        run = app.screen.fit
        assert run.multiple == RATES[(RATES.index(1.0) + presses) % len(RATES)]
        grows = run.steps[-1].loss > run.steps[0].loss
        assert grows == (run.multiple > 2)
        assert f"rate {run.multiple:g} × stable" in visible_text(app)


async def test_the_playgrounds_help_names_the_photo_lab_key():
    from convquest.ui.screens.help import keys_of

    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)):
        assert any(key == "f" and "Photo lab" in what for key, what in keys_of(app.screen))


@pytest.mark.slow
async def test_the_tiny_network_trains_here_and_shows_its_kernels_and_maps():
    from convquest.ui.screens.network import SHOWN, NetworkScreen

    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f", "l", "c")
        screen = app.screen
        assert isinstance(screen, NetworkScreen)
        for _ in range(120):  # training takes a few seconds in its worker thread
            if screen.trained is not None:
                break
            await pilot.pause(0.25)
        trained = screen.trained
        assert trained is not None and f"{trained.test_accuracy:.1%}" in visible_text(app)
        np.testing.assert_array_equal(screen.query_one("#net-kernel-0", Picture).values, trained.net.w1[0, 0])
        await pilot.press("n")
        assert screen.at == 1
        layers = trained.net.layers(screen.pictures[1:2])
        np.testing.assert_allclose(screen.query_one("#net-conv1-2", Picture).values, layers["conv1"][0, 2])
        np.testing.assert_allclose(screen.query_one("#net-conv2-7", Picture).values, layers["conv2"][0, 7])
        assert f"picture 2 of {SHOWN}" in visible_text(app)
        await pilot.press("p", "p")
        assert screen.at == SHOWN - 1
