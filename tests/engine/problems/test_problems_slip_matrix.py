"""The slip matrix: one row per (slip, variant). Each row builds a problem, works out the slip's
wrong answer here, independently of the engine, and checks that the engine names that slip in words
that show no number equal to the right answer and name no idea the player has not met."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from convquest.engine.problems import from_params
from convquest.engine.problems.ladder import ALL_TAUGHT, Taught
from convquest.engine.problems.slips import SLIPS
from tests.engine.problems.size_reference import conv_size, transposed_size
from tests.engine.problems.taught import untaught

NOTHING: Taught = frozenset()
PADDING: Taught = frozenset({"padding"})
STRIDE: Taught = PADDING | {"stride"}
DILATION: Taught = STRIDE | {"dilation"}
TRANSPOSED: Taught = DILATION | {"transposed", "output_padding"}
STACKING: Taught = TRANSPOSED | {"dense", "channels", "bias", "receptive_field", "pooling"}


def conv(i: int, k: int, p: int = 0, s: int = 1, d: int = 1) -> dict[str, Any]:
    return {"variant": "conv" if d == 1 else "dilation", "i": i, "k": k, "p": p, "s": s, "d": d}


def tconv(i: int, k: int, p: int = 0, s: int = 1, d: int = 1, a: int = 0) -> dict[str, Any]:
    return {"variant": "transposed", "i": i, "k": k, "p": p, "s": s, "d": d, "a": a}


def side(f: Callable[..., int]) -> Callable[[dict[str, Any]], int]:
    return lambda q: f(**{key: q[key] for key in q if key in "ikpsda"})


def span_conv(extra: int) -> Callable[[dict[str, Any]], int]:
    """A conv whose span was taken as d·k (+ extra)."""
    return lambda q: (q["i"] + 2 * q["p"] - (q["d"] * q["k"] + extra)) // q["s"] + 1


def span_transposed(extra: int) -> Callable[[dict[str, Any]], int]:
    return lambda q: (q["i"] - 1) * q["s"] - 2 * q["p"] + q["d"] * q["k"] + extra + q["a"]


def plain(i: int, k: int, p: int = 0, s: int = 1, d: int = 1) -> int:
    return conv_size(i, k, p, s, d)


def cell_by_loop(x: list[list[int]], w: list[list[int]], top: int, left: int) -> int:
    return sum(w[a][b] * x[top + a][left + b] for a in range(len(w)) for b in range(len(w[0])))


X5 = [[1, 2, 0, 3, 1], [4, 0, 2, 1, 3], [2, 3, 1, 0, 2], [0, 1, 4, 2, 1], [3, 2, 1, 4, 0]]
W3 = [[1, 0, 2], [0, 1, 0], [1, 0, 0]]
# Chapter 1's third level: the kernel adds the window's left column and subtracts its right one.
EDGE_X = [[3, 1, 0, 2], [4, 2, 1, 0], [1, 0, 3, 1], [2, 1, 0, 4]]
EDGE_W = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]

# (slip, what it is tried on, kind, params, taught, the wrong answer, part)
ROWS: list[tuple[str, str, str, dict[str, Any], Taught, Callable[[dict[str, Any]], Any], int]] = [
    # the +1
    ("forgot_plus_one", "conv", "predict-size", conv(7, 3), NOTHING, lambda q: q["i"] - q["k"], 0),
    ("forgot_plus_one", "stride", "predict-size", conv(9, 3, 1, 2), STRIDE, lambda q: (9 + 2 - 3) // 2, 0),
    (
        "forgot_plus_one",
        "transposed",
        "predict-size",
        tconv(3, 3, 1, 2),
        TRANSPOSED,
        lambda q: transposed_size(3, 3, 1, 2) - 1,
        0,
    ),
    (
        "forgot_plus_one",
        "pool",
        "predict-size",
        {"variant": "pool", "i": 9, "k": 3, "s": 2},
        STACKING,
        lambda q: (9 - 3) // 2,
        0,
    ),
    # rounding
    ("ignored_floor", "stride", "predict-size", conv(6, 3, 1, 2), STRIDE, lambda q: -(-(6 + 2 - 3) // 2) + 1, 0),
    (
        "ignored_floor",
        "pool",
        "predict-size",
        {"variant": "pool", "i": 9, "k": 2, "s": 2},
        STACKING,
        lambda q: -(-(9 - 2) // 2) + 1,
        0,
    ),
    # padding
    ("ignored_padding", "conv", "predict-size", conv(5, 4, 2), PADDING, lambda q: plain(5, 4), 0),
    (
        "ignored_padding",
        "transposed",
        "predict-size",
        tconv(4, 3, 1, 2),
        TRANSPOSED,
        lambda q: transposed_size(4, 3, 0, 2),
        0,
    ),
    ("padded_one_side", "conv", "predict-size", conv(9, 3, 2), PADDING, lambda q: 9 + 2 - 3 + 1, 0),
    ("padded_one_side", "transposed", "predict-size", tconv(4, 4, 1, 2), TRANSPOSED, lambda q: 3 * 2 - 1 + 4, 0),
    # stride
    ("ignored_stride", "conv", "predict-size", conv(9, 3, 0, 3), STRIDE, lambda q: plain(9, 3), 0),
    ("ignored_stride", "transposed", "predict-size", tconv(4, 3, 0, 3), TRANSPOSED, lambda q: transposed_size(4, 3), 0),
    ("pool_stride_one", "pool", "predict-size", {"variant": "pool", "i": 8, "k": 2}, STACKING, lambda q: 8 - 2 + 1, 0),
    # dilation and the span
    ("ignored_dilation", "dilation", "predict-size", conv(7, 3, d=2), DILATION, lambda q: plain(7, 3), 0),
    ("span_d_times_k", "dilation", "predict-size", conv(12, 3, d=3), DILATION, span_conv(0), 0),
    ("span_d_times_k_plus_one", "dilation", "predict-size", conv(12, 3, d=3), DILATION, span_conv(1), 0),
    ("span_d_times_k", "transposed", "predict-size", tconv(3, 3, 0, 4, 3), TRANSPOSED, span_transposed(0), 0),
    ("span_d_times_k_plus_one", "transposed", "predict-size", tconv(3, 3, 0, 4, 3), TRANSPOSED, span_transposed(1), 0),
    # the full count and the transposed formulas
    ("full_count", "conv", "predict-size", conv(5, 3), NOTHING, lambda q: 5 + 3 - 1, 0),
    (
        "full_count",
        "padding",
        "predict-size",
        {"variant": "padding", "i": 6, "k": 3, "padding": "valid"},
        PADDING,
        lambda q: 6 + 3 - 1,
        0,
    ),
    (
        "used_transposed_formula",
        "conv",
        "predict-size",
        conv(5, 3, 0, 2),
        TRANSPOSED,
        lambda q: transposed_size(5, 3, 0, 2),
        0,
    ),
    ("used_conv_formula", "transposed", "predict-size", tconv(4, 3), TRANSPOSED, lambda q: plain(4, 3), 0),
    (
        "used_i_times_s",
        "transposed",
        "predict-size",
        tconv(4, 3, 0, 3, a=1),
        TRANSPOSED,
        lambda q: 4 * 3 + (3 - 1) + 1 + 1,
        0,
    ),
    ("used_i_times_s_minus_2p", "transposed", "predict-size", tconv(4, 4, 1, 2), TRANSPOSED, lambda q: 4 * 2 - 2, 0),
    (
        "used_i_times_s_minus_2p",
        "transposed, output padding",
        "predict-size",
        tconv(4, 4, 1, 2, a=1),
        TRANSPOSED,
        lambda q: 4 * 2 - 2 + 1,
        0,
    ),
    # the forward layer's padding grows a conv's input, so it is easily added here too
    (
        "added_padding_transposed",
        "transposed",
        "predict-size",
        tconv(9, 4, 2),
        TRANSPOSED,
        lambda q: (9 - 1) + 4 + 2 * 2,
        0,
    ),
    # output padding
    (
        "forgot_output_padding",
        "transposed",
        "predict-size",
        tconv(3, 3, 1, 2, a=1),
        TRANSPOSED,
        lambda q: transposed_size(3, 3, 1, 2),
        0,
    ),
    # added on both sides = added twice; p = a here, where the old diagnosis said "subtract 2p, not p"
    (
        "output_padding_twice",
        "transposed",
        "predict-size",
        tconv(3, 3, 1, 2, a=1),
        TRANSPOSED,
        lambda q: transposed_size(3, 3, 1, 2, 1, 2),
        0,
    ),
    # off by one
    ("off_by_one", "conv", "predict-size", conv(9, 3), NOTHING, lambda q: plain(9, 3) + 1, 0),
    # non-square
    (
        "swapped_height_width",
        "non-square",
        "predict-size",
        {"variant": "non-square", "i": [5, 9], "k": [3, 3]},
        NOTHING,
        lambda q: (9 - 2, 5 - 2),
        0,
    ),
    (
        "stride_one_axis",
        "non-square",
        "predict-size",
        {"variant": "non-square", "i": [9, 11], "k": [3, 3], "s": [2, 2]},
        STRIDE,
        lambda q: (9 - 3 + 1, (11 - 3) // 2 + 1),
        0,
    ),
    (
        "full_count",
        "non-square",
        "predict-size",
        {"variant": "non-square", "i": [5, 7], "k": [3, 3]},
        NOTHING,
        lambda q: (5 + 2, 7 + 2),
        0,
    ),
    (
        "forgot_plus_one",
        "non-square",
        "predict-size",
        {"variant": "non-square", "i": [5, 8], "k": [3, 2]},
        NOTHING,
        lambda q: (5 - 3, 8 - 2 + 1),
        0,
    ),
    # solving for p or s
    (
        "padded_one_side",
        "solve-padding",
        "predict-size",
        {"variant": "solve-padding", "i": 7, "k": 5, "o": 7, "s": 1},
        PADDING,
        lambda q: 5 - 1,
        0,
    ),
    (
        "forgot_plus_one",
        "solve-stride",
        "predict-size",
        {"variant": "solve-stride", "i": 11, "k": 2, "o": 4, "p": 0},
        STRIDE,
        lambda q: 2,
        0,
    ),
    # a network
    (
        "conv_kept_channels",
        "network",
        "predict-size",
        {"variant": "network", "input": [3, 16, 16], "layers": [{"kind": "conv", "k": 3, "out_channels": 8}]},
        STACKING,
        lambda q: (3, 14, 14),
        0,
    ),
    (
        "forgot_plus_one",
        "network",
        "predict-size",
        {"variant": "network", "input": [1, 12, 12], "layers": [{"kind": "conv", "k": 5, "out_channels": 4}]},
        STACKING,
        lambda q: (4, 7, 7),
        0,
    ),
    # parameters
    (
        "forgot_bias",
        "conv layer",
        "count-params",
        {"c_in": 3, "c_out": 16, "k": 3, "h": 32, "w": 32},
        STACKING,
        lambda q: 16 * 3 * 9,
        0,
    ),
    (
        "forgot_bias",
        "dense layer",
        "count-params",
        {"c_in": 1, "c_out": 2, "k": 3, "h": 6, "w": 6, "units": 10},
        STACKING,
        lambda q: 36 * 10,
        1,
    ),
    (
        "forgot_input_channels",
        "conv layer",
        "count-params",
        {"c_in": 3, "c_out": 16, "k": 3, "h": 32, "w": 32},
        STACKING,
        lambda q: 16 * 9 + 16,
        0,
    ),
    (
        "forgot_input_channels",
        "dense layer",
        "count-params",
        {"c_in": 3, "c_out": 2, "k": 3, "h": 6, "w": 6, "units": 10},
        STACKING,
        lambda q: 36 * 10 + 10,
        1,
    ),
    # filling cells: the strided window moved by one (cell (0, 1) read at column 1, not 2)
    (
        "window_moved_by_one",
        "strided",
        "fill-cells",
        {"variant": "strided", "input": X5, "kernel": W3, "stride": 2},
        STRIDE,
        lambda q: cell_by_loop(X5, W3, 0, 1),
        1,
    ),
    (
        "window_moved_by_one",
        "strided, row",
        "fill-cells",
        {"variant": "strided", "input": X5, "kernel": W3, "stride": 2},
        STRIDE,
        lambda q: cell_by_loop(X5, W3, 1, 0),
        2,
    ),
    # dilation 2, cell (0, 0) read with the taps side by side
    (
        "ignored_dilation",
        "dilated",
        "fill-cells",
        {"variant": "dilated", "input": X5, "kernel": [[1, 2], [0, 1]], "dilation": 2},
        DILATION,
        lambda q: cell_by_loop(X5, [[1, 2], [0, 1]], 0, 0),
        0,
    ),
    (
        "flipped_kernel",
        "valid",
        "fill-cells",
        {"variant": "valid", "input": X5, "kernel": W3},
        NOTHING,
        lambda q: cell_by_loop(X5, [row[::-1] for row in W3[::-1]], 0, 0),
        0,
    ),
    # one row or column of the window's products, the rest left out (chapter 1's edge kernel)
    (
        "one_line_only",
        "left column",
        "fill-cells",
        {"variant": "valid", "input": EDGE_X, "kernel": EDGE_W},
        NOTHING,
        lambda q: sum(EDGE_W[a][0] * EDGE_X[a][0] for a in range(3)),
        0,
    ),
    (
        "one_line_only",
        "top row",
        "fill-cells",
        {"variant": "valid", "input": X5, "kernel": W3},
        NOTHING,
        lambda q: sum(W3[0][b] * X5[0][1 + b] for b in range(3)),
        1,
    ),
    # receptive fields
    (
        "one_layer_field",
        "stack of two",
        "receptive-field",
        {"variant": "stack", "n": 8, "cell": [1, 2], "layers": [{"kind": "conv", "k": 3}, {"kind": "conv", "k": 3}]},
        STACKING,
        lambda q: frozenset((r, c) for r in range(1, 4) for c in range(2, 5)),
        0,
    ),
    (
        "one_layer_field",
        "stack of three",
        "receptive-field",
        {
            "variant": "stack",
            "n": 10,
            "cell": [1, 1],
            "layers": [{"kind": "conv", "k": 3}, {"kind": "conv", "k": 3}, {"kind": "conv", "k": 3}],
        },
        STACKING,
        lambda q: frozenset((r, c) for r in range(1, 4) for c in range(1, 4)),
        0,
    ),
    (
        "range_off_by_one",
        "one-layer",
        "receptive-field",
        {"variant": "one-layer", "n": 7, "cell": [1, 1], "layers": [{"kind": "conv", "k": 3}]},
        NOTHING,
        lambda q: frozenset((r, c) for r in range(1, 5) for c in range(1, 4)),
        0,
    ),
    # chapter 8, level 3: the right block, moved one cell (it is not one edge off)
    (
        "window_shifted",
        "one-layer, right",
        "receptive-field",
        {"variant": "one-layer", "n": 7, "cell": [3, 3], "layers": [{"kind": "conv", "k": 3}]},
        NOTHING,
        lambda q: frozenset((r, c) for r in range(3, 6) for c in range(4, 7)),
        0,
    ),
    (
        "window_shifted",
        "one-layer, up",
        "receptive-field",
        {"variant": "one-layer", "n": 7, "cell": [3, 3], "layers": [{"kind": "conv", "k": 3}]},
        NOTHING,
        lambda q: frozenset((r, c) for r in range(2, 5) for c in range(3, 6)),
        0,
    ),
    (
        "centred_window",
        "one-layer, 5×5",
        "receptive-field",
        {"variant": "one-layer", "n": 9, "cell": [3, 2], "layers": [{"kind": "conv", "k": 5}]},
        NOTHING,
        lambda q: frozenset((r, c) for r in range(1, 6) for c in range(5)),
        0,
    ),
    (
        "centred_window",
        "stack of two",
        "receptive-field",
        {"variant": "stack", "n": 8, "cell": [2, 2], "layers": [{"kind": "conv", "k": 3}, {"kind": "conv", "k": 3}]},
        STACKING,
        lambda q: frozenset((r, c) for r in range(5) for c in range(5)),
        0,
    ),
    (
        "range_off_by_one",
        "stack",
        "receptive-field",
        {"variant": "stack", "n": 8, "cell": [1, 2], "layers": [{"kind": "conv", "k": 3}, {"kind": "conv", "k": 3}]},
        STACKING,
        lambda q: frozenset((r, c) for r in range(1, 6) for c in range(2, 8)),
        0,
    ),
    (
        "range_off_by_one",
        "locality",
        "match-kernel",
        {"variant": "locality", "n": 8, "k": 3, "stride": 1, "pixel": [4, 4]},
        NOTHING,
        lambda q: frozenset((r, c) for r in range(2, 5) for c in range(2, 6)),
        0,
    ),
]


def _label(row: tuple[Any, ...]) -> str:
    return f"{row[0]}-{row[1]}"


def _numbers(text: str) -> set[int]:
    """Numbers shown, leaving out those of the formulas' symbols (the +1, d(k − 1), 2p)."""
    symbols = re.sub(r"\b\d+(?=[a-zA-Z·(])", "", re.sub(r"[+−]\s?1\b", "", text))
    return {int(n) for n in re.findall(r"\d+", symbols)}


