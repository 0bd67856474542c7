"""Each kind's hint ladder: the nudge, the formula as taught with the numbers put in, the steps
short of the last, and the solution with the answer."""

from __future__ import annotations

import pytest

from convquest.engine.problems import from_params, generate, variants
from convquest.engine.problems.base import Problem
from convquest.engine.problems.ladder import ALL_TAUGHT, HasRungs, Taught, rungs

NOTHING: Taught = frozenset()
PADDING: Taught = frozenset({"padding"})
STRIDE: Taught = PADDING | {"stride"}
DILATION: Taught = STRIDE | {"dilation"}
TRANSPOSED_ONLY: Taught = STRIDE | {"transposed"}


@pytest.mark.parametrize(
    "params,taught,formula,with_numbers",
    [
        ({"variant": "conv", "i": 7, "k": 3}, NOTHING, "o = i − k + 1", "= 7 − 3 + 1"),
        ({"variant": "conv", "i": 5, "k": 4, "p": 2}, PADDING, "o = i + 2p − k + 1", "= 5 + 2·2 − 4 + 1"),
        (
            {"variant": "stride", "i": 6, "k": 3, "p": 1, "s": 2},
            STRIDE,
            "o = ⌊(i + 2p − k)/s⌋ + 1",
            "= ⌊(6 + 2·1 − 3)/2⌋ + 1",
        ),
        (
            {"variant": "dilation", "i": 7, "k": 3, "d": 2},
            DILATION,
            "o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1",
            "= ⌊(7 + 2·0 − 2·(3 − 1) − 1)/1⌋ + 1",
        ),
        (
            {"variant": "transposed", "i": 2, "k": 3, "s": 2},
            TRANSPOSED_ONLY,
            "o = s(i − 1) + k − 2p",
            "= 2·(2 − 1) + 3 − 2·0",
        ),
        (
            {"variant": "transposed", "i": 3, "k": 3, "p": 1, "s": 2, "a": 1},
            ALL_TAUGHT,
            "o = s(i − 1) + d(k − 1) + a − 2p + 1",
            "= 2·(3 − 1) + 1·(3 − 1) + 1 − 2·1 + 1",
        ),
    ],
)
def test_the_formula_rung_is_the_chapters_form_with_the_numbers_put_in(params, taught, formula, with_numbers):
    problem = from_params("predict-size", params)
    ladder = rungs(problem, 0, taught)
    assert ladder.formula.splitlines() == [formula, f"  {with_numbers}"]
    # What is shown after an answer uses the same form, and only it ends in the answer.
    explanation = problem.check(problem.answer, taught=taught).explanation
    lines = explanation.splitlines()
    assert formula in lines and any(line.endswith(f"= {problem.answer}") for line in lines)
    assert ladder.solution == f"{explanation}\nThe output is {problem.answer}×{problem.answer}."
    assert f"= {problem.answer}" not in "\n".join(ladder.steps)


def test_steps_stop_short_of_the_last_one():
    problem = from_params("predict-size", {"variant": "stride", "i": 6, "k": 3, "p": 1, "s": 2})
    ladder = rungs(problem, 0, STRIDE)
    assert ladder.steps == ("o = ⌊(6 + 2·1 − 3)/2⌋ + 1", "= ⌊5/2⌋ + 1", "= 2 + 1")
    assert "= 2 + 1 = 3" in ladder.solution


def test_chapter_one_hears_of_no_padding_stride_or_dilation():
    problem = from_params("predict-size", {"variant": "conv", "i": 4, "k": 3})
    ladder = rungs(problem, 0, NOTHING)
    for text in (ladder.nudge, ladder.formula, *ladder.steps, problem.check(1, taught=NOTHING).diagnosis):
        assert not [word for word in ("pad", "stride", "dilat", "⌊", "2p") if word in text], text


