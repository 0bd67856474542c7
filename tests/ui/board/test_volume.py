"""The volume board: scenes from the engine's VolumeTrace, and the fill-volume panel driven by Pilot
at 80×24 (one channel at a time) and wide (side by side)."""

from __future__ import annotations

import pytest

from convquest.engine.problems import from_params
from convquest.levels.loader import load_curriculum
from convquest.ui.board.render import fallback_styler, render_scene
from convquest.ui.board.volume import VolumePanel, VolumeSweep
from convquest.ui.board.widget import Board

CURRICULUM = load_curriculum()


def _problem(level_id: str):
    return CURRICULUM.level(level_id).problem()


def test_each_phase_shows_one_channel_then_the_sum_from_the_trace():
    problem = _problem("building-blocks-by-hand")
    sweep = VolumeSweep(problem.trace)
    step = problem.trace.step(0, 0, 0)
    assert sweep.phases(0) == 4
    for phase, channel in enumerate(step.channels):
        scene = sweep.scene(0, 0, 0, phase)
        assert scene.blocks[0].id == f"input{channel}"
        assert f"[ch {channel}" in scene.text()
        assert f"= {int(step.channel_sums[phase])}" in scene.text()
    summed = sweep.scene(0, 0, 0, 3).text()
    assert "[Σ + bias]" in summed and summed.rstrip().endswith(f"= {int(step.result)}")
    hidden = sweep.scene(0, 0, 0, 3, products="hidden").text()
    assert hidden.rstrip().endswith("= ?") and str(int(step.result)) not in hidden.splitlines()[-1]
    assert "ch0 ?" in hidden
    # Both filters' maps are on the board, each with its bias.
    ids = [getattr(block, "id", None) for block in sweep.scene(1, 1, 1, 0).blocks]
    assert "map0" in ids and "map1" in ids


def test_a_depthwise_layer_draws_which_channel_each_filter_sees():
    problem = _problem("building-blocks-depthwise-by-hand")
    text = VolumeSweep(problem.trace).scene(1, 0, 0, 0).text()
    assert "f0 ← ch 0 · ▶f1 ← ch 1" in text
    grouped = from_params(
        "fill-volume",
        {
            "input": [[[1, 2], [3, 4]]] * 4,
            "filters": [{"slices": [[[1]], [[1]]], "bias": 0}, {"slices": [[[1]], [[2]]], "bias": 1}],
            "groups": 2,
        },
    )
    assert "f0 ← ch 0, 1 · ▶f1 ← ch 2, 3" in VolumeSweep(grouped.trace).scene(1, 0, 0, 0).text()


def test_without_colour_the_window_is_brackets_and_the_cursor_is_brackets():
    problem = _problem("building-blocks-by-hand")
    scene = VolumeSweep(problem.trace).scene(0, 0, 1, 1)
    picture = render_scene(scene, 76, 14, fallback_styler)
    text = "\n".join(picture.plain())
    assert "[" in text.splitlines()[1] and "]" in text.splitlines()[1]  # the window on ch 1's first row
    assert "[ch 1 G]" in text and "f1 (b −2)" in text
    assert max(len(line) for line in picture.plain()) <= 76


def _keys(value: int) -> list[str]:
    return ["minus" if ch == "-" else ch for ch in str(value)]


def _board_text(app) -> str:
    return "\n".join(app.screen.query_one(Board).picture.plain())


