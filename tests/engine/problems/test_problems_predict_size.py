"""predict-size: every variant and difficulty, 10,000 seeds each."""

from __future__ import annotations

import functools
import json
import re

import numpy as np
import pytest

from convquest.engine import ops
from convquest.engine.problems import from_params, generate, variants
from convquest.engine.problems.slips import also_phrase
from tests.engine.problems.size_reference import conv_size, layer_mistakes, layer_size
from tests.sweeps import seeds

SEEDS = seeds(10_000)
ONE_LAYER = ("conv", "padding", "stride", "dilation", "transposed", "pool")


def ops_side(params):
    """The output side found by running the real op on a blank image (a third derivation)."""
    i, k, d = params["i"], params["k"], params.get("d", 1)
    x = np.zeros((i, i))
    variant = params["variant"]
    if variant == "transposed":
        out = ops.conv_transpose2d(
            x, np.ones((k, k)), padding=params["p"], stride=params["s"], dilation=d, output_padding=params["a"]
        )
    elif variant == "pool":
        out = ops.max_pool2d(x, k, stride=params.get("s"), padding=params["p"])
    else:
        padding = params.get("padding", params.get("p"))
        out = ops.conv2d(x, np.ones((k, k)), padding=padding, stride=params.get("s", 1), dilation=d)
    assert out.shape[0] == out.shape[1]
    return out.shape[0]


def numbers_in(text):
    """The numbers a sentence shows, leaving out those of the formulas' symbols (the +1, d(k − 1), 2p)."""
    symbols = re.sub(r"\b\d+(?=[a-zA-Z·(])", "", re.sub(r"[+−]\s?1\b", "", text))
    return {int(n) for n in re.findall(r"\d+", symbols)}


def assert_diagnosed(problem, key, wrong):
    verdict = problem.check(wrong)
    assert not verdict.correct
    # The mistake is named, or a likelier one giving the same number is named and this one mentioned.
    assert verdict.mistake == key or also_phrase(key) in verdict.diagnosis, (problem, key, wrong, verdict)
    # In words: the diagnosis never shows the answer (it shows no number at all).
    assert problem.answer not in numbers_in(verdict.diagnosis), verdict.diagnosis


def test_kinds_have_the_documented_variants():
    assert variants("predict-size") == ONE_LAYER + ("non-square", "solve-padding", "solve-stride", "network")


@pytest.mark.parametrize("difficulty", [1, 2, 3])
@pytest.mark.parametrize("variant", ONE_LAYER)
def test_one_layer_problems_are_valid_checked_and_diagnosed(variant, difficulty):
    diagnosed = set()
    for seed in SEEDS:
        problem = generate("predict-size", seed, difficulty, variant)
        params = problem.params()
        right = layer_size(params)
        assert 1 <= right <= 64 and params["i"] <= 64
        if seed % 50 == 0:
            assert ops_side(params) == right
        assert problem.check(right).correct
        assert problem.topic == f"predict-size/{variant}"
        for key, wrong in layer_mistakes(params).items():
            if wrong >= 1 and wrong != right:
                assert_diagnosed(problem, key, wrong)
                diagnosed.add(key)
        for near in (right - 1, right + 1) if seed % 5 == 0 else ():
            if near >= 1:
                assert problem.check(near).mistake is not None
    assert diagnosed  # every variant exercises at least one diagnosis


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_non_square_problems(difficulty):
    for seed in SEEDS:
        problem = generate("predict-size", seed, difficulty, "non-square")
        p = problem.params()
        right = tuple(conv_size(*(p[f][n] for f in "ikpsd")) for n in (0, 1))
        assert (min(right) >= 1 and right[0] != right[1]) or p["i"][0] != p["i"][1]
        assert problem.check(right).correct
        assert problem.check(problem.parse_answer(f"{right[0]} x {right[1]}")).correct
        if right[0] != right[1]:
            assert problem.check(right[::-1]).mistake == "swapped_height_width"
        if p["p"] != [0, 0]:
            unpadded = tuple(conv_size(p["i"][n], p["k"][n], 0, p["s"][n], p["d"][n]) for n in (0, 1))
            if min(unpadded) >= 1 and unpadded != right and unpadded != right[::-1]:
                verdict = problem.check(unpadded)
                assert verdict.mistake == "ignored_padding" or also_phrase("ignored_padding") in verdict.diagnosis


def brute_force(params, unknown):
    """Every p (or s) up to 40 whose layer gives the wanted size, by trying them all."""
    found = []
    for value in range(0 if unknown == "p" else 1, 41):
        p, s = (value, params["s"]) if unknown == "p" else (params["p"], value)
        if (
            params["i"] + 2 * p >= params["d"] * (params["k"] - 1) + 1
            and conv_size(params["i"], params["k"], p, s, params["d"]) == params["o"]
        ):
            found.append(value)
    return found


