"""Broken level and quiz files are refused by name, never with a traceback, and the rest loads.

The corpus (tests/hardening/corpus.py) mutates every shipped chapter and a quiz with a fixed seed;
CONVQUEST_FUZZ_PER_FILE (default 6) sets how many mutants each chapter gets.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from convquest.classroom.quiz import check_quiz_file, partition_paths
from convquest.levels import load_curriculum
from convquest.levels.loader import check_files, shipped_files
from tests.hardening.corpus import DEEP, QUIZ, Mutant, as_pack, level_corpus, quiz_corpus, sources, write

PER_FILE = int(os.environ.get("CONVQUEST_FUZZ_PER_FILE", "6"))
SEED = 20261125
# A huge padding makes the output too big to draw, and the engine says so of the input or the
# output; the level is named, and the message carries the size, so the field check is left out.
LOOSE_FIELD = {"huge", "huge-range"}


def names_field(error, field: str) -> bool:
    """The error names `field` (or, when the engine blamed a neighbour, says the field's name)."""
    key = field.split(".")[-1]
    return bool(
        (error.field and (error.field == field or error.field.split(".")[-1] == key))
        or re.search(rf"\b{re.escape(key)}\b", error.message)
    )


def problems_with(mutant: Mutant, errors: list) -> list[str]:
    """What is wrong with how `errors` refuse `mutant` (empty when all is well)."""
    wrong = [f"error names another file: {e}" for e in errors if e.file.name != mutant.name]
    wrong += [f"message does not start with the file: {e}" for e in errors if not str(e).startswith(str(e.file))]
    if mutant.refused and not errors:
        wrong.append("accepted")
    if errors and mutant.level is not None:
        mine = [e for e in errors if str(e.level) == mutant.level]
        if not mine:
            wrong.append(f"no error names level {mutant.level}: {[str(e) for e in errors]}")
        elif mutant.field and mutant.kind not in LOOSE_FIELD and not any(names_field(e, mutant.field) for e in mine):
            wrong.append(f"no error names field {mutant.field}: {[str(e) for e in mine]}")
    elif errors and mutant.field is not None and not any(names_field(e, mutant.field) for e in errors):
        wrong.append(f"no error names field {mutant.field}: {[str(e) for e in errors]}")
    return wrong


def playable(path) -> list[str]:
    """A mutant that loaded must open: every level's problem builds, prompts, has parts and a worked
    solution (what the level screen asks of it before the player types anything)."""
    from convquest.levels.loader import inspect_files

    chapters, _ = inspect_files([path])
    failures = []
    for level in (lv for chapter in chapters for lv in chapter.levels):
        try:
            problem = level.problem(0)
            problem.prompt()
            problem.parts()
            problem.solution()
        except Exception as exc:
            failures.append(f"{level.id}: {type(exc).__name__}: {exc}")
    return failures


@pytest.fixture(scope="module")
def level_mutants():
    return level_corpus(SEED, PER_FILE)


@pytest.fixture(scope="module")
def quiz_mutants():
    return quiz_corpus(SEED, 3 * PER_FILE)


@pytest.mark.slow
def test_the_corpus_starts_from_files_that_load(tmp_path):
    # Renamed shipped chapters load beside the shipped ones, so a refusal is the mutation's doing.
    folder = tmp_path / "good"
    folder.mkdir()
    for n, (stem, text) in enumerate(sources()):
        (folder / f"{stem}.toml").write_text(as_pack(text, f"good{n}", 500 + n), encoding="utf-8")
    (folder / "quiz.toml").write_text(QUIZ, encoding="utf-8")
    levels, quizzes = partition_paths([folder])
    assert check_files(levels) == [] and len(levels) == len(shipped_files())
    assert [str(e) for q in quizzes for e in check_quiz_file(q)] == [] and len(quizzes) == 1


@pytest.mark.slow
def test_every_broken_level_file_is_refused_by_name(level_mutants, tmp_path):
    folder = write(tmp_path / "corpus", level_mutants)
    failures = []
    for mutant in level_mutants:
        path = folder / mutant.name
        try:
            errors = check_files([path])
        except Exception as exc:
            failures.append(f"{mutant.name}: raised {type(exc).__name__}: {exc}")
            continue
        failures += [f"{mutant.name}: {p}" for p in problems_with(mutant, errors)]
        if not errors:
            failures += [f"{mutant.name}: loaded but {p}" for p in playable(path)]
    kinds = {m.kind for m in level_mutants}
    assert {"truncate", "non-utf8", "empty", "junk", "nested", "unknown-key", "duplicate-id"} <= kinds
    assert failures == []


def test_every_broken_quiz_file_is_refused_by_name(quiz_mutants, tmp_path):
    folder = write(tmp_path / "quizzes", quiz_mutants)
    failures = []
    for mutant in quiz_mutants:
        path = folder / mutant.name
        try:
            levels, quizzes = partition_paths([path])
            errors = (check_files(levels) if levels else []) + [e for q in quizzes for e in check_quiz_file(q)]
        except Exception as exc:
            failures.append(f"{mutant.name}: raised {type(exc).__name__}: {exc}")
            continue
        failures += [f"{mutant.name}: {p}" for p in problems_with(mutant, errors)]
    assert failures == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ('variant = "conv"\ni = 3\nk = 5', "params.k"),  # kernel larger than the input
        ('variant = "transposed"\ni = 4\nk = 3\ns = 2\na = 2', "params.a"),  # output padding not below stride
        ('variant = "conv"\ni = 0\nk = 1', "params.i"),  # no input at all
        ('variant = "conv"\ni = -4\nk = 3', "params.i"),  # negative size
        ('variant = "stride"\ni = 8\nk = 3\ns = 0', "params.s"),  # stride zero
        ('variant = "conv"\ni = [9, 3]\nk = 3', "params.i"),  # empty range
    ],
)
def test_impossible_parameters_name_level_and_field(params, field, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        f'[chapter]\nid = "bad"\ntitle = "Bad"\norder = 950\nlesson = ["x"]\n\n[[level]]\n'
        f'id = "bad-1"\ntitle = "Bad"\nkind = "predict-size"\nexplanation = "x"\n'
        f"[level.params]\n{params}\n",
        encoding="utf-8",
    )
    errors = check_files([path])
    assert [(e.level, e.field) for e in errors] == [("bad-1", field)], [str(e) for e in errors]
    assert str(errors[0]).startswith(f"{path}: level 'bad-1': field '{field}': ")


