"""receptive-field: the cells one output sees, found here by walking windows back by hand."""

from __future__ import annotations

import pytest

from convquest.engine.problems import from_params, generate, variants
from convquest.engine.problems.ladder import ALL_TAUGHT, rungs
from tests.sweeps import seeds

# 5,000 seeds per variant and difficulty: each check walks every window back through the stack.
SEEDS = seeds(5_000)


def seen_by_hand(params, layers=None):
    """Walk back through the layers: an index o of a layer reads o·s − p + t·d for each tap t."""
    layers = params["layers"] if layers is None else layers

    def axis(index):
        cells = {index}
        for layer in reversed(layers):
            cells = {o * layer["s"] - layer["p"] + t * layer["d"] for o in cells for t in range(layer["k"])}
        return [i for i in sorted(cells) if 0 <= i < params["n"]]

    r, c = params["cell"]
    return frozenset((i, j) for i in axis(r) for j in axis(c))


@pytest.mark.parametrize("difficulty", [1, 2, 3])
@pytest.mark.parametrize("variant", ["one-layer", "stack"])
def test_cells_and_slips(variant, difficulty):
    assert variants("receptive-field") == ("one-layer", "stack")
    for seed in SEEDS:
        problem = generate("receptive-field", seed, difficulty, variant)
        params = problem.params()
        right = seen_by_hand(params)
        assert params["n"] <= 12 and right
        assert problem.check(right).correct
        layers = params["layers"]
        if any(layer["p"] for layer in layers):
            shifted = seen_by_hand(params, [dict(layer, p=0) for layer in layers])
            if shifted != right:
                assert problem.check(shifted).mistake == "padding_shift"
        if len(layers) > 1 and not any(layer["p"] for layer in layers):
            fewer = seen_by_hand(params, layers[1:])
            if fewer != right:
                # With two layers, the last one alone is one layer's window only.
                assert problem.check(fewer).mistake == ("one_layer_field" if len(layers) == 2 else "ignored_layer")


def test_worked_example_two_3x3_convs_see_5x5():
    problem = from_params(
        "receptive-field",
        {"variant": "stack", "n": 8, "cell": [1, 2], "layers": [{"kind": "conv", "k": 3}, {"kind": "conv", "k": 3}]},
    )
    assert problem.check(problem.parse_answer("1..5, 2..6")).correct
    assert problem.check(problem.parse_answer("1..3, 2..4")).mistake == "one_layer_field"
    assert "field 5, jump 1" in problem.solution()


def test_a_stacks_formula_rung_sums_each_layers_reach_and_fits_the_panel():
    layers = [{"kind": "conv", "k": 3}, {"kind": "pool", "k": 2, "s": 2}, {"kind": "conv", "k": 3}]
    problem = from_params("receptive-field", {"variant": "stack", "n": 12, "cell": [0, 0], "layers": layers})
    ladder = rungs(problem, 0, ALL_TAUGHT)
    # Walked back: the last conv reads 2 cells further, 2 cells apart; the pool 1, 1 apart; the first conv 2.
    assert ladder.formula.splitlines() == [
        "field = 1 + sum over layers of d(k − 1)·j (j: jump between its inputs)",
        "  field = 1 + (3 − 1)·2 + (2 − 1) + (3 − 1)",
    ]
    assert "field 8, jump 2" in ladder.steps[-1]
    assert all(len(line) <= 76 for line in ladder.formula.splitlines())


def test_padding_cells_are_not_part_of_the_answer():
    problem = from_params(
        "receptive-field",
        {"variant": "one-layer", "n": 5, "cell": [0, 0], "layers": [{"kind": "conv", "k": 3, "p": 1}]},
    )
    assert problem.check(problem.parse_answer("0..1, 0..1")).correct
    assert problem.check(problem.parse_answer("0..2, 0..2")).mistake == "padding_shift"


def test_dilated_taps_leave_gaps():
    problem = from_params(
        "receptive-field",
        {"variant": "one-layer", "n": 7, "cell": [0, 0], "layers": [{"kind": "conv", "k": 2, "d": 2}]},
    )
    assert problem.check(problem.parse_answer("0,0; 0,2; 2,0; 2,2")).correct
    assert problem.check(problem.parse_answer("0..2, 0..2")).mistake == "ignored_dilation"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"variant": "one-layer", "n": 13, "cell": [0, 0], "layers": [{"kind": "conv", "k": 3}]}, "n"),
        ({"variant": "one-layer", "n": 5, "cell": [3, 0], "layers": [{"kind": "conv", "k": 3}]}, "cell"),
        ({"variant": "one-layer", "n": 5, "cell": [0, 0], "layers": [{"kind": "conv", "k": 3}] * 2}, "layers"),
        ({"variant": "stack", "n": 5, "cell": [0, 0], "layers": [{"kind": "blur", "k": 3}]}, r"layers\[0\]"),
    ],
)
def test_from_params_names_the_field(params, field):
    with pytest.raises(ValueError, match=rf"^{field}: "):
        from_params("receptive-field", params)
