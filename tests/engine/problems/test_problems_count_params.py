"""count-params: conv against dense, 10,000 seeds per difficulty, counted here by hand."""

from __future__ import annotations

import pytest

from convquest.engine.problems import from_params, generate, variants
from tests.sweeps import seeds

SEEDS = seeds(10_000)


def by_hand(p):
    side = lambda n: n + 2 * p["p"] - p["k"] + 1  # noqa: E731 — stride 1 output side
    bias = 1 if p["bias"] else 0
    conv = p["c_out"] * (p["c_in"] * p["k"] * p["k"] + bias)
    outputs = p.get("units", p["c_out"] * side(p["h"]) * side(p["w"]))
    inputs = p["h"] * p["w"] * p["c_in"]
    return conv, outputs * (inputs + bias), inputs, outputs


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_counts_and_slips(difficulty):
    assert variants("count-params") == ("conv-vs-dense", "locally-connected", "pool-vs-conv")
    for seed in SEEDS:
        problem = generate("count-params", seed, difficulty, "conv-vs-dense")
        p = problem.params()
        conv, dense, _inputs, outputs = by_hand(p)
        assert problem.parts() == ("conv layer", "dense layer")
        assert problem.check(conv, 0).correct and problem.check(dense, 1).correct
        times = f"{dense // conv:,}×" if dense % conv == 0 else None
        explanation = problem.check(dense, 1).explanation
        assert ".0×" not in explanation
        assert f"has {times} as many" in explanation if times else "has about " in explanation
        if p["bias"]:
            assert problem.check(conv - p["c_out"], 0).mistake == "forgot_bias"
            assert problem.check(dense - outputs, 1).mistake == "forgot_bias"
        if p["c_in"] > 1:
            no_channels = p["c_out"] * (p["k"] * p["k"] + (1 if p["bias"] else 0))
            assert problem.check(no_channels, 0).mistake == "forgot_input_channels"
            flat = p["h"] * p["w"]
            assert problem.check(outputs * (flat + (1 if p["bias"] else 0)), 1).mistake == "forgot_input_channels"


def test_worked_example():
    # A 3×32×32 image: 16 filters of 3×3 need 16·(27 + 1) = 448; a dense layer to the same 16×32×32
    # outputs needs 3072·16384 + 16384 = 50,348,032.
    problem = from_params("count-params", {"c_in": 3, "c_out": 16, "k": 3, "h": 32, "w": 32, "p": 1})
    assert problem.check(problem.parse_answer("448"), 0).correct
    assert problem.check(problem.parse_answer("50_348_032"), 1).correct
    # Issue 14.3: numbers as people write them, and the ratio without a spurious ".0".
    assert problem.parse_answer("50,348,032", 1) == problem.parse_answer("50 348 032", 1) == 50_348_032
    assert "The dense layer has 112,384× as many." in problem.check(50_348_032, 1).explanation
    assert problem.check(432, 0).mistake == "forgot_bias"
    assert problem.check(448 * 32 * 32, 0).mistake == "counted_per_position"


@pytest.mark.parametrize(
    "params,field",
    [
        ({"c_in": 0, "c_out": 1, "k": 3, "h": 5, "w": 5}, "c_in"),
        ({"c_in": 1, "c_out": 1, "k": 7, "h": 5, "w": 5}, "k"),
        ({"c_in": 1, "c_out": 1, "k": 3, "h": 5, "w": 5, "bias": "yes"}, "bias"),
        ({"c_in": 1, "c_out": 1, "k": 3, "h": 5}, "w"),
    ],
)
def test_from_params_names_the_field(params, field):
    with pytest.raises(ValueError, match=rf"^{field}: "):
        from_params("count-params", params)
