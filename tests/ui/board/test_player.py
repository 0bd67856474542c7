"""The sweep player's controls: stepping, jumping, playing with and without animations, speed.

The sweep here is a stand-in (a window walking along one row) because these tests are about the
controls; the engine-backed sweeps are tested in test_sweeps.py.
"""

from __future__ import annotations

import pytest

from convquest.ui.board.player import SPEEDS, SweepPlayer
from convquest.ui.board.render import Cell, Grid, Scene
from tests.ui.board.apps import PlayerApp


class WalkingWindow:
    """Step n puts the window on cell n of a 1×n row and writes output cell n."""

    views = ("only",)

    def __init__(self, n: int = 6) -> None:
        self.n = n

    def count(self, view: str) -> int:
        return self.n

    def scene(self, step: int, view: str) -> Scene:
        row = tuple(Cell(str(c), marks=("tap",) if c == step else ()) for c in range(self.n))
        out = tuple(Cell(str(c) if c <= step else ".", marks=("current",) if c == step else ()) for c in range(self.n))
        return Scene((Grid("input", "in", (row,)), Grid("output", "out", (out,))), focus=("output", 0, step))

    def step_for(self, grid: str, row: int, col: int, view: str) -> int | None:
        return col if grid == "output" and row == 0 and 0 <= col < self.n else None

    def describe(self, step: int, view: str) -> str:
        return f"cell {step}"


def tapped(player: SweepPlayer) -> list[int]:
    row = player.board.scene.grid("input").cells[0]
    return [c for c, cell in enumerate(row) if "tap" in cell.marks]


@pytest.mark.slow
async def test_arrows_and_home_end_move_one_step_and_stop_at_the_ends():
    app = PlayerApp(WalkingWindow(6))
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.query_one(SweepPlayer)
        assert tapped(player) == [0]
        await pilot.press("right", "right", "n")
        assert player.step == 3 and tapped(player) == [3]
        await pilot.press("left")
        assert tapped(player) == [2]
        await pilot.press("end", "right")
        assert player.step == 5
        await pilot.press("home", "left")
        assert player.step == 0
        assert "step 1/6" in app.query_one("#board-status").text


async def test_space_without_animations_jumps_to_the_end_and_runs_no_timer():
    app = PlayerApp(WalkingWindow(6))
    async with app.run_test(size=(80, 24)) as pilot:
        app.animation_level = "none"
        player = app.query_one(SweepPlayer)
        await pilot.press("space")
        assert player.step == 5
        assert not player.playing
        assert "animations off" in app.query_one("#board-status").text


@pytest.mark.slow
async def test_play_advances_on_its_own_then_stops_its_timer_at_the_end():
    app = PlayerApp(WalkingWindow(4))
    async with app.run_test(size=(80, 24)) as pilot:
        app.animation_level = "full"
        player = app.query_one(SweepPlayer)
        for _ in range(len(SPEEDS)):
            await pilot.press("plus")
        assert player.speed == SPEEDS[-1]
        await pilot.press("space")
        assert player.playing
        for _ in range(40):
            await pilot.pause(0.05)
            if not player.playing:
                break
        assert player.step == 3
        assert not player.playing
        assert not [t for t in player._timers if t.name == "board-play" and t._active.is_set()]


@pytest.mark.slow
async def test_pause_stops_the_timer_and_keeps_the_step():
    app = PlayerApp(WalkingWindow(50))
    async with app.run_test(size=(80, 24)) as pilot:
        app.animation_level = "full"
        player = app.query_one(SweepPlayer)
        await pilot.press("space")
        await pilot.pause(0.7)  # two steps a second by default
        await pilot.press("space")
        reached = player.step
        assert 1 <= reached < 49 and not player.playing
        await pilot.pause(0.6)
        assert player.step == reached


@pytest.mark.slow
async def test_speed_keys_walk_the_speed_table():
    app = PlayerApp(WalkingWindow(3))
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.query_one(SweepPlayer)
        start = player.speed
        await pilot.press("minus")
        assert player.speed < start
        for _ in range(10):
            await pilot.press("minus")
        assert player.speed == SPEEDS[0]


@pytest.mark.slow
async def test_go_to_a_cell_by_typing_and_by_clicking():
    app = PlayerApp(WalkingWindow(6))
    async with app.run_test(size=(80, 24)) as pilot:
        player = app.query_one(SweepPlayer)
        await pilot.press("g", "0", "comma", "4", "enter")
        assert player.step == 4
        await pilot.press("g", "9", "escape")
        assert player.step == 4
        place = player.board.picture.places["output"]
        x, y, _, _ = place.region(0, 2)
        left, top = player.board.gutter.top_left
        await pilot.click(player.board, offset=(left + x + place.slot - 1, top + y))
        assert player.step == 2