@pytest.mark.slow
@pytest.mark.parametrize("opener", ["[", "{a = "])
def test_deeply_nested_values_are_refused_not_a_recursion_error(opener, tmp_path):
    closer = "]" if opener == "[" else "}"
    chapter = tmp_path / "deep.toml"
    chapter.write_text(f"x = {opener * DEEP}1{closer * DEEP}\n", encoding="utf-8")
    quiz = tmp_path / "deep-quiz.toml"
    quiz.write_text(f'[quiz]\nid = "deep"\nx = {opener * DEEP}1{closer * DEEP}\n', encoding="utf-8")
    levels, quizzes = partition_paths([chapter, quiz])
    assert (levels, quizzes) == ([chapter], [quiz])
    errors = check_files(levels) + check_quiz_file(quiz)
    assert [e.file for e in errors] == [chapter, quiz]
    assert all("nested too deeply" in e.message for e in errors), [str(e) for e in errors]
    assert all(str(e).startswith(str(e.file)) for e in errors)


@pytest.mark.parametrize(("variant", "known"), [("solve-stride", "p"), ("solve-padding", "s")])
def test_a_huge_known_value_in_a_solve_level_is_refused_by_field(variant, known, tmp_path):
    # Found by the corpus: the engine listed every answer first, so p = 10**30 was an OverflowError
    # ("the engine failed") and p = 10**9 a billion-item list, memory gone before any refusal.
    # Every field now stops at 10,000 (test_a_huge_number_is_refused); below that, a solve level
    # still refuses what it cannot draw.
    path = tmp_path / "solve.toml"
    path.write_text(
        f'[chapter]\nid = "solve"\ntitle = "Solve"\norder = 952\nlesson = ["x"]\n\n[[level]]\n'
        f'id = "solve-1"\ntitle = "Solve"\nkind = "predict-size"\nexplanation = "x"\n'
        f'[level.params]\nvariant = "{variant}"\ni = 28\nk = 3\no = 14\n{known} = 5000\n',
        encoding="utf-8",
    )
    errors = check_files([path])
    assert [(e.level, e.field) for e in errors] == [("solve-1", f"params.{known}")], [str(e) for e in errors]
    assert "too big" in errors[0].message


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("predict-size", 'variant = "stride"\ni = 8\nk = 3\ns = 1000000000000000000000000000000', "s"),
        (
            "count-params",
            'variant = "conv-vs-dense"\nc_in = 3\nc_out = 1000000000000000000000000000000\nk = 3\nh = 8\nw = 8',
            "c_out",
        ),
    ],
)
def test_a_huge_number_is_refused(kind, params, field, tmp_path):
    path = tmp_path / "huge.toml"
    path.write_text(
        f'[chapter]\nid = "huge"\ntitle = "Huge"\norder = 951\nlesson = ["x"]\n\n[[level]]\n'
        f'id = "huge-1"\ntitle = "Huge"\nkind = "{kind}"\nexplanation = "x"\n'
        f"[level.params]\n{params}\n",
        encoding="utf-8",
    )
    errors = check_files([path])
    assert [(e.level, e.field) for e in errors] == [("huge-1", f"params.{field}")], [str(e) for e in errors]
    assert "too large" in errors[0].message


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "convquest", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CONVQUEST_DATA_DIR": os.devnull + "-unused"},
    )


