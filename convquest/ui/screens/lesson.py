"""A chapter's lesson, one page at a time; past the last page the chapter's first unplayed level."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Static

from convquest.ui.game import game
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.prose import Prose

if TYPE_CHECKING:
    from convquest.levels.model import Chapter


class LessonScreen(Screen[None]):
    HELP_NAME = "lesson"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("left,p", "page(-1)", "Previous"),
        Binding("right,n,space,enter", "page(1)", "Next"),
        Binding("l", "play", "Play now"),
    ]

    def __init__(self, chapter: Chapter) -> None:
        super().__init__()
        self.chapter = chapter
        self.page = 0

    def compose(self) -> ComposeResult:
        yield Static(id="lesson-title", markup=False)
        with VerticalScroll(id="lesson-scroll"):
            yield Prose(id="lesson-page")
        yield Static(id="lesson-pager", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        try:
            self.show_page()
        except NoMatches:
            # Opened and closed in one burst of keys (space, enter, escape faster than a frame):
            # the screen is already on its way out and its page was never mounted; nothing to show.
            return

    def show_page(self) -> None:
        pages = self.chapter.lesson  # the loader refuses a chapter without pages
        self.query_one("#lesson-title", Static).update(f"Lesson · {self.chapter.title}")
        self.query_one("#lesson-page", Prose).update(pages[self.page])
        self.query_one("#lesson-scroll", VerticalScroll).scroll_home(animate=False)
        last = self.page == len(pages) - 1
        onward = "→ start the first level" if last else "→ next page"
        # The two directions are links as well as keys: people click them (Textual and SSH
        # clients pass clicks), and a click runs the same action as the key.
        previous = "[@click='screen.page(-1)']← previous[/]" if self.page else "← previous"
        self.query_one("#lesson-pager", Static).update(
            Content.from_markup(
                f"Page {self.page + 1} of {len(pages)}    {previous}    [@click='screen.page(1)']{onward}[/]"
            )
        )

    def action_page(self, step: int) -> None:
        pages = len(self.chapter.lesson)
        target = self.page + step
        if target >= pages:
            self.action_play()
        elif target >= 0:
            self.page = target
            self.show_page()

    def action_play(self) -> None:
        app = game(self)
        app.open_level(app.first_unplayed(self.chapter), replace=True)
