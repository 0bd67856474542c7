"""The curriculum read as a teacher would: words used only once taught, no lesson page that works out
a level's own answer, and progress from before a curriculum change keeping what it had opened."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping

import numpy as np
import pytest

from convquest.engine.kernels import KERNELS
from convquest.engine.ops import conv2d
from convquest.levels import Curriculum, Level, load_curriculum
from convquest.store import Store

CURRICULUM = load_curriculum()
ORDER = {chapter.id: n for n, chapter in enumerate(CURRICULUM.chapters)}

# term → (the chapter that introduces it, how it is written). A term may appear in that chapter's
# lesson pages and levels and everywhere after, never before.
GLOSSARY: dict[str, tuple[str, str]] = {
    "cross-correlation": ("sliding", r"cross-correlation"),
    "flip": ("sliding", r"\bflip(s|ped)?\b"),
    "feature map": ("sliding", r"feature maps?"),
    "channel": ("arithmetic", r"\bchannels?\b"),
    "filter": ("arithmetic", r"\bfilters?\b"),
    "bias": ("arithmetic", r"\bbias(es)?\b"),
    "dense": ("arithmetic", r"\bdense\b|fully connected"),
    "padding": ("padding", r"\bpad(s|ded|ding)?\b"),
    "stride": ("padding", r"\bstrides?\b|\bstrided\b"),
    "dilation": ("dilation", r"\bdilat(ion|ions|ed|e)\b"),
    "atrous": ("dilation", r"\batrous\b"),
    "taps": ("dilation", r"\btaps?\b"),
    "receptive field": ("dilation", r"receptive fields?"),
    "transposed": ("transposed", r"\btranspose[ds]?\b|deconvolution|fractionally"),
    "output padding": ("transposed", r"output[ _]padding"),
    "upsampling": ("transposed", r"\bupsampl\w*"),
    "locality": ("why-convolution", r"\blocality\b|locally connected"),
    "parameter sharing": ("why-convolution", r"parameter sharing"),
    "equivariance": ("why-convolution", r"\bequivarian\w*|\binvarian\w*"),
    "pooling": ("stacking", r"\bpool(s|ing|ed)?\b"),
    "nonlinearity": ("stacking", r"nonlinear\w*|\brelu\b"),
    "feature hierarchy": ("stacking", r"hierarch\w*"),
}


def level_texts(level: Level, seeds: range = range(3)) -> Iterator[tuple[str, str]]:
    """(where, text) of everything a player reads in a level, its built problem's prompt and parts included."""
    yield "title", level.title
    yield "lesson", level.lesson
    for n, hint in enumerate(level.hints):
        yield f"hint {n + 1}", hint
    for part, hints in level.part_hints.items():
        for n, hint in enumerate(hints):
            yield f"hint {n + 1} for {part}", hint
    yield "explanation", level.explanation
    for seed in seeds if level.has_ranges else range(1):
        problem = level.problem(seed)
        yield f"prompt (seed {seed})", problem.prompt()
        yield f"parts (seed {seed})", " / ".join(problem.parts())


def early_terms(curriculum: Curriculum, order: Mapping[str, int]) -> list[str]:
    """Every place a glossary term is read before the chapter that introduces it."""
    found = []
    for chapter in curriculum.chapters:
        texts = [(f"{chapter.id} title", chapter.title)]
        texts += [(f"{chapter.id} page {n + 1}", page) for n, page in enumerate(chapter.lesson)]
        texts += [(f"{level.id} {where}", text) for level in chapter.levels for where, text in level_texts(level)]
        for term, (introduced, pattern) in GLOSSARY.items():
            if order.get(chapter.id, len(order)) >= order[introduced]:
                continue
            found += [
                f"{where}: '{term}' before chapter '{introduced}'"
                for where, text in texts
                if re.search(pattern, text, re.I)
            ]
    return found


def test_the_glossary_names_shipped_chapters_and_each_term_is_used_where_it_is_introduced() -> None:
    for term, (chapter_id, pattern) in GLOSSARY.items():
        chapter = CURRICULUM.chapter(chapter_id)
        texts = list(chapter.lesson) + [text for level in chapter.levels for _, text in level_texts(level)]
        assert any(re.search(pattern, text, re.I) for text in texts), f"'{term}' is never used in '{chapter_id}'"


def test_no_term_is_used_before_the_chapter_that_introduces_it() -> None:
    assert early_terms(CURRICULUM, ORDER) == []


