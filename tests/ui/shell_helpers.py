"""Reading what the player would read, from the widgets themselves."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Static


def text(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def type_answer(pilot, answer: str) -> None:
    """Type into the focused answer box and press Enter, as a player would."""
    box = pilot.app.screen.query_one("#ps-answer")
    box.focus()
    box.value = ""
    await pilot.press(*answer, "enter")
    await pilot.pause()


async def see_result(pilot) -> None:
    """A solved level keeps its board in view until the player presses Enter for the result."""
    from convquest.ui.screens.level import LevelScreen

    assert isinstance(pilot.app.screen, LevelScreen) and pilot.app.screen.run.solved
    assert "Solved" in text(pilot.app, "#level-status")
    await pilot.press("enter")
    await pilot.pause()
