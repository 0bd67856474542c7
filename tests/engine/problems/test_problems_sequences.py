"""sequence-size, sequence-fill and dilated-stack: every shipped level solved by its own answer,
each slip named in words (no digit in the diagnosis), answers checked against plain loops, and
refusals naming the field."""

from __future__ import annotations

import re

import numpy as np
import pytest

from convquest.engine.problems import from_params, generate, variants
from convquest.engine.problems.dilated_stack import SLIPS as STACK_SLIPS
from convquest.engine.problems.ladder import rungs
from convquest.engine.problems.sequence_fill import SLIPS as FILL_SLIPS
from convquest.engine.problems.sequence_size import SLIPS as SIZE_SLIPS
from convquest.levels import load_curriculum

KINDS = ("sequence-size", "sequence-fill", "dilated-stack")
CURRICULUM = load_curriculum()
SLIPS = {"sequence-size": SIZE_SLIPS, "sequence-fill": FILL_SLIPS, "dilated-stack": STACK_SLIPS}
LEVELS = [level for level in CURRICULUM.levels if level.kind in KINDS]
PLUS = [[0, 1, 0], [1, 0, 1], [0, 1, 0]]


def numbers_in(text: str) -> list[str]:
    """The numbers in a sentence, leaving out the formulas' own 1s (d(k − 1), 1 + (k − 1)·Σd)."""
    return re.findall(r"\d+", re.sub(r"[−+] 1\b|\b1 [+−]", "", text))


def right_answers(problem) -> list[int]:
    if problem.kind == "sequence-size":
        return [problem.size()]
    if problem.kind == "dilated-stack":
        return list(problem.fields())
    return [int(v) for v in problem.expected.ravel()]


def test_the_new_levels_are_where_the_issue_puts_them():
    ids = {level.id: level.chapter for level in LEVELS}
    assert {ids["padding-reflect"], ids["padding-replicate"]} == {"padding"}
    assert {ids["stacking-ceil"], ids["stacking-ceil-padding"]} == {"stacking"}
    # After every chapter that was there before it (learning), so nobody's open chapters change.
    order = [chapter.id for chapter in CURRICULUM.chapters]
    assert order.index("sequences") == order.index("learning") + 1
    assert {level.kind for level in CURRICULUM.chapter("sequences").levels} == set(KINDS)


@pytest.mark.parametrize("level", LEVELS, ids=lambda level: level.id)
def test_every_level_is_solved_by_its_own_answer(level):
    problem = level.problem(0)
    answers = right_answers(problem)
    assert len(answers) == len(problem.parts())
    for part, answer in enumerate(answers):
        verdict = problem.check(problem.parse_answer(str(answer), part), part)
        assert verdict.correct and verdict.diagnosis is None
        rungs = problem.rungs(part, frozenset())
        # Only the last rung may end in the answer.
        for rung in (rungs.nudge, rungs.formula, *rungs.steps):
            assert not re.search(rf"=\s*{answer}\s*$", rung)
        assert str(answer) in rungs.solution


def plain_causal(x, w, d):
    """Output t reads x[t − d(k − 1) + j·d] for each tap j; before the sequence, silence."""
    k = len(w)
    return [
        sum(w[j] * (x[t - d * (k - 1) + j * d] if t - d * (k - 1) + j * d >= 0 else 0) for j in range(k))
        for t in range(len(x))
    ]


def plain_border(x, w, p, mode):
    n = len(x)

    def at(t):
        if 0 <= t < n:
            return x[t]
        if mode == "replicate":
            return x[min(max(t, 0), n - 1)]
        if mode == "circular":
            return x[t % n]
        return x[-t] if t < 0 else x[2 * (n - 1) - t]  # reflect: about the edge cell

    return [sum(w[j] * at(t - p + j) for j in range(len(w))) for t in range(n + 2 * p - len(w) + 1)]


def plain_transposed(x, w, s, p):
    """Each x[j] adds x[j]·w[a] to canvas cell s·j + a; the output drops p cells at each end."""
    canvas = [0] * ((len(x) - 1) * s + len(w))
    for j, value in enumerate(x):
        for a, weight in enumerate(w):
            canvas[s * j + a] += value * weight
    return canvas[p : len(canvas) - p]


