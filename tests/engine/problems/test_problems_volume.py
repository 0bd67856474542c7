"""volume, count-macs and fill-volume: worked examples from real networks, the slips named in
words, refusals by field, and fill-volume's cells against a plain loop."""

from __future__ import annotations

import re

import numpy as np
import pytest

from convquest.engine.problems import from_params, generate, variants
from convquest.engine.problems.ladder import rungs

NEW_KINDS = ("volume", "count-macs", "fill-volume")


def _plain_volume(x: np.ndarray, w: np.ndarray, b: np.ndarray, groups: int) -> np.ndarray:
    """Cross-correlation of a volume by loops, stride 1, no padding."""
    _, h, width = x.shape
    c_out, per, k, _ = w.shape
    out = np.zeros((c_out, h - k + 1, width - k + 1), dtype=np.int64)
    for f in range(c_out):
        first = f // (c_out // groups) * per
        for r in range(h - k + 1):
            for c in range(width - k + 1):
                total = b[f]
                for n in range(per):
                    for a in range(k):
                        for e in range(k):
                            total += x[first + n, r + a, c + e] * w[f, n, a, e]
                out[f, r, c] = total
    return out


def test_alexnet_conv1_shape_params_and_macs():
    shape = from_params("volume", {"variant": "shape", "c_in": 3, "i": 227, "c_out": 96, "k": 11, "s": 4})
    assert shape.check(shape.parse_answer("96×55×55")).correct
    params = from_params("volume", {"variant": "params", "c_in": 3, "c_out": 96, "k": 11})
    assert params.check(params.parse_answer("34,944")).correct
    assert params.check(params.parse_answer("34 944")).correct
    macs = from_params("count-macs", {"variant": "layer", "c_in": 3, "i": 227, "c_out": 96, "k": 11, "s": 4})
    assert macs.answers == (96 * 55 * 55 * 3 * 11 * 11,)
    assert macs.check(macs.parse_answer("105,415,200")).correct


def test_pointwise_depthwise_and_mobilenet_block_counts():
    pointwise = from_params("volume", {"variant": "params", "c_in": 256, "c_out": 64, "k": 1})
    assert pointwise.answers == (256 * 64 + 64,)
    depthwise = from_params("volume", {"variant": "params", "c_in": 32, "c_out": 32, "k": 3, "groups": 32})
    assert depthwise.answers == (32 * 9 + 32,)
    block = from_params("volume", {"variant": "separable", "c_in": 32, "c_out": 64, "k": 3})
    assert block.answers == (64 * 32 * 9, 32 * 9 + 32 * 64)
    standard, separable = block.answers
    assert separable / standard == pytest.approx(1 / 64 + 1 / 9)
    assert "1/C_out + 1/k²" in block.check(separable, 1).explanation


def test_a_small_network_sums_its_layers():
    layers = [{"k": 3, "p": 1, "out_channels": 8}, {"k": 1, "out_channels": 4}]
    network = from_params("count-macs", {"variant": "network", "c_in": 3, "i": 8, "layers": layers})
    first, second = 8 * 8 * 8 * 3 * 9, 4 * 8 * 8 * 8
    assert network.answers == (first, second, first + second)
    assert network.parts() == ("layer 1", "layer 2", "network")


