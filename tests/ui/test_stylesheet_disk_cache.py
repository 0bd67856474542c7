"""The game keeps its parsed stylesheet sources in the player's data folder (RulesFile in
convquest/ui/base_app.py), so a later launch unpickles the rules its first screen needs instead of
parsing them. Rules from the file must style exactly as a fresh parse does, never be another
theme's or an older text's, and no state of the file (corrupt, unwritable) may stop a launch."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from textual.color import Color
from textual.css.stylesheet import Stylesheet

from convquest.ui import base_app
from convquest.ui.base_app import CSS_CACHE_NAME, RulesFile, SharedStylesheet

SOURCE = "Static { color: $accent; background: $panel; }\n.note { text-style: bold; }"
DARK = {"accent": "#ff0000", "panel": "#000000"}
LIGHT = {"accent": "#0000ff", "panel": "#ffffff"}

# One launch in a fresh interpreter, as a player's: the game's home screen at 80x24 with the data
# folder argv[1], reporting how many sources Textual parsed and what the screen looked like.
LAUNCH = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path

    from textual.css.stylesheet import Stylesheet

    parsed = []
    textual_parse = Stylesheet._parse_rules

    def counted(self, css, read_from, *args, **kwargs):
        parsed.append(read_from)
        return textual_parse(self, css, read_from, *args, **kwargs)

    Stylesheet._parse_rules = counted

    from convquest.levels import load_curriculum
    from convquest.store import Store
    from convquest.ui.app import ConvQuestApp

    async def launch():
        store = Store.open(Path(sys.argv[1]))
        try:
            app = ConvQuestApp(curriculum=load_curriculum(), store=store)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                styles = [[type(node).__name__, node.id, node.styles.css] for node in app.screen.walk_children(with_self=True)]
                return {"parsed": len(parsed), "styles": styles, "screen": app.export_screenshot()}
        finally:
            store.close()

    print(json.dumps(asyncio.run(launch())))
    """
)


