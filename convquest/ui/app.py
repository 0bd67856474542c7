"""The ConvQuest application: owns the screen stack, the settings and the too-small guard.

Screens are imported inside the methods that first need them, so launching the game pays only
for the home screen (issue 3 asks start-up to stay within 1.3x of a one-widget Textual app), and
the stylesheet comes in two parts for the same reason: the first screens' rules, read at start,
and every other screen's, read when the first other screen is shown (issue 21).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding

from convquest.ui import settings
from convquest.ui.base_app import BaseApp

if TYPE_CHECKING:
    from textual.events import Resize
    from textual.screen import Screen

    from convquest.levels.model import Chapter, Curriculum, Level
    from convquest.store import Store

FIRST_SCREENS_CSS = Path(__file__).with_name("first_screens.tcss")
SCREENS_CSS = Path(__file__).with_name("convquest.tcss")


class ConvQuestApp(BaseApp):
    """`ConvQuestApp(curriculum=..., store=..., start_level=...)`; the CLI calls `.run()`."""

    CSS_PATH = [FIRST_SCREENS_CSS, SCREENS_CSS]
    # True: the default screen is styled by first_screens.tcss alone, so convquest.tcss waits until
    # another screen is shown. A subclass that brings its own default screen reads both at start
    # unless it says the same of its screen.
    FIRST_SCREEN_CSS_ONLY: ClassVar[bool] = True
    # The game may be served over SSH, where Textual's palette would offer "save screenshot" onto
    # the server's disk; everything else it could offer is a key already shown in the footer.
    ENABLE_COMMAND_PALETTE = False
    TITLE = "ConvQuest"

    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        # Textual drops a binding whose key a focused text box consumes, so q types a q in an
        # answer box (and leaves the footer there); ctrl+q quits from anywhere.
        Binding("q", "quit", "Quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_default_screen" in cls.__dict__ and "FIRST_SCREEN_CSS_ONLY" not in cls.__dict__:
            cls.FIRST_SCREEN_CSS_ONLY = False

    def __init__(self, *, curriculum: Curriculum, store: Store, start_level: str | None = None) -> None:
        super().__init__(
            css_path=[FIRST_SCREENS_CSS] if self.FIRST_SCREEN_CSS_ONLY else None,
            css_cache=store.folder,
        )
        self._all_css_read = not self.FIRST_SCREEN_CSS_ONLY
        self.curriculum = curriculum
        self.store = store
        self.start_level = start_level
        # TEXTUAL_ANIMATIONS (tests, slow SSH links) is the most the stored speed may ask for.
        self._animation_ceiling = self.animation_level
        self._apply_settings()

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: str) -> str:
        return settings.setting(self.store, key, default)

    @property
    def unlock_all(self) -> bool:
        return settings.unlock_all(self.store)

    @property
    def animation_speed(self) -> str:
        return settings.animation_speed(self.store)

    def _apply_settings(self) -> None:
        self.theme = settings.theme(self.store)
        self.animation_level = "none" if self.animation_speed == "off" else self._animation_ceiling

    def save_setting(self, key: str, value: str) -> None:
        self.store.set_setting(key, value)
        self._apply_settings()

    # -- screens ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        from convquest.ui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        if self.start_level is not None:
            level = self.curriculum.level(self.start_level)
            self.open_level(level)
        self._guard_size(self.size.width, self.size.height)

    def open_lesson(self, chapter: Chapter) -> None:
        from convquest.ui.screens.lesson import LessonScreen

        self.push_screen(LessonScreen(chapter))

    def open_level(self, level: Level, *, replace: bool = False) -> None:
        """Show a level; `replace` swaps out the current screen (lesson or result) so that
        escape from the level always lands on the chapter map."""
        from convquest.levels.model import LevelFileError
        from convquest.play.run import LevelRun
        from convquest.ui.screens.level import LevelScreen

        try:
            run = LevelRun.opened(
                level,
                self.store.attempts(level.id),
                taught=self.curriculum.taught_for(level.id),
                recorder=self.store,
                keeper=self.store,
            )
        except LevelFileError as error:
            # The shipped chapters load without building their problems (that would put the engine
            # in start-up), so one the engine refuses is first found here: say what is wrong and
            # leave the player where they were, with every other level still playable.
            # markup off: the message quotes the file, and "[lo, hi]" must not be read as a style.
            self.notify(
                f"{error}\n\n`convquest levels check` on that file lists what to fix.",
                title=f"“{level.title}” cannot be played",
                severity="error",
                timeout=30,
                markup=False,
            )
            return
        screen = LevelScreen(run)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def _load_screen_css(self, screen: Screen[Any]) -> None:
        # Textual's step before a pushed or switched-to screen is styled: the rest of the stylesheet
        # goes in first. parse() reads only the new file (the others' rules are cached), and the
        # screens already up are restyled as Textual does for a screen's own CSS.
        if not self._all_css_read:
            self._all_css_read = True
            self.stylesheet.read(SCREENS_CSS)
            self.stylesheet.parse()
            self.stylesheet.update(self)
        super()._load_screen_css(screen)

    async def _replace_screen(self, screen: Screen[Any]) -> Screen[Any]:
        # A screen popped in the same burst of keys that pushed it (Enter then Escape faster than a
        # frame) is still mounting: removing it then prunes its widgets while their own Mount
        # handlers are queued, and those query children already gone (the monkey's NoMatches on
        # '#level-notes'). It is off the stack already; it is removed once it has finished mounting.
        if screen.is_running and not screen.is_mounted:
            await screen._mounted_event.wait()
        return await super()._replace_screen(screen)

    def first_unplayed(self, chapter: Chapter) -> Level:
        stars = self.store.all_stars()
        for level in chapter.levels:
            if not stars.get(level.id):
                return level
        return chapter.levels[0]

    def action_help(self) -> None:
        from convquest.ui.screens.help import HelpScreen
        from convquest.ui.screens.too_small import TooSmallScreen

        if isinstance(self.screen, TooSmallScreen):
            return  # the help box would not fit either; the message already says what to do
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.screen))

    def action_settings(self) -> None:
        from convquest.ui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    # -- too small --------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._guard_size(event.size.width, event.size.height)

    def _guard_size(self, width: int, height: int) -> None:
        from convquest.ui.screens.too_small import TooSmallScreen

        small = width < settings.MIN_WIDTH or height < settings.MIN_HEIGHT
        screen = self.screen
        if not isinstance(screen, TooSmallScreen):
            if small:
                self.push_screen(TooSmallScreen())
        elif small:
            screen.show_size(width, height)
        else:
            self.pop_screen()

    # -- nothing here writes files ----------------------------------------------------------

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        # Belt and braces for the missing palette: no key or command can save a screenshot.
        self.notify("Screenshots are switched off in ConvQuest.", severity="warning")
        return None

    def save_screenshot(self, *args: Any, **kwargs: Any) -> str:
        self.notify("Screenshots are switched off in ConvQuest.", severity="warning")
        return ""
