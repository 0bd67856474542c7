"""fill-cells: answers and diagnoses checked against the ops and a plain loop written here."""

from __future__ import annotations

import numpy as np
import pytest

from convquest.engine import ops
from convquest.engine.problems import from_params, generate, variants
from tests.sweeps import seeds

# Each problem checks every one of its cells, right and three ways wrong: 1,000 seeds per variant and
# difficulty (24,000 problems, about 300,000 cell checks) keeps this file near 15 s; 10,000 would
# take over a minute and a half on its own.
SEEDS = seeds(1_000)
CONV = ("valid", "same", "full", "strided", "dilated")


def padding_of(params):
    k, d = len(params["kernel"]), params.get("dilation", 1)
    return {"valid": 0, "same": d * (k - 1) // 2, "full": d * (k - 1)}.get(params["padding"], params["padding"])


def expected_output(params):
    x = np.array(params["input"])
    variant = params["variant"]
    if variant == "maxpool":
        return ops.max_pool2d(x, params["k"], stride=params["stride"], padding=params["padding"])
    if variant == "avgpool":
        return ops.avg_pool2d(x, params["k"], stride=params["stride"], padding=params["padding"])
    w = np.array(params["kernel"])
    if variant == "transposed":
        return ops.conv_transpose2d(
            x,
            w,
            padding=params["padding"],
            stride=params["stride"],
            dilation=params["dilation"],
            output_padding=params["output_padding"],
        )
    return ops.conv2d(x, w, padding=params["padding"], stride=params["stride"], dilation=params["dilation"])


def window_values(params, padded, r, c):
    """The input values under output cell (r, c)'s window, by plain indexing of the padded input."""
    k = params["k"] if "k" in params else len(params["kernel"])
    s, d = params["stride"], params.get("dilation", 1)
    return np.array([[padded[r * s + a * d, c * s + b * d] for b in range(k)] for a in range(k)])


def scatter_terms(params, r, c):
    """Every value·weight a transposed convolution adds onto output cell (r, c), by a plain loop."""
    x, w = np.array(params["input"]), np.array(params["kernel"])
    s, p, d = params["stride"], params["padding"], params["dilation"]
    return [
        x[i, j] * w[a, b]
        for i in range(x.shape[0])
        for j in range(x.shape[1])
        for a in range(w.shape[0])
        for b in range(w.shape[1])
        if (i * s + a * d - p, j * s + b * d - p) == (r, c)
    ]


def test_variants():
    assert variants("fill-cells") == CONV + ("transposed", "maxpool", "avgpool")


@pytest.mark.parametrize("difficulty", [1, 2, 3])
@pytest.mark.parametrize("variant", variants("fill-cells"))
def test_every_cell_is_checked_right_and_wrong_answers_diagnosed(variant, difficulty):
    keys = set()
    for seed in SEEDS:
        problem = generate("fill-cells", seed, difficulty, variant)
        params = problem.params()
        out = expected_output(params)
        assert max(np.array(params["input"]).shape) <= 9 and out.size <= 36 and out.size >= 1
        assert len(problem.parts()) == out.size
        if variant == "avgpool":
            assert np.all(out == np.round(out))  # generated means are whole
        padded = np.pad(np.array(params["input"]), params["padding"] if "k" in params else padding_of(params))
        for part, value in enumerate(out.ravel().tolist()):
            r, c = divmod(part, out.shape[1])
            assert problem.check(value, part).correct
            for key, wrong in wrong_ways(params, padded, r, c, value):
                verdict = problem.check(wrong, part)
                assert not verdict.correct and verdict.mistake == key, (params, part, key, wrong, verdict)
                keys.add(key)
    assert keys


def wrong_ways(params, padded, r, c, value):
    """(key, wrong answer) built the mistaken way; each returned only where no likelier mistake
    (earlier in the problem's order) gives the same number."""
    variant = params["variant"]
    if variant in ("maxpool", "avgpool"):
        window = window_values(params, padded, r, c)
        ways = (
            [("averaged_instead_of_max", window.mean()), ("took_min", window.min())]
            if variant == "maxpool"
            else [("forgot_to_divide", window.sum()), ("took_max_instead_of_mean", window.max())]
        )
    elif variant == "transposed":
        ways = [("missed_overlap", value - t) for t in scatter_terms(params, r, c) if t]
    else:
        window, w = window_values(params, padded, r, c), np.array(params["kernel"])
        flipped = int((window * w[::-1, ::-1]).sum())
        products = [int(t) for t in (window * w).ravel() if t]
        ways = [("flipped_kernel", flipped)] + [("forgot_product", value - t) for t in products]
        ways += [("sign_error", value - 2 * t) for t in products if t < 0]
    taken, result = {value}, []
    for key, wrong in ways:
        if wrong not in taken:
            result.append((key, wrong))
        taken.add(wrong)
    return result[:3]


def test_worked_sum_lists_the_products():
    problem = from_params("fill-cells", {"variant": "valid", "input": [[1, 2], [3, 4]], "kernel": [[1, 0], [0, -1]]})
    verdict = problem.check(-3, 0)
    assert verdict.correct
    assert verdict.explanation == "cell (0,0): 1·1 + 0·2 + 0·3 + (−1)·4 = −3"
    flipped = problem.check(3, 0)  # (−1)·1 + 1·4: the kernel turned round
    assert flipped.mistake == "flipped_kernel"
    assert problem.check(1, 0).mistake == "forgot_product"


def test_transposed_overlaps_add():
    problem = from_params(
        "fill-cells", {"variant": "transposed", "input": [[1, 2]], "kernel": [[1, 1]], "stride": 1, "padding": 0}
    )
    assert problem.expected.tolist() == [[1, 3, 2]]
    assert problem.check(3, 1).correct
    assert problem.check(2, 1).mistake == "missed_overlap"
    assert "(0,0)" in problem.check(3, 1).explanation and "(0,1)" in problem.check(3, 1).explanation


def test_avgpool_accepts_one_decimal():
    problem = from_params("fill-cells", {"variant": "avgpool", "input": [[1, 2], [2, 0]], "k": 2})
    assert problem.check(problem.parse_answer("1.25"), 0).correct
    assert problem.check(problem.parse_answer("1.2"), 0).correct  # 1.25 written to one decimal
    assert problem.check(problem.parse_answer("1,3"), 0).correct
    assert not problem.check(problem.parse_answer("1"), 0).correct
    assert problem.check(5, 0).mistake == "forgot_to_divide"


def test_board_attributes():
    problem = generate("fill-cells", 3, 2, "strided")
    assert problem.input.shape == np.array(problem.params()["input"]).shape
    assert problem.kernel.tolist() == problem.params()["kernel"]
    assert problem.expected.tolist() == expected_output(problem.params()).tolist()


@pytest.mark.parametrize(
    "params,field",
    [
        ({"variant": "valid", "input": [[1, 2], [3, 4]], "kernel": [[1, 0, 1]] * 3}, "kernel"),
        ({"variant": "valid", "input": [[1, 2], [3]], "kernel": [[1]]}, "input"),
        ({"variant": "valid", "input": [[1] * 10] * 10, "kernel": [[1]]}, "input"),
        ({"variant": "same", "input": [[1, 2], [3, 4]], "kernel": [[1]], "padding": "half"}, "padding"),
        ({"variant": "maxpool", "input": [[1, 2], [3, 4]], "k": 2, "padding": 2}, "padding"),
        ({"variant": "valid", "input": [[1, 2], [3, 4]]}, "kernel"),
    ],
)
def test_from_params_names_the_field(params, field):
    with pytest.raises(ValueError, match=rf"^{field}: "):
        from_params("fill-cells", params)


@pytest.mark.parametrize("text", ["", "abc", "1.5", "3-"])
def test_parse_answer_rejects_garbage(text):
    with pytest.raises(ValueError, match="Type"):
        generate("fill-cells", 0, 1, "valid").parse_answer(text, 0)


def test_parts_are_row_major():
    problem = from_params("fill-cells", {"variant": "valid", "input": [[1, 2, 3]] * 3, "kernel": [[1, 1]] * 2})
    assert problem.parts() == ("(0,0)", "(0,1)", "(1,0)", "(1,1)")
    with pytest.raises(ValueError, match="part 4"):
        problem.check(0, 4)
