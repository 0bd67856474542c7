"""Whole numbers stay exact: integer operands whose sums could pass int64's range are refused with
a sentence instead of wrapping silently (issue 14, item 12)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convquest.engine import conv1d, conv2d, conv_transpose1d, conv_transpose2d
from tests.engine import reference
from tests.sweeps import examples

INT64_MAX = 2**63 - 1


def test_the_reported_wrap_is_refused():
    # 9 products of 2**62 · 4 = 2**64 each: NumPy's int64 wraps that to 0.
    with pytest.raises(ValueError) as refused:
        conv2d(np.full((3, 3), 2**62), np.full((3, 3), 4))
    message = str(refused.value)
    for words in ("too large to add up exactly", "9 products", str(2**62), "weights up to 4", str(INT64_MAX)):
        assert words in message, f"{words!r} missing from: {message}"


def test_floats_take_large_values_approximately():
    assert conv2d(np.full((3, 3), 2.0**62), np.full((3, 3), 4.0))[0, 0] == 9 * 2.0**64


def test_the_largest_exact_sums_are_computed():
    # One tap of (2**63 - 1) · 1 is the largest whole result; it is exact, not refused.
    assert conv2d([[INT64_MAX]], [[1]]).tolist() == [[INT64_MAX]]
    assert conv2d([[-INT64_MAX]], [[1]]).tolist() == [[-INT64_MAX]]
    with pytest.raises(ValueError, match="plus a bias up to 1"):
        conv2d([[INT64_MAX]], [[1]], bias=1)


@settings(max_examples=examples(200), deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**63 - 1), st.integers(-(2**20), 2**20), st.data())
def test_integer_results_are_exact_or_refused(side, k, big, weight, data):
    x = np.full((side + k, side + k), big, dtype=np.int64)
    x[0, 0] = -big
    w = np.full((k, k), weight, dtype=np.int64)
    op = data.draw(st.sampled_from(["conv", "transposed"]))
    call = (lambda: conv2d(x, w)) if op == "conv" else (lambda: conv_transpose2d(x, w))
    worst = k * k * big * abs(weight)
    if worst > INT64_MAX:
        with pytest.raises(ValueError, match="too large to add up exactly"):
            call()
        return
    got = call()
    assert got.dtype == np.int64
    # The loop reference adds Python ints, which never wrap.
    cells, kernel = [x.tolist()], [[w.tolist()]]
    if op == "conv":
        expected = reference.grouped_conv2d(cells, kernel, ((0, 0), (0, 0)), (1, 1), (1, 1))
    else:
        expected = reference.grouped_conv_transpose2d(cells, kernel, (0, 0), (1, 1), (1, 1), (0, 0))
    assert got.tolist() == expected[0]


def test_the_1d_ops_and_groups_are_checked_too():
    with pytest.raises(ValueError, match="3 products"):
        conv1d(np.full(3, 2**62), np.full(3, 4))
    with pytest.raises(ValueError, match="2 products"):
        conv_transpose1d(np.full((4, 3), 2**62), np.full((4, 1, 2), 4), groups=4, stride=2)
    # Each filter of a depthwise layer adds one channel's products only: 2 taps, 2·2**61 fits.
    assert conv1d(np.full((2, 2), 2**61), np.ones((2, 1, 2), dtype=int), groups=2).tolist() == [[2**62], [2**62]]


@pytest.mark.parametrize(
    "values",
    [np.array([2**63], dtype=np.uint64), [2**64], [[1, 2**70]]],
    ids=["uint64 past int64", "a Python int past uint64", "a nested Python int"],
)
def test_whole_numbers_past_int64_are_refused(values):
    with pytest.raises(ValueError, match="too large to compute with exactly"):
        conv1d(values, [1])


def test_the_traces_refuse_what_the_ops_refuse():
    from convquest.engine import conv1d_trace, conv2d_trace, conv2d_volume_trace, conv_transpose2d_trace

    big, four = np.full((3, 3), 2**62), np.full((3, 3), 4)
    for call in (
        lambda: conv2d_trace(big, four),
        lambda: conv2d_volume_trace(big[None], four[None, None]),
        lambda: conv_transpose2d_trace(big, four),
        lambda: conv1d_trace(big[0], four[0]),
    ):
        with pytest.raises(ValueError, match="too large to add up exactly"):
            call()
