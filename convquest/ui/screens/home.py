"""The chapter map: every chapter in order, its levels with their stars, and what is locked."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from convquest.ui.game import game
from convquest.ui.widgets.chapter_map import ChapterMap, MapRow
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.stars import MAX_STARS, star_text


class HomeScreen(Screen[None]):
    HELP_NAME = "chapter map"
    HELP_EXTRA = (("↑ ↓", "Choose a chapter (opens its lesson) or a level (plays it)"),)
    # Enter is the map's own binding (it posts Selected): a screen binding would have needed
    # `priority` to be shown, and a priority enter overtook arrows that arrived with it.
    BINDINGS = [
        Binding("p", "practice", "Practice"),
        Binding("e", "exam", "Exam"),
        Binding("r", "report", "Report"),
        Binding("g", "playground", "Playground"),
        Binding("s", "app.settings", "Settings"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="home-title", markup=False)
        yield Static(id="home-notice", markup=False)
        yield ChapterMap(id="chapter-map")
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
        rows: list[MapRow] = []
        earned = possible = done = total = 0
        for number, chapter in enumerate(curriculum.chapters, start=1):
            unlocked = curriculum.unlocked(chapter.id, stars, unlock_all=app.unlock_all)
            got = sum(stars.get(level.id, 0) for level in chapter.levels)
            most = MAX_STARS * len(chapter.levels)
            earned += got
            possible += most
            state = f"{got:>2}/{most} ★" if unlocked else "locked"
            # A title longer than its column wraps under itself rather than being cut mid-word.
            rows.append(MapRow(f"chapter:{chapter.id}", f"{number}. {chapter.title}", state, hang=3))
            for level in chapter.levels:
                total += 1
                level_stars = stars.get(level.id, 0)
                done += level_stars > 0
                mark = "✓" if level_stars else " "
                rows.append(MapRow(f"level:{level.id}", f"   {mark} {level.title}", star_text(level_stars), hang=5))
        self.query_one("#chapter-map", ChapterMap).set_rows(rows)
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

    def on_chapter_map_selected(self, event: ChapterMap.Selected) -> None:
        event.stop()
        kind, _, ident = event.row_id.partition(":")
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
