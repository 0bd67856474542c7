"""Step-by-step views of the ops, for the board to animate.

Each trace is computed independently of `ops` (explicit index arithmetic instead of strided tap
slices), and the tests prove both give the same numbers. Traces are meant for board-sized
inputs, since they keep every step.

- `conv2d_trace`, `conv1d_trace`: one channel, a `ConvTrace`.
- `conv2d_volume_trace`, `conv1d_volume_trace`: C input channels and O filters (groups too), a
  `VolumeTrace`: per filter and output cell, each input channel's products and their sum, then the
  bias and the total.
- `conv_transpose2d_trace`, `conv_transpose1d_trace`: one channel, a `TransposedTrace`.
- `max_pool2d_trace`, `avg_pool2d_trace`, `max_pool1d_trace`, `avg_pool1d_trace`: a `PoolTrace`.

A 1-D trace is the 2-D trace of a one-row input: its input is (1, L) (or (C, 1, L)), its kernel
(1, k), every step's rows are (0,), and causal padding shows as pads ((0, 0), (d(k-1), 0)).

Coordinates: a convolution or pooling step names its input cells in the coordinates of the
original (unpadded) input, so a padding cell has row or column < 0 or >= the input's size, and is
flagged in `in_padding`. With a padding mode other than zeros a padding cell holds a copy of an
input cell: `source(row, col)` says which (None for a zeros cell). A transposed convolution paints
onto an uncropped canvas; `crop` says where the output sits on it. All arrays in a trace are
read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from convquest.engine.arithmetic import _conv_side, _pool_side, _transposed_side
from convquest.engine.checks import pair, whole_number
from convquest.engine.ops import (
    AXES_1D,
    AXES_2D,
    Axes,
    IntPair,
    Operands,
    Pads,
    check_exact,
    conv_args_2d,
    conv_operands,
    numeric,
)
from convquest.engine.ops1d import conv_args_1d
from convquest.engine.padding import NO_SOURCE, checked_padding_mode, pad_input, pad_sources

Cell = tuple[int, int]
Pair = tuple[int, int]
Number = int | float


def _frozen(array: npt.ArrayLike) -> np.ndarray:
    frozen = np.array(array)  # a private copy, so freezing it cannot freeze the caller's array
    frozen.setflags(write=False)
    return frozen


def _window_axis(outputs: int, taps: int, stride: int, dilation: int, before: int) -> np.ndarray:
    """(outputs, taps): the original-input index each tap of each window reads along one axis."""
    return np.arange(outputs)[:, None] * stride + np.arange(taps)[None, :] * dilation - before


def _outside(indices: np.ndarray, size: int) -> np.ndarray:
    return (indices < 0) | (indices >= size)


@dataclass(frozen=True)
class _ConvWindows:
    """Every window of a convolution over x (C, H, W), by index arithmetic.

    rows (H', kh), cols (W', kw): the input index of each tap; sources: for each padded row and
    column, the input index it holds (NO_SOURCE for zeros); in_padding (H', W', kh, kw); values
    (C, H', W', kh, kw), padding cells holding what the padding mode puts there.
    """

    rows: np.ndarray
    cols: np.ndarray
    sources: tuple[np.ndarray, np.ndarray]
    in_padding: np.ndarray
    values: np.ndarray


def _conv_windows(
    x: np.ndarray, kernel: Pair, pads: Pads, stride: Pair, dilation: Pair, padding_mode: object, axes: Axes
) -> _ConvWindows:
    mode = checked_padding_mode(padding_mode)
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    (top, bottom), (left, right) = pads
    height, width = x.shape[1:]
    oh = _conv_side(height, kh, top, bottom, sh, dh, axes[0])
    ow = _conv_side(width, kw, left, right, sw, dw, axes[1])
    source_rows = pad_sources(height, top, bottom, mode, axes[0])
    source_cols = pad_sources(width, left, right, mode, axes[1])
    rows, cols = _window_axis(oh, kh, sh, dh, top), _window_axis(ow, kw, sw, dw, left)
    from_rows, from_cols = source_rows[rows + top], source_cols[cols + left]
    zero = (from_rows == NO_SOURCE)[:, None, :, None] | (from_cols == NO_SOURCE)[None, :, None, :]
    values = x[:, np.maximum(from_rows, 0)[:, None, :, None], np.maximum(from_cols, 0)[None, :, None, :]]
    in_padding = _outside(rows, height)[:, None, :, None] | _outside(cols, width)[None, :, None, :]
    return _ConvWindows(rows, cols, (source_rows, source_cols), in_padding, np.where(zero, 0, values))


def _source(sources: tuple[tuple[int, ...], tuple[int, ...]], pads: Pads, row: int, col: int) -> Cell | None:
    (top, _), (left, _) = pads
    source_rows, source_cols = sources
    if not (0 <= row + top < len(source_rows) and 0 <= col + left < len(source_cols)):
        raise ValueError(f"cell ({row}, {col}) is outside the padded input")
    from_row, from_col = source_rows[row + top], source_cols[col + left]
    return None if NO_SOURCE in (from_row, from_col) else (from_row, from_col)


def _one_channel(ops: Operands, x: npt.ArrayLike, w: npt.ArrayLike, spatial: int) -> Operands:
    """`ops` if the caller gave one channel and one kernel; refused otherwise."""
    if not ops.single:
        forms = "x (L,) with a kernel (k,)" if spatial == 1 else "x (H, W) with a kernel (kh, kw)"
        raise ValueError(
            f"traces show one channel: {forms}, but x has shape {np.shape(x)} and w {np.shape(w)}"
            + ("" if ops.transposed else "; the volume traces show channels and filters")
        )
    return ops


@dataclass(frozen=True, eq=False)
class ConvStep:
    """One output cell of a convolution: the window, what it reads, and what it adds up.

    cell: (row, col) of the output cell.
    rows, cols: the input row of each kernel row and the input column of each kernel column,
        dilation apart; tap (a, b) reads input cell (rows[a], cols[b]).
    in_padding: (kh, kw), True where the tap reads a padding cell (0, or a copy of an input cell).
    values: (kh, kw) the values under the taps; products: values × kernel.
    total: the sum of the products; result: total + bias, the output value.
    """

    cell: Cell
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    in_padding: np.ndarray
    values: np.ndarray
    products: np.ndarray
    total: Number
    result: Number

    def cells(self) -> list[Cell]:
        """The input cells of the taps in row-major order (padding cells included)."""
        return [(r, c) for r in self.rows for c in self.cols]


@dataclass(frozen=True, eq=False)
class ConvTrace:
    """A single-channel conv2d (or conv1d, on one row), step by step.

    padded: the input with its padding; pads: ((top, bottom), (left, right)) padding amounts, so
    input cell (r, c) is padded[r + top, c + left]. steps: one per output cell, row-major.
    output: the output array, assembled from the steps' results. padding_mode: what fills the
    padding; sources: for each padded row and column, the input index it copies (-1: a zero).
    """

    input: np.ndarray
    kernel: np.ndarray
    bias: Number
    stride: Pair
    dilation: Pair
    pads: tuple[Pair, Pair]
    padded: np.ndarray
    steps: tuple[ConvStep, ...]
    output: np.ndarray
    padding_mode: str
    sources: tuple[tuple[int, ...], tuple[int, ...]]

    def step(self, row: int, col: int) -> ConvStep:
        return self.steps[row * int(self.output.shape[1]) + col]

    def source(self, row: int, col: int) -> Cell | None:
        """The input cell whose value cell (row, col) of the padded input holds (itself, inside the
        input); None for a zeros padding cell."""
        return _source(self.sources, self.pads, row, col)


def _sources(windows: _ConvWindows) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return tuple(int(r) for r in windows.sources[0]), tuple(int(c) for c in windows.sources[1])


def _conv_trace(ops: Operands, pads: Pads, stride: Pair, dilation: Pair, padding_mode: str, axes: Axes) -> ConvTrace:
    w = ops.w[0, 0]
    bias = np.zeros((), ops.x.dtype) if ops.bias is None else ops.bias[0]
    check_exact(ops.x, w, ops.bias, w.size)
    windows = _conv_windows(ops.x, w.shape, pads, stride, dilation, padding_mode, axes)
    values = windows.values[0]
    products = values * w
    totals = products.sum(axis=(2, 3))
    results = totals + bias
    values, in_padding, products = _frozen(values), _frozen(windows.in_padding), _frozen(products)
    rows, cols = windows.rows, windows.cols
    steps = tuple(
        ConvStep(
            cell=(i, j),
            rows=tuple(int(r) for r in rows[i]),
            cols=tuple(int(c) for c in cols[j]),
            in_padding=in_padding[i, j],
            values=values[i, j],
            products=products[i, j],
            total=totals[i, j].item(),
            result=results[i, j].item(),
        )
        for i, j in np.ndindex(*totals.shape)
    )
    return ConvTrace(
        input=_frozen(ops.x[0]),
        kernel=_frozen(w),
        bias=bias.item(),
        stride=stride,
        dilation=dilation,
        pads=pads,
        padded=_frozen(pad_input(ops.x, pads, checked_padding_mode(padding_mode), axes)[0]),
        steps=steps,
        output=_frozen(results),
        padding_mode=padding_mode,
        sources=_sources(windows),
    )


def conv2d_trace(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: IntPair | str = 0,
    stride: IntPair = 1,
    dilation: IntPair = 1,
    bias: npt.ArrayLike | None = None,
    padding_mode: str = "zeros",
) -> ConvTrace:
    """Trace `ops.conv2d` on a single channel; takes the same arguments (groups aside)."""
    ops = _one_channel(conv_operands(x, w, bias, transposed=False), x, w, 2)
    pads, stride2, dilation2 = conv_args_2d(ops, padding, stride, dilation)
    return _conv_trace(ops, pads, stride2, dilation2, padding_mode, AXES_2D)


def conv1d_trace(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: int | str = 0,
    stride: int = 1,
    dilation: int = 1,
    bias: npt.ArrayLike | None = None,
    padding_mode: str = "zeros",
) -> ConvTrace:
    """Trace `ops1d.conv1d` on a single sequence, as a one-row ConvTrace; takes the same arguments
    (groups aside), padding='causal' too."""
    ops = _one_channel(conv_operands(x, w, bias, transposed=False, spatial=1), x, w, 1)
    pads, stride2, dilation2 = conv_args_1d(ops, padding, stride, dilation, padding_mode)
    return _conv_trace(ops, pads, stride2, dilation2, padding_mode, AXES_1D)


@dataclass(frozen=True, eq=False)
class VolumeStep:
    """One output cell of one filter over a volume: each input channel's window, then the sum.

    filter: which filter (output channel); cell: (row, col) of its output cell.
    channels: the input channels this filter sees (all of them, or its group's), in order.
    rows, cols, in_padding: as ConvStep's (the same window on every channel).
    values, products: (len(channels), kh, kw), one slice per channel seen.
    channel_sums: (len(channels),) each channel's sum of products.
    total: the sum of the channel sums; bias: this filter's bias; result: total + bias.
    """

    filter: int
    cell: Cell
    channels: tuple[int, ...]
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    in_padding: np.ndarray
    values: np.ndarray
    products: np.ndarray
    channel_sums: np.ndarray
    total: Number
    bias: Number
    result: Number


@dataclass(frozen=True, eq=False)
class VolumeTrace:
    """A multi-channel conv2d (or conv1d, on one row), step by step.

    input (C, H, W), weights (O, C/groups, kh, kw), bias (O,) (zeros when none was given); padded
    (C, ...) as ConvTrace's, per channel. steps: filter by filter, each row-major over its output
    cells. output: (O, H', W').
    """

    input: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    groups: int
    stride: Pair
    dilation: Pair
    pads: tuple[Pair, Pair]
    padding_mode: str
    padded: np.ndarray
    sources: tuple[tuple[int, ...], tuple[int, ...]]
    steps: tuple[VolumeStep, ...]
    output: np.ndarray

    def step(self, filter: int, row: int, col: int) -> VolumeStep:
        _, oh, ow = self.output.shape
        return self.steps[(filter * int(oh) + row) * int(ow) + col]

    def source(self, row: int, col: int) -> Cell | None:
        """As ConvTrace.source (the same on every channel)."""
        return _source(self.sources, self.pads, row, col)


def _volume_trace(
    ops: Operands, pads: Pads, stride: Pair, dilation: Pair, padding_mode: str, axes: Axes
) -> VolumeTrace:
    x, w = ops.x, ops.w
    out_channels, per_group = w.shape[:2]
    filters_per_group = out_channels // ops.groups
    check_exact(x, w, ops.bias, w[0].size)
    bias = np.zeros(out_channels, x.dtype) if ops.bias is None else ops.bias
    windows = _conv_windows(x, w.shape[2:], pads, stride, dilation, padding_mode, axes)
    in_padding = _frozen(windows.in_padding)
    rows, cols = windows.rows, windows.cols
    steps, outputs = [], []
    for filter in range(out_channels):
        first = filter // filters_per_group * per_group
        channels = tuple(range(first, first + per_group))
        # (channels, H', W', kh, kw) → per output cell, (channels, kh, kw)
        values = windows.values[first : first + per_group]
        products = values * w[filter][:, None, None]
        channel_sums = products.sum(axis=(3, 4))
        totals = channel_sums.sum(axis=0)
        results = totals + bias[filter]
        outputs.append(results)
        values, products, channel_sums = (
            _frozen(np.moveaxis(values, 0, 2)),
            _frozen(np.moveaxis(products, 0, 2)),
            _frozen(np.moveaxis(channel_sums, 0, 2)),
        )
        steps += [
            VolumeStep(
                filter=filter,
                cell=(i, j),
                channels=channels,
                rows=tuple(int(r) for r in rows[i]),
                cols=tuple(int(c) for c in cols[j]),
                in_padding=in_padding[i, j],
                values=values[i, j],
                products=products[i, j],
                channel_sums=channel_sums[i, j],
                total=totals[i, j].item(),
                bias=bias[filter].item(),
                result=results[i, j].item(),
            )
            for i, j in np.ndindex(*totals.shape)
        ]
    return VolumeTrace(
        input=_frozen(x),
        weights=_frozen(w),
        bias=_frozen(bias),
        groups=ops.groups,
        stride=stride,
        dilation=dilation,
        pads=pads,
        padding_mode=padding_mode,
        padded=_frozen(pad_input(x, pads, checked_padding_mode(padding_mode), axes)),
        sources=_sources(windows),
        steps=tuple(steps),
        output=_frozen(np.stack(outputs)),
    )


def conv2d_volume_trace(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: IntPair | str = 0,
    stride: IntPair = 1,
    dilation: IntPair = 1,
    bias: npt.ArrayLike | None = None,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> VolumeTrace:
    """Trace `ops.conv2d` on x (C, H, W) with w (O, C/groups, kh, kw); takes the same arguments."""
    ops = conv_operands(x, w, bias, transposed=False, groups=groups)
    if ops.single:
        raise ValueError(f"the volume trace takes x of shape (C, H, W), but x has shape {np.shape(x)}")
    pads, stride2, dilation2 = conv_args_2d(ops, padding, stride, dilation)
    return _volume_trace(ops, pads, stride2, dilation2, padding_mode, AXES_2D)


def conv1d_volume_trace(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: int | str = 0,
    stride: int = 1,
    dilation: int = 1,
    bias: npt.ArrayLike | None = None,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> VolumeTrace:
    """Trace `ops1d.conv1d` on x (C, L) with w (O, C/groups, k), as a one-row VolumeTrace."""
    ops = conv_operands(x, w, bias, transposed=False, groups=groups, spatial=1)
    if ops.single:
        raise ValueError(f"the volume trace takes x of shape (C, L), but x has shape {np.shape(x)}")
    pads, stride2, dilation2 = conv_args_1d(ops, padding, stride, dilation, padding_mode)
    return _volume_trace(ops, pads, stride2, dilation2, padding_mode, AXES_1D)


@dataclass(frozen=True, eq=False)
class Paint:
    """One input cell of a transposed convolution painting its patch onto the canvas.

    cell: (row, col) of the input cell; value: its value.
    rows, cols: the canvas rows and columns the patch covers (stride·cell + dilation·tap), so
        kernel tap (a, b) lands on canvas cell (rows[a], cols[b]).
    patch: (kh, kw) value × kernel, added onto what is there.
    canvas_after: the whole uncropped canvas once this patch is added (overlaps have summed).
    """

    cell: Cell
    value: Number
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    patch: np.ndarray
    canvas_after: np.ndarray


@dataclass(frozen=True, eq=False)
class TransposedTrace:
    """A single-channel conv_transpose2d, as scatter and as its equivalent ordinary convolution.

    paints: one per input cell, row-major. canvas: the canvas after the last paint, before
    cropping; it is `padding` larger than the output on every side (output_padding's extra cells
    at the bottom/right get no paint). crop: (top, left), so output[r, c] = canvas[r + top,
    c + left] + bias.

    The same output as a plain (stride-1) convolution: zero_inserted puts stride-1 zeros between
    input cells; equivalent_pads ((top, bottom), (left, right)) pads it by d(k-1) - p on each side
    plus output_padding at the bottom/right (a negative amount crops instead) giving
    equivalent_input; conv2d(equivalent_input, flipped_kernel, dilation=dilation) + bias == output.
    """

    input: np.ndarray
    kernel: np.ndarray
    bias: Number
    stride: Pair
    dilation: Pair
    padding: Pair
    output_padding: Pair
    paints: tuple[Paint, ...]
    canvas: np.ndarray
    crop: Pair
    output: np.ndarray
    zero_inserted: np.ndarray
    equivalent_pads: tuple[Pair, Pair]
    equivalent_input: np.ndarray
    flipped_kernel: np.ndarray


def _pad_or_crop(x: np.ndarray, pads: tuple[Pair, Pair]) -> np.ndarray:
    """Pad with zeros by each non-negative amount; crop by each negative one."""
    grown = np.pad(x, [(max(0, before), max(0, after)) for before, after in pads])
    (top, bottom), (left, right) = ((max(0, -b), max(0, -a)) for b, a in pads)
    return grown[top : grown.shape[0] - bottom, left : grown.shape[1] - right]


def _transposed_trace(
    ops: Operands, padding: Pair, stride: Pair, dilation: Pair, output_padding: Pair, axes: Axes
) -> TransposedTrace:
    x, w = ops.x[0], ops.w[0, 0]
    bias = np.zeros((), x.dtype) if ops.bias is None else ops.bias[0]
    check_exact(x, w, ops.bias, w.size)
    (sh, sw), (dh, dw), (ph, pw), (ah, aw) = stride, dilation, padding, output_padding
    kh, kw = w.shape
    oh = _transposed_side(x.shape[0], kh, ph, sh, dh, ah, axes[0])
    ow = _transposed_side(x.shape[1], kw, pw, sw, dw, aw, axes[1])
    canvas = np.zeros((oh + 2 * ph, ow + 2 * pw), dtype=x.dtype)
    paints = []
    for i, j in np.ndindex(x.shape):
        rows = tuple(i * sh + a * dh for a in range(kh))
        cols = tuple(j * sw + b * dw for b in range(kw))
        patch = x[i, j] * w
        canvas = canvas.copy()
        canvas[np.ix_(rows, cols)] += patch
        paints.append(Paint((i, j), x[i, j].item(), rows, cols, _frozen(patch), _frozen(canvas)))
    output = canvas[ph : ph + oh, pw : pw + ow] + bias

    zero_inserted = np.zeros(((x.shape[0] - 1) * sh + 1, (x.shape[1] - 1) * sw + 1), dtype=x.dtype)
    zero_inserted[::sh, ::sw] = x
    reach_h, reach_w = dh * (kh - 1), dw * (kw - 1)
    equivalent_pads = ((reach_h - ph, reach_h - ph + ah), (reach_w - pw, reach_w - pw + aw))
    return TransposedTrace(
        input=_frozen(x),
        kernel=_frozen(w),
        bias=bias.item(),
        stride=stride,
        dilation=dilation,
        padding=padding,
        output_padding=output_padding,
        paints=tuple(paints),
        canvas=_frozen(canvas),
        crop=padding,
        output=_frozen(output),
        zero_inserted=_frozen(zero_inserted),
        equivalent_pads=equivalent_pads,
        equivalent_input=_frozen(_pad_or_crop(zero_inserted, equivalent_pads)),
        flipped_kernel=_frozen(w[::-1, ::-1]),
    )


def conv_transpose2d_trace(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: IntPair = 0,
    stride: IntPair = 1,
    dilation: IntPair = 1,
    output_padding: IntPair = 0,
    bias: npt.ArrayLike | None = None,
) -> TransposedTrace:
    """Trace `ops.conv_transpose2d` on a single channel; takes the same arguments (groups aside)."""
    ops = _one_channel(conv_operands(x, w, bias, transposed=True), x, w, 2)
    return _transposed_trace(
        ops,
        pair(padding, "padding"),
        pair(stride, "stride"),
        pair(dilation, "dilation"),
        pair(output_padding, "output_padding"),
        AXES_2D,
    )


def conv_transpose1d_trace(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: int = 0,
    stride: int = 1,
    dilation: int = 1,
    output_padding: int = 0,
    bias: npt.ArrayLike | None = None,
) -> TransposedTrace:
    """Trace `ops1d.conv_transpose1d` on a single sequence, as a one-row TransposedTrace."""
    ops = _one_channel(conv_operands(x, w, bias, transposed=True, spatial=1), x, w, 1)
    return _transposed_trace(
        ops,
        (0, whole_number(padding, "padding")),
        (1, whole_number(stride, "stride")),
        (1, whole_number(dilation, "dilation")),
        (0, whole_number(output_padding, "output_padding")),
        AXES_1D,
    )


@dataclass(frozen=True, eq=False)
class PoolStep:
    """One output cell of a pooling: the window and what it gives.

    cell: (row, col) of the output cell. rows, cols: the input rows/columns of the window's taps
    (dilation apart for max pooling).
    in_padding: (kh, kw), True for cells outside the input: padding, or past it (a last window
    that ceil_mode counts may run past the padding). values: (kh, kw) the input values, 0 at those
    cells (for max pooling they never win; for average pooling padding counts as 0).
    chosen: for max pooling, the input cell whose value won (the first, row-major, on a tie), or
        None if the window holds no input cell (its result is -inf, or the smallest int64); None
        for average pooling.
    divisor: for average pooling, the window's cells inside input + padding (those past the
        padding are not counted); None for max pooling.
    result: the maximum, or the window's sum over the divisor.
    """

    cell: Cell
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    in_padding: np.ndarray
    values: np.ndarray
    chosen: Cell | None
    result: Number
    divisor: int | None


@dataclass(frozen=True, eq=False)
class PoolTrace:
    """max or average pooling on a single channel (or sequence, on one row), step by step (steps
    row-major)."""

    kind: str  # "max" or "avg"
    input: np.ndarray
    window: Pair
    stride: Pair
    padding: Pair
    steps: tuple[PoolStep, ...]
    output: np.ndarray
    dilation: Pair
    ceil_mode: bool

    def step(self, row: int, col: int) -> PoolStep:
        return self.steps[row * int(self.output.shape[1]) + col]


def _pool_trace(
    kind: str, x: np.ndarray, k: Pair, stride: Pair, padding: Pair, dilation: Pair, ceil_mode: bool, axes: Axes
) -> PoolTrace:
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = k, stride, padding, dilation
    height, width = x.shape
    oh = _pool_side(height, kh, sh, ph, dh, ceil_mode, axes[0])
    ow = _pool_side(width, kw, sw, pw, dw, ceil_mode, axes[1])
    rows, cols = _window_axis(oh, kh, sh, dh, ph), _window_axis(ow, kw, sw, dw, pw)
    in_padding = _outside(rows, height)[:, None, :, None] | _outside(cols, width)[None, :, None, :]
    values = x[np.clip(rows, 0, height - 1)[:, None, :, None], np.clip(cols, 0, width - 1)[None, :, None, :]]
    values = np.where(in_padding, 0, values)
    flat = values.reshape(oh, ow, kh * kw)
    if kind == "max":
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(np.int64).min
        candidates = np.where(in_padding.reshape(oh, ow, kh * kw), lowest, flat)
        winners = candidates.argmax(axis=2)  # argmax keeps the first of equal values
        results = np.take_along_axis(candidates, winners[..., None], axis=2)[..., 0]
    else:
        # Counted: every window cell short of the far padding's end (the near side never runs over).
        divisors = (rows < height + ph).sum(axis=1)[:, None] * (cols < width + pw).sum(axis=1)[None, :]
        results = flat.sum(axis=2) / divisors
    values, in_padding = _frozen(values), _frozen(in_padding)
    steps = []
    for i, j in np.ndindex(oh, ow):
        chosen, divisor = None, None
        if kind == "max":
            a, b = divmod(int(winners[i, j]), kw)
            if not in_padding[i, j, a, b]:
                chosen = (int(rows[i, a]), int(cols[j, b]))
        else:
            divisor = int(divisors[i, j])
        steps.append(
            PoolStep(
                (i, j),
                tuple(int(r) for r in rows[i]),
                tuple(int(c) for c in cols[j]),
                in_padding[i, j],
                values[i, j],
                chosen,
                results[i, j].item(),
                divisor,
            )
        )
    return PoolTrace(
        kind, _frozen(x), k, stride, padding, tuple(steps), _frozen(results), dilation=dilation, ceil_mode=ceil_mode
    )


def _one_map(x: npt.ArrayLike, spatial: int) -> np.ndarray:
    values = numeric(x, "x")
    if values.ndim != spatial:
        form = "(L,)" if spatial == 1 else "(H, W)"
        raise ValueError(f"traces show one channel: x must be {form}, but it has shape {values.shape}")
    return values[np.newaxis] if spatial == 1 else values


def _pool_trace_2d(
    kind: str,
    x: npt.ArrayLike,
    k: IntPair,
    stride: IntPair | None,
    padding: IntPair,
    dilation: IntPair,
    ceil_mode: bool,
) -> PoolTrace:
    ks = pair(k, "pooling window")
    ss = ks if stride is None else pair(stride, "stride")
    return _pool_trace(
        kind, _one_map(x, 2), ks, ss, pair(padding, "padding"), pair(dilation, "dilation"), ceil_mode, AXES_2D
    )


def _pool_trace_1d(
    kind: str, x: npt.ArrayLike, k: int, stride: int | None, padding: int, dilation: int, ceil_mode: bool
) -> PoolTrace:
    window = whole_number(k, "pooling window")
    step = window if stride is None else whole_number(stride, "stride")
    one_row = _one_map(x, 1)
    pads, dilations = (0, whole_number(padding, "padding")), (1, whole_number(dilation, "dilation"))
    return _pool_trace(kind, one_row, (1, window), (1, step), pads, dilations, ceil_mode, AXES_1D)


def max_pool2d_trace(
    x: npt.ArrayLike,
    k: IntPair,
    *,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
) -> PoolTrace:
    """Trace `ops.max_pool2d` on a single channel; takes the same arguments."""
    return _pool_trace_2d("max", x, k, stride, padding, dilation, ceil_mode)


def avg_pool2d_trace(
    x: npt.ArrayLike, k: IntPair, *, stride: IntPair | None = None, padding: IntPair = 0, ceil_mode: bool = False
) -> PoolTrace:
    """Trace `ops.avg_pool2d` on a single channel; takes the same arguments."""
    return _pool_trace_2d("avg", x, k, stride, padding, 1, ceil_mode)


def max_pool1d_trace(
    x: npt.ArrayLike, k: int, *, stride: int | None = None, padding: int = 0, dilation: int = 1, ceil_mode: bool = False
) -> PoolTrace:
    """Trace `ops1d.max_pool1d` on a single sequence, as a one-row PoolTrace."""
    return _pool_trace_1d("max", x, k, stride, padding, dilation, ceil_mode)


def avg_pool1d_trace(
    x: npt.ArrayLike, k: int, *, stride: int | None = None, padding: int = 0, ceil_mode: bool = False
) -> PoolTrace:
    """Trace `ops1d.avg_pool1d` on a single sequence, as a one-row PoolTrace."""
    return _pool_trace_1d("avg", x, k, stride, padding, 1, ceil_mode)
