"""The fast ops against the plain-loop reference, hand-worked examples, and the dtype rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convquest.engine import avg_pool2d, conv2d, conv_transpose2d, max_pool2d
from tests.engine import reference
from tests.engine.strategies import conv_configs, pool_configs, transposed_configs
from tests.sweeps import examples

PROPERTY = settings(max_examples=examples(150), deadline=None)


def as_3d(x):
    x = np.asarray(x)
    return x[np.newaxis] if x.ndim == 2 else x


def reference_result(result, single: bool) -> np.ndarray:
    result = np.array(result)
    return result[0] if single else result


@PROPERTY
@given(conv_configs())
def test_conv2d_matches_the_loop_reference(config):
    x, w, kwargs, per_axis = config
    single = x.ndim == 2
    w4 = w[np.newaxis, np.newaxis] if single else w
    expected = reference_result(
        reference.conv2d(
            as_3d(x).tolist(),
            w4.tolist(),
            per_axis["pads"],
            per_axis["stride"],
            per_axis["dilation"],
            None if kwargs["bias"] is None else kwargs["bias"].tolist(),
        ),
        single,
    )
    got = conv2d(x, w, **kwargs)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=examples(60), deadline=None)
@given(conv_configs(), st.floats(-2, 2, allow_nan=False, allow_subnormal=False))
def test_conv2d_on_floats_matches_the_reference(config, scale):
    x, w, kwargs, per_axis = config
    x = x * scale + 0.25  # floats that are not whole numbers
    single = x.ndim == 2
    w4 = w[np.newaxis, np.newaxis] if single else w
    expected = reference_result(
        reference.conv2d(
            as_3d(x).tolist(),
            w4.tolist(),
            per_axis["pads"],
            per_axis["stride"],
            per_axis["dilation"],
            None if kwargs["bias"] is None else kwargs["bias"].tolist(),
        ),
        single,
    )
    got = conv2d(x, w, **kwargs)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@PROPERTY
@given(transposed_configs())
def test_conv_transpose2d_matches_the_scatter_reference(config):
    x, w, kwargs, per_axis = config
    single = x.ndim == 2
    w4 = w[np.newaxis, np.newaxis] if single else w
    expected = reference_result(
        reference.conv_transpose2d(
            as_3d(x).tolist(),
            w4.tolist(),
            per_axis["padding"],
            per_axis["stride"],
            per_axis["dilation"],
            per_axis["output_padding"],
            None if kwargs["bias"] is None else kwargs["bias"].tolist(),
        ),
        single,
    )
    got = conv_transpose2d(x, w, **kwargs)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)


@PROPERTY
@given(conv_configs(modes=("numbers",)), st.data())
def test_conv_transpose2d_is_the_adjoint_of_conv2d(config, data):
    # <conv2d(x), y> == <x, conv_transpose2d(y)> for every y: the transposed convolution is the
    # gradient of the convolution with the same weights, which is what makes it the "transpose".
    x, w, kwargs, per_axis = config
    kwargs = dict(kwargs, bias=None)
    forward = conv2d(x, w, **kwargs)
    y = np.array(data.draw(st.lists(st.integers(-5, 5), min_size=forward.size, max_size=forward.size)))
    y = y.reshape(forward.shape)
    (ph, _), (pw, _) = per_axis["pads"]
    (sh, sw), (dh, dw) = per_axis["stride"], per_axis["dilation"]
    kh, kw = w.shape[-2:]
    extra = ((x.shape[-2] + 2 * ph - dh * (kh - 1) - 1) % sh, (x.shape[-1] + 2 * pw - dw * (kw - 1) - 1) % sw)
    backward = conv_transpose2d(y, w, padding=(ph, pw), stride=(sh, sw), dilation=(dh, dw), output_padding=extra)
    assert backward.shape == x.shape
    assert int((forward * y).sum()) == int((x * backward).sum())


@PROPERTY
@given(pool_configs())
def test_max_pool2d_matches_the_reference(config):
    x, k, kwargs, per_axis = config
    expected = reference_result(
        reference.max_pool2d(as_3d(x).tolist(), per_axis["k"], per_axis["stride"], per_axis["padding"]), x.ndim == 2
    )
    got = max_pool2d(x, k, **kwargs)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, expected)


@PROPERTY
@given(pool_configs())
def test_avg_pool2d_matches_the_reference(config):
    x, k, kwargs, per_axis = config
    expected = reference_result(
        reference.avg_pool2d(as_3d(x).tolist(), per_axis["k"], per_axis["stride"], per_axis["padding"]), x.ndim == 2
    )
    got = avg_pool2d(x, k, **kwargs)
    assert got.dtype == np.float64
    # Integer inputs: the window sum is exact, so dividing by k·k gives the same float both ways.
    np.testing.assert_array_equal(got, expected)


# Dumoulin & Visin's worked figures use this input and kernel.
GUIDE_INPUT = [
    [3, 3, 2, 1, 0],
    [0, 0, 1, 3, 1],
    [3, 1, 2, 2, 3],
    [2, 0, 0, 2, 2],
    [2, 0, 0, 0, 1],
]
GUIDE_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]


def test_guide_figure_no_padding_unit_strides():
    # Each window's rows dotted with the kernel rows [0,1,2], [2,2,0], [0,1,2]:
    # (0,0): [3,3,2]->7 [0,0,1]->0 [3,1,2]->5 = 12   (0,1): [3,2,1]->4 [0,1,3]->2 [1,2,2]->6 = 12
    # (0,2): [2,1,0]->1 [1,3,1]->8 [2,2,3]->8 = 17   (1,0): [0,0,1]->2 [3,1,2]->8 [2,0,0]->0 = 10
    # (1,1): [0,1,3]->7 [1,2,2]->6 [0,0,2]->4 = 17   (1,2): [1,3,1]->5 [2,2,3]->8 [0,2,2]->6 = 19
    # (2,0): [3,1,2]->5 [2,0,0]->4 [2,0,0]->0 = 9    (2,1): [1,2,2]->6 [0,0,2]->0 [0,0,0]->0 = 6
    # (2,2): [2,2,3]->8 [0,2,2]->4 [0,0,1]->2 = 14
    assert conv2d(GUIDE_INPUT, GUIDE_KERNEL).tolist() == [[12, 12, 17], [10, 17, 19], [9, 6, 14]]


def test_guide_figure_padding_and_strides():
    # Padding 1, stride 2: windows start at padded rows/cols 0, 2, 4, i.e. input -1, 1, 3.
    # (0,0): pad row, [p,3,3]->6, [p,0,0]->0 = 6      (0,1): pad, [3,2,1]->10, [0,1,3]->7 = 17
    # (0,2): pad, [1,0,p]->2, [3,1,p]->1 = 3          (1,0): [p,0,0]->0, [p,3,1]->6, [p,2,0]->2 = 8
    # (1,1): [0,1,3]->7, [1,2,2]->6, [0,0,2]->4 = 17  (1,2): [3,1,p]->1, [2,3,p]->10, [2,2,p]->2 = 13
    # (2,0): [p,2,0]->2, [p,2,0]->4, pad = 6          (2,1): [0,0,2]->4, [0,0,0]->0, pad = 4
    # (2,2): [2,2,p]->2, [0,1,p]->2, pad = 4
    assert conv2d(GUIDE_INPUT, GUIDE_KERNEL, padding=1, stride=2).tolist() == [[6, 17, 3], [8, 17, 13], [6, 4, 4]]


def test_guide_figure_pooling():
    # 3×3 windows, stride 1. Maxima: every window holds a 3 except (2,1) = [1,2,2],[0,0,2],[0,0,0].
    assert max_pool2d(GUIDE_INPUT, 3, stride=1).tolist() == [[3, 3, 3], [3, 3, 3], [3, 2, 3]]
    # Window sums: 15 15 15 / 9 11 16 / 10 7 12, each over 9.
    sums = [[15, 15, 15], [9, 11, 16], [10, 7, 12]]
    np.testing.assert_array_equal(avg_pool2d(GUIDE_INPUT, 3, stride=1), np.array(sums) / 9)


def test_dilation_reads_cells_two_apart():
    # Taps at (0,0) and (2,2): out[i,j] = x[i,j] - x[i+2,j+2] = (5i+j) - (5i+j+12) = -12 everywhere.
    x = np.arange(25).reshape(5, 5)
    assert conv2d(x, [[1, 0], [0, -1]], dilation=2).tolist() == [[-12] * 3] * 3


def test_same_padding_with_an_even_kernel_pads_bottom_right():
    # Total padding 1 goes below and right, so out[i,j] = x[i,j] + x[i,j+1] + x[i+1,j] + x[i+1,j+1]
    # with zeros past the edge: 0+1+3+4=8, 1+2+4+5=12, 2+5=7 / 20, 24, 13 / 6+7=13, 7+8=15, 8.
    x = np.arange(9).reshape(3, 3)
    assert conv2d(x, [[1, 1], [1, 1]], padding="same").tolist() == [[8, 12, 7], [20, 24, 13], [13, 15, 8]]


def test_full_padding_counts_every_partial_overlap():
    # A 1×1 input under a 2×2 kernel, padded 1 all round: each window overlaps it at one tap,
    # and that tap is w[1-i][1-j]: [[4, 3], [2, 1]] for w = [[1, 2], [3, 4]].
    assert conv2d([[1]], [[1, 2], [3, 4]], padding="full").tolist() == [[4, 3], [2, 1]]


def test_multichannel_sums_over_input_channels_and_adds_bias():
    # One output channel reading channel 0 with weight 1 and channel 1 with weight 10, plus 100.
    x = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    w = [[[[1]], [[10]]]]
    assert conv2d(x, w, bias=[100]).tolist() == [[[151, 162], [173, 184]]]


def test_transposed_scatter_by_hand():
    x, w = [[1, 2], [3, 4]], [[1, 1], [1, 1]]
    # Stride 2: each cell paints its own 2×2 block, no overlap.
    assert conv_transpose2d(x, w, stride=2).tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    # Stride 1: blocks overlap; the centre gets all four cells (10), edges two, corners one.
    assert conv_transpose2d(x, w).tolist() == [[1, 3, 2], [4, 10, 6], [3, 7, 4]]
    # Padding 1 crops one cell from every side of that 3×3 canvas.
    assert conv_transpose2d(x, w, padding=1).tolist() == [[10]]
    # output_padding 1 adds an unpainted row and column at the bottom/right.
    assert conv_transpose2d(x, w, stride=2, output_padding=1)[4].tolist() == [0] * 5


def test_max_pool_padding_never_wins():
    # All values negative: a zero from padding would win if padding were zeros.
    x = -np.arange(1, 10).reshape(3, 3)
    assert max_pool2d(x, 2, stride=2, padding=1).tolist() == [[-1, -2], [-4, -5]]


def test_avg_pool_counts_padding_in_the_divisor():
    # Corner window of a 2×2 pool with padding 1 holds only x[0,0] = 4; divided by 4 it gives 1.
    assert avg_pool2d([[4, 8], [12, 16]], 2, stride=2, padding=1).tolist() == [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize(
    "x, w, dtype",
    [
        ([[1, 2], [3, 4]], [[2]], np.int64),
        (np.array([[1, 2], [3, 4]], dtype=np.uint8), [[200]], np.int64),  # no uint8 wrap-around
        ([[True, False]], [[3]], np.int64),
        ([[1.5, 2]], [[2]], np.float64),
        ([[1, 2]], [[0.5]], np.float64),
    ],
)
def test_dtype_rule(x, w, dtype):
    assert conv2d(x, w).dtype == dtype


def test_uint8_inputs_do_not_overflow():
    assert conv2d(np.array([[255]], dtype=np.uint8), [[200]]).tolist() == [[51000]]