@pytest.mark.parametrize("seed", range(15))
def test_generated_fills_match_plain_loops(seed):
    for variant in variants("sequence-fill"):
        problem = generate("sequence-fill", seed, difficulty=1 + seed % 3, variant=variant)
        x, w = list(problem.x), list(problem.w)
        if variant == "transposed1d":
            want = plain_transposed(x, w, problem.stride, problem.padding)
        elif problem.causal:
            want = plain_causal(x, w, problem.dilation)
        else:
            want = plain_border(x, w, problem.padding, variant)
        assert problem.expected.ravel().tolist() == want
        assert from_params("sequence-fill", problem.params()).params() == problem.params()


@pytest.mark.parametrize("seed", range(15))
def test_generated_sizes_and_fields_match_plain_counts(seed):
    for variant in variants("sequence-size"):
        problem = generate("sequence-size", seed, difficulty=1 + seed % 3, variant=variant)
        i, k, p, s, d, a = problem.i, problem.k, problem.p, problem.s, problem.d, problem.a
        if variant == "causal":
            span = d * (k - 1)
            want = len(range(-span, i - span, s))  # windows start at −d(k − 1) and end on an input cell
        elif variant == "conv1d":
            want = len(range(-p, i + p - d * (k - 1), s))
        elif variant == "transposed1d":
            want = (i - 1) * s - 2 * p + d * (k - 1) + a + 1
        else:  # rounded up, but a window counts only if it starts inside the input or the left padding
            room = i + 2 * p - k
            want = len([n for n in range(i + 2 * p) if n * s < room + s and n * s - p < i])
        assert problem.size() == want, problem
        assert from_params("sequence-size", problem.params()).params() == problem.params()
    stack = generate("dilated-stack", seed, difficulty=1 + seed % 3)
    for n in range(1, len(stack.dilations) + 1):
        seen = {0}
        for d in reversed(stack.dilations[:n]):  # one output's cells, layer by layer down
            seen = {t - j * d for t in seen for j in range(stack.k)}
        assert stack.fields()[n - 1] == max(seen) - min(seen) + 1
        assert len(stack.seen(n, stack.fields()[-1])[0]) == len(seen)


# (kind, params, part, the wrong answer, the slip's key)
SLIP_CASES = [
    ("sequence-size", {"variant": "causal", "i": 20, "k": 3, "d": 2}, 0, 24, "causal_both_sides"),
    ("sequence-size", {"variant": "causal", "i": 20, "k": 3, "d": 2}, 0, 16, "causal_forgot_padding"),
    ("sequence-size", {"variant": "causal", "i": 20, "k": 3, "d": 2}, 0, 18, "causal_ignored_dilation"),
    ("sequence-size", {"variant": "pool-ceil", "i": 5, "k": 2, "s": 2, "p": 1}, 0, 4, "ceil_counted_padding_window"),
    ("sequence-size", {"variant": "pool-ceil", "i": 7, "k": 2, "s": 2}, 0, 3, "floor_not_ceil"),
    ("sequence-size", {"variant": "conv1d", "i": 16, "k": 3}, 0, 13, "forgot_plus_one"),
    ("sequence-size", {"variant": "transposed1d", "i": 10, "k": 3, "s": 2}, 0, 23, "used_i_times_s"),
    ("sequence-fill", {"variant": "causal", "input": [2, 0, 1, 3], "kernel": [[1, 2]]}, 0, 2, "read_the_future"),
    ("sequence-fill", {"variant": "causal", "input": [2, 0, 1, 3], "kernel": [1, 2, 1]}, 0, 4, "centred_window"),
    (
        "sequence-fill",
        {"variant": "dilated-causal", "input": [1, 0, 2, 5], "kernel": [[1, 1]], "dilation": 2},
        1,
        1,
        "forgot_dilation",
    ),
    (
        "sequence-fill",
        {"variant": "reflect", "input": [4, 1, 3, 0, 2], "kernel": [1, 2, 1]},
        0,
        13,
        "reflect_as_replicate",
    ),
    (
        "sequence-fill",
        {"variant": "replicate", "input": [4, 1, 3, 0, 2], "kernel": [1, 2, 1]},
        0,
        10,
        "replicate_as_reflect",
    ),
    (
        "sequence-fill",
        {"variant": "circular", "input": [4, 1, 3, 0, 2], "kernel": [1, 2, 1]},
        0,
        10,
        "circular_as_reflect",
    ),
    ("sequence-fill", {"variant": "transposed1d", "input": [1, 2, 3], "kernel": [1, 2, 1]}, 2, 1, "missed_overlap"),
    ("sequence-fill", {"variant": "transposed1d", "input": [1, 2, 3], "kernel": [1, 2, 1]}, 1, 4, "painted_one_apart"),
    ("dilated-stack", {"variant": "doubling", "k": 2, "dilations": [1, 2, 4, 8]}, 3, 5, "forgot_dilation"),
    ("dilated-stack", {"variant": "doubling", "k": 2, "dilations": [1, 2, 4, 8]}, 3, 15, "forgot_plus_one"),
    ("dilated-stack", {"variant": "doubling", "k": 2, "dilations": [1, 2, 4, 8]}, 3, 19, "counted_shared_cells"),
    ("dilated-stack", {"variant": "doubling", "k": 3, "dilations": [1, 2, 4]}, 2, 8, "forgot_k_minus_one"),
]


