"""Broken level files are refused whole, with file, level and field named, and never a traceback."""

from pathlib import Path

import pytest

from convquest.levels import LevelFileError, check_files, load_curriculum
from convquest.levels.loader import shipped_files
from tests.levels.packs import GOOD

# (case, edit of the good pack, level named, field named, words the message must contain)
BROKEN = [
    ("bad toml", lambda t: t.replace("k = 3\n", "k = = 3\n", 1), None, None, ["not valid TOML", "line 16"]),
    (
        "unknown kind",
        lambda t: t.replace('kind = "predict-size"', 'kind = "guess-size"', 1),
        "test-1",
        "kind",
        ["unknown kind 'guess-size'", "predict-size", "count-params"],
    ),
    (
        "missing field",
        lambda t: t.replace('explanation = "Three positions fit."\n', ""),
        "test-1",
        "explanation",
        ["missing"],
    ),
    (
        "wrong type",
        lambda t: t.replace("order = 100", 'order = "100"'),
        None,
        "chapter.order",
        ["must be an integer, not a string"],
    ),
    (
        "boolean for a number",
        lambda t: t.replace("order = 100", "order = true"),
        None,
        "chapter.order",
        ["must be an integer"],
    ),
    (
        "unknown key",
        lambda t: t.replace('title = "One convolution"', 'title = "One convolution"\ncolour = "red"'),
        "test-1",
        "colour",
        ["unknown key", "explanation"],
    ),
    (
        "kernel larger than input",
        lambda t: t.replace("i = 5\nk = 3", "i = 2\nk = 5"),
        "test-1",
        "params.k",
        ["impossible parameters", "padded input"],
    ),
    (
        "engine refuses a type",
        lambda t: t.replace("i = 5\nk = 3", 'i = 5\nk = "three"'),
        "test-1",
        "params.k",
        ["impossible parameters", "whole number"],
    ),
    ("duplicate id", lambda t: t.replace('id = "test-2"', 'id = "test-1"'), "test-1", "id", ["twice"]),
    ("range lo > hi", lambda t: t.replace("i = [6, 9]", "i = [9, 6]"), "test-2", "params.i", ["empty"]),
    ("range not integers", lambda t: t.replace("i = [6, 9]", "i = [6, 9.5]"), "test-2", "params.i", ["two integers"]),
    (
        "range with an impossible draw",
        lambda t: t.replace("i = [6, 9]", "i = [1, 9]"),
        "test-2",
        "params.k",
        ["impossible parameters", "i = 1"],
    ),
    ("half a pair", lambda t: t.replace("i = [6, 9]", "i = { h = 6 }"), "test-2", "params.i", ["{ h = .., w = .. }"]),
    ("missing chapter", lambda t: "[[level]]" + t.split("[[level]]", 1)[1], None, "chapter", ["missing [chapter]"]),
    ("chapter twice", lambda t: t.replace("[chapter]", "[[chapter]]"), None, "chapter", ["one [chapter] table"]),
    ("no levels", lambda t: t.split("[[level]]")[0], None, "level", ["no levels"]),
    (
        "empty lesson",
        lambda t: t.replace('lesson = ["A page about convolution."]', "lesson = []"),
        None,
        "chapter.lesson",
        ["at least one page"],
    ),
    ("bad id", lambda t: t.replace('id = "test-1"', 'id = "Test 1"'), "Test 1", "id", ["lowercase"]),
    (
        "hint for a part the level lacks",
        lambda t: t.replace('hints = ["Count the window positions."]', 'part_hints = { "dense layer" = ["Count."] }'),
        "test-1",
        "part_hints.dense layer",
        ["'dense layer' is not a part of this level", "its parts:"],
    ),
    (
        "part hints not lists",
        lambda t: t.replace('hints = ["Count the window positions."]', 'part_hints = { "size" = "Count." }'),
        "test-1",
        "part_hints",
        ["must be a table of part names, each a list of strings"],
    ),
]


def only_error(path: Path) -> LevelFileError:
    errors = check_files([path])
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


@pytest.mark.slow
@pytest.mark.parametrize("case, edit, level, field, words", BROKEN, ids=[c[0] for c in BROKEN])
def test_broken_file_is_refused_naming_file_level_and_field(write_pack, case, edit, level, field, words):
    path = write_pack(edit(GOOD))
    error = only_error(path)
    assert (error.file, error.level, error.field) == (path, level, field)
    text = str(error)
    assert text.startswith(f"{path}: ")
    if level is not None:
        assert f"level '{level}'" in text
    if field is not None:
        assert f"field '{field}'" in text
    for word in words:
        assert word in text


def test_non_utf8_file_names_the_line(write_pack):
    path = write_pack(GOOD.replace("A page", "\xc4 page").encode("latin-1"))
    error = only_error(path)
    assert "not UTF-8" in str(error) and "line 5" in str(error)


def test_every_problem_in_a_file_is_reported_at_once(write_pack):
    text = GOOD.replace('kind = "predict-size"', 'kind = "nope"', 1).replace("i = [6, 9]", "i = [9, 6]")
    errors = check_files([write_pack(text)])
    assert {(e.level, e.field) for e in errors} == {("test-1", "kind"), ("test-2", "params.i")}


def test_broken_file_is_left_out_and_the_others_still_load(write_pack):
    good = write_pack(GOOD, "a-good.toml")
    broken = write_pack(
        GOOD.replace("test-", "other-")
        .replace("order = 100", "order = 101")
        .replace('id = "test-pack"', 'id = "other-pack"')
        .replace("i = 5\nk = 3", "i = 2\nk = 5"),
        "b-broken.toml",
    )
    curriculum = load_curriculum([good.parent])
    assert [e.file for e in curriculum.errors] == [broken]
    assert curriculum.chapter("test-pack").source == good
    with pytest.raises(KeyError):
        curriculum.level("other-1")  # never half-loaded: other-2 was fine, but its file was refused
    with pytest.raises(KeyError):
        curriculum.level("other-2")
    assert len(curriculum.chapters) == len(shipped_files()) + 1


def test_duplicate_level_id_across_files_refuses_the_later_file(write_pack):
    first = write_pack(GOOD, "a.toml")
    second = write_pack(
        GOOD.replace('id = "test-pack"', 'id = "second"')
        .replace("order = 100", "order = 101")
        .replace('id = "test-2"', 'id = "fresh"'),
        "b.toml",
    )
    errors = check_files([first, second])
    assert [(e.file, e.level, e.field) for e in errors] == [(second, "test-1", "id")]
    assert "already used by a.toml" in str(errors[0])


def test_pack_may_not_reuse_a_shipped_id_or_order(write_pack):
    shipped = load_curriculum().chapters[0]
    text = GOOD.replace('id = "test-1"', f'id = "{shipped.levels[0].id}"').replace(
        "order = 100", f"order = {shipped.order}"
    )
    fields = {(e.field, e.level) for e in check_files([write_pack(text)])}
    assert fields == {("chapter.order", None), ("id", shipped.levels[0].id)}


def test_missing_pack_folder_is_an_error_not_a_crash(tmp_path):
    curriculum = load_curriculum([tmp_path / "nowhere"])
    assert [e.file for e in curriculum.errors] == [tmp_path / "nowhere"]
    assert len(curriculum.chapters) == len(shipped_files())


def test_a_folder_given_twice_is_read_once(write_pack):
    pack = write_pack(GOOD).parent
    curriculum = load_curriculum([pack, pack, shipped_files()[0].parent])
    assert curriculum.errors == ()
    assert len(curriculum.chapters) == len(shipped_files()) + 1