@pytest.mark.slow
async def test_pilot_steps_through_channels_and_the_sum_and_judges_a_cell(store):
    from convquest.ui.app import ConvQuestApp

    app = ConvQuestApp(curriculum=CURRICULUM, store=store, start_level="building-blocks-by-hand")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(VolumePanel)
        assert not panel.together  # 80 columns: one channel at a time
        assert "[ch 0 R]" in _board_text(app) and "sees: ▶f0 ← ch 0, 1, 2" in _board_text(app)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert "[ch 2 B]" in _board_text(app) and "input2" in app.screen.query_one(Board).picture.places
        await pilot.press("right_square_bracket", "right_square_bracket")  # stops at the sum
        await pilot.pause()
        assert "[Σ + bias]" in _board_text(app) and panel.phase == 3
        step = panel.problem.step(0)
        await pilot.press(*_keys(int(step.total)), "enter")  # the sum without the bias
        await pilot.pause()
        feedback = str(app.screen.query_one("#vol-feedback").render())
        assert "bias" in feedback and str(int(step.result)) not in feedback.splitlines()[1]
        # The ladder, per cell: the slip in words first; the products, left to add up, on the next rung.
        assert not _board_text(app).rstrip().endswith("= ?")
        await pilot.press("h")
        await pilot.pause()
        assert _board_text(app).rstrip().endswith("= ?")
        await pilot.press(*_keys(int(step.result)), "enter")
        await pilot.pause()
        assert panel.part == 1 and panel.phase == 0
        assert "Filter f0, cell (0, 1)" in str(app.screen.query_one("#vol-feedback").render())


@pytest.mark.slow
async def test_pilot_wide_board_shows_every_channel_side_by_side(store):
    from convquest.ui.app import ConvQuestApp

    app = ConvQuestApp(curriculum=CURRICULUM, store=store, start_level="building-blocks-by-hand")
    async with app.run_test(size=(150, 30)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(VolumePanel)
        assert panel.together
        places = app.screen.query_one(Board).picture.places
        assert {"input0", "input1", "input2", "slice0", "slice1", "slice2", "map0", "map1"} <= set(places)


@pytest.mark.slow
@pytest.mark.parametrize(
    "level_id", ["building-blocks-by-hand", "building-blocks-grouped-by-hand", "building-blocks-depthwise-by-hand"]
)
async def test_pilot_a_whole_volume_level_solved_by_its_own_answers(store, level_id):
    from convquest.ui.app import ConvQuestApp

    app = ConvQuestApp(curriculum=CURRICULUM, store=store, start_level=level_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(VolumePanel)
        for part in range(len(panel.problem.parts())):
            value = int(panel.problem.expected[panel.problem.cell(part)])
            await pilot.press(*_keys(value), "enter")
            await pilot.pause()
        assert panel.run.solved


@pytest.mark.slow
async def test_pilot_at_80_columns_the_footer_keeps_help_and_the_channel_keys(store):
    from convquest.ui.app import ConvQuestApp
    from tests.ui.board.test_playground import visible_footer_keys

    app = ConvQuestApp(curriculum=CURRICULUM, store=store, start_level="building-blocks-grouped-by-hand")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert {"left_square_bracket", "right_square_bracket", "question_mark"} <= visible_footer_keys(app)
        assert "sees: ▶f0 ← ch 0, 1 · f1 ← ch 2, 3" in _board_text(app)


@pytest.mark.parametrize(
    "level_id,prompt,feedback",
    [
        ("building-blocks-by-hand", "#vol-prompt", "#vol-feedback"),
        ("sequences-wavenet", ".panel-prompt", ".sq-feedback"),  # the 1-D typed boards had the same gap
    ],
)
async def test_pilot_the_prompt_and_feedback_start_where_every_other_kinds_do(store, level_id, prompt, feedback):
    from textual.widgets import Input, Static

    from convquest.ui.app import ConvQuestApp

    app = ConvQuestApp(curriculum=CURRICULUM, store=store, start_level=level_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query(Input).first()
        box.value = "1"
        await pilot.press("enter")
        await pilot.pause()
        said = app.screen.query_one(feedback, Static)
        assert str(said.content).startswith("✗ Wrong.")
        # The column the level's title, status line and the other kinds' text start in.
        status = app.screen.query_one("#level-status", Static)
        assert said.content_region.x == status.content_region.x == 1
        assert app.screen.query_one(prompt, Static).content_region.x == 1
