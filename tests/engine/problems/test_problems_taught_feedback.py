"""Every shipped level, and many generated problems per topic, with every mistake that can occur in
them: no diagnosis and no rung below the solution names an idea the player has not met, and no rung
below the solution shows a computation ending in the answer."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pytest

from convquest.engine.problems import generate, variants
from convquest.engine.problems.answers import format_cells
from convquest.engine.problems.base import Problem
from convquest.engine.problems.ladder import ALL_TAUGHT, Taught, rungs
from convquest.engine.problems.sizes import MISTAKES, SizeSpec, _mistaken_size
from convquest.levels.loader import load_curriculum
from tests.engine.problems.taught import results, untaught
from tests.sweeps import seeds

CURRICULUM = load_curriculum()
ORDER = [chapter.id for chapter in CURRICULUM.chapters]


def _topic(kind: str, params: object) -> str:
    variant = params.get("variant") if isinstance(params, dict) else None  # type: ignore[union-attr]
    return f"{kind}/{variant or variants(kind)[0]}"


def level_cases(chapter_id: str) -> Iterator[tuple[str, Problem, Taught]]:
    """The chapter's levels, each on 8 seeds where its numbers are drawn, with what it has taught."""
    chapter = CURRICULUM.chapter(chapter_id)
    taught = CURRICULUM.taught(chapter_id)
    for level in chapter.levels:
        for seed in range(8) if level.has_ranges else (0,):
            yield f"{level.id}@{seed}", level.problem(seed), taught


def _first_taught() -> dict[str, Taught]:
    """Each topic with what is taught by the first chapter that has a level of it."""
    first: dict[str, Taught] = {}
    for chapter in CURRICULUM.chapters:
        for level in chapter.levels:
            first.setdefault(_topic(level.kind, dict(level.params)), CURRICULUM.taught(chapter.id))
    return first


FIRST_TAUGHT = _first_taught()
TOPICS = [
    (kind, variant)
    for kind in ("predict-size", "fill-cells", "match-kernel", "receptive-field", "count-params")
    for variant in variants(kind)
]


def _spec_mistakes(spec: SizeSpec) -> set[int]:
    return {w for m in MISTAKES if (w := _mistaken_size(m, spec)) is not None}


FAMILIES = (
    "LayerSize",
    "PairSize",
    "ReceptiveField",
    "Translation",
    "Locality",
    "SolveFor",
    "NetworkShapes",
    "CountParams",
    "FillCells",
    "GradientSign",
    "SequenceSize",
    "SequenceFill",
    "TransposedSequenceFill",
    "DilatedStack",
    "LearningRate",
    "RecoverKernel",
    "Judged",
    "FillVolume",
)
# Families whose answer is a cell (row, col): shown only as "(r,c)", never as a shape "r×c".
CELL_FAMILIES = ("Translation",)


def family(problem: Problem) -> str:
    """The problem's class, or the class of its family it extends (a variant of CountParams, say)."""
    names = [cls.__name__ for cls in type(problem).__mro__]
    return next((name for name in names if name in FAMILIES), names[0])


def right_answer(problem: Problem, part: int) -> object:
    name = family(problem)
    if name in ("LayerSize", "PairSize", "ReceptiveField", "Translation", "Locality", "GradientSign"):
        return problem.answer  # type: ignore[attr-defined]
    if name == "SolveFor":
        return problem.answers[0]  # type: ignore[attr-defined]
    if name == "NetworkShapes":
        return problem.shapes[part]  # type: ignore[attr-defined]
    if name == "CountParams":
        return problem.counts[part]  # type: ignore[attr-defined]
    if name in ("FillCells", "SequenceFill", "TransposedSequenceFill"):
        return problem.expected.ravel()[part].item()  # type: ignore[attr-defined]
    if name == "SequenceSize":
        return problem.size()  # type: ignore[attr-defined]
    if name == "DilatedStack":
        return problem.fields()[part]  # type: ignore[attr-defined]
    if name == "LearningRate":
        return None  # a range of rates converges: no one number is the answer
    if name == "RecoverKernel":  # a range of rates, then the hidden kernel's weights
        return None if part == 0 else problem.kernel  # type: ignore[attr-defined]
    if name == "Judged":
        return problem.answers[part]  # type: ignore[attr-defined]
    if name == "FillVolume":
        return problem.expected[problem.cell(part)].item()  # type: ignore[attr-defined]
    if problem.weights is not None:  # type: ignore[attr-defined]
        return np.array(problem.weights)  # type: ignore[attr-defined]
    return problem.hidden  # type: ignore[attr-defined]


