"""The step traces reproduce the fast ops exactly, and each step says what it claims."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from convquest.engine import avg_pool2d, conv2d, conv_transpose2d, max_pool2d
from convquest.engine.traces import avg_pool2d_trace, conv2d_trace, conv_transpose2d_trace, max_pool2d_trace
from tests.engine.strategies import conv_configs, pool_configs, transposed_configs
from tests.sweeps import examples

PROPERTY = settings(max_examples=examples(120), deadline=None)


def scalar_bias(kwargs):
    bias = kwargs["bias"]
    return dict(kwargs, bias=None if bias is None else int(bias[0]))


@PROPERTY
@given(conv_configs(single=True))
def test_conv_trace_reproduces_conv2d_step_by_step(config):
    x, w, kwargs, per_axis = config
    kwargs = scalar_bias(kwargs)
    trace = conv2d_trace(x, w, **kwargs)
    np.testing.assert_array_equal(trace.output, conv2d(x, w, **kwargs))
    (top, _), (left, _) = trace.pads
    (sh, sw), (dh, dw) = per_axis["stride"], per_axis["dilation"]
    bias = kwargs["bias"] or 0
    assert len(trace.steps) == trace.output.size
    for step in trace.steps:
        i, j = step.cell
        assert trace.step(i, j) is step
        # The window starts stride·cell into the padded input; its taps are dilation apart.
        assert step.rows == tuple(i * sh - top + a * dh for a in range(w.shape[0]))
        assert step.cols == tuple(j * sw - left + b * dw for b in range(w.shape[1]))
        for a, r in enumerate(step.rows):
            for b, c in enumerate(step.cols):
                outside = not (0 <= r < x.shape[0] and 0 <= c < x.shape[1])
                assert step.in_padding[a, b] == outside
                assert step.values[a, b] == (0 if outside else x[r, c])
                assert trace.padded[r + top, c + left] == step.values[a, b]
        np.testing.assert_array_equal(step.products, step.values * w)
        assert step.total == step.products.sum()
        assert step.result == step.total + bias == trace.output[i, j]


@PROPERTY
@given(transposed_configs(single=True))
def test_transposed_trace_reproduces_conv_transpose2d_paint_by_paint(config):
    x, w, kwargs, per_axis = config
    kwargs = scalar_bias(kwargs)
    trace = conv_transpose2d_trace(x, w, **kwargs)
    expected = conv_transpose2d(x, w, **kwargs)
    np.testing.assert_array_equal(trace.output, expected)
    (sh, sw), (dh, dw) = per_axis["stride"], per_axis["dilation"]
    bias = kwargs["bias"] or 0
    before = np.zeros_like(trace.canvas)
    for paint, (i, j) in zip(trace.paints, np.ndindex(x.shape), strict=True):
        assert paint.cell == (i, j) and paint.value == x[i, j]
        assert paint.rows == tuple(i * sh + a * dh for a in range(w.shape[0]))
        assert paint.cols == tuple(j * sw + b * dw for b in range(w.shape[1]))
        np.testing.assert_array_equal(paint.patch, x[i, j] * w)
        # Exactly the patch was added where it claims, and nothing anywhere else.
        added = paint.canvas_after - before
        np.testing.assert_array_equal(added[np.ix_(paint.rows, paint.cols)], paint.patch)
        added[np.ix_(paint.rows, paint.cols)] = 0
        assert not added.any()
        before = paint.canvas_after
    np.testing.assert_array_equal(before, trace.canvas)
    top, left = trace.crop
    oh, ow = expected.shape
    np.testing.assert_array_equal(trace.canvas[top : top + oh, left : left + ow] + bias, expected)
    # The equivalent view: zeros between input cells, padded, convolved with the flipped kernel.
    assert trace.zero_inserted[::sh, ::sw].tolist() == x.tolist()
    assert trace.zero_inserted.sum() == x.sum()
    direct = conv2d(trace.equivalent_input, trace.flipped_kernel, dilation=(dh, dw)) + bias
    np.testing.assert_array_equal(direct, expected)


@PROPERTY
@given(pool_configs(single=True))
def test_pool_traces_reproduce_the_pools(config):
    x, k, kwargs, per_axis = config
    (kh, kw) = per_axis["k"]
    maximum = max_pool2d_trace(x, k, **kwargs)
    np.testing.assert_array_equal(maximum.output, max_pool2d(x, k, **kwargs))
    for step in maximum.steps:
        r, c = step.chosen
        assert r in step.rows and c in step.cols
        assert not step.in_padding[step.rows.index(r), step.cols.index(c)]
        assert step.result == x[r, c] == max(v for v, pad in zip(step.values.flat, step.in_padding.flat) if not pad)
    average = avg_pool2d_trace(x, k, **kwargs)
    np.testing.assert_array_equal(average.output, avg_pool2d(x, k, **kwargs))
    for step in average.steps:
        assert step.chosen is None
        assert step.result == step.values.sum() / (kh * kw)
        assert not step.values[step.in_padding].any()


def test_conv_trace_by_hand():
    # 3×3 input 1..9, kernel [[1, 0], [0, -1]], padding 1: the first window sits on padded
    # (0,0)-(1,1), i.e. input rows/cols -1..0; only input (0,0) = 1 is real, under weight -1.
    trace = conv2d_trace([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]], padding=1)
    first = trace.step(0, 0)
    assert first.rows == (-1, 0) and first.cols == (-1, 0)
    assert first.in_padding.tolist() == [[True, True], [True, False]]
    assert first.cells() == [(-1, -1), (-1, 0), (0, -1), (0, 0)]
    assert first.products.tolist() == [[0, 0], [0, -1]] and first.total == -1
    # The centre window (1,1) covers input (0,0), (0,1), (1,0), (1,1): 1·1 + 5·(-1) = -4.
    assert trace.step(1, 1).total == -4


def test_transposed_trace_by_hand():
    # Input [[1, 2]] with kernel [[1, 1]] at stride 1: cell 0 paints [1, 1] at columns 0-1, cell 1
    # paints [2, 2] at columns 1-2, so the canvas goes [1, 1, 0] → [1, 3, 2].
    trace = conv_transpose2d_trace([[1, 2]], [[1, 1]])
    assert [p.canvas_after.tolist() for p in trace.paints] == [[[1, 1, 0]], [[1, 3, 2]]]
    assert trace.output.tolist() == [[1, 3, 2]]
    # Equivalent: pad [[1, 2]] by k - 1 = 1 column each side → [0, 1, 2, 0], slide [1, 1] flipped.
    assert trace.equivalent_input.tolist() == [[0, 1, 2, 0]]


def test_trace_arrays_are_read_only():
    trace = conv2d_trace([[1, 2], [3, 4]], [[1]])
    assert not trace.steps[0].values.flags.writeable
    assert not trace.output.flags.writeable
