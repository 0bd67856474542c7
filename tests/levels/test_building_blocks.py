"""Chapter 12, Modern building blocks: it comes last and closes nothing a player had opened, its
pages' numbers are the engine's and give no level's answer away, every level is solved by its own
answer and a slip on it is named."""

from __future__ import annotations

import re

from convquest.engine.arithmetic import conv_macs, conv_params
from convquest.levels.loader import load_curriculum
from convquest.store import Store

CURRICULUM = load_curriculum()
CHAPTER = CURRICULUM.chapter("building-blocks")

# Every shipped chapter and level just before this chapter was added.
SHIPPED_BEFORE = {
    "sliding": [f"sliding-{n}" for n in range(1, 7)],
    "arithmetic": [*(f"arithmetic-{n}" for n in range(1, 7)), "arithmetic-network"],
    "padding": ["padding-1", "padding-2", "padding-3", "padding-by-hand", "padding-4", "padding-5", "padding-6"],
    "stride": ["stride-1", "stride-2", "stride-by-hand", "stride-3", "stride-4", "stride-5", "stride-same", "stride-6"],
    "dilation": [
        "dilation-1",
        "dilation-2",
        "dilation-by-hand",
        "dilation-field",
        "dilation-3",
        "dilation-4",
        "dilation-5",
    ],
    "transposed": [
        "transposed-1",
        "transposed-by-hand",
        "transposed-by-hand-stride",
        *(f"transposed-{n}" for n in range(2, 10)),
    ],
    "kernels": [f"kernels-{n}" for n in range(1, 12)],
    "why-convolution": [
        *(f"why-convolution-{n}" for n in range(1, 7)),
        "why-convolution-local",
        "why-convolution-7",
        "why-convolution-8",
        "why-convolution-9",
    ],
    "stacking": [
        "stacking-1",
        "stacking-by-hand",
        "stacking-pool-params",
        "stacking-2",
        "stacking-3",
        "stacking-4",
        "stacking-pool-shift",
        "stacking-pool-shift-2",
        "stacking-5",
        "stacking-6",
        "stacking-7",
        "stacking-hierarchy",
        "stacking-8",
        "stacking-9",
        "stacking-linear",
    ],
    "learning": [f"learning-{n}" for n in range(1, 5)],
}


def test_progress_with_stars_on_every_level_before_keeps_every_chapter_open(tmp_path) -> None:
    store = Store.open(tmp_path)
    for ids in SHIPPED_BEFORE.values():
        for level_id in ids:
            store.complete_level(level_id, 2)
    store.close()
    stars = Store.open(tmp_path).all_stars()
    for chapter_id in SHIPPED_BEFORE:
        assert CURRICULUM.unlocked(chapter_id, stars), chapter_id
    # Every level a player could have starred is still shipped, so no star is orphaned.
    shipped = {level.id for level in CURRICULUM.levels}
    assert {level_id for ids in SHIPPED_BEFORE.values() for level_id in ids} <= shipped


def test_the_new_chapter_comes_after_every_chapter_there_was() -> None:
    orders = {chapter.id: chapter.order for chapter in CURRICULUM.chapters}
    assert all(orders[chapter_id] < CHAPTER.order for chapter_id in SHIPPED_BEFORE)
    assert CURRICULUM.chapters[-1].id == CHAPTER.id
    assert len(CHAPTER.levels) >= 8
    assert {level.kind for level in CHAPTER.levels} >= {"volume", "count-macs", "fill-volume", "predict-size"}


def test_the_pages_numbers_are_the_engines() -> None:
    pages = " ".join(" ".join(CHAPTER.lesson).split())
    assert f"= {conv_params(3, 64, 7, bias=False):,} weights" in pages
    assert f"512·128 + 128 = {conv_params(512, 128, 1):,}" in pages
    standard = conv_params(128, 256, 3, bias=False)
    depthwise, pointwise = conv_params(128, 128, 3, False, groups=128), conv_params(128, 256, 1, False)
    assert f"{standard:,} weights become {depthwise:,} + {pointwise:,} = {depthwise + pointwise:,}" in pages
    assert f"32·10·10 · 16·3·3 = {conv_macs(16, 32, 3, 10):,}" in pages


def _answers(problem) -> list[object]:
    if hasattr(problem, "answers"):
        return list(problem.answers)
    if hasattr(problem, "shapes"):
        return list(problem.shapes)
    return [int(problem.expected[problem.cell(part)]) for part in range(len(problem.parts()))]


def _spelled(answer: object) -> list[str]:
    if isinstance(answer, tuple):
        return ["×".join(map(str, answer))]
    if isinstance(answer, int) and abs(answer) >= 100:
        return [str(answer), f"{answer:,}"]
    return []


def test_no_page_gives_a_levels_answer_away() -> None:
    pages = " ".join(CHAPTER.lesson)
    for level in CHAPTER.levels:
        for answer in _answers(level.problem()):
            for text in _spelled(answer):
                assert not re.search(rf"(?<![\d,]){re.escape(text)}(?![\d,])", pages), (level.id, text)


def test_every_level_is_solved_by_its_own_answers_and_a_slip_is_named() -> None:
    named = 0
    for level in CHAPTER.levels:
        problem = level.problem()
        for part, answer in enumerate(_answers(problem)):
            assert problem.check(answer, part).correct, (level.id, part)
        if level.kind in ("volume", "count-macs", "fill-volume"):
            slips = problem._slips(0)
            assert slips, level.id
            _, wrong, _ = slips[0]
            verdict = problem.check(wrong, 0)
            assert not verdict.correct and verdict.mistake and verdict.diagnosis, level.id
            named += 1
    assert named >= 10