@pytest.mark.parametrize(
    "kind,params,answer,part,key",
    [
        ("volume", {"variant": "params", "c_in": 3, "c_out": 96, "k": 11}, 96 * 363, 0, "forgot_bias"),
        ("volume", {"variant": "params", "c_in": 3, "c_out": 96, "k": 11}, 96 * 121 + 96, 0, "filter_as_2d"),
        (
            "volume",
            {"variant": "params", "c_in": 32, "c_out": 32, "k": 3, "groups": 32},
            32 * 32 * 9 + 32,
            0,
            "used_c_out_depthwise",
        ),
        (
            "volume",
            {"variant": "params", "c_in": 8, "c_out": 8, "k": 3, "groups": 2},
            8 * 8 * 9 + 8,
            0,
            "forgot_groups",
        ),
        (
            "volume",
            {"variant": "shape", "c_in": 3, "i": 227, "c_out": 96, "k": 11, "s": 4},
            (3, 55, 55),
            0,
            "kept_input_channels",
        ),
        (
            "volume",
            {"variant": "shape", "c_in": 3, "i": 227, "c_out": 96, "k": 11, "s": 4},
            (96, 217, 217),
            0,
            "forgot_stride",
        ),
        ("volume", {"variant": "separable", "c_in": 32, "c_out": 64, "k": 3}, 32 * 9, 1, "forgot_pointwise"),
        (
            "count-macs",
            {"variant": "layer", "c_in": 3, "i": 8, "c_out": 4, "k": 3},
            4 * 36 * 27 + 4 * 36,
            0,
            "counted_bias_additions",
        ),
        ("count-macs", {"variant": "layer", "c_in": 3, "i": 8, "c_out": 4, "k": 3}, 4 * 36 * 9, 0, "forgot_channels"),
        ("count-macs", {"variant": "layer", "c_in": 3, "i": 8, "c_out": 4, "k": 3}, 4 * 64 * 27, 0, "used_input_size"),
        (
            "count-macs",
            {"variant": "layer", "c_in": 16, "i": 8, "c_out": 16, "k": 3, "p": 1, "groups": 16},
            16 * 64 * 16 * 9,
            0,
            "used_c_out_depthwise",
        ),
    ],
)
def test_slips_are_named_in_words_without_the_answer(kind, params, answer, part, key):
    problem = from_params(kind, params)
    verdict = problem.check(answer, part)
    assert not verdict.correct and verdict.mistake == key
    right = problem.answers[part]
    numbers = re.findall(r"\d[\d,]*", verdict.diagnosis)
    assert all(int(n.replace(",", "")) != right for n in numbers if not isinstance(right, tuple))
    if isinstance(right, tuple):
        assert "×".join(map(str, right)) not in verdict.diagnosis


def test_fill_volume_cells_are_the_plain_loops_and_its_slips_are_named():
    for variant in variants("fill-volume"):
        for seed in range(20):
            problem = generate("fill-volume", seed, 2, variant)
            x, w, b = (np.array(a) for a in (problem.x, problem.w, problem.b))
            assert np.array_equal(problem.expected, _plain_volume(x, w, b, problem.groups))
    problem = from_params(
        "fill-volume",
        {
            "input": [[[1, 2], [3, 4]], [[0, 1], [1, 0]], [[2, 0], [0, 2]]],
            "filters": [
                {"slices": [[[1, 0], [0, 1]], [[1, 1], [1, 1]], [[0, 1], [1, 0]]], "bias": 2},
                {"slices": [[[1, 1], [0, 0]], [[0, 0], [1, 1]], [[1, 0], [0, 0]]], "bias": -1},
            ],
        },
    )
    assert problem.expected[:, 0, 0].tolist() == [5 + 2 + 0 + 2, 3 + 1 + 2 - 1]
    assert problem.check(9).correct
    assert problem.check(7).mistake == "forgot_bias"
    assert problem.check(4).mistake == "forgot_channels"  # channel 1's sum and the bias
    assert problem.check(13).mistake == "bias_per_channel"
    assert problem.check(5).mistake == "other_filter"
    depthwise = from_params(
        "fill-volume",
        {
            "variant": "depthwise",
            "input": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]],
            "filters": [{"slices": [[[1, 0], [0, 1]]], "bias": 1}, {"slices": [[[0, 1], [1, 0]]]}],
        },
    )
    assert depthwise.expected[:, 0, 0].tolist() == [6, 13]
    assert depthwise.check(1 * 5 + 8 + 1).mistake in ("wrong_group", "other_filter")
    ladder = rungs(problem, 0)
    assert "= 9" not in ladder.nudge + ladder.formula + " ".join(ladder.steps) and ladder.solution.endswith("= 9")


def test_a_grouped_filter_read_on_the_other_groups_channels_is_named():
    problem = from_params(
        "fill-volume",
        {
            "variant": "grouped",
            "input": [[[1, 0], [0, 1]], [[2, 0], [0, 2]], [[3, 0], [0, 3]], [[4, 0], [0, 4]]],
            "filters": [{"slices": [[[1]], [[1]]], "bias": 0}, {"slices": [[[1]], [[9]]], "bias": 0}],
        },
    )
    assert problem.groups == 2 and problem.expected[:, 0, 0].tolist() == [3, 39]
    # Filter 0's weights on channels 2 and 3 (the other group's): 3 + 4.
    assert problem.check(7, 0).mistake == "wrong_group"
    assert "group" in problem.check(7, 0).diagnosis and "7" not in problem.check(7, 0).diagnosis


