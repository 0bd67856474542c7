"""The board inside the real game: the playground pushed over the home screen, the speed setting,
the help listing the playground's keys, and the panels on the real level screen."""

from __future__ import annotations

import pytest
from shell_helpers import see_result

from convquest.ui.board.player import SETTING_SPEED, SweepPlayer
from convquest.ui.board.playground import PlaygroundScreen
from tests.ui.packs import pack_curriculum


@pytest.mark.slow
async def test_the_playground_opens_over_the_home_screen_and_escape_returns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        app.push_screen(PlaygroundScreen())
        await pilot.pause()
        assert isinstance(app.screen, PlaygroundScreen)
        await pilot.press("I", "right")
        assert app.screen.params.i == 6
        assert app.screen.query_one(SweepPlayer).step == 1
        await pilot.press("question_mark")
        help_text = "\n".join(str(w.render()) for w in app.screen.query("#help-keys"))
        assert "input smaller / larger" in help_text
        await pilot.press("escape", "escape")
        assert app.screen is home


async def test_the_speed_setting_sets_the_players_speed(make_app, store):
    store.set_setting("animation_speed", "fast")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(PlaygroundScreen())
        await pilot.pause()
        assert app.screen.query_one(SweepPlayer).speed == SETTING_SPEED["fast"]


BOARD_PACK = """
[chapter]
id = "t-board"
title = "Test board"
order = 904
lesson = ["Only page."]

[[level]]
id = "t-fill"
title = "Fill four cells"
kind = "fill-cells"
hints = ["Multiply and add."]
explanation = "Four dot products."
[level.params]
variant = "valid"
input = [[1, 2, 0], [4, 5, 1], [0, 3, 2]]
kernel = [[1, 0], [0, -1]]

[[level]]
id = "t-field"
title = "Mark the field"
kind = "receptive-field"
hints = ["A 2×2 window."]
explanation = "Four cells."
[level.params]
variant = "one-layer"
n = 3
layers = [{ kind = "conv", k = 2 }]
cell = [1, 1]
"""


def board_app(tmp_path, store, monkeypatch):
    """The real app on a pack with the board's two kinds, registered as the lead will."""
    from convquest.ui import kinds
    from convquest.ui.app import ConvQuestApp

    monkeypatch.setitem(kinds.PANELS, "fill-cells", "convquest.ui.board.fill_cells:FillCellsPanel")
    monkeypatch.setitem(kinds.PANELS, "receptive-field", "convquest.ui.board.receptive:ReceptiveFieldPanel")
    curriculum = pack_curriculum(tmp_path / "board-pack", {"904-test-board.toml": BOARD_PACK}, ["t-board"])

    def make(level: str) -> ConvQuestApp:
        return ConvQuestApp(curriculum=curriculum, store=store, start_level=level)

    return make


@pytest.mark.slow
async def test_a_fill_cells_level_is_played_scored_and_saved(tmp_path, store, monkeypatch):
    from convquest.ui.screens.result import ResultScreen

    app = board_app(tmp_path, store, monkeypatch)("t-fill")
    async with app.run_test(size=(80, 24)) as pilot:
        # 1·1 + 5·(−1) = −4, 2·1 + 1·(−1) = 1, 4·1 + 3·(−1) = 1, 5·1 + 2·(−1) = 3; one slip first.
        for text in ("4", "-4", "1", "1", "3"):
            for ch in text:
                await pilot.press("minus" if ch == "-" else ch)
            await pilot.press("enter")
        await pilot.pause()
        await see_result(pilot)
        assert isinstance(app.screen, ResultScreen)
        # The result explains every cell, not only the last one typed (the playtest saw one line).
        worked = str(app.screen.query_one("#result-explanation").render())
        assert [line.split(":")[0] for line in worked.splitlines() if line.startswith("cell")] == [
            "cell (0,0)",
            "cell (0,1)",
            "cell (1,0)",
            "cell (1,1)",
        ]
    attempts = store.attempts("t-fill")
    assert len(attempts) == 5
    assert sum(1 for a in attempts if not a.correct) == 1


@pytest.mark.slow
async def test_a_receptive_field_level_is_played_on_the_level_screen(tmp_path, store, monkeypatch):
    from convquest.ui.screens.result import ResultScreen

    app = board_app(tmp_path, store, monkeypatch)("t-field")
    async with app.run_test(size=(80, 24)) as pilot:
        # Output (1, 1) of a 2×2 window reads rows 1–2, cols 1–2.
        await pilot.press("down", "right", "space", "right", "space", "down", "space", "left", "space", "enter")
        await pilot.pause()
        await see_result(pilot)
        assert isinstance(app.screen, ResultScreen)
    assert [a.correct for a in store.attempts("t-field")] == [True]
