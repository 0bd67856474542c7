"""Pooling's ceil_mode (PyTorch's rule: round up, but the last window must start inside the input
or the left padding), max pooling's dilation, and average pooling's divisor at the edge."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convquest.engine import (
    avg_pool2d,
    avg_pool2d_trace,
    max_pool2d,
    max_pool2d_trace,
    pool_output_shape,
    pool_output_size,
)
from tests.engine import reference
from tests.engine.strategies import ceil_pool_configs
from tests.sweeps import examples

PROPERTY = settings(max_examples=examples(150), deadline=None)


@settings(max_examples=examples(400), deadline=None)
@given(
    st.integers(1, 12),
    st.integers(1, 5),
    st.none() | st.integers(1, 4),
    st.integers(0, 2),
    st.integers(1, 3),
    st.booleans(),
)
def test_pool_output_size_counts_the_windows_the_rule_keeps(i, k, s, p, d, ceil_mode):
    starts = reference.pool_starts(i, k, k if s is None else s, p, d, ceil_mode)
    if p > k // 2 or not starts:
        with pytest.raises(ValueError):
            pool_output_size(i, k, s, p, d, ceil_mode)
        return
    assert pool_output_size(i, k, s, p, d, ceil_mode) == len(starts)
    if not ceil_mode:
        return
    # Rounding up never loses a window, and gains at most one.
    floor = len(reference.pool_starts(i, k, k if s is None else s, p, d, False))
    assert floor <= len(starts) <= floor + 1


def test_ceil_mode_by_hand():
    # 5 cells, window 2, stride 2: floor counts windows at 0 and 2; ceil adds the one at 4, which
    # overhangs the input by a cell.
    assert pool_output_size(5, 2) == 2 and pool_output_size(5, 2, ceil_mode=True) == 3
    # 5 cells, window 3, stride 3, padding 1: windows start at -1 and 2; rounding up would add one
    # at 5, but that starts in the right padding (input cells are 0..4), so PyTorch drops it.
    assert pool_output_size(5, 3, 3, 1) == 2 and pool_output_size(5, 3, 3, 1, ceil_mode=True) == 2
    # A window longer than the input, overhanging by less than a stride, is one output.
    assert pool_output_size(1, 2, 2, ceil_mode=True) == 1
    with pytest.raises(ValueError, match="pooling window 2 spans 2 cells"):
        pool_output_size(1, 2, 2)
    assert pool_output_shape((5, 4), 2, ceil_mode=True) == (3, 2)


def test_average_divisor_counts_padding_but_not_cells_past_it():
    x = np.arange(25.0).reshape(5, 5)
    got = avg_pool2d(x, 2, ceil_mode=True)
    # The last column's windows hold one column of the input: divided by 2, not 4; the corner by 1.
    assert got[0].tolist() == [(0 + 1 + 5 + 6) / 4, (2 + 3 + 7 + 8) / 4, (4 + 9) / 2]
    assert got[2, 2] == 24.0
    # With padding 1, stride 2, window 3: the first window holds 4 input cells and 5 padding
    # cells, all 9 counted.
    padded = avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)
    assert padded[0, 0] == (0 + 1 + 5 + 6) / 9


def test_dilated_max_pool_by_hand():
    x = np.array([[1, 9, 2, 8, 3]])
    # Window 2 with dilation 2 reads cells 0 and 2, then 1 and 3, ...
    assert max_pool2d(x, (1, 2), stride=1, dilation=(1, 2)).tolist() == [[2, 9, 3]]


def as_volume(x, single):
    return (np.asarray(x)[None] if single else np.asarray(x)).tolist()


@PROPERTY
@given(ceil_pool_configs())
def test_max_pool_with_ceil_and_dilation_matches_the_loop_reference(config):
    x, k, kwargs, per_axis = config
    got = max_pool2d(x, k, **kwargs)
    expected = reference.pool2d(
        as_volume(x, per_axis["single"]),
        per_axis["k"],
        per_axis["stride"],
        per_axis["padding"],
        per_axis["dilation"],
        per_axis["ceil_mode"],
        "max",
    )
    lowest = np.iinfo(np.int64).min  # a window of padding only (dilation can make one)
    expected = np.array([[[lowest if v is None else v for v in row] for row in c] for c in expected])
    np.testing.assert_array_equal(got, expected[0] if per_axis["single"] else expected)


@PROPERTY
@given(ceil_pool_configs(dilated=False))
def test_avg_pool_with_ceil_matches_the_loop_reference(config):
    x, k, kwargs, per_axis = config
    got = avg_pool2d(x, k, **kwargs)
    expected = np.array(
        reference.pool2d(
            as_volume(x, per_axis["single"]),
            per_axis["k"],
            per_axis["stride"],
            per_axis["padding"],
            ceil_mode=per_axis["ceil_mode"],
            kind="avg",
        )
    )
    np.testing.assert_allclose(got, expected[0] if per_axis["single"] else expected, rtol=1e-12)


@PROPERTY
@given(ceil_pool_configs(), st.booleans())
def test_pool_traces_with_ceil_and_dilation_reproduce_the_pools(config, use_max):
    x, k, kwargs, per_axis = config
    if not per_axis["single"]:
        x = x[0]
    if not use_max:
        kwargs.pop("dilation")
    trace = (max_pool2d_trace if use_max else avg_pool2d_trace)(x, k, **kwargs)
    expected = (max_pool2d if use_max else avg_pool2d)(x, k, **kwargs)
    np.testing.assert_array_equal(trace.output, expected)
    height, width = x.shape
    (ph, pw) = per_axis["padding"]
    for step in trace.steps:
        if use_max:
            assert step.divisor is None
            if step.chosen is not None:
                r, c = step.chosen
                assert step.result == x[r, c]
            else:
                assert step.in_padding.all()
        else:
            counted = sum(r < height + ph for r in step.rows) * sum(c < width + pw for c in step.cols)
            assert step.divisor == counted
            assert step.result == step.values.sum() / counted


def test_ceil_mode_must_be_a_bool():
    with pytest.raises(ValueError, match="ceil_mode must be True or False"):
        pool_output_size(5, 2, ceil_mode="yes")
