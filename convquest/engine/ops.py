"""The fast ops: conv2d, conv_transpose2d, max_pool2d, avg_pool2d, with PyTorch's semantics.

Shapes: `x` (H, W) with `w` (kh, kw) gives (H', W'); `x` (C, H, W) with `w` (O, C, kh, kw) gives
(O, H', W'). conv_transpose2d takes `w` as (C_in, C_out, kh, kw), PyTorch's layout. `bias` has one
value per output channel (a scalar is fine for the 2-D form).

Dtype rule: students type whole numbers and expect whole answers, so when every operand is an
integer (or bool) array the result is int64 and exact; if any operand is a float the result is
float64. avg_pool2d always returns float64, since a mean of integers need not be one.

Speed: each NumPy call works on every output pixel at once (or a cache-sized block of rows of
them); the Python loops run only over kernel taps, input channels and blocks. Reading each tap as
a strided slice of the padded input avoids the kh·kw-times copy a window-matrix would need.
"""

from __future__ import annotations

import numpy as np

from convquest.engine.arithmetic import (
    conv_output_shape,
    conv_padding,
    pool_output_shape,
    transposed_output_shape,
)
from convquest.engine.checks import pair


def numeric(values: object, name: str) -> np.ndarray:
    """`values` as an int64 array (integers, bools) or a float64 array (floats); others refused."""
    array = np.asarray(values)
    if array.dtype.kind in "biu":
        return array.astype(np.int64, copy=False)
    if array.dtype.kind == "f":
        return array.astype(np.float64, copy=False)
    raise ValueError(f"{name} must hold real numbers, but its values are of type {array.dtype}")


def _common_dtype(*arrays: np.ndarray | None) -> list[np.ndarray | None]:
    present = [a for a in arrays if a is not None]
    if all(a.dtype == np.int64 for a in present):
        return list(arrays)
    return [None if a is None else a.astype(np.float64, copy=False) for a in arrays]


def conv_operands(x, w, bias, *, transposed: bool):
    """Check and normalise operands to x (C, H, W), w (O, C, kh, kw) or, transposed, (C, O, kh, kw),
    bias (O,) or None, in one common dtype; also return whether the caller used the 2-D form."""
    x, w = numeric(x, "x"), numeric(w, "w")
    layout = "(C_in, C_out, kh, kw)" if transposed else "(O, C, kh, kw)"
    if x.ndim == 2 and w.ndim == 2:
        single = True
        x, w = x[np.newaxis], w[np.newaxis, np.newaxis]
    elif x.ndim == 3 and w.ndim == 4:
        single = False
    else:
        raise ValueError(
            f"x of shape (H, W) goes with w of shape (kh, kw), and x of shape (C, H, W) with w of shape"
            f" {layout}; but x has shape {x.shape} and w has shape {w.shape}"
        )
    in_axis, out_axis = (0, 1) if transposed else (1, 0)
    if x.shape[0] < 1 or w.shape[out_axis] < 1:
        raise ValueError(f"x and w need at least one channel each, but x has shape {x.shape} and w {w.shape}")
    if w.shape[in_axis] != x.shape[0]:
        raise ValueError(
            f"w of shape {w.shape} (layout {layout}) expects {w.shape[in_axis]} input channels,"
            f" but x of shape {x.shape} has {x.shape[0]}"
        )
    out_channels = w.shape[out_axis]
    if bias is not None:
        bias = numeric(bias, "bias")
        if bias.ndim > 1 or bias.size != out_channels or (bias.ndim == 0 and not single):
            raise ValueError(
                f"bias needs one value per output channel, {out_channels} in all, but has shape {bias.shape}"
            )
        bias = bias.reshape(out_channels)
    x, w, bias = _common_dtype(x, w, bias)
    return x, w, bias, single


def _finish(out: np.ndarray, bias: np.ndarray | None, single: bool) -> np.ndarray:
    if bias is not None:
        out += bias[:, np.newaxis, np.newaxis]
    return out[0] if single else out


# Output values computed per block: small enough that a block and its running term stay in the
# CPU cache while every tap is added in, which is what lets a 3×3 convolution keep pace with
# scipy.ndimage.correlate (whole-image temporaries spill the cache and page-fault).
_BLOCK_VALUES = 1 << 14