def test_the_vocabulary_rule_catches_a_term_used_early() -> None:
    sliding = CURRICULUM.chapters[0]
    planted = dataclasses.replace(sliding.levels[0], hints=("A dense layer would need more weights.",))
    curriculum = Curriculum((dataclasses.replace(sliding, levels=(planted,)), *CURRICULUM.chapters[1:]))
    assert early_terms(curriculum, ORDER) == ["sliding-1 hint 1: 'dense' before chapter 'arithmetic'"]


# --- no giveaways -----------------------------------------------------------------------------------


def _answers(problem: object) -> list[str]:
    """A problem's numeric answers as a lesson page would write them (6, 6×6, 2,416, 16×5×5)."""
    if hasattr(problem, "shapes"):  # a network: one C×H×W per layer
        return ["×".join(map(str, shape)) for shape in problem.shapes]
    if hasattr(problem, "local_count"):
        values: list[object] = [*problem.answers, problem.local_count]
    elif hasattr(problem, "counts"):
        values = list(problem.counts)
    elif isinstance(getattr(problem, "answers", None), (list, tuple)):
        values = list(problem.answers)
    else:
        values = [problem.answer]
    written = []
    for value in values:
        if isinstance(value, tuple):
            written.append("×".join(map(str, value)))
        elif value:  # "= 0" is too common to mean anything
            written += [str(value), f"{value:,}"]
    return written