@pytest.mark.parametrize("row", ROWS, ids=_label)
def test_each_slip_is_named_in_words(row):
    key, _, kind, params, taught, wrong_of, part = row
    problem = from_params(kind, params)
    wrong = wrong_of(params)
    right = problem.check(wrong, part).explanation  # the worked solution, for the failure message
    verdict = problem.check(wrong, part, taught=taught)
    assert not verdict.correct, (key, wrong, right)
    assert verdict.mistake == key, (key, wrong, verdict)
    diagnosis = verdict.diagnosis
    answer = _right(problem, part)
    shown = _numbers(diagnosis)
    if isinstance(answer, int):
        assert answer not in shown, diagnosis
    elif isinstance(answer, tuple) and all(isinstance(v, int) for v in answer):
        assert not set(answer) & shown, diagnosis
    assert not untaught(diagnosis, taught, problem.prompt()), diagnosis
    assert SLIPS[key].nameable(taught | untaught(problem.prompt(), frozenset(), ""))


def _right(problem: Any, part: int) -> Any:
    if hasattr(problem, "answers"):
        answers = problem.answers
        return answers[part] if isinstance(answers, tuple) else answers[0]
    if hasattr(problem, "shapes"):
        return problem.shapes[part]
    if hasattr(problem, "expected"):
        return problem.expected.ravel()[part].item()
    return problem.answer


