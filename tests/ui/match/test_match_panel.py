"""The match-kernel panel in the real app: win and lose palette levels, edit weights, two steps,
translation and locality, numbers on a toggle, resizing, and random keys."""

from __future__ import annotations

import random

import numpy as np
import pytest
from shell_helpers import see_result
from textual.widgets import OptionList, Static

from convquest.ui.match.editor import WeightEditor
from convquest.ui.match.panel import MatchKernelPanel
from convquest.ui.match.shaded import ShadedImage


def panel(app) -> MatchKernelPanel:
    return app.screen.query_one(MatchKernelPanel)


def feedback(app) -> str:
    return str(app.screen.query_one("#match-feedback-text", Static).content)


def picture(app, id: str) -> ShadedImage:
    return app.screen.query_one(f"#{id}", ShadedImage)


async def pick(pilot, name: str) -> None:
    """Move the palette's highlight to `name` with the arrow keys and press Enter."""
    options = pilot.app.screen.query_one(OptionList)
    assert options.has_focus
    ids = [o.id for o in options.options]
    steps = ids.index(name) - options.highlighted
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    await pilot.pause()


@pytest.mark.slow
async def test_win_a_palette_level(match_app, store):
    app = match_app("t-palette")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(panel(app), MatchKernelPanel)
        # Highlighting previews the kernel's weights and what it detects, without answering.
        await pilot.press("down", "down", "down")
        detects = str(app.screen.query_one("#palette-detects", Static).content)
        assert "edges in every direction" in detects
        assert store.attempts("t-palette") == []
        await pilot.press("enter")
        await pilot.pause()
        await see_result(pilot)
        assert "★★★" in str(app.screen.query_one("#result-stars", Static).content)
    assert [(a.answer, a.correct) for a in store.attempts("t-palette")] == [("laplacian", True)]
    assert store.stars("t-palette") == 3


@pytest.mark.slow
async def test_lose_a_palette_pick_then_find_the_kernel(match_app, store):
    app = match_app("t-palette")
    async with app.run_test(size=(80, 24)) as pilot:
        await pick(pilot, "box_blur")
        said = feedback(app)
        assert said.startswith("✗")
        # Rung 1 is words (the slip named, else the level's hint), never the worked explanation.
        run = panel(app).run
        assert run.words()[0] in said and run.last_verdict.explanation not in said
        output = picture(app, "match-output")
        assert output.label == "Box blur"
        assert np.array_equal(output.values, panel(app).problem.apply(("box_blur",)))
        assert output.marks  # the cells that differ from the target are marked
        assert "hint 1 of 3" in str(app.screen.query_one("#level-status", Static).content)
        first = app.screen.query_one(OptionList).get_option("box_blur")
        assert str(first.prompt).startswith("✗")

        await pick(pilot, "laplacian")
        await see_result(pilot)
        assert "★★☆" in str(app.screen.query_one("#result-stars", Static).content)
    assert [(a.answer, a.correct) for a in store.attempts("t-palette")] == [
        ("box_blur", False),
        ("laplacian", True),
    ]


@pytest.mark.slow
async def test_win_a_weight_editing_level(match_app, store):
    app = match_app("t-edit")
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one(WeightEditor)
        assert editor.has_focus
        # Sobel x with every sign flipped, typed cell by cell; first a wrong try with one row.
        await pilot.press("1", "tab", "0", "tab", "-", "1", "enter")
        await pilot.pause()
        assert feedback(app).startswith("✗")
        output = picture(app, "match-output")
        assert output.marks and output.values is not None
        await pilot.press("tab", "2", "tab", "0", "tab", "-", "2", "tab", "1", "tab", "0", "tab", "-", "1")
        assert editor.as_text() == "1 0 -1; 2 0 -2; 1 0 -1"
        await pilot.press("enter")
        await pilot.pause()
        await see_result(pilot)
        assert "★★☆" in str(app.screen.query_one("#result-stars", Static).content)
    assert [(a.answer, a.correct) for a in store.attempts("t-edit")] == [
        ("1 0 -1; 0 0 0; 0 0 0", False),
        ("1 0 -1; 2 0 -2; 1 0 -1", True),
    ]