@pytest.mark.parametrize(
    "kind,params,field",
    [
        ("volume", {"variant": "params", "c_in": 6, "c_out": 4, "k": 3, "groups": 4}, "c_in"),
        ("volume", {"variant": "shape", "c_in": 3, "i": 5, "c_out": 4, "k": 7}, "k"),
        ("volume", {"variant": "params", "c_in": 30_000, "c_out": 4, "k": 3}, "c_in"),
        ("count-macs", {"variant": "layer", "c_in": 4, "i": 8, "c_out": 6, "k": 3, "groups": 4}, "c_out"),
        ("count-macs", {"variant": "network", "c_in": 3, "i": 8, "layers": [{"k": 3}]}, "layers[0].out_channels"),
        ("fill-volume", {"input": [[[1]]], "filters": [{"slices": [[[1, 1], [1, 1]]]}]}, "filters"),
        ("fill-volume", {"input": [[[1, 2], [3, 4]]], "filters": [{"slices": [[[1]]], "bias": 1.5}]}, "bias"),
        ("fill-volume", {"input": [[[1, 2], [3, 4]]], "filters": [{"slices": [[[1]]], "bais": 1}]}, "bais"),
    ],
)
def test_refusals_name_the_field(kind, params, field):
    with pytest.raises(ValueError, match=rf"^{re.escape(field)}:"):
        from_params(kind, params)


def test_the_hardest_difficulty_draws_real_network_sizes():
    seen_inputs, seen_kernels, seen_channels = set(), set(), set()
    for seed in range(300):
        shape = generate("volume", seed, 3, "shape")
        seen_inputs.add(shape.i)
        seen_kernels.add(shape.k)
        seen_channels |= {shape.c_in, shape.c_out}
    assert max(seen_inputs) == 227 and max(seen_kernels) == 11 and max(seen_channels) == 512
    strides = {generate("count-macs", seed, 3, "layer").s for seed in range(300)}
    assert max(strides) == 4


@pytest.mark.parametrize(
    ("groups", "line"),
    [(1, "weights = C_out·C_in·k·k = 16·3·3·3 = 432"), (3, "weights = C_out·(C_in/groups)·k·k = 15·1·3·3 = 135")],
)
def test_a_params_step_writes_its_symbols_then_its_numbers(groups, line):
    problem = from_params(
        "volume", {"variant": "params", "c_in": 3, "c_out": 16 if groups == 1 else 15, "k": 3, "groups": groups}
    )
    assert line in rungs(problem, 0).steps


def test_a_shapes_third_rung_leaves_the_side_to_work_out():
    # building-blocks-1: 16 filters of 3×3, padding 1, on 3×32×32; C and both sides would be the answer
    problem = from_params("volume", {"variant": "shape", "c_in": 3, "i": 32, "c_out": 16, "k": 3, "p": 1})
    steps = rungs(problem, 0).steps
    assert steps[-1] == "H = W = ⌊31/1⌋ + 1"
    assert not any(line.endswith("= 32") for line in steps) and "16×32×32" not in " ".join(steps)
    assert problem.solution().rstrip().endswith("shape = 16×32×32")


def test_a_shape_with_the_plus_one_forgotten_is_named():
    # building-blocks-3: AlexNet's ⌊(227 − 11)/4⌋ + 1 = 55; 54 is the jumps without the first position
    problem = from_params("volume", {"variant": "shape", "c_in": 3, "i": 227, "c_out": 96, "k": 11, "s": 4})
    verdict = problem.check((96, 54, 54))
    assert verdict.mistake == "forgot_plus_one" and "55" not in verdict.diagnosis


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_every_part_of_every_problem_has_a_ladder_whose_lower_rungs_hide_the_answer(kind):
    for variant in variants(kind):
        for seed in range(15):
            problem = generate(kind, seed, 2, variant)
            for part in range(len(problem.parts())):
                ladder = rungs(problem, part)
                right = (
                    problem.answers[part] if hasattr(problem, "answers") else int(problem.expected[problem.cell(part)])
                )
                if isinstance(right, int) and abs(right) >= 10:
                    shown = f"{right:,}"
                    assert shown not in ladder.nudge and shown not in ladder.formula
                assert ladder.solution