@pytest.mark.parametrize(("kind", "params", "part", "wrong", "key"), SLIP_CASES, ids=lambda v: str(v)[:30])
def test_each_slip_is_named_in_words(kind, params, part, wrong, key):
    problem = from_params(kind, params)
    verdict = problem.check(wrong, part)
    assert not verdict.correct
    assert verdict.mistake == key
    assert verdict.diagnosis == SLIPS[kind][key]
    assert not numbers_in(verdict.diagnosis)  # words and symbols, never this problem's numbers


def test_every_slip_sentence_is_free_of_digits():
    for sentence in (*SIZE_SLIPS.values(), *FILL_SLIPS.values(), *STACK_SLIPS.values()):
        assert not numbers_in(sentence), sentence


def test_reflect_border_copies_the_edge_neighbour():
    problem = from_params("sequence-fill", {"variant": "reflect", "input": [4, 1, 3, 0, 2], "kernel": [1, 2, 1]})
    assert problem.trace.padded.ravel().tolist() == [1, 4, 1, 3, 0, 2, 0]
    assert problem.trace.source(0, -1) == (0, 1)


def test_the_third_rung_goes_past_the_products_to_their_values():
    problem = from_params(
        "sequence-fill",
        {"variant": "reflect", "input": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel": PLUS, "padding": 1},
    )
    ladder = rungs(problem, 0)  # cell (0,0) reads 4 above, 2 left, 2 right, 4 below: 12
    assert ladder.formula == "cell (0,0) = 0·5 + 1·4 + 0·5 + 1·2 + 0·1 + 1·2 + 0·5 + 1·4 + 0·5"
    assert ladder.steps == ("border columns copy input columns: −1←1, 3←1", "cell (0,0) = 4 + 2 + 2 + 4")
    assert ladder.solution.startswith("cell (0,0) = ") and "= 12" in ladder.solution


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        ("sequence-size", {"variant": "conv1d", "i": 2, "k": 5}, "k"),
        ("sequence-size", {"variant": "conv1d", "i": 0, "k": 3}, "i"),
        ("sequence-size", {"variant": "conv1d", "i": 9000, "k": 3}, "i"),
        ("sequence-size", {"variant": "pool-ceil", "i": 8, "k": 2, "p": 2}, "p"),
        ("sequence-size", {"variant": "causal", "i": 8, "k": 3, "p": 1}, "p"),
        ("sequence-fill", {"variant": "reflect", "input": [1, 2], "kernel": [1, 1, 1, 1, 1], "padding": 2}, "padding"),
        ("sequence-fill", {"variant": "causal", "input": [1, 2, 3], "kernel": [1, "a", 1]}, "kernel"),
        ("sequence-fill", {"variant": "causal", "input": list(range(13)), "kernel": [1, 0, 1]}, "input"),
        ("sequence-fill", {"variant": "causal", "input": [1, 2, 3]}, "kernel"),
        ("dilated-stack", {"variant": "doubling", "k": 2, "dilations": [1, 0]}, "dilations"),
        ("dilated-stack", {"variant": "doubling", "k": 2, "dilations": [64, 64]}, "dilations"),
        ("dilated-stack", {"variant": "doubling", "k": 1, "dilations": [1, 2, 4]}, "k"),
    ],
)
def test_refusals_name_the_field(kind, params, field):
    with pytest.raises(ValueError, match=rf"^{field}: "):
        from_params(kind, params)


def test_a_stack_layer_is_causal():
    stack = from_params("dilated-stack", {"variant": "doubling", "k": 2, "dilations": [1, 2, 4, 8]})
    rows = stack.seen(4, 16)
    assert rows[0] == tuple(range(16)) and rows[-1] == (15,)
    assert all(max(row) == 15 for row in rows)  # nothing after the output's own time step
    assert [len(row) for row in rows] == [16, 8, 4, 2, 1]
    assert np.diff(stack.fields()).tolist() == [2, 4, 8]
