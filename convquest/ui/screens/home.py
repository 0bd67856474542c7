"""The chapter map: every chapter in order, its levels with their stars, and what is locked."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from convquest.ui.game import game
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.stars import MAX_STARS, star_text

if TYPE_CHECKING:
    from textual.css.styles import RulesMap


class MapRow(Content):
    """A row of the chapter map, already laid out in lines by the screen.

    The OptionList measures every row's height, again after each move of the ▸ (a new prompt clears
    its caches); for plain Content that is a word-wrap of all ~140 rows. A row that fits is as tall
    as its lines, known without wrapping; a narrower map wraps as Content does (issue 21).
    """

    __slots__ = ["_line_count", "_widest"]

    def __init__(self, text: str) -> None:
        super().__init__(text)
        lines = self.plain.split("\n")
        self._line_count = len(lines)
        self._widest = max(cell_len(line) for line in lines)

    def get_height(self, rules: RulesMap, width: int) -> int:
        if "\t" not in self.plain and width - 2 * rules.get("line_pad", 0) >= self._widest:
            return self._line_count
        return super().get_height(rules, width)


class HomeScreen(Screen[None]):
    HELP_NAME = "chapter map"
    HELP_EXTRA = (("↑ ↓", "Choose a chapter (opens its lesson) or a level (plays it)"),)
    BINDINGS = [
        # priority: the map (an OptionList) would otherwise take enter and hide it from the footer.
        Binding("enter", "open", "Open", priority=True),
        Binding("p", "practice", "Practice"),
        Binding("e", "exam", "Exam"),
        Binding("r", "report", "Report"),
        Binding("g", "playground", "Playground"),
        Binding("s", "app.settings", "Settings"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="home-title", markup=False)
        yield Static(id="home-notice", markup=False)
        yield OptionList(id="chapter-map")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_map()

    def on_screen_resume(self) -> None:
        self.refresh_map()

    def refresh_map(self) -> None:
        app = game(self)
        curriculum = app.curriculum
        stars = dict(app.store.all_stars())
        # The screen resumes right after its mount, and after every screen over it: the map is
        # rebuilt only when what it shows has changed.
        shown = (stars, app.unlock_all, app.store.notice)
        if shown == getattr(self, "_shown", None):
            return
        self._shown = shown
        rows: list[tuple[str, str]] = []  # (option id, text after the cursor column)
        earned = possible = done = total = 0
        for number, chapter in enumerate(curriculum.chapters, start=1):
            unlocked = curriculum.unlocked(chapter.id, stars, unlock_all=app.unlock_all)
            got = sum(stars.get(level.id, 0) for level in chapter.levels)
            most = MAX_STARS * len(chapter.levels)
            earned += got
            possible += most
            state = f"{got:>2}/{most} ★" if unlocked else "locked"
            # A title longer than its column wraps under itself rather than being cut mid-word.
            first, *more = textwrap.wrap(f"{number}. {chapter.title}", 60, subsequent_indent="   ") or [""]
            rows.append((f"chapter:{chapter.id}", "\n  ".join([f"{first:<60} {state:>9}", *more])))
            for level in chapter.levels:
                total += 1
                level_stars = stars.get(level.id, 0)
                done += level_stars > 0
                mark = "✓" if level_stars else " "
                label = f"   {mark} {level.title}"
                rows.append((f"level:{level.id}", f"{label:<60.60} {star_text(level_stars):>9}"))
        self._rows = [text for _, text in rows]
        chapter_map = self.query_one("#chapter-map", OptionList)
        highlighted = chapter_map.highlighted
        chapter_map.clear_options()
        chapter_map.add_options([Option(self._row(n), id=ident) for n, (ident, _) in enumerate(rows)])
        if rows:
            chapter_map.highlighted = min(highlighted or 0, len(rows) - 1)
            self._marked = chapter_map.highlighted
        self.query_one("#home-title", Static).update(
            f"ConvQuest — convolution, by hand\n"
            f"Progress: {done} of {total} levels cleared, {earned} of {possible} stars"
        )
        # A moved-aside database or a refused level file must be said, not silently absorbed.
        notices = [app.store.notice] if app.store.notice else []
        notices += [f"skipped: {error}" for error in curriculum.errors]
        box = self.query_one("#home-notice", Static)
        box.update("\n".join(f"! {line}" for line in notices))
        box.display = bool(notices)

    def _row(self, index: int, cursor: bool = False) -> Content:
        return MapRow(("▸ " if cursor else "  ") + self._rows[index])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # A ▸ beside the highlighted row: the highlight's colour alone vanishes under NO_COLOR.
        chapter_map = event.option_list
        old = getattr(self, "_marked", None)
        if old is not None and old < len(self._rows):
            chapter_map.replace_option_prompt_at_index(old, self._row(old))
        chapter_map.replace_option_prompt_at_index(event.option_index, self._row(event.option_index, True))
        self._marked = event.option_index

    def _selected(self) -> tuple[str, str] | None:
        chapter_map = self.query_one("#chapter-map", OptionList)
        if chapter_map.highlighted is None:
            return None
        option_id = chapter_map.get_option_at_index(chapter_map.highlighted).id or ""
        kind, _, ident = option_id.partition(":")
        return kind, ident

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        kind, ident = selected
        app = game(self)
        curriculum = app.curriculum
        chapter = curriculum.chapter(ident) if kind == "chapter" else curriculum.chapter_of(ident)
        if not curriculum.unlocked(chapter.id, dict(app.store.all_stars()), unlock_all=app.unlock_all):
            self.notify(
                f"“{chapter.title}” is locked: earn stars in the chapter before it "
                "(or turn on “unlock all” in settings).",
                title="Locked",
            )
            return
        if kind == "chapter":
            app.open_lesson(chapter)
        else:
            app.open_level(curriculum.level(ident))

    # The other modes live in their own feature folders and are imported only when opened.
    def action_practice(self) -> None:
        from convquest.ui.practice import open_practice_setup

        open_practice_setup(game(self))

    def action_exam(self) -> None:
        from convquest.ui.practice import open_exam_setup

        open_exam_setup(game(self))

    def action_report(self) -> None:
        from convquest.ui.practice import open_report

        open_report(game(self))

    def action_playground(self) -> None:
        from convquest.ui.board.playground import PlaygroundScreen

        self.app.push_screen(PlaygroundScreen())
