"""What every ConvQuest app (the game, the quiz, the teacher's view) does the same way."""

from __future__ import annotations

import functools
import os
import pickle
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

import textual
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


CSS_CACHE_NAME = "stylesheet-cache.pickle"
_CACHE_MOST = 120  # sources kept in the file: about 40 a theme styles every screen of the game
# The files that make and define parsed rules: Textual's version string would cost an import of
# importlib.metadata (20 ms), and an upgrade or an edit rewrites these anyway.
_TEXTUAL_FILES = ("__init__.py", "css/parse.py", "css/_styles_builder.py", "css/model.py", "css/styles.py")


class RulesFile:
    """The parsed rules of stylesheet sources, kept in one file in a folder for the next launch.

    A fresh launch parses about 14 ms of CSS before its first frame (the first screens' file and
    the widgets' DEFAULT_CSS); unpickling the same rules takes about 2 ms. Each source is pickled
    on its own, so a launch unpickles only the sources it styles with, whatever else the file
    holds. The file is read once, at the first source the process has not parsed, and written at
    the app's exit, and only if something was parsed that it lacked.

    Pickle runs code named in the file, so the file must be writable only by whoever runs the
    game: it lives in the player's own data folder, beside their progress. Any trouble reading or
    writing it (missing, truncated, garbled, a read-only folder) costs a parse, never a launch."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / CSS_CACHE_NAME
        self._kept: dict[str, bytes] | None = None  # read at the first get
        self._new: dict[str, list[RuleSet]] = {}

    def _entries(self) -> dict[str, bytes]:
        if self._kept is None:
            try:
                loaded = pickle.loads(self.path.read_bytes())
            except Exception:  # a truncated or garbled pickle can raise nearly anything
                loaded = None
            self._kept = loaded if isinstance(loaded, dict) else {}
        return self._kept

    def get(self, digest: str) -> list[RuleSet] | None:
        entries = self._entries()
        kept = entries.pop(digest, None)
        if not isinstance(kept, bytes):
            return None
        try:
            rules = pickle.loads(kept)
        except Exception:
            return None  # dropped: it is parsed and added again
        if not isinstance(rules, list) or not all(isinstance(rule, RuleSet) for rule in rules):
            return None
        entries[digest] = kept  # last in the file, as most recently used: the last to go when it is full
        return rules

    def add(self, digest: str, rules: list[RuleSet]) -> None:
        self._new[digest] = rules

    def save(self) -> None:
        if not self._new:
            return
        entries = self._entries()
        # Pickled now, not when parsed, to keep it off the way to the first frame. Textual never
        # changes parsed rules, so they are as they were parsed.
        for digest, rules in self._new.items():
            try:
                entries[digest] = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # something a later Textual keeps in a rule that pickle cannot: parsed each time
                continue
        self._new = {}
        kept = dict(list(entries.items())[-_CACHE_MOST:])
        self._kept = kept
        partial: str | None = None
        try:
            handle, partial = tempfile.mkstemp(prefix=f"{CSS_CACHE_NAME}.", dir=self.path.parent)
            with os.fdopen(handle, "wb") as file:
                pickle.dump(kept, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, self.path)  # whole or not at all, even with two launches at once
        except OSError:
            if partial is not None:
                Path(partial).unlink(missing_ok=True)


@functools.cache
def _stamp() -> bytes | None:
    """What pickled rules also depend on: the Python that pickled them and Textual's files (None:
    nothing to tell Textual's versions apart by, so no file is used)."""
    folder = Path(textual.__file__).parent
    try:
        stats = [(name, os.stat(folder / name)) for name in _TEXTUAL_FILES]
    except OSError:
        return None
    return repr((sys.version, str(folder), [(name, s.st_mtime_ns, s.st_size) for name, s in stats])).encode()


class SharedStylesheet(Stylesheet):
    """A Stylesheet whose parsed sources are kept for every app in the process, and, given a
    RulesFile, for the next launch.

    The rules of one source depend only on its text, its location and the variables (the theme's
    colours) substituted into it, and the key names all of them: an app with another theme, or a
    source edited in place, never gets rules parsed for different ones. Textual reads parsed rules
    and never changes them, so one list can serve many stylesheets."""

    _variables_key: frozenset[tuple[str, str]] | None = None
    _variables_digest: tuple[int, int] | None = None  # the two checksums of the stamp and the variables

    def __init__(self, *, variables: dict[str, str] | None = None, rules_file: RulesFile | None = None) -> None:
        super().__init__(variables=variables)
        self.rules_file = rules_file if _stamp() is not None else None

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._variables_key = None
        self._variables_digest = None

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
            rules = self._read_or_parse(css, read_from, is_default_rules, tie_breaker, scope)
            if len(_PARSED) >= _PARSED_MOST:
                _PARSED.clear()
            _PARSED[key] = rules
        return rules

    def _read_or_parse(
        self, css: str, read_from: CSSLocation, is_default_rules: bool, tie_breaker: int, scope: str
    ) -> list[RuleSet]:
        if self.rules_file is None:
            return super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        digest = self._digest((css, read_from, is_default_rules, tie_breaker, scope))
        rules = self.rules_file.get(digest)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if not any(rule.errors for rule in rules):  # Textual refuses these: parsed again, to say why
                self.rules_file.add(digest, rules)
        return rules

    def _digest(self, source: tuple[object, ...]) -> str:
        """The key as the file's: stable across processes (a frozenset's order is not). Two running
        checksums (CRC-32 and Adler-32, 64 bits together) rather than hashlib, whose import (OpenSSL)
        cost 2.5 ms of a launch: a clash needs both to agree, and nobody forges the player's own file."""
        if self._variables_digest is None:
            head = (_stamp() or b"") + repr(sorted(self._variables.items())).encode()
            self._variables_digest = (zlib.crc32(head), zlib.adler32(head))
        crc, adler = self._variables_digest
        body = repr(source).encode()
        return f"{zlib.crc32(body, crc):08x}{zlib.adler32(body, adler):08x}"

    def reparse(self) -> None:
        # Textual's reparse parses every source into a fresh Stylesheet, which would not find the
        # shared rules. parse() is as safe here: it keeps the current rules until every source has
        # parsed, and the key's variables keep another theme's rules out. Forgetting which sources
        # failed makes it retry all of them, as the fresh Stylesheet does.
        self._invalid_css = set()
        self.parse()


class BaseApp(App[None]):
    """`css_cache`: a folder to keep parsed stylesheet sources in for the next launch (the
    player's data folder), or None to parse them at every launch."""

    def __init__(self, *, css_cache: Path | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rules_file = RulesFile(css_cache) if css_cache is not None else None
        # App.__init__ has made its Stylesheet from the theme's variables and added no source yet.
        self.stylesheet = SharedStylesheet(variables=self.stylesheet._variables, rules_file=self._rules_file)

    async def _shutdown(self) -> None:
        # Textual's run has given the terminal back by now (run_test calls this twice; the second
        # finds nothing new to save).
        await super()._shutdown()
        if self._rules_file is not None:
            self._rules_file.save()

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
