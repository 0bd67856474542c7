"""The multi-channel window trace: per input channel the covered cells, the products and their
sum, then the bias and the total, agreeing with conv2d (groups and padding modes too)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from convquest.engine import conv2d, conv2d_trace, conv2d_volume_trace
from tests.engine.strategies import mode_conv_configs
from tests.sweeps import examples

PROPERTY = settings(max_examples=examples(120), deadline=None)


@PROPERTY
@given(mode_conv_configs())
def test_volume_trace_reproduces_conv2d_channel_by_channel(config):
    x, w, kwargs, per_axis = config
    if per_axis["single"]:
        x, w = np.asarray(x)[None], np.asarray(w)[None, None]
    trace = conv2d_volume_trace(x, w, **kwargs)
    expected = conv2d(x, w, **kwargs)
    np.testing.assert_array_equal(trace.output, expected)
    out_channels = expected.shape[0]
    groups, per_group = per_axis["groups"], w.shape[1]
    bias = np.zeros(out_channels, int) if kwargs["bias"] is None else kwargs["bias"]
    assert len(trace.steps) == expected.size
    for step in trace.steps:
        o, (i, j) = step.filter, step.cell
        assert trace.step(o, i, j) is step
        group = o // (out_channels // groups)
        assert step.channels == tuple(range(group * per_group, (group + 1) * per_group))
        np.testing.assert_array_equal(step.products, step.values * w[o])
        np.testing.assert_array_equal(step.channel_sums, step.products.sum(axis=(1, 2)))
        assert step.total == step.channel_sums.sum()
        assert step.bias == bias[o]
        assert step.result == step.total + step.bias == expected[o, i, j]


def test_volume_trace_by_hand():
    # An RGB-like 3-channel 2×2 input, one 2×2 filter per channel slice, bias 1: one output cell.
    x = np.array([[[1, 2], [3, 4]], [[1, 1], [1, 1]], [[0, 2], [0, 2]]])
    w = np.array([[[[1, 0], [0, 1]], [[1, 1], [1, 1]], [[-1, -1], [1, 1]]]])
    step = conv2d_volume_trace(x, w, bias=[1]).step(0, 0, 0)
    assert step.channel_sums.tolist() == [1 + 4, 4, 0 - 2 + 0 + 2]
    assert (step.total, step.bias, step.result) == (9, 1, 10)
    assert step.channels == (0, 1, 2)


def test_each_channel_slice_is_the_single_channel_trace():
    rng = np.random.default_rng(3)
    x, w = rng.integers(-3, 4, (2, 4, 5)), rng.integers(-2, 3, (1, 2, 3, 2))
    volume = conv2d_volume_trace(x, w, padding=1, stride=(1, 2))
    for c in range(2):
        single = conv2d_trace(x[c], w[0, c], padding=1, stride=(1, 2))
        for step, flat in zip(volume.steps, single.steps, strict=True):
            np.testing.assert_array_equal(step.products[c], flat.products)
            assert step.channel_sums[c] == flat.total


def test_volume_trace_wants_channels():
    with pytest.raises(ValueError, match=r"\(C, H, W\), but x has shape \(3, 3\)"):
        conv2d_volume_trace(np.zeros((3, 3)), np.ones((2, 2)))
