"""Start-up loads the shipped chapters without the engine; packs and `levels check` still build every problem.

The shipped files are checked in full by test_curriculum.py and `convquest levels check`, so at play
time they get the structural checks only and their problems are built when a level opens. These
tests pin the three halves of that bargain: no NumPy to reach the chapter map, no check lost for
anything not shipped, and a clear message (not a traceback) if a shipped level is broken after all.
"""

from __future__ import annotations

import marshal
import subprocess
import sys
import textwrap
import zlib
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


@pytest.fixture
def checks(monkeypatch) -> list[Path]:
    """The files the structural checks ran on (each call of loader._build_chapter), in order."""
    checked: list[Path] = []
    build = loader._build_chapter

    def spy(path, data, build_problems):
        checked.append(path)
        return build(path, data, build_problems)

    monkeypatch.setattr(loader, "_build_chapter", spy)
    return checked


def next_launch() -> None:
    loader._LOADED.clear()  # as the next launch, a new process, would: the level files themselves are unchanged


def test_the_cache_serves_the_next_launch_without_tomllib_or_the_checks(shipped_good, tmp_path, monkeypatch, checks):
    data = tmp_path / "data"
    data.mkdir()
    first = load_curriculum(cache_dir=data)
    assert (data / loader.ParseCache.NAME).is_file() and checks == [shipped_good]
    next_launch()
    monkeypatch.setitem(sys.modules, "tomllib", None)  # any import of tomllib now fails
    again = load_curriculum(cache_dir=data)
    assert again == first and again is not first
    assert checks == [shipped_good]  # built from the cache: the chapter the checks built last time
    level = again.level("test-1")
    assert level.source == shipped_good and level.chapter == again.chapters[0].id
    with pytest.raises(TypeError):
        level.params["i"] = 1  # type: ignore[index]


def test_an_edited_file_is_read_again(shipped_good, tmp_path, checks):
    load_curriculum(cache_dir=tmp_path)
    shipped_good.write_text(GOOD.replace("One convolution", "One edited convolution"), encoding="utf-8")
    assert load_curriculum(cache_dir=tmp_path).level("test-1").title == "One edited convolution"
    assert checks == [shipped_good, shipped_good]


def edit_cache(folder: Path, path: Path, edit) -> None:
    """Rewrite the cache entry of `path` as edit(entry) returns it, as if the cache file were edited by hand."""
    cache = loader.ParseCache(folder)
    cache.entries[str(path)] = edit(cache.entries[str(path)])
    cache.changed = True
    cache.save()
    next_launch()


def test_after_a_change_to_the_loaders_code_the_kept_parse_is_checked_again(
    shipped_good, tmp_path, monkeypatch, checks
):
    first = load_curriculum(cache_dir=tmp_path)
    monkeypatch.setattr(loader, "_CODE_STAMP", [("another loader",)])
    next_launch()
    monkeypatch.setitem(sys.modules, "tomllib", None)  # from the kept parse, not the file
    assert load_curriculum(cache_dir=tmp_path) == first
    assert checks == [shipped_good, shipped_good]
    # ...and the chapter those checks built is kept for the new code's next launch.
    next_launch()
    assert load_curriculum(cache_dir=tmp_path) == first
    assert checks == [shipped_good, shipped_good]


def test_what_the_cache_holds_is_checked_like_a_file(shipped_good, tmp_path, monkeypatch):
    load_curriculum(cache_dir=tmp_path)

    def unknown_kind(entry):
        stamp, parsed, built = entry
        data = marshal.loads(parsed)
        data["level"][0]["kind"] = "guess-size"
        return stamp, marshal.dumps(data), built

    edit_cache(tmp_path, shipped_good, unknown_kind)
    monkeypatch.setattr(loader, "_CODE_STAMP", [("another loader",)])  # so the kept parse is what is read
    errors = load_curriculum(cache_dir=tmp_path).errors
    assert [(e.file, e.level, e.field) for e in errors] == [(shipped_good, "test-1", "kind")]


def test_a_kept_chapter_edited_or_corrupt_is_built_again_from_the_checks(shipped_good, tmp_path, checks):
    first = load_curriculum(cache_dir=tmp_path)

    def retitled(entry):  # the same length, so only the seal can tell
        stamp, parsed, (code, seal, blob) = entry
        assert b"One convolution" in blob
        return stamp, parsed, (code, seal, blob.replace(b"One convolution", b"One CONVOLUTION"))

    edit_cache(tmp_path, shipped_good, retitled)
    assert load_curriculum(cache_dir=tmp_path) == first
    assert checks == [shipped_good, shipped_good]

    def unreadable(entry):  # sealed, but not what chapter_fields writes
        stamp, parsed, (code, _, _) = entry
        blob = marshal.dumps(("a", "chapter", "of", "another", "layout"))
        return stamp, parsed, (code, zlib.crc32(blob), blob)

    edit_cache(tmp_path, shipped_good, unreadable)
    assert load_curriculum(cache_dir=tmp_path) == first
    assert checks == [shipped_good, shipped_good, shipped_good]


