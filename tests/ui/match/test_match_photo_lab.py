"""The photo lab opened from match-kernel levels: the kernel in hand (picked, typed, or the level's),
two in a row on a two-step level, the key in the footer and the help, and the level as it was on return."""

from __future__ import annotations

import numpy as np
import pytest
from textual.widgets import OptionList

from convquest.engine import KERNELS, PHOTOS, conv2d
from convquest.ui.match.editor import WeightEditor
from convquest.ui.match.panel import MatchKernelPanel
from convquest.ui.screens.help import HelpScreen
from convquest.ui.screens.level import LevelScreen
from convquest.ui.screens.photo_lab import Lab, PhotoLabScreen, lab_with, library_slot, maps, weights_slot
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.picture import Picture


def footer_keys(app) -> str:
    return " ".join(f"{key.display} {key.description}" for key in app.screen.query_one(KeyFooter).keys)


def test_typed_weights_keep_a_library_name_only_when_they_are_that_kernel():
    sobel = weights_slot(np.asarray(KERNELS["sobel_x"].weights, dtype=np.int64))
    assert sobel.name == "sobel_x" and sobel.title == "Sobel x"
    flipped = weights_slot(-np.asarray(KERNELS["sobel_x"].weights, dtype=np.int64))
    assert flipped.name == "edited" and flipped.divisor == 1
    np.testing.assert_array_equal(flipped.weights, -KERNELS["sobel_x"].weights)


def test_a_lab_with_two_kernels_applies_them_in_a_row():
    lab = lab_with([library_slot("gaussian"), library_slot("sobel_y")])
    photo, blurred, edges = maps(lab)
    np.testing.assert_allclose(blurred, conv2d(photo, KERNELS["gaussian"].weights))
    np.testing.assert_allclose(edges, conv2d(blurred, KERNELS["sobel_y"].weights))
    assert lab_with([library_slot("laplacian")]) == Lab(first=library_slot("laplacian"))


@pytest.mark.slow
async def test_the_palettes_highlighted_kernel_opens_in_the_lab_and_escape_returns(match_app, store):
    app = match_app("t-palette")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down")  # identity, box blur, Sobel x: highlighted, not picked
        assert "Photo lab" in footer_keys(app)
        await pilot.press("p")
        await pilot.pause()
        lab = app.screen
        assert isinstance(lab, PhotoLabScreen)
        assert lab.lab.first.name == "sobel_x" and not lab.lab.two
        np.testing.assert_allclose(
            lab.query_one("#lab-picture-1", Picture).values,
            conv2d(PHOTOS[lab.lab.photo].pixels, KERNELS["sobel_x"].weights),
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LevelScreen)
        options = app.screen.query_one(OptionList)
        assert options.has_focus and options.highlighted_option.id == "sobel_x"
        assert store.attempts("t-palette") == []  # looking through the lab answered nothing


async def test_the_help_of_a_match_level_names_the_photo_lab_key(match_app):
    app = match_app("t-edit")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys").render())
        assert "Photo lab" in keys


@pytest.mark.slow
async def test_typed_weights_open_in_the_lab_and_are_still_there_after(match_app, store):
    app = match_app("t-edit")
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one(WeightEditor)
        assert editor.has_focus
        await pilot.press("-", "1", "right", "right", "1")  # top row: -1 0 1 so far
        typed = editor.weights
        assert typed[0].tolist() == [-1, 0, 1]
        await pilot.press("p")
        await pilot.pause()
        lab = app.screen
        assert isinstance(lab, PhotoLabScreen)
        assert lab.lab.first.name == "edited" and np.array_equal(lab.lab.first.weights, typed)
        # Edits in the lab are the lab's own: the level's kernel stays as typed.
        await pilot.press("plus", "plus", "escape")
        await pilot.pause()
        assert isinstance(app.screen, LevelScreen)
        editor = app.screen.query_one(WeightEditor)
        assert editor.has_focus and np.array_equal(editor.weights, typed)
        await pilot.press("down", "2")  # typing carries on where it stopped
        assert editor.weights[1, 2] == 2
        assert store.attempts("t-edit") == []


@pytest.mark.slow
async def test_a_two_step_levels_first_pick_and_the_highlighted_kernel_run_in_a_row(match_app, store):
    app = match_app("t-two")
    async with app.run_test(size=(80, 24)) as pilot:
        ids = [o.id for o in app.screen.query_one(OptionList).options]
        await pilot.press(*["down"] * ids.index("gaussian"), "enter")
        await pilot.pause()
        await pilot.press(*["down"] * (ids.index("sobel_y") - ids.index("gaussian")))
        await pilot.press("p")
        await pilot.pause()
        lab = app.screen
        assert isinstance(lab, PhotoLabScreen)
        assert (lab.lab.first.name, lab.lab.second.name, lab.lab.two) == ("gaussian", "sobel_y", True)
        assert lab.query_one("#lab-column-2").display
        np.testing.assert_allclose(lab.query_one("#lab-picture-2", Picture).values, maps(lab.lab)[2])
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter")  # the first pick was kept: this is the second, the answer
        await pilot.pause()
    assert [(a.answer, a.correct) for a in store.attempts("t-two")] == [("gaussian, sobel_y", True)]


@pytest.mark.slow
async def test_the_translation_level_opens_its_kernel_and_locality_offers_no_lab(match_app):
    app = match_app("t-move")
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.screen.query_one(MatchKernelPanel)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PhotoLabScreen)
        assert app.screen.lab.first.name == panel.view.feature_kernel
    app = match_app("t-local")
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Photo lab" not in footer_keys(app)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, LevelScreen)
