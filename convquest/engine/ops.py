"""The fast ops: conv2d, conv_transpose2d, max_pool2d, avg_pool2d, with PyTorch's semantics; the
1-D ops (`ops1d`) are these with a one-row input, through the same cores.

Shapes: `x` (H, W) with `w` (kh, kw) gives (H', W'); `x` (C, H, W) with `w` (O, C/groups, kh, kw)
gives (O, H', W'). conv_transpose2d takes `w` as (C_in, C_out/groups, kh, kw), PyTorch's layout.
With groups g, the channels split into g groups and each group's filters see only its own input
channels. `bias` has one value per output channel (a scalar is fine for the 2-D form).

Dtype rule: students type whole numbers and expect whole answers, so when every operand is an
integer (or bool) array the result is int64 and exact; integers so large that a sum could pass
int64's range are refused rather than left to wrap. If any operand is a float the result is
float64. Average pooling always returns float64, since a mean of integers need not be one.

Speed: each NumPy call works on every output pixel at once (or a cache-sized block of rows of
them); the Python loops run only over kernel taps, input channels and blocks. Reading each tap as
a strided slice of the padded input avoids the kh·kw-times copy a window-matrix would need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from convquest.engine.arithmetic import (
    _conv_side,
    _pool_side,
    _transposed_side,
    conv_padding,
)
from convquest.engine.checks import pair, positive, whole_number
from convquest.engine.padding import checked_padding_mode, pad_input

IntPair = int | tuple[int, int]
Pads = tuple[tuple[int, int], tuple[int, int]]
Axes = tuple[str | None, str | None]
AXES_2D: Axes = ("height", "width")
# A 1-D op runs as a 2-D one on a one-row input; the row axis never fails a check, and the
# sequence axis is named plainly ("stride", not "stride (width)").
AXES_1D: Axes = (None, None)

_INT64_MAX = int(np.iinfo(np.int64).max)


def numeric(values: object, name: str) -> np.ndarray:
    """`values` as an int64 array (integers, bools) or a float64 array (floats); others refused."""
    array = np.asarray(values)
    if array.dtype.kind == "u" and array.size and int(array.max()) > _INT64_MAX:
        array = array.astype(object)
    if array.dtype.kind == "O" and array.size and all(isinstance(v, int) for v in array.flat):
        largest = max(array.flat, key=abs)
        raise ValueError(
            f"{name} holds a whole number too large to compute with exactly ({largest}); the engine's"
            f" whole numbers stay within ±{_INT64_MAX}"
        )
    if array.dtype.kind in "biu":
        return array.astype(np.int64, copy=False)
    if array.dtype.kind == "f":
        return array.astype(np.float64, copy=False)
    raise ValueError(f"{name} must hold real numbers, but its values are of type {array.dtype}")


def _largest(array: np.ndarray | None) -> int:
    if array is None or array.size == 0:
        return 0
    return max(-int(array.min()), int(array.max()))


def check_exact(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None, terms: int) -> None:
    """Refuse integer operands whose sums could leave int64's range (NumPy would wrap them
    silently): an output cell adds at most `terms` products and the bias."""
    if x.dtype != np.int64:
        return
    biggest_x, biggest_w, biggest_b = _largest(x), _largest(w), _largest(bias)
    reach = terms * biggest_x * biggest_w + biggest_b
    if reach > _INT64_MAX:
        bias_part = f" plus a bias up to {biggest_b}" if biggest_b else ""
        raise ValueError(
            f"these whole numbers are too large to add up exactly: {terms} products of inputs up to"
            f" {biggest_x} and weights up to {biggest_w}{bias_part} can reach {reach}, past {_INT64_MAX},"
            f" the largest 64-bit integer; use smaller numbers, or floats if an approximate answer will do"
        )


def _common_dtype(
    x: np.ndarray, w: np.ndarray, bias: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    if x.dtype == w.dtype == np.int64 and (bias is None or bias.dtype == np.int64):
        return x, w, bias
    as_float = np.float64
    return (
        x.astype(as_float, copy=False),
        w.astype(as_float, copy=False),
        None if bias is None else bias.astype(as_float),
    )


@dataclass(frozen=True)
class Operands:
    """Checked conv operands in one dtype: x (C, H, W); w (O, C/groups, kh, kw), or transposed
    (C, O/groups, kh, kw); bias (O,) or None. `single` says the caller gave no channel axis; a 1-D
    caller's arrays have a row axis of 1 inserted."""

    x: np.ndarray
    w: np.ndarray
    bias: np.ndarray | None
    groups: int
    single: bool
    transposed: bool