def test_fill_cells_climbs_products_then_their_values_then_the_sum():
    problem = from_params(
        "fill-cells", {"variant": "valid", "input": [[1, 2, 0], [3, 1, 1], [0, 2, 2]], "kernel": [[1, -1], [2, 0]]}
    )
    ladder = rungs(problem, 1, NOTHING)  # cell (0, 1): 1·2 + (−1)·0 + 2·1 + 0·1 = 4
    assert (ladder.formula_label, ladder.formula) == ("The products", "cell (0,1) = 1·2 + (−1)·0 + 2·1 + 0·1")
    # Rung 3 adds the products' values (the zeros dropped) and does not write the products again.
    assert (ladder.steps_label, ladder.steps) == ("The sum", ("cell (0,1) = 2 + 2",))
    assert ladder.solution.endswith("= 4")


def test_a_fill_cell_with_one_product_left_has_no_sum_to_give():
    problem = from_params("fill-cells", {"variant": "valid", "input": [[1, 2], [3, 4]], "kernel": [[0, 0], [0, 5]]})
    ladder = rungs(problem, 0, NOTHING)  # 5·4 is the only product that is not 0: its value is the answer
    assert ladder.steps == ()


def test_max_pooling_leaves_the_two_largest_in_the_windows_order():
    problem = from_params("fill-cells", {"variant": "maxpool", "k": 2, "input": [[1, 3, 2, 0], [4, 2, 1, 5]] * 2})
    ladder = rungs(problem, 0, ALL_TAUGHT)  # window 1 3 / 4 2: the 4 comes after the 3, as on the board
    assert ladder.steps == ("cell (0,0) = max(3, 4)",)
    assert ladder.solution.endswith("= 4")


def test_a_networks_steps_go_on_from_its_formula_rung_without_repeating_the_layer():
    layers = [{"kind": "conv", "k": 3, "p": 1, "out_channels": 16}, {"kind": "pool", "k": 2, "s": 2}]
    problem = from_params("predict-size", {"variant": "network", "input": [3, 32, 32], "layers": layers})
    ladder = rungs(problem, 0, ALL_TAUGHT)
    head = ladder.formula.splitlines()[0]
    assert head.startswith("Layer 1 (") and head not in ladder.steps
    assert ladder.steps[0].startswith("channels:") and ladder.steps[-1] == "= 31 + 1"


def test_solving_for_padding_keeps_the_unknown_as_a_symbol_and_tries_values_below_the_answer():
    problem = from_params("predict-size", {"variant": "solve-padding", "i": 7, "k": 5, "o": 7, "s": 1})
    ladder = rungs(problem, 0, PADDING)
    assert "7 = 7 + 2p − 5 + 1" in ladder.formula
    assert ladder.steps == ("7 = 7 + 2p − 5 + 1", "p = 0 gives 3×3, not 7×7", "p = 1 gives 5×5, not 7×7")


def test_count_params_leaves_a_step_unevaluated_when_its_value_is_the_answer():
    problem = from_params("count-params", {"c_in": 1, "c_out": 1, "k": 3, "h": 5, "w": 5, "bias": False})
    ladder = rungs(problem, 0, ALL_TAUGHT)  # one filter, no bias: the filter's weights are the answer
    assert ladder.steps == ("one filter: C_in·k·k = 1·3·3",)


def test_a_max_pools_third_rung_counts_its_weights_in_words():
    problem = from_params(
        "count-params", {"variant": "pool-vs-conv", "c_in": 16, "c_out": 16, "k": 2, "h": 10, "w": 10}
    )
    ladder = rungs(problem, 0, ALL_TAUGHT)
    assert ladder.steps and ladder.steps[0] not in ladder.formula and not any(ch.isdigit() for ch in ladder.steps[0])
    assert ladder.solution.endswith("total = 0")


@pytest.mark.parametrize("kind", ["predict-size", "fill-cells", "match-kernel", "receptive-field", "count-params"])
def test_every_kind_writes_its_own_ladder(kind):
    for variant in variants(kind):
        problem: Problem = generate(kind, 3, 2, variant)
        assert isinstance(problem, HasRungs), (kind, variant)
        for part in range(len(problem.parts())):
            ladder = rungs(problem, part, ALL_TAUGHT)
            assert ladder.nudge and ladder.formula and ladder.solution
            assert ladder.nudge != ladder.solution and ladder.formula != ladder.solution