@pytest.mark.slow
async def test_edit_can_start_from_a_library_kernel(match_app, store):
    app = match_app("t-edit")
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one(WeightEditor)
        for _ in range(10):
            await pilot.press("l")
            if editor.label == "from Sobel x":
                break
        assert np.array_equal(editor.weights, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
        assert "vertical edges" in feedback(app)
        assert store.attempts("t-edit") == []  # loading is not an answer
        # Flip every sign: the target is Sobel x negated.
        for cell in range(9):
            if editor.weights.flat[cell]:
                editor.cursor = divmod(cell, 3)
                await pilot.press("-")
        await pilot.press("enter")
        await pilot.pause()
        await see_result(pilot)
        assert "★★★" in str(app.screen.query_one("#result-stars", Static).content)
    assert [(a.answer, a.correct) for a in store.attempts("t-edit")] == [("1 0 -1; 2 0 -2; 1 0 -1", True)]


@pytest.mark.slow
async def test_two_step_picks_a_blur_then_an_edge(match_app, store):
    app = match_app("t-two")
    async with app.run_test(size=(80, 24)) as pilot:
        await pick(pilot, "gaussian")
        # The first layer alone is not an answer; its result is shown and nothing is recorded.
        assert store.attempts("t-two") == []
        assert picture(app, "match-output").label == "after Gaussian blur"
        await pick(pilot, "sobel_x")
        assert feedback(app).startswith("✗")
        # One step wrong is named, not which: with two blurs that would give the answer away.
        assert "One of your two kernels is right" in feedback(app) and "Gaussian" not in feedback(app)
        await pick(pilot, "gaussian")
        await pick(pilot, "sobel_y")
        await see_result(pilot)
        assert "★★☆" in str(app.screen.query_one("#result-stars", Static).content)
    assert [(a.answer, a.correct) for a in store.attempts("t-two")] == [
        ("gaussian, sobel_x", False),
        ("gaussian, sobel_y", True),
    ]


@pytest.mark.slow
async def test_play_the_translation_level(match_app, store):
    app = match_app("t-move")
    async with app.run_test(size=(80, 24)) as pilot:
        problem = panel(app).problem
        grid = picture(app, "match-answer")
        assert grid.has_focus and grid.cursor == (0, 0)
        # The map before the move is drawn, its peak where the engine says.
        before = picture(app, "match-map").values
        assert np.unravel_index(before.argmax(), before.shape) == problem.peaks[0]
        # Not moving the peak is the classic slip: judged, recorded, explained.
        r, c = problem.peaks[0]
        await pilot.press(*(["down"] * r), *(["right"] * c), "enter")
        await pilot.pause()
        assert feedback(app).startswith("✗")
        assert "moves with it" in feedback(app)
        r2, c2 = problem.answer
        await pilot.press(*(["down"] * (r2 - r)), *(["right"] * (c2 - c)), "enter")
        await pilot.pause()
        await see_result(pilot)
        assert "★★☆" in str(app.screen.query_one("#result-stars", Static).content)
    assert [(a.answer, a.correct) for a in store.attempts("t-move")] == [
        (f"{r},{c}", False),
        (f"{r2},{c2}", True),
    ]


@pytest.mark.slow
async def test_play_the_locality_level(match_app, store):
    app = match_app("t-local")
    async with app.run_test(size=(80, 24)) as pilot:
        grid = picture(app, "match-answer")
        # Enter with nothing marked is a slip, not an answer.
        await pilot.press("enter")
        await pilot.pause()
        assert "Not counted" in feedback(app)
        assert store.attempts("t-local") == []
        # Mark one cell: wrong, and the engine says how many are missing.
        await pilot.press("down", "down", "right", "right", "space", "enter")
        await pilot.pause()
        assert grid.selected == {(2, 2)}
        assert feedback(app).startswith("✗")
        # Pixel (2,3) under a 3×3 kernel, stride 1: output rows 0..2, columns 1..3.
        wanted = {(r, c) for r in range(3) for c in range(1, 4)}
        for r, c in sorted(wanted - {(2, 2)}):
            grid.cursor = (r, c)
            await pilot.press("space")
        await pilot.pause()
        assert grid.selected == wanted
        await pilot.press("enter")
        await pilot.pause()
        await see_result(pilot)
        assert "★★☆" in str(app.screen.query_one("#result-stars", Static).content), feedback(app)
    attempts = store.attempts("t-local")
    assert [a.correct for a in attempts] == [False, True]
    assert attempts[0].answer == "2,2"


@pytest.mark.slow
async def test_n_shows_numbers_on_every_picture(match_app, store):
    app = match_app("t-palette")
    async with app.run_test(size=(80, 24)) as pilot:
        await pick(pilot, "box_blur")
        pictures = [p for p in app.screen.query(ShadedImage) if not p.numbers_fixed]
        assert len(pictures) == 3 and not any(p.show_numbers for p in pictures)
        await pilot.press("n")
        await pilot.pause()
        assert all(p.show_numbers for p in pictures)
        target, output = picture(app, "match-target"), picture(app, "match-output")
        first_row = target.render_line(1).text
        assert first_row.split()[:3] == [str(int(v)) for v in target.values[0][:3]]
        # Two 8×8 maps of numbers take the width: the palette steps aside, and neither the target
        # nor the output is pushed off screen.
        side = app.screen.query_one("#match-side")
        assert not side.display and not app.screen.query_one(OptionList).has_focus
        screen = app.screen.region
        assert screen.contains_region(target.region) and screen.contains_region(output.region)
        await pilot.press("enter")  # nothing is picked while the palette is away: Enter brings it back
        await pilot.pause()
        assert len(store.attempts("t-palette")) == 1
        assert not any(p.show_numbers for p in pictures)
        assert side.display and app.screen.query_one(OptionList).has_focus


@pytest.mark.slow
async def test_resize_and_a_lesson_above_keep_pictures_and_verdict_on_screen(match_app):
    app = match_app("t-lesson")
    async with app.run_test(size=(80, 24)) as pilot:
        # The lesson takes rows: the maps go compact (half-blocks) so the verdict has room.
        target = picture(app, "match-target")
        assert target.compact and target.size.height == 1 + 4  # label and 8 rows, two per line
        await pick(pilot, "sobel_x")
        box = app.screen.query_one("#match-feedback")
        screen = app.screen.region
        assert box.region.height >= 4 and screen.contains_region(box.region)
        assert screen.contains_region(picture(app, "match-output").region)

        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not target.compact and target.size.height == 1 + 8
        assert picture(app, "match-output").marks  # full size again: the ✗ marks are drawn

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert target.compact
        await pick(pilot, "sobel_y")
        await see_result(pilot)
        assert "★★☆" in str(app.screen.query_one("#result-stars", Static).content)


@pytest.mark.slow  # a monkey: random keys for every variant
async def test_random_keys_never_crash_the_panel(match_app, store):
    keys = [
        "up",
        "down",
        "left",
        "right",
        "enter",
        "space",
        "tab",
        "shift+tab",
        "backspace",
        "n",
        "l",
        "minus",
        "0",
        "1",
        "2",
        "7",
        "9",
        "x",
        "home",
        "end",
        "pageup",
        "pagedown",
    ]
    for level in ("t-palette", "t-lesson", "t-edit", "t-two", "t-move", "t-local"):
        rng = random.Random(f"match/{level}")
        app = match_app(level)
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(60):
                await pilot.press(rng.choice(keys))
                if not app.screen.query(MatchKernelPanel):
                    break  # solved by chance: the result screen took over
            await pilot.pause()
            assert app.is_running
        # Whatever was judged was recorded, one row per answer, in the engine's syntax.
        for attempt in store.attempts(level):
            assert attempt.answer.strip()


@pytest.mark.slow
async def test_numbers_view_says_how_to_get_the_kernels_back(match_app, store):
    """Issue 14.1: with the palette set aside, the screen must not keep saying "↑↓ choose a kernel,
    Enter to try it" (Down and Enter did nothing); it says n or Enter brings the kernels back, and Enter does."""
    for size in ((80, 24), (200, 50)):
        app = match_app("t-palette")
        async with app.run_test(size=size) as pilot:
            assert "↑↓ choose a kernel" in feedback(app)
            await pilot.press("n")
            await pilot.pause()
            said = feedback(app)
            assert "↑↓" not in said and "Enter to try" not in said
            assert "n or Enter" in said
            await pilot.press("enter")
            await pilot.pause()
            assert not panel(app).numbers_shown
            assert app.screen.query_one("#match-side").display and app.screen.query_one(OptionList).has_focus
            assert "↑↓ choose a kernel" in feedback(app)
            assert store.attempts("t-palette") == []


async def test_cell_levels_say_the_keys_not_a_typed_format(match_app):
    """Issue 14.7: "Change one pixel" said "Answer rows, columns like 0..2" where the player marks
    cells with the arrows and space; the typed format belongs to typed answers (exam, quiz)."""
    from convquest.ui.practice.answer_format import answer_format

    for level, keys in (("t-local", "space marks a cell"), ("t-move", "Enter says the peak is there")):
        app = match_app(level)
        async with app.run_test(size=(80, 24)):
            prompt = str(app.screen.query_one("#match-prompt", Static).content)
            assert "Answer" not in prompt and "0..2" not in prompt and "row,col" not in prompt
            assert keys in feedback(app)
            # Typed, the same problem still says how to type it.
            assert "row" in answer_format(panel(app).problem, 0)