def test_without_the_code_to_stamp_no_chapter_is_kept_and_the_cache_is_not_rewritten(
    shipped_good, tmp_path, monkeypatch, checks
):
    monkeypatch.setattr(loader, "_CODE_STAMP", [None])  # as code_stamp() gives when it cannot read the code
    first = load_curriculum(cache_dir=tmp_path)
    saved = (tmp_path / loader.ParseCache.NAME).stat().st_mtime_ns
    ((_, _, built),) = loader.ParseCache(tmp_path).entries.values()
    assert built is None
    next_launch()
    monkeypatch.setitem(sys.modules, "tomllib", None)  # the parse is still kept
    assert load_curriculum(cache_dir=tmp_path) == first
    assert checks == [shipped_good, shipped_good]
    assert (tmp_path / loader.ParseCache.NAME).stat().st_mtime_ns == saved


def test_the_code_stamp_names_the_python_and_the_loader_and_model_files():
    stamp = loader.code_stamp()
    assert stamp is not None and stamp == loader.code_stamp()
    files = (Path(loader.__file__), Path(loader.model.__file__))
    assert stamp == (sys.version, *(zlib.crc32(path.read_bytes()) for path in files))


@pytest.mark.slow
def test_the_second_launch_builds_every_shipped_chapter_from_the_cache(tmp_path):
    # A shipped file the cache cannot keep (a TOML date, say) would bring tomllib and the checks
    # back into every launch.
    code = (
        "import sys\nfrom pathlib import Path\nfrom convquest.levels import load_curriculum, loader\n"
        "checked = []\nbuild = loader._build_chapter\n"
        "loader._build_chapter = lambda *args: checked.append(args[0]) or build(*args)\n"
        "curriculum = load_curriculum(cache_dir=Path(sys.argv[1]))\n"
        "print('CHECKED', len(checked), 'TOMLLIB', 'tomllib' in sys.modules, 'ERRORS', len(curriculum.errors))"
    )
    launches = [
        subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        for _ in range(2)
    ]
    assert [launch.returncode for launch in launches] == [0, 0], launches[-1].stderr
    assert f"CHECKED {len(loader.shipped_files())} TOMLLIB True ERRORS 0" in launches[0].stdout
    assert "CHECKED 0 TOMLLIB False ERRORS 0" in launches[1].stdout


def test_a_cache_of_the_old_layout_is_read_as_no_cache(shipped_good, tmp_path, checks):
    # Before the checked chapters were kept, an entry was (stamp, parsed TOML).
    raw = shipped_good.read_bytes()
    old = {str(shipped_good): (loader._stamp(raw), {"chapter": {"id": "stale"}})}
    (tmp_path / loader.ParseCache.NAME).write_bytes(marshal.dumps(old))
    assert load_curriculum(cache_dir=tmp_path).level("test-1").title == "One convolution"
    assert checks == [shipped_good]
    next_launch()
    load_curriculum(cache_dir=tmp_path)
    assert checks == [shipped_good]  # and replaced by one this code reads


def test_a_file_with_errors_is_checked_each_launch_and_its_parse_kept_once(shipped_unbuildable, tmp_path, checks):
    broken = shipped_unbuildable.with_name("02-broken.toml")
    broken.write_text(
        GOOD.replace('kind = "predict-size"', 'kind = "guess-size"')
        .replace("order = 100", "order = 101")
        .replace("test-", "broken-"),
        encoding="utf-8",
    )
    first = load_curriculum(cache_dir=tmp_path).errors
    assert first and {(e.file, e.field) for e in first} == {(broken, "kind")}
    saved = (tmp_path / loader.ParseCache.NAME).stat().st_mtime_ns
    next_launch()
    assert [str(e) for e in load_curriculum(cache_dir=tmp_path).errors] == [str(e) for e in first]
    assert checks == [shipped_unbuildable, broken, broken]  # the good file was built from the cache
    assert (tmp_path / loader.ParseCache.NAME).stat().st_mtime_ns == saved  # nothing new to keep: not written again


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
