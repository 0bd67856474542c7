"""The shipped curriculum: every file loads, chapters in teaching order, and navigation between them."""

import pytest

from convquest.engine.arithmetic import padding_for
from convquest.levels import Curriculum, check_files, load_curriculum
from convquest.levels.loader import shipped_files

CURRICULUM = load_curriculum()

TEACHING_ORDER = [
    "sliding",
    "arithmetic",
    "padding",
    "stride",
    "dilation",
    "transposed",
    "kernels",
    "why-convolution",
    "stacking",
    "learning",
    "sequences",
    "building-blocks",
]

# Dumoulin & Visin (2016), "A guide to convolution arithmetic for deep learning": the parameters of
# the figure drawn for each relationship, as (layer, i, k, p, s, d, output padding a).
GUIDE_FIGURES = {
    "Relationship 1, Figure 2.1": ("conv", 4, 3, 0, 1, 1, 0),
    "Relationship 2, Figure 2.2": ("conv", 5, 4, 2, 1, 1, 0),
    "Relationship 3, Figure 2.3": ("conv", 5, 3, 1, 1, 1, 0),
    "Relationship 4, Figure 2.4": ("conv", 5, 3, 2, 1, 1, 0),
    "Relationship 5, Figure 2.5": ("conv", 5, 3, 0, 2, 1, 0),
    "Relationship 6, Figure 2.6": ("conv", 5, 3, 1, 2, 1, 0),
    "Relationship 6, Figure 2.7": ("conv", 6, 3, 1, 2, 1, 0),
    "Relationship 7, Figure 1.6 (pooling)": ("pool", 5, 3, 0, 1, 1, 0),
    "Relationship 8, Figure 4.1": ("transposed", 2, 3, 0, 1, 1, 0),
    "Relationship 9, Figure 4.2": ("transposed", 6, 4, 2, 1, 1, 0),
    "Relationship 10, Figure 4.3": ("transposed", 5, 3, 1, 1, 1, 0),
    "Relationship 11, Figure 4.4": ("transposed", 7, 3, 2, 1, 1, 0),
    "Relationship 12, Figure 4.5": ("transposed", 2, 3, 0, 2, 1, 0),
    "Relationship 13, Figure 4.6": ("transposed", 3, 3, 1, 2, 1, 0),
    "Relationship 14, Figure 4.7": ("transposed", 3, 3, 1, 2, 1, 1),
    "Relationship 15, Figure 5.1": ("conv", 7, 3, 0, 1, 2, 0),
}
SINGLE_LAYER = {
    "conv": "conv",
    "padding": "conv",
    "stride": "conv",
    "dilation": "conv",
    "transposed": "transposed",
    "pool": "pool",
}


def single_layers():
    """(layer, i, k, p, s, d, a) of every fixed single-layer predict-size level."""
    for level in CURRICULUM.levels:
        params = level.problem(0).params()
        if level.kind != "predict-size" or level.has_ranges or params["variant"] not in SINGLE_LAYER:
            continue
        p = padding_for(params["padding"], params["k"], params["d"])[0] if "padding" in params else params["p"]
        s = params.get("s", params["k"])  # pooling's stride defaults to its window
        yield (
            level.id,
            (SINGLE_LAYER[params["variant"]], params["i"], params["k"], p, s, params["d"], params.get("a", 0)),
        )


def test_every_shipped_file_loads_and_checks_clean():
    assert CURRICULUM.errors == ()
    assert check_files(shipped_files()) == []
    assert [chapter.source for chapter in CURRICULUM.chapters] == shipped_files()


def test_chapters_follow_the_teaching_order_with_lessons_and_three_levels_each():
    assert [chapter.id for chapter in CURRICULUM.chapters] == TEACHING_ORDER
    for chapter in CURRICULUM.chapters:
        assert len(chapter.lesson) >= 2 and all(page.strip() for page in chapter.lesson), chapter.id
        assert len(chapter.levels) >= 3, chapter.id
        assert all(level.chapter == chapter.id for level in chapter.levels)


@pytest.mark.slow
@pytest.mark.parametrize("level", CURRICULUM.levels, ids=lambda level: level.id)
def test_every_level_builds_a_problem_for_any_seed(level):
    for seed in range(20):
        problem = level.problem(seed)
        assert problem.kind == level.kind
        assert problem.prompt().strip() and problem.solution().strip() and problem.parts()
    assert level.explanation


def test_every_figure_of_the_guide_is_a_level_or_a_worked_example():
    # A figure worked on a lesson page is not also a level: that page would give the level's answer away.
    played = {layer: level_id for level_id, layer in single_layers()}
    pages = "\n".join(page for chapter in CURRICULUM.chapters for page in chapter.lesson)
    worked = {name for name in GUIDE_FIGURES if f"Figure {name.rsplit('Figure ', 1)[1].split()[0]}" in pages}
    missing = [name for name, layer in GUIDE_FIGURES.items() if layer not in played and name not in worked]
    assert missing == []


def test_a_seed_always_draws_the_same_problem_and_seeds_differ():
    level = CURRICULUM.level("arithmetic-5")
    assert level.has_ranges
    assert level.problem(7).params() == level.problem(7).params()
    assert len({tuple(sorted(level.problem(seed).params().items())) for seed in range(10)}) > 1


def test_kinds_beyond_predict_size_are_used():
    assert CURRICULUM.chapters[0].levels[0].kind == "fill-cells"  # the dot product by hand comes first
    assert CURRICULUM.chapter("kernels").levels[0].kind == "match-kernel"  # seeing kernels before counting them
    assert {level.kind for level in CURRICULUM.levels} >= {
        "predict-size",
        "count-params",
        "receptive-field",
        "fill-cells",
        "match-kernel",
    }


def test_next_level_runs_through_chapters_and_ends():
    first, second = CURRICULUM.chapters[:2]
    assert CURRICULUM.next_level(first.levels[0].id) == first.levels[1]
    assert CURRICULUM.next_level(first.levels[-1].id) == second.levels[0]
    assert CURRICULUM.next_level(CURRICULUM.chapters[-1].levels[-1].id) is None
    assert CURRICULUM.chapter_of(second.levels[0].id) == second
    with pytest.raises(KeyError):
        CURRICULUM.level("no-such-level")
    with pytest.raises(KeyError):
        CURRICULUM.chapter("no-such-chapter")


def test_a_chapter_unlocks_when_every_level_before_it_has_a_star():
    first, second, third = CURRICULUM.chapters[:3]
    all_but_one = {level.id: 1 for level in first.levels[:-1]}
    assert CURRICULUM.unlocked(first.id, {})
    assert not CURRICULUM.unlocked(second.id, all_but_one)
    assert CURRICULUM.unlocked(second.id, {**all_but_one, first.levels[-1].id: 3})
    assert not CURRICULUM.unlocked(third.id, {level.id: 0 for level in second.levels})
    assert CURRICULUM.unlocked(third.id, {}, unlock_all=True)


def test_levels_are_read_only():
    level = CURRICULUM.levels[0]
    with pytest.raises(TypeError):
        level.params["i"] = 99  # type: ignore[index]
    assert isinstance(CURRICULUM, Curriculum)