def conv2d(x, w, *, padding=0, stride=1, dilation=1, bias=None) -> np.ndarray:
    """Cross-correlation (no kernel flip), as torch.nn.functional.conv2d; padding may be an int,
    an (h, w) pair, or 'valid' | 'same' | 'full' (same: stride 1, odd extra cell bottom/right)."""
    x, w, bias, single = conv_operands(x, w, bias, transposed=False)
    out_channels, channels, kh, kw = w.shape
    (sh, sw), (dh, dw) = pair(stride, "stride"), pair(dilation, "dilation")
    oh, ow = conv_output_shape(x.shape[1:], (kh, kw), padding, (sh, sw), (dh, dw))
    (top, bottom), (left, right) = conv_padding(padding, (kh, kw), (sh, sw), (dh, dw))
    padded = np.pad(x, ((0, 0), (top, bottom), (left, right)))
    out = np.empty((out_channels, oh, ow), dtype=x.dtype)
    rows_per_block = max(1, _BLOCK_VALUES // (out_channels * ow))
    term = np.empty((out_channels, min(rows_per_block, oh), ow), dtype=x.dtype)
    # Every output pixel of a block at once; the loops run over blocks and kernel taps only.
    for first_row in range(0, oh, rows_per_block):
        rows = min(rows_per_block, oh - first_row)
        block, block_term = out[:, first_row : first_row + rows], term[:, :rows]
        for tap, (row, col, channel) in enumerate(np.ndindex(kh, kw, channels)):
            top_cell, left_cell = first_row * sh + row * dh, col * dw
            # The input cell that tap reads for each output pixel of the block: (rows, W').
            under_tap = padded[
                channel, top_cell : top_cell + (rows - 1) * sh + 1 : sh, left_cell : left_cell + (ow - 1) * sw + 1 : sw
            ]
            weight = w[:, channel, row, col, np.newaxis, np.newaxis]  # one per output channel
            if tap == 0:
                np.multiply(weight, under_tap, out=block)
            else:
                block += np.multiply(weight, under_tap, out=block_term)
    return _finish(out, bias, single)


def conv_transpose2d(x, w, *, padding=0, stride=1, dilation=1, output_padding=0, bias=None) -> np.ndarray:
    """The transpose (gradient) of conv2d, as torch.nn.functional.conv_transpose2d: each input cell
    paints its value times the kernel onto the output, `stride` apart, overlaps summing; the canvas
    is then cropped by `padding` on every side and extended by `output_padding` at the bottom/right."""
    x, w, bias, single = conv_operands(x, w, bias, transposed=True)
    channels, out_channels, kh, kw = w.shape
    (sh, sw), (dh, dw) = pair(stride, "stride"), pair(dilation, "dilation")
    ph, pw = pair(padding, "padding")
    oh, ow = transposed_output_shape(x.shape[1:], (kh, kw), (ph, pw), (sh, sw), (dh, dw), output_padding)
    h, wid = x.shape[1:]
    # The canvas before cropping: `padding` more on each side than the output, which already
    # includes output_padding's extra cells at the bottom/right (they receive no paint).
    canvas = np.zeros((out_channels, oh + 2 * ph, ow + 2 * pw), dtype=x.dtype)
    painted = np.empty((out_channels, h, wid), dtype=x.dtype)
    for row, col, channel in np.ndindex(kh, kw, channels):
        # Tap (row, col) of every input cell lands on one strided grid of the canvas.
        weight = w[channel, :, row, col, np.newaxis, np.newaxis]  # one per output channel
        canvas[:, row * dh : row * dh + (h - 1) * sh + 1 : sh, col * dw : col * dw + (wid - 1) * sw + 1 : sw] += (
            np.multiply(weight, x[channel], out=painted)
        )
    out = np.ascontiguousarray(canvas[:, ph : ph + oh, pw : pw + ow])
    return _finish(out, bias, single)


def _pool_taps(x, k, stride, padding, fill):
    """Each tap of the pooling window as a (C, H', W') strided view of the input padded with
    `fill` (window cells in row-major order), and whether the caller used the 2-D form."""
    if x.ndim not in (2, 3):
        raise ValueError(f"pooling takes x of shape (H, W) or (C, H, W), but x has shape {x.shape}")
    single = x.ndim == 2
    x = x[np.newaxis] if single else x
    kh, kw = pair(k, "pooling window")
    sh, sw = (kh, kw) if stride is None else pair(stride, "stride")
    ph, pw = pair(padding, "padding")
    oh, ow = pool_output_shape(x.shape[1:], (kh, kw), (sh, sw), (ph, pw))
    padded = np.pad(x, ((0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    taps = [
        padded[:, row : row + (oh - 1) * sh + 1 : sh, col : col + (ow - 1) * sw + 1 : sw]
        for row, col in np.ndindex(kh, kw)
    ]
    return taps, single


# Pooling folds the window's taps together one at a time, each over the whole output: a
# reduction over a tiny trailing window axis would run NumPy's inner loop only kh·kw long.


def max_pool2d(x, k, *, stride=None, padding=0) -> np.ndarray:
    """The largest value in each k×k window (stride defaults to k); padding never wins, as in
    PyTorch, because it is filled with -inf (or, for integers, the smallest int64)."""
    x = numeric(x, "x")
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(np.int64).min
    taps, single = _pool_taps(x, k, stride, padding, fill)
    out = taps[0].copy()
    for tap in taps[1:]:
        np.maximum(out, tap, out=out)
    return out[0] if single else out


def avg_pool2d(x, k, *, stride=None, padding=0) -> np.ndarray:
    """The mean of each k×k window (stride defaults to k), padding counted as zeros and the
    divisor always k·k (PyTorch's default count_include_pad=True)."""
    x = numeric(x, "x").astype(np.float64, copy=False)
    taps, single = _pool_taps(x, k, stride, padding, 0.0)
    out = taps[0].copy()
    for tap in taps[1:]:
        out += tap
    out /= len(taps)
    return out[0] if single else out
