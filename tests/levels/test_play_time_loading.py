"""Start-up loads the shipped chapters without the engine; packs and `levels check` still build every problem.

The shipped files are checked in full by test_curriculum.py and `convquest levels check`, so at play
time they get the structural checks only and their problems are built when a level opens. These
tests pin the three halves of that bargain: no NumPy to reach the chapter map, no check lost for
anything not shipped, and a clear message (not a traceback) if a shipped level is broken after all.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convquest.levels import LevelFileError, check_files, load_curriculum, loader
from convquest.levels.model import KINDS
from tests.levels.packs import GOOD

ROOT = Path(__file__).parents[2]

# Structurally sound (every field present and typed, a known kind, a proper range) but the engine
# refuses it: a 5-wide kernel on a 2-wide input, and a range whose low end is too small for k = 3.
UNBUILDABLE = GOOD.replace("i = 5\nk = 3", "i = 2\nk = 5").replace("i = [6, 9]", "i = [1, 1]")


@pytest.fixture
def shipped_unbuildable(tmp_path: Path, monkeypatch) -> Path:
    """The unbuildable chapter stands in for the shipped files (as if an installed copy were edited)."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    path = folder / "01-unbuildable.toml"
    path.write_text(UNBUILDABLE, encoding="utf-8")
    monkeypatch.setattr(loader, "SHIPPED_DIR", folder)
    return path


def test_kind_names_are_the_engines():
    from convquest.engine.problems import KINDS as ENGINE_KINDS

    assert KINDS == ENGINE_KINDS


@pytest.mark.slow
def test_loading_the_shipped_chapters_imports_no_numpy():
    code = (
        "import sys\nfrom convquest.levels import load_curriculum\ncurriculum = load_curriculum()\n"
        "print('LEVELS', len(curriculum.levels), 'ERRORS', len(curriculum.errors), 'NUMPY', 'numpy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"LEVELS {len(load_curriculum().levels)} ERRORS 0 NUMPY False" in result.stdout


def test_a_shipped_level_the_engine_refuses_loads_but_is_refused_when_built(shipped_unbuildable):
    curriculum = load_curriculum()
    assert curriculum.errors == ()
    fixed, drawn = curriculum.level("test-1"), curriculum.level("test-2")
    with pytest.raises(LevelFileError) as refused:
        fixed.problem(0)
    error = refused.value
    assert (error.file, error.level, error.field) == (shipped_unbuildable, "test-1", "params.k")
    assert "impossible parameters" in str(error) and "padded input" in str(error)
    with pytest.raises(LevelFileError) as refused:
        drawn.problem(3)
    assert refused.value.level == "test-2" and "when the ranges draw i = 1" in str(refused.value)


def test_levels_check_and_packs_still_build_every_problem(shipped_unbuildable, write_pack):
    assert {(e.level, e.field) for e in check_files([shipped_unbuildable])} == {
        ("test-1", "params.k"),
        ("test-2", "params.k"),
    }
    pack = write_pack(UNBUILDABLE.replace("order = 100", "order = 101").replace("test-", "pack-"))
    curriculum = load_curriculum([pack.parent])
    assert [(e.file, e.level) for e in curriculum.errors] == [(pack, "pack-1"), (pack, "pack-2")]
    with pytest.raises(KeyError):
        curriculum.level("pack-2")


@pytest.mark.slow
async def test_opening_an_unbuildable_level_says_why_and_stays_on_the_map(shipped_unbuildable, tmp_path):
    from convquest.store import Store
    from convquest.ui.app import ConvQuestApp
    from convquest.ui.screens.home import HomeScreen

    store = Store.open(tmp_path / "data")
    # Started at the level (`convquest play --level test-1`), then chosen again from the map.
    app = ConvQuestApp(curriculum=load_curriculum(), store=store, start_level="test-1")
    try:
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            chapter_map = app.screen.query_one("#chapter-map")
            chapter_map.highlighted = 1  # row 0 is the chapter, row 1 its first level
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            shown = [f"{toast.render()}" for toast in app.screen.query("Toast")]
    finally:
        store.close()
    assert len(shown) == 2, shown
    for text in shown:
        assert "“One convolution” cannot be played" in text
        assert "level 'test-1': field 'params.k': impossible parameters" in text
        assert "Traceback" not in text


@pytest.fixture
def shipped_good(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "shipped"
    folder.mkdir()
    path = folder / "01-good.toml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(loader, "SHIPPED_DIR", folder)
    return path


def test_the_parse_cache_serves_the_next_launch_without_tomllib(shipped_good, tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    first = load_curriculum(cache_dir=data)
    assert (data / loader.ParseCache.NAME).is_file()
    monkeypatch.setitem(sys.modules, "tomllib", None)  # any import of tomllib now fails
    assert load_curriculum(cache_dir=data) == first


def test_an_edited_file_is_read_again(shipped_good, tmp_path):
    load_curriculum(cache_dir=tmp_path)
    shipped_good.write_text(GOOD.replace("One convolution", "One edited convolution"), encoding="utf-8")
    assert load_curriculum(cache_dir=tmp_path).level("test-1").title == "One edited convolution"


def test_what_the_cache_holds_is_checked_like_a_file(shipped_good, tmp_path):
    load_curriculum(cache_dir=tmp_path)
    cache = loader.ParseCache(tmp_path)
    ((stamp, data),) = cache.entries.values()
    data["level"][0]["kind"] = "guess-size"  # as if the cache file were edited by hand
    cache.entries[str(shipped_good)] = (stamp, data)
    cache.changed = True
    cache.save()
    loader._LOADED.clear()  # as the next launch, a new process, would: the level files themselves are unchanged
    errors = load_curriculum(cache_dir=tmp_path).errors
    assert [(e.file, e.level, e.field) for e in errors] == [(shipped_good, "test-1", "kind")]


def test_a_corrupt_cache_is_ignored_and_replaced(shipped_good, tmp_path):
    (tmp_path / loader.ParseCache.NAME).write_bytes(b"\x00not marshal")
    assert load_curriculum(cache_dir=tmp_path).level("test-1").title == "One convolution"
    assert loader.ParseCache(tmp_path).entries.keys() == {str(shipped_good)}


def test_unchanged_files_load_once_a_process_and_an_edit_is_read_again(shipped_good, tmp_path):
    # A session forked from the classroom's warm parent finds the curriculum the parent loaded.
    first = load_curriculum(cache_dir=tmp_path)
    assert load_curriculum(cache_dir=tmp_path / "another") is first
    text = shipped_good.read_text(encoding="utf-8")
    shipped_good.write_text(text.replace('"One convolution"', '"One edited convolution!"'), encoding="utf-8")
    again = load_curriculum(cache_dir=tmp_path)
    assert again is not first and again.level("test-1").title == "One edited convolution!"


@given(st.text(alphabet=" \t\nab\r", max_size=30))
def test_a_level_text_is_dedented_and_stripped_as_textwrap_does(text):
    # The loader skips textwrap.dedent for a text without indentation (start-up): same result always.
    assert loader._text(text) == textwrap.dedent(text).strip()