def _numbers(level: Level, params: Mapping[str, object]) -> set[int]:
    """The numbers that define the level's problem; a count's image size only matters for the dense part."""
    keys = ("c_in", "c_out", "k") if level.kind == "count-params" else tuple(params)
    found: set[int] = set()

    def walk(value: object) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int):
            found.add(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for key in keys:
        walk(params.get(key))
    return found


def gives_away(pages: list[str], level: Level, params: Mapping[str, object]) -> list[str]:
    """Paragraphs that work out this problem: they hold all its numbers and one of its answers as a result."""
    from convquest.engine.problems import from_params

    problem = from_params(level.kind, params)
    numbers = _numbers(level, params)
    found = []
    for page in pages:
        for paragraph in re.split(r"\n\s*\n", page):
            if not numbers <= {int(n) for n in re.findall(r"\d+", paragraph)}:
                continue
            for answer in _answers(problem):
                side = re.escape(answer) + (rf"(?:×{re.escape(answer)})?" if answer.isdigit() else "")
                # A result, not a parameter: "… + 1 = 6", "o = 6", "→ 6", "gives 6×6"; never "i = 6".
                result = (
                    rf"(?:[\d)⌋]\s*=|\bo\s*=|→\s*(?:o\s*=)?|≈|\bgives(?: an?)?|\bout as(?: an?)?)\s*{side}(?![\d,]*\d)"
                )
                if re.search(result, paragraph):
                    found.append(f"{level.id}: '{answer}' in: {paragraph.strip()[:70]}…")
    return found


NUMERIC_KINDS = ("predict-size", "count-params")


def draws(level: Level) -> Iterator[dict[str, object]]:
    for seed in range(24) if level.has_ranges else range(1):
        yield level.resolved_params(seed)


@pytest.mark.parametrize(
    "level", [level for level in CURRICULUM.levels if level.kind in NUMERIC_KINDS], ids=lambda level: level.id
)
def test_no_lesson_page_works_out_its_own_levels_answer(level: Level) -> None:
    pages = [*CURRICULUM.chapter(level.chapter).lesson, level.lesson]
    assert [found for params in draws(level) for found in gives_away(pages, level, params)] == []


# The levels the teacher's read found given away, with the numbers they had (the pages still work
# these examples): the check must flag every one of them.
GIVEN_AWAY_BEFORE = {
    "arithmetic-1": {"variant": "conv", "i": 4, "k": 3},
    "padding-1": {"variant": "conv", "i": 5, "k": 4, "p": 2},
    "stride-1": {"variant": "stride", "i": 5, "k": 3, "s": 2},
    "stride-3": {"variant": "stride", "i": 6, "k": 3, "p": 1, "s": 2},
    "dilation-1": {"variant": "dilation", "i": 7, "k": 3, "d": 2},
    "transposed-1": {"variant": "transposed", "i": 2, "k": 3},
    "transposed-3": {"variant": "transposed", "i": 5, "k": 3, "p": 1},
    "transposed-4": {"variant": "transposed", "i": 7, "k": 3, "p": 2},
    "transposed-5": {"variant": "transposed", "i": 2, "k": 3, "s": 2},
    "transposed-7": {"variant": "transposed", "i": 3, "k": 3, "s": 2, "p": 1, "a": 1},
    "why-convolution-8": {"c_in": 3, "c_out": 16, "k": 3, "h": 32, "w": 32, "p": 1},
    "stacking-8": {
        "variant": "network",
        "input": [1, 32, 32],
        "layers": [
            {"kind": "conv", "k": 5, "out_channels": 6},
            {"kind": "pool", "k": 2, "s": 2},
            {"kind": "conv", "k": 5, "out_channels": 16},
            {"kind": "pool", "k": 2, "s": 2},
        ],
    },
}


@pytest.mark.parametrize(("level_id", "params"), GIVEN_AWAY_BEFORE.items(), ids=list(GIVEN_AWAY_BEFORE))
def test_the_giveaway_check_flags_the_old_numbers(level_id: str, params: dict[str, object]) -> None:
    level = CURRICULUM.level(level_id)
    assert level.resolved_params() != params  # the level was changed…
    assert gives_away(list(CURRICULUM.chapter(level.chapter).lesson), level, params)  # …because of this


def test_the_giveaway_check_flags_a_planted_worked_example() -> None:
    level = CURRICULUM.level("stride-same")
    planted = "A worked example.\n\n    i = 15, k = 3, p = 1, s = 2 gives ⌊14/2⌋ + 1 = 8\n"
    assert gives_away([planted], level, level.resolved_params())
    assert not gives_away([planted.replace("15", "13")], level, level.resolved_params())


# --- what the chapter 9 page claims ----------------------------------------------------------------


def test_blur_then_sobel_is_exactly_one_5x5_kernel() -> None:
    blur, sobel = KERNELS["gaussian"].weights, KERNELS["sobel_x"].weights
    # Two cross-correlations in a row are one, with the kernels' (true, flipped) convolution as kernel.
    combined = conv2d(np.pad(blur, 2), sobel[::-1, ::-1])
    assert combined.shape == (5, 5)
    image = np.random.default_rng(0).integers(-9, 10, (12, 12))
    assert np.allclose(conv2d(conv2d(image, blur), sobel), conv2d(image, combined))


def test_the_two_layers_one_kernel_level_is_the_composition_of_its_two_kernels() -> None:
    problem = CURRICULUM.level("stacking-linear").problem()
    box, difference = np.array(problem.kernel), np.array(problem.input)
    image = np.random.default_rng(1).integers(-9, 10, (9, 9))
    assert np.array_equal(conv2d(conv2d(image, box), difference), conv2d(image, np.array(problem.expected)))


@pytest.mark.parametrize(
    ("level_id", "accepted", "refused"),
    [
        # learning-3 says: from half of 1/λ up to about 1.6/λ; nearer 2/λ too slow; above 2/λ it grows
        ("learning-3", (0.5, 1, 1.6), (0.45, 1.8, 2.05)),
        # learning-4 says: 1/λ converges; above 2/λ it overshoots further every step
        ("learning-4", (1, 1.95), (2.05,)),
    ],
)
def test_the_rate_levels_explanations_say_which_rates_work(level_id, accepted, refused) -> None:
    problem = CURRICULUM.level(level_id).problem()
    for factor in accepted:
        assert problem.check(factor / problem.curvature).correct, factor
    for factor in refused:
        assert not problem.check(factor / problem.curvature).correct, factor
    assert problem.check(2.05 / problem.curvature).mistake == "rate_diverges"


# --- progress from before the change ---------------------------------------------------------------

# The level ids of chapters 1–6 before the teacher's read added levels to them.
LEVELS_BEFORE = {
    "sliding": ["sliding-1", "sliding-2", "sliding-3", "sliding-4", "sliding-5", "sliding-6"],
    "arithmetic": [f"arithmetic-{n}" for n in range(1, 7)],
    "padding": ["padding-1", "padding-2", "padding-3", "padding-by-hand", "padding-4", "padding-5", "padding-6"],
    "stride": ["stride-1", "stride-2", "stride-3", "stride-by-hand", "stride-4", "stride-5", "stride-6"],
    "dilation": ["dilation-1", "dilation-2", "dilation-by-hand", "dilation-3", "dilation-4", "dilation-5"],
    "transposed": ["transposed-1", "transposed-by-hand", *(f"transposed-{n}" for n in range(2, 10))],
}


def test_every_level_id_from_before_is_still_shipped() -> None:
    shipped = {level.id for level in CURRICULUM.levels}
    assert {level_id for ids in LEVELS_BEFORE.values() for level_id in ids} <= shipped


def test_old_progress_keeps_every_chapter_it_had_opened(tmp_path) -> None:
    store = Store.open(tmp_path)
    for ids in LEVELS_BEFORE.values():
        for level_id in ids:
            store.complete_level(level_id, 2)
    store.close()
    stars = Store.open(tmp_path).all_stars()
    opened = [chapter.id for chapter in CURRICULUM.chapters if CURRICULUM.unlocked(chapter.id, stars)]
    assert opened == [*LEVELS_BEFORE, "kernels"]
    # The levels added since are there to play, and finishing a chapter as it is now still opens the next.
    assert any(level.id not in stars for level in CURRICULUM.chapter("transposed").levels)
    assert not CURRICULUM.unlocked("why-convolution", stars)
    everything = {level.id: 1 for level in CURRICULUM.levels}
    assert all(CURRICULUM.unlocked(chapter.id, everything) for chapter in CURRICULUM.chapters)


def test_a_new_player_still_has_to_finish_a_chapter_to_open_the_next() -> None:
    first, second = CURRICULUM.chapters[:2]
    almost = {level.id: 3 for level in first.levels[:-1]}
    assert not CURRICULUM.unlocked(second.id, almost)
    assert CURRICULUM.unlocked(second.id, {**almost, first.levels[-1].id: 1})


# --- the pages' own numbers ------------------------------------------------------------------------


def _page(chapter_id: str, containing: str) -> str:
    return next(page for page in CURRICULUM.chapter(chapter_id).lesson if containing in page)


def test_the_transposed_figures_listed_on_the_page_have_the_sizes_it_gives() -> None:
    from convquest.engine.arithmetic import transposed_output_size

    line = re.compile(r"Figure (4\.\d): i = (\d+), k = (\d+)(?:, p = (\d+))?(?:, s = (\d+))?\s+→\s+o = (\d+)")
    rows = line.findall(_page("transposed", "stretched input"))
    assert [row[0] for row in rows] == ["4.1", "4.2", "4.3", "4.4", "4.5", "4.6"]
    for _, i, k, p, s, o in rows:
        assert transposed_output_size(int(i), int(k), int(p or 0), int(s or 1)) == int(o)


def test_the_counts_on_the_why_convolution_page_are_the_engines() -> None:
    from convquest.engine.problems import from_params

    page = " ".join(_page("why-convolution", "An example").split())
    shared = from_params("count-params", {"c_in": 3, "c_out": 16, "k": 3, "h": 32, "w": 32, "p": 1})
    local = from_params(
        "count-params", {"variant": "locally-connected", "c_in": 3, "c_out": 16, "k": 3, "h": 32, "w": 32, "p": 1}
    )
    assert f"= {shared.answers[0]}" in page and f"= {local.local_count:,}" in page
    assert round(shared.answers[1] / 1e6) == 50 and "≈ 50 million" in page
    assert f"about {round(local.local_count / shared.answers[0], -2):,.0f}×" in page
    assert f"about {round(shared.answers[1] / local.local_count, -1):.0f}× more" in page


def test_the_lenet_table_is_what_the_engine_computes() -> None:
    from convquest.engine.problems import from_params

    layers = [
        {"kind": "conv", "k": 5, "out_channels": 6},
        {"kind": "pool", "k": 2, "s": 2},
        {"kind": "conv", "k": 5, "out_channels": 16},
        {"kind": "pool", "k": 2, "s": 2},
    ]
    network = from_params("predict-size", {"variant": "network", "input": [1, 32, 32], "layers": layers})
    table = re.findall(r"→\s+(\d+×\d+×\d+)", _page("stacking", "LeNet-5:"))
    assert table == ["×".join(map(str, shape)) for shape in network.shapes]


def test_the_padding_and_stride_pages_worked_examples() -> None:
    from convquest.engine.arithmetic import conv_output_size

    assert "5 + 2·2 − 4 + 1 = 6" in _page("padding", "Figure 2.2") and conv_output_size(5, 4, 2) == 6
    assert "i = 13 gives ⌊(13 + 2 − 3)/2⌋ + 1 = 7" in _page("stride", "refuses") and conv_output_size(13, 3, 1, 2) == 7
    # A corner of a p = 1 border: the 3×3 window there covers 5 padding cells, an edge window 3.
    padded = np.pad(np.ones((3, 3), dtype=int), 1)
    assert (padded[0:3, 0:3] == 0).sum() == 5 and (padded[0:3, 1:4] == 0).sum() == 3
    assert "covers 5 cells of padding (at an edge, 3)" in CURRICULUM.level("padding-by-hand").explanation


def test_a_player_who_finished_the_old_chapter_8_keeps_chapter_9() -> None:
    earlier = {level.id: 3 for chapter in CURRICULUM.chapters[:7] for level in chapter.levels}
    earlier.update({f"why-convolution-{n}": 3 for n in range(1, 10)})
    assert "why-convolution-local" not in earlier
    assert CURRICULUM.unlocked("stacking", earlier)
    assert not CURRICULUM.unlocked("stacking", {**earlier, "why-convolution-9": 0})