@pytest.mark.slow
def test_the_cli_refuses_the_corpus_by_name_and_still_lists_the_rest(level_mutants, quiz_mutants, tmp_path):
    folder = write(tmp_path / "pack", level_mutants + quiz_mutants)
    good = tmp_path / "pack" / "good.toml"
    good.write_text(as_pack(sources()[0][1], "kept", 990), encoding="utf-8")

    check = run_cli("levels", "check", str(folder))
    assert check.returncode == 1
    assert "Traceback" not in check.stderr
    refused = [m for m in level_mutants + quiz_mutants if m.refused]
    assert [m.name for m in refused if m.name not in check.stderr] == []

    listed = run_cli("--levels", str(folder), "levels", "list")
    assert listed.returncode == 1, listed.stderr[-2000:]  # something was skipped, and it says so
    assert "Traceback" not in listed.stderr
    ids = {line.split()[0] for line in listed.stdout.splitlines() if line.strip()}
    shipped = {level.id for level in load_curriculum().levels}
    assert shipped <= ids  # the whole shipped curriculum still loads
    assert {f"kept-{lid}" for lid in {lv.id for lv in load_curriculum().chapters[0].levels}} <= ids
    skipped = [line for line in listed.stderr.splitlines() if line.startswith("convquest: skipped ")]
    assert [m.name for m in level_mutants if m.refused and not any(m.name in s for s in skipped)] == []


@pytest.mark.slow
def test_the_game_loads_beside_a_broken_pack(level_mutants, tmp_path):
    folder = write(tmp_path / "pack", level_mutants)
    curriculum = load_curriculum([folder])
    shipped = load_curriculum()
    assert [c.id for c in shipped.chapters] == [c.id for c in curriculum.chapters if c.source.parent != folder]
    refused_files = {e.file.name for e in curriculum.errors}
    assert {m.name for m in level_mutants if m.refused} <= refused_files