def test_every_slip_in_the_table_has_a_row_or_is_checked_elsewhere():
    # Slips whose rows live in the kinds' own tests (match-kernel's names and weights, pooling cells,
    # the stack's dropped layer, channel counts): the matrix covers the arithmetic ones.
    elsewhere = {
        "ignored_layer",
        "padding_shift",
        "wrong_channels",
        "pool_changed_channels",
        "impossible_value",
        "swapped_input_output",
        "counted_per_position",
        "forgot_product",
        "sign_error",
        "missed_overlap",
        "averaged_instead_of_max",
        "took_min",
        "forgot_to_divide",
        "took_max_instead_of_mean",
        "opposite_sign",
        "wrong_scale",
        "transposed_kernel",
        "one_step_wrong",
        "did_not_move",
        "moved_opposite",
        "input_coordinates",
        "swapped_row_col",
        "whole_output",
        "centred_on_pixel",
        "one_cell",
    }
    assert set(SLIPS) - {row[0] for row in ROWS} <= elsewhere


def test_a_slip_is_not_named_before_its_idea_is_taught():
    problem = from_params("predict-size", conv(5, 3))
    assert problem.check(7, taught=ALL_TAUGHT).mistake == "full_count"
    assert "transpos" not in problem.check(7, taught=NOTHING).diagnosis.lower()


