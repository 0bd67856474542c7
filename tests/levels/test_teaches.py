"""A chapter's `teaches`: checked against the known concepts, and what its levels' words may use."""

from __future__ import annotations

import pytest

from convquest.engine.problems.ladder import CONCEPTS
from convquest.levels import check_files, load_curriculum
from convquest.levels.model import ALL_TAUGHT
from convquest.levels.model import CONCEPTS as LEVEL_CONCEPTS
from convquest.play.formulas import FORMULAS, formula_card
from tests.levels.packs import GOOD


def test_the_loader_knows_the_engines_concepts():
    assert LEVEL_CONCEPTS == CONCEPTS and set(FORMULAS) == set(CONCEPTS)


@pytest.mark.parametrize(
    "line,words",
    [
        ('teaches = ["padding", "striding"]', ["'striding' is not a concept", "stride"]),
        ('teaches = "padding"', ["must be a list of concept names"]),
        ("teaches = [1]", ["must be a list of concept names"]),
    ],
)
def test_a_bad_teaches_names_file_and_field(write_pack, line, words):
    path = write_pack(GOOD.replace("order = 100\n", f"order = 100\n{line}\n", 1))
    [error] = check_files([path])
    assert error.file == path and error.field == "chapter.teaches"
    assert all(w in str(error) for w in words), str(error)


def test_a_pack_without_teaches_gets_every_concept(write_pack):
    path = write_pack(GOOD)
    curriculum = load_curriculum([path.parent])
    pack = curriculum.chapters[-1]
    assert pack.teaches is None and curriculum.taught(pack.id) == ALL_TAUGHT


def test_a_pack_that_says_what_it_teaches_adds_to_the_shipped_chapters_before_it(write_pack):
    path = write_pack(GOOD.replace("order = 100\n", 'order = 100\nteaches = ["groups"]\n', 1))
    curriculum = load_curriculum([path.parent])
    pack = curriculum.chapters[-1]
    assert curriculum.taught(pack.id) == curriculum.taught("stacking") | {"groups"}


def test_every_shipped_chapter_says_what_it_teaches():
    assert all(chapter.teaches is not None for chapter in load_curriculum().chapters)


def test_the_formula_card_grows_with_what_was_taught():
    assert formula_card(frozenset()) == ("size: o = i − k + 1 (the window fits i − k + 1 times)",)
    card = formula_card(frozenset({"padding", "stride"}))
    assert len(card) == 3 and "2p" in card[1] and "⌊" in card[2]
    assert all("d(k − 1)" not in line for line in card)  # dilation not met yet
    assert len(formula_card(ALL_TAUGHT)) == 1 + sum(len(lines) for lines in FORMULAS.values())


def test_the_card_has_the_multiply_adds_of_a_layer_as_the_building_blocks_chapter_writes_them():
    curriculum = load_curriculum()
    chapter = next(c for c in curriculum.chapters if c.id == "building-blocks")
    card = formula_card(curriculum.taught(chapter.id))
    [macs] = [line for line in card if "multiply-adds" in line]
    lesson = " ".join(chapter.lesson)
    assert "C_out·H′·W′ · (C_in/g)·k·k" in lesson and "not counted" in lesson
    assert macs.replace(" ", "").startswith("multiply-adds(MACs):C_out·H′·W′·(C_in/g)·k·k")
    assert "bias additions are not counted" in macs
    before = curriculum.chapters[curriculum.chapters.index(chapter) - 1]
    assert not any("multiply-adds" in line for line in formula_card(curriculum.taught(before.id)))