def _layouts(transposed: bool, spatial: int) -> tuple[str, str, str, str]:
    """How the caller writes (single x, single w, volume x, volume w)."""
    if spatial == 1:
        volume_w = "(C_in, C_out/groups, k)" if transposed else "(O, C/groups, k)"
        return "(L,)", "(k,)", "(C, L)", volume_w
    volume_w = "(C_in, C_out/groups, kh, kw)" if transposed else "(O, C/groups, kh, kw)"
    return "(H, W)", "(kh, kw)", "(C, H, W)", volume_w


def conv_operands(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    bias: npt.ArrayLike | None,
    *,
    transposed: bool,
    groups: object = 1,
    spatial: int = 2,
) -> Operands:
    """Check and normalise a convolution's operands (see `Operands`), with PyTorch's refusals of
    channels that the groups cannot split and weights of the wrong shape."""
    xs, ws = numeric(x, "x"), numeric(w, "w")
    groups = positive(groups, "groups")
    single_x, single_w, volume_x, volume_w = _layouts(transposed, spatial)
    if xs.ndim == spatial and ws.ndim == spatial:
        single = True
        xs, ws = xs[np.newaxis], ws[np.newaxis, np.newaxis]
    elif xs.ndim == spatial + 1 and ws.ndim == spatial + 2:
        single = False
    else:
        raise ValueError(
            f"x of shape {single_x} goes with w of shape {single_w}, and x of shape {volume_x} with w of shape"
            f" {volume_w}; but x has shape {xs.shape} and w has shape {ws.shape}"
        )
    if spatial == 1:
        xs, ws = xs[:, np.newaxis], ws[:, :, np.newaxis]
    shape_x, shape_w = np.shape(x), np.shape(w)
    channels = xs.shape[0]
    if channels < 1 or ws.shape[0] < 1 or ws.shape[1] < 1:
        raise ValueError(f"x and w need at least one channel each, but x has shape {shape_x} and w {shape_w}")
    if channels % groups:
        raise ValueError(
            f"x has {channels} input channel{'s' if channels > 1 else ''}, which cannot be split into {groups} groups:"
            f" the input channels must be divisible by groups"
        )
    if transposed:
        if ws.shape[0] != channels:
            raise ValueError(
                f"w of shape {shape_w} (layout {volume_w}) expects {ws.shape[0]} input channels,"
                f" but x of shape {shape_x} has {channels}"
            )
        out_channels = ws.shape[1] * groups
    else:
        out_channels = ws.shape[0]
        if out_channels % groups:
            raise ValueError(
                f"w has {out_channels} filters (output channels), which cannot be split into {groups} groups:"
                f" the output channels must be divisible by groups"
            )
        if ws.shape[1] * groups != channels and groups == 1:
            raise ValueError(
                f"w of shape {shape_w} (layout {volume_w}) expects {ws.shape[1]} input channels,"
                f" but x of shape {shape_x} has {channels}"
            )
        if ws.shape[1] * groups != channels:
            raise ValueError(
                f"with groups={groups}, each filter sees {channels} / {groups} = {channels // groups} of the"
                f" {channels} input channels of x (shape {shape_x}), but the filters of w (shape {shape_w},"
                f" layout {volume_w}) have {ws.shape[1]}"
            )
    bias_array = None
    if bias is not None:
        bias_array = numeric(bias, "bias")
        if bias_array.ndim > 1 or bias_array.size != out_channels or (bias_array.ndim == 0 and not single):
            raise ValueError(
                f"bias needs one value per output channel, {out_channels} in all, but has shape {bias_array.shape}"
            )
        bias_array = bias_array.reshape(out_channels)
    xs, ws, bias_array = _common_dtype(xs, ws, bias_array)
    return Operands(xs, ws, bias_array, groups, single, transposed)


