"""After a level: the stars, why the answer is what it is, and where to go next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from convquest.engine.problems.stars import TOP_RUNG
from convquest.ui.game import game
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.prose import Prose
from convquest.ui.widgets.stars import star_words

if TYPE_CHECKING:
    from convquest.levels.model import Level


class ResultScreen(Screen[None]):
    HELP_NAME = "result"
    HELP_EXTRA = (("tab", "Move between the buttons and the explanation"),)
    BINDINGS = [
        Binding("n", "next", "Next level"),
        Binding("r", "retry", "Retry"),
        Binding("escape,m", "app.pop_screen", "Map"),
    ]

    def __init__(self, level: Level, stars: int, explanation: str, *, wrong: int, rung: int, picture: str = "") -> None:
        super().__init__()
        self.picture = picture
        self.level = level
        self.stars = stars
        self.explanation = explanation  # the worked solution, every part of it
        self.wrong = wrong
        self.rung = rung  # the highest rung of the hint ladder reached, by wrong answers or h

    def compose(self) -> ComposeResult:
        tries = "first time" if self.wrong == 0 else f"after {self.wrong} wrong answer{'s' * (self.wrong != 1)}"
        # Wrong answers climb the ladder as h does, so this counts rungs reached, not presses of h.
        hints = "no hints" if self.rung == 0 else f"hint {self.rung} of {TOP_RUNG} reached"
        yield Static(f"✓ Solved: {self.level.title}", id="result-title", markup=False)
        yield Static(f"{star_words(self.stars)}   — right {tries}, {hints}", id="result-stars", markup=False)
        with VerticalScroll(id="result-body"), Horizontal(id="result-columns"):
            with Vertical(id="result-words"):
                yield Prose(self.explanation, join=False, id="result-explanation")
                if self.level.explanation:
                    yield Prose(self.level.explanation, id="result-level-explanation")
            if self.picture:
                yield Static(self.picture, id="result-picture", markup=False)
        with Horizontal(id="result-buttons"):
            yield Button("Next level (n)", id="result-next", variant="primary")
            yield Button("Retry (r)", id="result-retry")
            yield Button("Map (esc)", id="result-home")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#result-next", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = {"result-next": self.action_next, "result-retry": self.action_retry}.get(event.button.id or "")
        if action is None:
            self.app.pop_screen()
        else:
            action()

    def action_retry(self) -> None:
        game(self).open_level(self.level, replace=True)

    def action_next(self) -> None:
        app = game(self)
        curriculum = app.curriculum
        following = curriculum.next_level(self.level.id)
        if following is None:
            app.notify("That was the last level. Every chapter is on the map to replay.", title="Well done")
            app.pop_screen()
            return
        if following.chapter == self.level.chapter:
            app.open_level(following, replace=True)
            return
        chapter = curriculum.chapter(following.chapter)
        if not curriculum.unlocked(chapter.id, app.store.all_stars(), unlock_all=app.unlock_all):
            app.notify(f"“{chapter.title}” opens once every level before it has a star.", title="Locked")
            app.pop_screen()
            return
        # A new chapter starts with its lesson, as it does from the map.
        from convquest.ui.screens.lesson import LessonScreen

        app.switch_screen(LessonScreen(chapter))
