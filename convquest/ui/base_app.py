"""What every ConvQuest app (the game, the quiz, the teacher's view) does the same way."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.css.model import RuleSet
from textual.css.stylesheet import CSSLocation, Stylesheet
from textual.events import Event, Key

from convquest.ui.first_frame import release_collector

# Every app's parsed stylesheet sources, by the CSS variables they were parsed with and Textual's own
# key (the source text, where it was read from, its kind, tie breaker and scope). A session forked
# from the classroom's warm parent finds the rules the parent's rehearsal parsed (a parse of every
# source at each start otherwise), and so does each later app in one process (tests, `serve`). A
# plain dict, whose get and set are each atomic, since apps may run in threads of one process.
_PARSED: dict[tuple[object, ...], list[RuleSet]] = {}
_PARSED_MOST = 256  # sources: ~15 a screen set and theme; a process that makes more starts over


class SharedStylesheet(Stylesheet):
    """A Stylesheet whose parsed sources are kept for every app in the process.

    The rules of one source depend only on its text, its location and the variables (the theme's
    colours) substituted into it, and the key names all of them: an app with another theme, or a
    source edited in place, never gets rules parsed for different ones. Textual reads parsed rules
    and never changes them, so one list can serve many stylesheets."""

    _variables_key: frozenset[tuple[str, str]] | None = None

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._variables_key = None

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        if self._variables_key is None:
            self._variables_key = frozenset(self._variables.items())
        key = (self._variables_key, css, read_from, is_default_rules, tie_breaker, scope)
        rules = _PARSED.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if len(_PARSED) >= _PARSED_MOST:
                _PARSED.clear()
            _PARSED[key] = rules
        return rules

    def reparse(self) -> None:
        # Textual's reparse parses every source into a fresh Stylesheet, which would not find the
        # shared rules. parse() is as safe here: it keeps the current rules until every source has
        # parsed, and the key's variables keep another theme's rules out. Forgetting which sources
        # failed makes it retry all of them, as the fresh Stylesheet does.
        self._invalid_css = set()
        self.parse()


class BaseApp(App[None]):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # App.__init__ has made its Stylesheet from the theme's variables and added no source yet.
        self.stylesheet = SharedStylesheet(variables=self.stylesheet._variables)

    def on_ready(self) -> None:
        # Textual's Ready comes once the first frame is displayed: the start is over.
        release_collector()

    async def on_event(self, event: Event) -> None:
        # Keys still queued when the app closes (a burst typed just before quitting, SSH batching)
        # arrive after Textual's shutdown has removed every screen, where its key handling raises
        # "No screens on stack". There is nothing left for them to do.
        if isinstance(event, Key) and not self.screen_stack:
            return
        await super().on_event(event)