def launch(folder: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TEXTUAL_ANIMATIONS": "none"},
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.slow
def test_a_second_launch_parses_nothing_for_its_first_screen_and_looks_the_same(tmp_path):
    first = launch(tmp_path)
    assert first["parsed"] > 5  # the first screens' file and the widgets' DEFAULT_CSS
    assert (tmp_path / CSS_CACHE_NAME).is_file()
    second = launch(tmp_path)
    assert second["parsed"] == 0
    assert second["styles"] == first["styles"]
    assert second["screen"] == first["screen"]


@pytest.fixture
def fresh_process(monkeypatch):
    """This process as a fresh one: no rules parsed yet, and every parse Textual does counted."""
    monkeypatch.setattr(base_app, "_PARSED", {})
    parsed: list[object] = []
    textual_parse = Stylesheet._parse_rules

    def counted(self, css, read_from, *args, **kwargs):
        parsed.append(read_from)
        return textual_parse(self, css, read_from, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "_parse_rules", counted)
    return parsed


def parsed(folder: Path, variables: dict[str, str], source: str = SOURCE) -> tuple[Stylesheet, RulesFile]:
    """A stylesheet of SOURCE with the file in `folder`, as a new launch would make it."""
    base_app._PARSED.clear()
    rules_file = RulesFile(folder)
    stylesheet = SharedStylesheet(variables=dict(variables), rules_file=rules_file)
    stylesheet.add_source(source, read_from=("test_stylesheet_disk_cache.py", "SOURCE"))
    stylesheet.parse()
    return stylesheet, rules_file


def colours(stylesheet: Stylesheet) -> list[tuple[Color | None, Color | None]]:
    return [(rule.styles.color, rule.styles.background) for rule in stylesheet.rules]


def plain(variables: dict[str, str], source: str = SOURCE) -> Stylesheet:
    stylesheet = Stylesheet(variables=dict(variables))
    stylesheet.add_source(source, read_from=("test_stylesheet_disk_cache.py", "SOURCE"))
    stylesheet.parse()
    return stylesheet


def test_rules_read_from_the_file_are_the_rules_a_parse_makes(tmp_path, fresh_process):
    _, rules_file = parsed(tmp_path, DARK)
    rules_file.save()
    assert len(fresh_process) == 1
    from_file, _ = parsed(tmp_path, DARK)
    assert len(fresh_process) == 1
    fresh = plain(DARK)
    assert [rule.css for rule in from_file.rules] == [rule.css for rule in fresh.rules]
    assert [rule.selector_names for rule in from_file.rules] == [rule.selector_names for rule in fresh.rules]
    assert colours(from_file) == colours(fresh)


def test_other_theme_variables_are_parsed_with_them_not_read(tmp_path, fresh_process):
    _, rules_file = parsed(tmp_path, DARK)
    rules_file.save()
    light, _ = parsed(tmp_path, LIGHT)
    assert len(fresh_process) == 2
    assert colours(light) == colours(plain(LIGHT))
    assert colours(light)[0] == (Color.parse("#0000ff"), Color.parse("#ffffff"))


def test_an_edited_source_is_parsed_again_not_read(tmp_path, fresh_process):
    _, rules_file = parsed(tmp_path, DARK)
    rules_file.save()
    edited = SOURCE.replace("bold", "italic")
    stylesheet, _ = parsed(tmp_path, DARK, edited)
    assert len(fresh_process) == 2
    assert "italic" in stylesheet.rules[1].css
    assert [rule.css for rule in stylesheet.rules] == [rule.css for rule in plain(DARK, edited).rules]


def test_nothing_new_parsed_means_the_file_is_not_written(tmp_path, fresh_process):
    _, rules_file = parsed(tmp_path, DARK)
    rules_file.save()
    written = (tmp_path / CSS_CACHE_NAME).stat().st_mtime_ns
    os.utime(tmp_path / CSS_CACHE_NAME, ns=(written - 10**9, written - 10**9))
    _, again = parsed(tmp_path, DARK)
    again.save()
    assert (tmp_path / CSS_CACHE_NAME).stat().st_mtime_ns == written - 10**9


def test_the_file_keeps_the_most_recently_used_sources_up_to_its_size(tmp_path, fresh_process, monkeypatch):
    monkeypatch.setattr(base_app, "_CACHE_MOST", 2)
    for variables in (DARK, LIGHT, {"accent": "#00ff00", "panel": "#00ff00"}):
        _, rules_file = parsed(tmp_path, variables)
        rules_file.save()
    kept = pickle.loads((tmp_path / CSS_CACHE_NAME).read_bytes())
    assert len(kept) == 2
    parsed(tmp_path, DARK)  # the oldest, gone from the file
    assert len(fresh_process) == 4
    parsed(tmp_path, LIGHT)
    assert len(fresh_process) == 4


async def play_home_screen(app) -> tuple[list[list[object]], str]:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        styles = [[type(node).__name__, node.id, node.styles.css] for node in app.screen.walk_children(with_self=True)]
        return styles, app.export_screenshot()


def garbled(valid: bytes) -> bytes:
    return b"not a pickle at all"


def truncated(valid: bytes) -> bytes:
    return valid[: len(valid) // 2]


def not_a_dict(valid: bytes) -> bytes:
    return pickle.dumps(["a", "list"])


def entries_garbled(valid: bytes) -> bytes:
    return pickle.dumps(dict.fromkeys(pickle.loads(valid), b"\x80\x05garbage"))


def entries_not_rules(valid: bytes) -> bytes:
    return pickle.dumps(dict.fromkeys(pickle.loads(valid), pickle.dumps({"not": "rules"})))


# The quick suite keeps one spoilt file, and the unreadable one below.
SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    "spoil",
    [
        garbled,
        pytest.param(truncated, marks=SLOW),
        pytest.param(not_a_dict, marks=SLOW),
        pytest.param(entries_garbled, marks=SLOW),
        pytest.param(entries_not_rules, marks=SLOW),
    ],
)
async def test_a_spoilt_file_is_parsed_past_and_written_again(make_app, store, fresh_process, spoil):
    file = store.path.parent / CSS_CACHE_NAME
    looks = await play_home_screen(make_app())
    file.write_bytes(spoil(file.read_bytes()))
    base_app._PARSED.clear()
    fresh_process.clear()
    assert await play_home_screen(make_app()) == looks
    assert len(fresh_process) > 5
    rewritten, digests = RulesFile(store.path.parent), pickle.loads(file.read_bytes())
    assert len(digests) == len(fresh_process)
    assert all(isinstance(rewritten.get(digest), list) for digest in digests)


async def test_a_cache_file_that_cannot_be_read_or_written_changes_nothing(make_app, store, fresh_process):
    """Here a folder in the file's place (the tests may run as root, whom a read-only folder does not stop)."""
    (store.path.parent / CSS_CACHE_NAME).mkdir()
    await play_home_screen(make_app())
    assert len(fresh_process) > 5
    assert sorted(path.name for path in store.path.parent.iterdir() if "stylesheet" in path.name) == [CSS_CACHE_NAME]


@pytest.mark.slow
async def test_a_folder_refusing_new_files_changes_nothing(make_app, store, fresh_process, monkeypatch):
    """As a read-only data folder does: the temporary file cannot be made."""

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(base_app.tempfile, "mkstemp", refused)
    await play_home_screen(make_app())
    assert not (store.path.parent / CSS_CACHE_NAME).exists()


@pytest.mark.slow
async def test_a_theme_change_restyles_an_app_styled_from_the_file(make_app, store, fresh_process):
    await play_home_screen(make_app())
    store.set_setting("theme", "light")
    base_app._PARSED.clear()
    light_parsed = await play_home_screen(make_app())  # parsed: the file holds the dark theme's only
    store.set_setting("theme", "dark")
    base_app._PARSED.clear()
    fresh_process.clear()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not fresh_process
        app.theme = "textual-light"
        await pilot.pause()
        assert app.screen.styles.background == Color.parse(app.get_css_variables()["background"])
        styles = [[type(node).__name__, node.id, node.styles.css] for node in app.screen.walk_children(with_self=True)]
        assert (styles, app.export_screenshot()) == light_parsed
    assert not fresh_process  # the light theme's rules came from the file too


@pytest.mark.slow
async def test_an_app_on_a_store_in_memory_keeps_no_file(tmp_path, fresh_process, monkeypatch):
    """The playground's store has no folder: its path's parent would be wherever it was run from."""
    from convquest.ui.board.playground import PlaygroundApp

    monkeypatch.chdir(tmp_path)
    await play_home_screen(PlaygroundApp())
    assert fresh_process
    assert list(tmp_path.iterdir()) == []