def test_output_padding_twice_is_not_called_one_sided_padding():
    problem = from_params("predict-size", tconv(3, 3, 1, 2, a=1))
    verdict = problem.check(7)
    assert verdict.mistake == "output_padding_twice"
    assert "one side" in verdict.diagnosis and "2p" not in verdict.diagnosis.split("(")[0]


def test_a_second_reading_is_one_plain_aside():
    # transposed-6: 8 is the forgotten +1 and also the shortcut i·s − 2p; the aside must not nest brackets
    problem = from_params("predict-size", tconv(5, 3, 1, 2))
    verdict = problem.check(8, taught=TRANSPOSED)
    assert verdict.mistake == "forgot_plus_one" and "i·s − 2p" in verdict.diagnosis
    aside = verdict.diagnosis[verdict.diagnosis.index("(The same number") :]
    assert aside.count("(") == 1 and aside.endswith(".)")


def test_grids_of_cells_checked_by_loop_agree_with_the_engine():
    problem = from_params("fill-cells", {"variant": "strided", "input": X5, "kernel": W3, "stride": 2})
    assert problem.expected.tolist() == [[cell_by_loop(X5, W3, 2 * r, 2 * c) for c in range(2)] for r in range(2)]
    assert np.array_equal(problem.expected, np.array(problem.expected))


def test_the_old_awkward_wordings_are_gone():
    # Issue 14 item 7: "(… another slip: used transposed formula.)" and "With p = 4: Padding goes on both sides…".
    shared = from_params("predict-size", conv(7, 3, 1)).check(6)  # the +1 forgotten, or padding on one side
    assert shared.mistake == "forgot_plus_one"
    assert shared.diagnosis.endswith("(The same number could also come from padding only one side.)")
    assert "another slip" not in shared.diagnosis and "_" not in shared.diagnosis
    solve = from_params("predict-size", {"variant": "solve-padding", "i": 7, "k": 5, "o": 7, "s": 1}).check(4)
    assert solve.mistake == "padded_one_side"
    assert solve.diagnosis.startswith("That padding gives the wanted size only through a slip. Padding goes on both")