@pytest.mark.parametrize("difficulty", [1, 2, 3])
@pytest.mark.parametrize("variant,unknown", [("solve-padding", "p"), ("solve-stride", "s")])
def test_solve_problems_accept_every_correct_value_and_list_them(variant, unknown, difficulty):
    for seed in SEEDS:
        problem = generate("predict-size", seed, difficulty, variant)
        params = problem.params()
        correct = brute_force(params, unknown)
        assert correct and params["o"] >= 2
        for value in correct:
            verdict = problem.check(value)
            assert verdict.correct
            assert all(f"{unknown} = {v}" in verdict.explanation for v in correct)
        wrong = max(correct) + 1
        if wrong not in correct:
            assert not problem.check(wrong).correct


def test_solve_padding_diagnoses_one_sided_padding_and_swapping():
    keep = from_params("predict-size", {"variant": "solve-padding", "i": 7, "k": 5, "o": 7, "s": 1})
    assert keep.check(2).correct
    assert keep.check(4).mistake == "padded_one_side"  # 7 + 4 − 4 − 1 + 1 = 7 with p counted once
    # Issue 14.7: "With p = 4: Padding goes on both sides…" read as if p = 4 were the padding to add.
    said = keep.check(4).diagnosis
    assert said.startswith("That padding gives the wanted size only through a slip. Padding goes on both sides")
    assert "With p = 4:" not in said
    halve = from_params("predict-size", {"variant": "solve-padding", "i": 8, "k": 3, "o": 4, "s": 2})
    assert halve.check(1).correct
    assert halve.check(2).mistake == "forgot_plus_one"  # floor((8 + 4 − 3)/2) = 4 without the +1
    grow = from_params("predict-size", {"variant": "solve-padding", "i": 7, "k": 3, "o": 9, "s": 1})
    assert grow.check(2).correct
    assert grow.check(0).mistake == "swapped_input_output"


@functools.cache
def _network_shapes(key):
    return _run_network(json.loads(key))


def network_shapes(params):
    """Shapes after each layer, by running the real ops on a blank image (cached: the generator
    reuses a few architectures, and the same layers always give the same shapes)."""
    return _network_shapes(json.dumps(params, sort_keys=True))


def _run_network(params):
    x = np.zeros(params["input"])
    shapes = []
    for layer in params["layers"]:
        if layer["kind"] == "conv":
            w = np.zeros((layer["out_channels"], x.shape[0], layer["k"], layer["k"]))
            x = ops.conv2d(x, w, padding=layer["p"], stride=layer["s"], dilation=layer["d"])
        else:
            x = ops.max_pool2d(x, layer["k"], stride=layer["s"], padding=layer["p"])
        shapes.append(x.shape)
    return shapes


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_network_problems_check_each_layer(difficulty):
    for seed in SEEDS:
        problem = generate("predict-size", seed, difficulty, "network")
        params = problem.params()
        shapes = network_shapes(params)
        assert len(problem.parts()) == len(shapes)
        for part, shape in enumerate(shapes):
            assert min(shape) >= 1
            assert problem.check(shape, part).correct
            layer = params["layers"][part]
            before = params["input"] if part == 0 else shapes[part - 1]
            if layer["kind"] == "pool":
                assert problem.check((shape[0] * 2, *shape[1:]), part).mistake == "pool_changed_channels"
            elif before[0] != shape[0]:
                assert problem.check((before[0], *shape[1:]), part).mistake == "conv_kept_channels"
            verdict = problem.check((shape[0], shape[1] - 1, shape[2] - 1), part)
            assert verdict.mistake is not None and not verdict.correct


def test_lenet_worked_example():
    problem = from_params(
        "predict-size",
        {
            "variant": "network",
            "input": [1, 32, 32],
            "layers": [
                {"kind": "conv", "k": 5, "out_channels": 6},
                {"kind": "pool", "k": 2, "s": 2},
                {"kind": "conv", "k": 5, "out_channels": 16},
                {"kind": "pool", "k": 2, "s": 2},
            ],
        },
    )
    answers = ["6x28x28", "6×14×14", "16 10 10", "16,5,5"]
    for part, text in enumerate(answers):
        assert problem.check(problem.parse_answer(text, part), part).correct
    assert problem.check((6, 27, 27), 0).mistake == "forgot_plus_one"