def finish(out: np.ndarray, bias: np.ndarray | None, single: bool, spatial: int) -> np.ndarray:
    """Add the bias and give the result the caller's form back (no channel axis, no row axis)."""
    if bias is not None:
        out += bias[:, np.newaxis, np.newaxis]
    if spatial == 1:
        out = out[:, 0]
    return out[0] if single else out


# Output values computed per block: small enough that a block and its running term stay in the
# CPU cache while every tap is added in, which is what lets a 3×3 convolution keep pace with
# scipy.ndimage.correlate (whole-image temporaries spill the cache and page-fault).
_BLOCK_VALUES = 1 << 14


def conv_core(
    ops: Operands,
    pads: Pads,
    stride: tuple[int, int],
    dilation: tuple[int, int],
    padding_mode: object,
    axes: Axes,
) -> np.ndarray:
    """The cross-correlation of checked operands, (O, H', W') before the bias."""
    x, w, groups = ops.x, ops.w, ops.groups
    out_channels, per_group, kh, kw = w.shape
    filters = out_channels // groups
    (sh, sw), (dh, dw) = stride, dilation
    (top, bottom), (left, right) = pads
    oh = _conv_side(x.shape[1], kh, top, bottom, sh, dh, axes[0])
    ow = _conv_side(x.shape[2], kw, left, right, sw, dw, axes[1])
    check_exact(x, w, ops.bias, per_group * kh * kw)
    padded = pad_input(x, pads, checked_padding_mode(padding_mode), axes)
    out = np.empty((out_channels, oh, ow), dtype=x.dtype)
    # Groups side by side on a leading axis, so one NumPy call serves every group at once: a
    # depthwise layer is kh·kw calls per block, not kh·kw·C.
    by_group = out.reshape(groups, filters, oh, ow)
    padded_by_group = padded.reshape(groups, per_group, *padded.shape[1:])
    w_by_group = w.reshape(groups, filters, per_group, kh, kw)
    rows_per_block = max(1, _BLOCK_VALUES // (out_channels * ow))
    term = np.empty((groups, filters, min(rows_per_block, oh), ow), dtype=x.dtype)
    # Every output pixel of a block at once; the loops run over blocks and kernel taps only.
    for first_row in range(0, oh, rows_per_block):
        rows = min(rows_per_block, oh - first_row)
        block, block_term = by_group[:, :, first_row : first_row + rows], term[:, :, :rows]
        for row, col, local in np.ndindex(kh, kw, per_group):
            top_cell, left_cell = first_row * sh + row * dh, col * dw
            # The input cell that tap reads for each output pixel of the block: (groups, 1, rows, W').
            under_tap = padded_by_group[
                :,
                local,
                np.newaxis,
                top_cell : top_cell + (rows - 1) * sh + 1 : sh,
                left_cell : left_cell + (ow - 1) * sw + 1 : sw,
            ]
            weight = w_by_group[:, :, local, row, col, np.newaxis, np.newaxis]  # (groups, filters, 1, 1)
            if row == col == local == 0:
                np.multiply(weight, under_tap, out=block)
            else:
                block += np.multiply(weight, under_tap, out=block_term)
    return out


def conv_args_2d(
    ops: Operands, padding: IntPair | str, stride: IntPair, dilation: IntPair
) -> tuple[Pads, tuple[int, int], tuple[int, int]]:
    """conv2d's padding, stride and dilation checked and as (pads, stride, dilation) pairs; the
    traces read their arguments through this too, so they refuse what conv2d refuses."""
    stride2, dilation2 = pair(stride, "stride"), pair(dilation, "dilation")
    return conv_padding(padding, ops.w.shape[2:], stride2, dilation2), stride2, dilation2


def conv2d(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: IntPair | str = 0,
    stride: IntPair = 1,
    dilation: IntPair = 1,
    bias: npt.ArrayLike | None = None,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> np.ndarray:
    """Cross-correlation (no kernel flip), as torch.nn.functional.conv2d / nn.Conv2d; padding may
    be an int, an (h, w) pair, or 'valid' | 'same' | 'full' (same: stride 1, odd extra cell
    bottom/right), filled as `padding_mode` says: zeros, reflect, replicate or circular."""
    ops = conv_operands(x, w, bias, transposed=False, groups=groups)
    pads, stride2, dilation2 = conv_args_2d(ops, padding, stride, dilation)
    out = conv_core(ops, pads, stride2, dilation2, padding_mode, AXES_2D)
    return finish(out, ops.bias, ops.single, 2)


def transpose_core(
    ops: Operands,
    padding: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    output_padding: tuple[int, int],
    axes: Axes,
) -> np.ndarray:
    """The scatter of checked operands, (O, H', W') before the bias."""
    x, w, groups = ops.x, ops.w, ops.groups
    channels, filters, kh, kw = w.shape
    per_group = channels // groups
    (sh, sw), (dh, dw), (ph, pw) = stride, dilation, padding
    oh = _transposed_side(x.shape[1], kh, ph, sh, dh, output_padding[0], axes[0])
    ow = _transposed_side(x.shape[2], kw, pw, sw, dw, output_padding[1], axes[1])
    check_exact(x, w, ops.bias, per_group * kh * kw)
    h, wid = x.shape[1:]
    # The canvas before cropping: `padding` more on each side than the output, which already
    # includes output_padding's extra cells at the bottom/right (they receive no paint).
    canvas = np.zeros((filters * groups, oh + 2 * ph, ow + 2 * pw), dtype=x.dtype)
    # Groups side by side on a leading axis, as in conv_core.
    canvas_by_group = canvas.reshape(groups, filters, *canvas.shape[1:])
    x_by_group = x.reshape(groups, per_group, 1, h, wid)
    w_by_group = w.reshape(groups, per_group, filters, kh, kw)
    painted = np.empty((groups, filters, h, wid), dtype=x.dtype)
    for row, col, local in np.ndindex(kh, kw, per_group):
        # Tap (row, col) of every input cell lands on one strided grid of the canvas.
        weight = w_by_group[:, local, :, row, col, np.newaxis, np.newaxis]  # (groups, filters, 1, 1)
        canvas_by_group[
            :, :, row * dh : row * dh + (h - 1) * sh + 1 : sh, col * dw : col * dw + (wid - 1) * sw + 1 : sw
        ] += np.multiply(weight, x_by_group[:, local], out=painted)
    return np.ascontiguousarray(canvas[:, ph : ph + oh, pw : pw + ow])


def conv_transpose2d(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: IntPair = 0,
    stride: IntPair = 1,
    dilation: IntPair = 1,
    output_padding: IntPair = 0,
    bias: npt.ArrayLike | None = None,
    groups: int = 1,
) -> np.ndarray:
    """The transpose (gradient) of conv2d, as torch.nn.functional.conv_transpose2d: each input cell
    paints its value times the kernel onto the output, `stride` apart, overlaps summing; the canvas
    is then cropped by `padding` on every side and extended by `output_padding` at the bottom/right."""
    ops = conv_operands(x, w, bias, transposed=True, groups=groups)
    out = transpose_core(
        ops,
        pair(padding, "padding"),
        pair(stride, "stride"),
        pair(dilation, "dilation"),
        pair(output_padding, "output_padding"),
        AXES_2D,
    )
    return finish(out, ops.bias, ops.single, 2)


@dataclass(frozen=True)
class PoolWindows:
    """Pooling resolved: the input as (C, H, W), the window, stride, padding, dilation per axis,
    the output size, and how many cells each output row/column window counts for the average
    (cells inside input + padding; cells past the padding, which only ceil_mode reaches, not)."""

    x: np.ndarray
    k: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    out: tuple[int, int]
    counted: tuple[np.ndarray, np.ndarray]
    single: bool


def pool_windows(
    x: np.ndarray,
    k: object,
    stride: object,
    padding: object,
    dilation: object,
    ceil_mode: bool,
    spatial: int,
) -> PoolWindows:
    """Check a pooling's arguments (2-D: ints or pairs; 1-D: ints) and size its output."""
    if x.ndim not in (spatial, spatial + 1):
        forms = "(L,) or (C, L)" if spatial == 1 else "(H, W) or (C, H, W)"
        raise ValueError(f"pooling takes x of shape {forms}, but x has shape {x.shape}")
    single = x.ndim == spatial
    x = x[np.newaxis] if single else x
    axes = AXES_1D if spatial == 1 else AXES_2D

    def per_axis(value: object, name: str, row: int = 1) -> tuple[int, int]:
        """`value` for each axis; a 1-D pooling's row axis takes `row` (no padding, else 1)."""
        return (row, whole_number(value, name)) if spatial == 1 else pair(value, name)

    if spatial == 1:
        x = x[:, np.newaxis]
    ks = per_axis(k, "pooling window")
    ss = ks if stride is None else per_axis(stride, "stride")
    ps, ds = per_axis(padding, "padding", 0), per_axis(dilation, "dilation")
    out = (
        _pool_side(x.shape[1], ks[0], ss[0], ps[0], ds[0], ceil_mode, axes[0]),
        _pool_side(x.shape[2], ks[1], ss[1], ps[1], ds[1], ceil_mode, axes[1]),
    )
    counted = tuple(
        np.minimum(np.arange(o) * s - p + kk, size + p) - (np.arange(o) * s - p)
        for o, s, p, kk, size in zip(out, ss, ps, ks, x.shape[1:])
    )
    return PoolWindows(x, ks, ss, ps, ds, out, (counted[0], counted[1]), single)


def _pool_taps(windows: PoolWindows, fill: float) -> list[np.ndarray]:
    """Each tap of the window as a (C, H', W') strided view of the input padded with `fill`,
    window cells in row-major order; ceil_mode's last window may reach past the padding, so the
    far side is filled as far as it reaches."""
    x, (kh, kw), (sh, sw), (ph, pw), (dh, dw), (oh, ow) = (
        windows.x,
        windows.k,
        windows.stride,
        windows.padding,
        windows.dilation,
        windows.out,
    )
    reach_h = max(ph, (oh - 1) * sh + dh * (kh - 1) + 1 - ph - x.shape[1])
    reach_w = max(pw, (ow - 1) * sw + dw * (kw - 1) + 1 - pw - x.shape[2])
    padded = np.pad(x, ((0, 0), (ph, reach_h), (pw, reach_w)), constant_values=fill)
    return [
        padded[:, row * dh : row * dh + (oh - 1) * sh + 1 : sh, col * dw : col * dw + (ow - 1) * sw + 1 : sw]
        for row, col in np.ndindex(kh, kw)
    ]


# Pooling folds the window's taps together one at a time, each over the whole output: a
# reduction over a tiny trailing window axis would run NumPy's inner loop only kh·kw long.


def max_pool_core(x: npt.ArrayLike, windows_of: Callable[[np.ndarray], PoolWindows], spatial: int) -> np.ndarray:
    values = numeric(x, "x")
    windows = windows_of(values)
    # Padding never wins: it is -inf (or, for integers, the smallest int64), as in PyTorch.
    fill = -np.inf if values.dtype.kind == "f" else np.iinfo(np.int64).min
    taps = _pool_taps(windows, fill)
    out = taps[0].copy()
    for tap in taps[1:]:
        np.maximum(out, tap, out=out)
    return finish(out, None, windows.single, spatial)


def avg_pool_core(x: npt.ArrayLike, windows_of: Callable[[np.ndarray], PoolWindows], spatial: int) -> np.ndarray:
    values = numeric(x, "x").astype(np.float64, copy=False)
    windows = windows_of(values)
    taps = _pool_taps(windows, 0.0)
    out = taps[0].copy()
    for tap in taps[1:]:
        out += tap
    rows, cols = windows.counted
    out /= rows[:, np.newaxis] * cols[np.newaxis, :]
    return finish(out, None, windows.single, spatial)


def max_pool2d(
    x: npt.ArrayLike,
    k: IntPair,
    *,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
) -> np.ndarray:
    """The largest value in each k×k window (stride defaults to k, taps `dilation` apart), as
    torch.nn.functional.max_pool2d; ceil_mode counts a last partial window that starts inside the
    input or the left padding."""
    return max_pool_core(x, lambda v: pool_windows(v, k, stride, padding, dilation, ceil_mode, 2), 2)


def avg_pool2d(
    x: npt.ArrayLike,
    k: IntPair,
    *,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    ceil_mode: bool = False,
) -> np.ndarray:
    """The mean of each k×k window (stride defaults to k), as torch.nn.functional.avg_pool2d with
    count_include_pad=True: padding counts as zeros and in the divisor, but cells past the padding,
    which only ceil_mode's last window reaches, are not counted."""
    return avg_pool_core(x, lambda v: pool_windows(v, k, stride, padding, 1, ceil_mode, 2), 2)