def wrong_answers(problem: Problem, part: int, right: object) -> list[object]:
    """Every mistake the engine knows for this part, and near misses around the answer."""
    name = family(problem)
    if name == "GradientSign":
        return ["down" if right == "up" else "up"]
    if name == "LearningRate" or (name == "RecoverKernel" and part == 0):
        rate = 1 / problem.curvature  # type: ignore[attr-defined]
        return [rate * factor for factor in (1e-4, 1e-2, 2.5, 10.0)]
    if name in ("Judged", "FillVolume") and isinstance(right, tuple):
        return [tuple(v + d for v in right) for d in (-1, 1)] + [(right[0] + 1, *right[1:])]
    if name in ("SequenceSize", "DilatedStack", "SequenceFill", "TransposedSequenceFill", "Judged", "FillVolume"):
        return [right + d for d in (-3, -2, -1, 1, 2, 3)] + [2 * right]  # type: ignore[operator]
    if name == "LayerSize":
        return sorted(_spec_mistakes(problem.spec) | {right + d for d in range(-3, 4)} | {2 * right})  # type: ignore[attr-defined,operator]
    if name == "SolveFor":
        return list(range(-1, right + 4))  # type: ignore[operator]
    if name == "PairSize":
        h, w = right  # type: ignore[misc]
        hs = _spec_mistakes(problem.axis(0)) | {h - 1, h + 1}  # type: ignore[attr-defined]
        ws = _spec_mistakes(problem.axis(1)) | {w - 1, w + 1}  # type: ignore[attr-defined]
        return [(w, h)] + [(a, w) for a in hs] + [(h, b) for b in ws] + [(a, b) for a in hs for b in ws]
    if name == "NetworkShapes":
        c, h, w = right  # type: ignore[misc]
        before = problem.input if part == 0 else problem.shapes[part - 1]  # type: ignore[attr-defined]
        sides = _spec_mistakes(problem._spec(part)) | {h - 1, h + 1}  # type: ignore[attr-defined]
        return [(before[0], h, w), (c + 1, h, w)] + [(c, s, s) for s in sides]
    if name in ("CountParams", "FillCells"):
        notes = (
            problem._mistakes(part)
            if name == "CountParams"
            else problem._mistakes(*divmod(part, problem.expected.shape[1]))
        )  # type: ignore[attr-defined]
        return [wrong for _, wrong, _ in notes] + [right + d for d in (-2, -1, 1, 2)]  # type: ignore[operator]
    if name == "ReceptiveField":
        return [wrong for _, wrong, _ in problem._mistakes] + _near_sets(right)  # type: ignore[attr-defined,arg-type]
    if name == "Locality":
        return _near_sets(right)  # type: ignore[arg-type]
    if name == "Translation":
        r, c = right  # type: ignore[misc]
        return [(c, r), problem.peaks[0], (r + 1, c), (r, c - 1)]  # type: ignore[attr-defined]
    if isinstance(right, np.ndarray):
        return [-right, 2 * right, right.T, right[::-1, ::-1]]
    if problem.variant == "two-step":  # type: ignore[attr-defined]
        return [("box_blur", "sobel_x"), ("gaussian", "sobel_y"), ("gaussian", "laplacian")]
    return list(problem.palette)  # type: ignore[attr-defined]


def _near_sets(right: frozenset[tuple[int, int]]) -> list[frozenset[tuple[int, int]]]:
    if not right:  # a stride can skip the pixel: no output cell changes
        return [frozenset({(0, 0)})]
    rows = [r for r, _ in right]
    cols = [c for _, c in right]
    out = []
    for dr, dc in ((1, 0), (0, 1), (-1, 0)):
        out.append(frozenset((r + dr, c + dc) for r, c in right if r + dr >= 0 and c + dc >= 0))
    grown = frozenset((r, c) for r in range(min(rows), max(rows) + 2) for c in range(min(cols), max(cols) + 1))
    return out + [grown, frozenset([min(right)])]


def _shows(text: str, right: object, *, cell: bool = False) -> bool:
    """Whether `text` shows the answer as the result of a computation (or, for cells, at all)."""
    if isinstance(right, (int, float)) and not isinstance(right, bool):
        return right in results(text)
    if isinstance(right, tuple) and right and all(isinstance(v, int) for v in right):
        if len(right) == 2 and isinstance(right[0], int) and re.search(rf"\({right[0]}, ?{right[1]}\)", text):
            return True
        return not cell and "×".join(str(v) for v in right) in text
    if isinstance(right, frozenset):
        return format_cells(right) in text
    return False


def assert_taught(label: str, problem: Problem, taught: Taught) -> None:
    prompt = problem.prompt()
    cell = family(problem) in CELL_FAMILIES
    for part in range(len(problem.parts())):
        right = right_answer(problem, part)
        ladder = rungs(problem, part, taught)
        for rung in (ladder.nudge, ladder.formula, *ladder.steps):
            assert not untaught(rung, taught, prompt), (label, part, rung, untaught(rung, taught, prompt))
            assert not _shows(rung, right, cell=cell), (label, part, right, rung)
        for wrong in wrong_answers(problem, part, right):
            try:
                verdict = problem.check(wrong, part, taught=taught)
            except ValueError:
                continue  # a refusal (an impossible answer) is shown as a slip, not diagnosed
            if verdict.correct or verdict.mistake is None or verdict.diagnosis is None:
                continue
            diagnosis = verdict.diagnosis
            assert not untaught(diagnosis, taught, prompt), (label, part, wrong, diagnosis)
            assert not _shows(diagnosis, right, cell=cell), (label, part, wrong, diagnosis)


@pytest.mark.parametrize("chapter", ORDER)
def test_every_shipped_level_names_only_what_it_has_taught(chapter):
    cases = list(level_cases(chapter))
    assert cases
    for label, problem, taught in cases:
        assert_taught(label, problem, taught)


@pytest.mark.parametrize("kind,variant", TOPICS)
def test_generated_problems_name_only_what_their_chapter_has_taught(kind, variant):
    taught = FIRST_TAUGHT.get(f"{kind}/{variant}", ALL_TAUGHT)
    for difficulty in (1, 2, 3):
        for seed in seeds(12):
            problem = generate(kind, seed, difficulty, variant)
            assert_taught(f"{kind}/{variant} d{difficulty} #{seed}", problem, taught)


def test_chapter_two_never_hears_of_transposed_convolution():
    problem = CURRICULUM.level("arithmetic-1").problem()
    taught = CURRICULUM.taught("arithmetic")
    params = problem.params()
    verdict = problem.check(params["i"] + params["k"] - 1, taught=taught)  # i + k − 1: the full count
    assert verdict.mistake == "full_count"
    assert "transpos" not in verdict.diagnosis.lower() and "hangs off the edge" in verdict.diagnosis
    assert rungs(problem, 0, taught).formula.splitlines()[0] == "o = i − k + 1"