@pytest.mark.parametrize(
    "params,answer,key",
    [
        # Dumoulin & Visin relationship 1: i=4, k=3 → 2 (forgetting the +1 gives 1)
        ({"variant": "conv", "i": 4, "k": 3, "p": 0, "s": 1}, 1, "forgot_plus_one"),
        # relationship 2: i=5, k=4, p=2 → 6; ignoring padding gives 2
        ({"variant": "conv", "i": 5, "k": 4, "p": 2, "s": 1}, 2, "ignored_padding"),
        # relationship 6: i=6, k=3, p=1, s=2 → 3 (floor of 5/2); rounding up gives 4
        ({"variant": "stride", "i": 6, "k": 3, "p": 1, "s": 2}, 4, "ignored_floor"),
        # relationship 15: i=7, k=3, d=2 → 3; ignoring dilation gives 5
        ({"variant": "dilation", "i": 7, "k": 3, "p": 0, "s": 1, "d": 2}, 5, "ignored_dilation"),
        # transposed of relationship 5 with a=1: i=3, k=3, p=1, s=2, a=1 → 6; forgetting a gives 5
        ({"variant": "transposed", "i": 3, "k": 3, "p": 1, "s": 2, "a": 1}, 5, "forgot_output_padding"),
        ({"variant": "transposed", "i": 4, "k": 3, "p": 0, "s": 3, "a": 1}, 16, "used_i_times_s"),
        ({"variant": "transposed", "i": 4, "k": 3, "p": 0, "s": 1, "a": 0}, 2, "used_conv_formula"),
        # i + k − 1 on a valid conv counts positions where the kernel hangs off the edge
        ({"variant": "conv", "i": 5, "k": 3, "p": 0, "s": 1}, 7, "full_count"),
        ({"variant": "conv", "i": 5, "k": 3, "p": 0, "s": 2}, 11, "used_transposed_formula"),
        ({"variant": "conv", "i": 9, "k": 3, "p": 2, "s": 1}, 9, "padded_one_side"),
        ({"variant": "pool", "i": 8, "k": 2, "p": 0}, 7, "pool_stride_one"),
        ({"variant": "conv", "i": 9, "k": 3, "p": 0, "s": 3}, 7, "ignored_stride"),
        ({"variant": "conv", "i": 9, "k": 3, "p": 0, "s": 1}, 8, "off_by_one"),
    ],
)
def test_worked_diagnoses(params, answer, key):
    problem = from_params("predict-size", params)
    verdict = problem.check(answer)
    assert (verdict.correct, verdict.mistake) == (False, key)
    assert problem.answer not in numbers_in(verdict.diagnosis)


def test_a_shared_wrong_number_names_the_likelier_mistake_and_mentions_the_other():
    # i=7, k=3, p=1: both forgetting the +1 and padding one side give 6.
    problem = from_params("predict-size", {"variant": "conv", "i": 7, "k": 3, "p": 1, "s": 1})
    verdict = problem.check(6)
    assert verdict.mistake == "forgot_plus_one"
    assert also_phrase("padded_one_side") in verdict.diagnosis


def test_explanation_substitutes_the_numbers():
    problem = from_params("predict-size", {"variant": "conv", "i": 6, "k": 3, "p": 1, "s": 2})
    assert problem.check(3).explanation.splitlines() == [
        "o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1",
        "  = ⌊(6 + 2·1 − 1·(3 − 1) − 1)/2⌋ + 1",
        "  = ⌊5/2⌋ + 1",
        "  = 2 + 1 = 3",
        "(5/2 is not whole: a window that would run past the edge is dropped, so round down)",
    ]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"variant": "conv", "i": 3, "k": 5}, "k"),
        ({"variant": "transposed", "i": 3, "k": 3, "s": 2, "a": 2}, "a"),
        ({"variant": "pool", "i": 6, "k": 2, "p": 2}, "p"),
        ({"variant": "conv", "i": 0, "k": 3}, "i"),
        ({"variant": "conv", "k": 3}, "i"),
        ({"variant": "conv", "i": 7, "k": 3, "s": 0}, "s"),
        ({"variant": "padding", "i": 7, "k": 4, "padding": "same"}, "k"),
        ({"variant": "padding", "i": 7, "k": 3, "padding": "half"}, "padding"),
        ({"variant": "solve-padding", "i": 7, "k": 3, "o": 20, "s": 1}, "o"),
        ({"variant": "sideways", "i": 7, "k": 3}, "variant"),
        ({"variant": "non-square", "i": [4, 9], "k": [5, 3]}, "k"),
        ({"variant": "network", "input": [1, 8, 8], "layers": [{"kind": "conv", "k": 9, "out_channels": 2}]}, "layers"),
    ],
)
def test_from_params_names_the_offending_field(params, field):
    with pytest.raises(ValueError, match=rf"^{field}(\[\d\])?: "):
        from_params("predict-size", params)


def test_a_network_layer_with_a_named_padding_is_refused_not_left_unanswerable():
    # Its working puts p into the size formula; a mode there made every answer a refusal.
    layers = [{"kind": "conv", "k": 3, "p": "same", "out_channels": 4}]
    with pytest.raises(ValueError, match=r"^layers\[0\]: give p as a number of cells, not 'same'"):
        from_params("predict-size", {"variant": "network", "input": [1, 8, 8], "layers": layers})


@pytest.mark.parametrize("text", ["", "five", "3.5", "5 6", "x", "--3"])
def test_parse_answer_rejects_garbage_with_a_sentence(text):
    problem = generate("predict-size", 0, 1, "conv")
    with pytest.raises(ValueError, match=r"(Type|square)"):
        problem.parse_answer(text)


def test_parse_answer_reads_square_shapes():
    problem = generate("predict-size", 0, 1, "conv")
    assert problem.parse_answer(" 5 ") == 5
    assert problem.parse_answer("5×5") == 5
    with pytest.raises(ValueError, match="square"):
        problem.parse_answer("5x6")
