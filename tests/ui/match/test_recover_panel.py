"""The recover-a-hidden-kernel level in the real app over the shipped chapter: the photograph and its
map on the board (never the params, which name the kernel), a wrong rate's loss only, a right rate's
weights and map, a named wrong kernel, and the other learn-kernel levels played as before."""

from __future__ import annotations

import numpy as np
import pytest
from textual.widgets import Input, Static

from convquest.engine import KERNELS, conv2d, fit_kernel, stable_rate
from convquest.levels import load_curriculum
from convquest.ui.app import ConvQuestApp
from convquest.ui.kinds import panel_for
from convquest.ui.match.recover import LearnKernelPanel
from convquest.ui.widgets.picture import Picture


@pytest.fixture
def shipped_app(store, tmp_path):
    curriculum = load_curriculum(cache_dir=tmp_path / "cache")

    def make(start_level: str) -> ConvQuestApp:
        return ConvQuestApp(curriculum=curriculum, store=store, start_level=start_level)

    return make


def board(app) -> str:
    return str(app.screen.query_one("#ps-board-text", Static).content)


def feedback(app) -> str:
    return str(app.screen.query_one("#ps-feedback-text", Static).content)


async def answer(pilot, text: str) -> None:
    box = pilot.app.screen.query_one("#ps-answer", Input)
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


def test_every_learn_kernel_level_is_played_by_the_one_panel():
    assert panel_for("learn-kernel") is LearnKernelPanel


@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_recover_a_hidden_kernel_at_both_sizes(shipped_app, store, size):
    app = shipped_app("learning-recover")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(LearnKernelPanel)
        problem = panel.problem
        photo, target = (app.screen.query_one(f"#{id}", Picture) for id in ("lk-photo", "lk-target"))
        np.testing.assert_array_equal(photo.values, problem.x)
        np.testing.assert_allclose(target.values, conv2d(problem.x, KERNELS["sobel_y"].weights))
        assert target.signed and not app.screen.query_one("#lk-reached-column").display
        assert "sobel" not in board(app).lower()  # the params name the hidden kernel: not drawn
        assert photo.region.bottom <= size[1] - 3 and photo.size.height >= 4

        stable = stable_rate(problem.x, 3)
        await answer(pilot, f"{stable / 5:.4f}")
        assert feedback(app).startswith("✗") and "too small" in feedback(app)
        assert "weights reached" not in board(app) and "loss" in board(app)
        assert not app.screen.query_one("#lk-reached-column").display

        await answer(pilot, "1/4.84")
        assert feedback(app).startswith("✓")
        reached = fit_kernel(problem.x, problem.target, 3, steps=problem.steps, lr=1 / 4.84)[-1].kernel
        assert "weights reached" in board(app) and f"{reached[0, 0]:.2f}" in board(app)
        assert app.screen.query_one("#lk-reached-column").display
        np.testing.assert_allclose(
            app.screen.query_one("#lk-reached", Picture).values, conv2d(problem.x, reached), atol=1e-9
        )
        # At 80 columns the map and what the weights make take the board, the photograph steps aside;
        # the weights reached stay in view under them.
        assert app.screen.query_one("#lk-photo-column").display == (size[0] > 80)
        await pilot.pause()
        text = app.screen.query_one("#ps-board-text", Static)
        assert text.region.bottom <= app.screen.query_one("#ps-board").region.bottom

        await answer(pilot, "-1 0 1; -2 0 2; -1 0 1")  # Sobel x: the hidden one turned on its side
        assert feedback(app).startswith("✗") and "turned on its side" in feedback(app)
        await answer(pilot, "-1 -2 -1; 0 0 0; 1 2 1")
        assert feedback(app).startswith("✓") and "Sobel y" in feedback(app)
    assert [(a.part, a.correct) for a in store.attempts("learning-recover")] == [
        (0, False),
        (0, True),
        (1, False),
        (1, True),
    ]
    assert store.stars("learning-recover") == 2  # one wrong answer in each part: rung 1 at most


async def test_the_rate_levels_keep_their_board_of_numbers(shipped_app):
    app = shipped_app("learning-3")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query(Picture)
        assert "image" in board(app)
