"""Step-by-step views of the ops, for the board to animate.

Each trace is computed independently of `ops` (explicit index arithmetic instead of strided tap
slices), and the tests prove both give the same numbers. Traces work on one channel: `x` is
(H, W), the kernel (kh, kw); they are meant for board-sized inputs, since they keep every step.

Coordinates: a convolution or pooling step names its input cells in the coordinates of the
original (unpadded) input, so a padding cell has row or column < 0 or >= the input's size, and is
flagged in `in_padding`. A transposed convolution paints onto an uncropped canvas; `crop` says
where the output sits on it. All arrays in a trace are read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convquest.engine.arithmetic import (
    conv_output_shape,
    conv_padding,
    pool_output_shape,
    transposed_output_shape,
)
from convquest.engine.checks import pair
from convquest.engine.ops import conv_operands, numeric

Cell = tuple[int, int]
Pair = tuple[int, int]


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array)  # a private copy, so freezing it cannot freeze the caller's array
    array.setflags(write=False)
    return array


def _window_axis(outputs: int, taps: int, stride: int, dilation: int, before: int) -> np.ndarray:
    """(outputs, taps): the original-input index each tap of each window reads along one axis."""
    return np.arange(outputs)[:, None] * stride + np.arange(taps)[None, :] * dilation - before


def _gather(x: np.ndarray, rows: np.ndarray, cols: np.ndarray, fill) -> tuple[np.ndarray, np.ndarray]:
    """Values (oh, ow, kh, kw) under every window, padding cells set to `fill`, and the padding mask."""
    height, width = x.shape
    row_out = (rows < 0) | (rows >= height)
    col_out = (cols < 0) | (cols >= width)
    in_padding = row_out[:, None, :, None] | col_out[None, :, None, :]
    values = x[np.clip(rows, 0, height - 1)[:, None, :, None], np.clip(cols, 0, width - 1)[None, :, None, :]]
    return np.where(in_padding, fill, values), in_padding


def _one_channel(x, w, bias, transposed: bool):
    x, w, bias, single = conv_operands(x, w, bias, transposed=transposed)
    if not single:
        raise ValueError(
            f"traces show one channel: x must be (H, W) and the kernel (kh, kw), but x has shape"
            f" {x.shape} and w {w.shape}"
        )
    return x[0], w[0, 0], (np.zeros((), x.dtype) if bias is None else bias[0])


@dataclass(frozen=True, eq=False)
class ConvStep:
    """One output cell of a convolution: the window, what it reads, and what it adds up.

    cell: (row, col) of the output cell.
    rows, cols: the input row of each kernel row and the input column of each kernel column,
        dilation apart; tap (a, b) reads input cell (rows[a], cols[b]).
    in_padding: (kh, kw), True where the tap reads a padding cell (value 0).
    values: (kh, kw) the input values under the taps; products: values × kernel.
    total: the sum of the products; result: total + bias, the output value.
    """

    cell: Cell
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    in_padding: np.ndarray
    values: np.ndarray
    products: np.ndarray
    total: int | float
    result: int | float

    def cells(self) -> list[Cell]:
        """The input cells of the taps in row-major order (padding cells included)."""
        return [(r, c) for r in self.rows for c in self.cols]


@dataclass(frozen=True, eq=False)
class ConvTrace:
    """A single-channel conv2d, step by step.

    padded: the input with its padding; pads: ((top, bottom), (left, right)) padding amounts, so
    input cell (r, c) is padded[r + top, c + left]. steps: one per output cell, row-major.
    output: the output array, assembled from the steps' results.
    """

    input: np.ndarray
    kernel: np.ndarray
    bias: int | float
    stride: Pair
    dilation: Pair
    pads: tuple[Pair, Pair]
    padded: np.ndarray
    steps: tuple[ConvStep, ...]
    output: np.ndarray

    def step(self, row: int, col: int) -> ConvStep:
        return self.steps[row * self.output.shape[1] + col]


def conv2d_trace(x, w, *, padding=0, stride=1, dilation=1, bias=None) -> ConvTrace:
    """Trace `ops.conv2d` on a single channel; takes the same arguments."""
    x, w, bias = _one_channel(x, w, bias, transposed=False)
    (sh, sw), (dh, dw) = pair(stride, "stride"), pair(dilation, "dilation")
    kh, kw = w.shape
    oh, ow = conv_output_shape(x.shape, w.shape, padding, (sh, sw), (dh, dw))
    pads = conv_padding(padding, w.shape, (sh, sw), (dh, dw))
    (top, _), (left, _) = pads
    rows, cols = _window_axis(oh, kh, sh, dh, top), _window_axis(ow, kw, sw, dw, left)
    values, in_padding = _gather(x, rows, cols, 0)
    products = values * w
    totals = products.sum(axis=(2, 3))
    results = totals + bias
    values, in_padding, products = _frozen(values), _frozen(in_padding), _frozen(products)
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
        for i, j in np.ndindex(oh, ow)
    )
    return ConvTrace(
        input=_frozen(x),
        kernel=_frozen(w),
        bias=bias.item(),
        stride=(sh, sw),
        dilation=(dh, dw),
        pads=pads,
        padded=_frozen(np.pad(x, pads)),
        steps=steps,
        output=_frozen(results),
    )


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
    value: int | float
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
    bias: int | float
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


def conv_transpose2d_trace(x, w, *, padding=0, stride=1, dilation=1, output_padding=0, bias=None) -> TransposedTrace:
    """Trace `ops.conv_transpose2d` on a single channel; takes the same arguments."""
    x, w, bias = _one_channel(x, w, bias, transposed=True)
    (sh, sw), (dh, dw) = pair(stride, "stride"), pair(dilation, "dilation")
    (ph, pw), (ah, aw) = pair(padding, "padding"), pair(output_padding, "output_padding")
    kh, kw = w.shape
    oh, ow = transposed_output_shape(x.shape, w.shape, (ph, pw), (sh, sw), (dh, dw), (ah, aw))
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
        stride=(sh, sw),
        dilation=(dh, dw),
        padding=(ph, pw),
        output_padding=(ah, aw),
        paints=tuple(paints),
        canvas=_frozen(canvas),
        crop=(ph, pw),
        output=_frozen(output),
        zero_inserted=_frozen(zero_inserted),
        equivalent_pads=equivalent_pads,
        equivalent_input=_frozen(_pad_or_crop(zero_inserted, equivalent_pads)),
        flipped_kernel=_frozen(w[::-1, ::-1]),
    )


@dataclass(frozen=True, eq=False)
class PoolStep:
    """One output cell of a pooling: the window and what it gives.

    cell: (row, col) of the output cell. rows, cols: the input rows/columns of the window.
    in_padding: (kh, kw), True for padding cells. values: (kh, kw) the input values, 0 at padding
    cells (for max pooling padding never wins; for average pooling it counts as 0).
    chosen: for max pooling, the input cell whose value won (the first, row-major, on a tie);
        None for average pooling.
    result: the maximum, or the sum of the window over kh·kw.
    """

    cell: Cell
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    in_padding: np.ndarray
    values: np.ndarray
    chosen: Cell | None
    result: int | float


@dataclass(frozen=True, eq=False)
class PoolTrace:
    """max_pool2d or avg_pool2d on a single channel, step by step (steps row-major)."""

    kind: str  # "max" or "avg"
    input: np.ndarray
    window: Pair
    stride: Pair
    padding: Pair
    steps: tuple[PoolStep, ...]
    output: np.ndarray

    def step(self, row: int, col: int) -> PoolStep:
        return self.steps[row * self.output.shape[1] + col]


def _pool_trace(kind: str, x, k, stride, padding) -> PoolTrace:
    x = numeric(x, "x")
    if x.ndim != 2:
        raise ValueError(f"traces show one channel: x must be (H, W), but it has shape {x.shape}")
    kh, kw = pair(k, "pooling window")
    sh, sw = (kh, kw) if stride is None else pair(stride, "stride")
    ph, pw = pair(padding, "padding")
    oh, ow = pool_output_shape(x.shape, (kh, kw), (sh, sw), (ph, pw))
    rows, cols = _window_axis(oh, kh, sh, 1, ph), _window_axis(ow, kw, sw, 1, pw)
    values, in_padding = _gather(x, rows, cols, 0)
    flat = values.reshape(oh, ow, kh * kw)
    if kind == "max":
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(np.int64).min
        candidates = np.where(in_padding.reshape(oh, ow, kh * kw), lowest, flat)
        winners = candidates.argmax(axis=2)  # argmax keeps the first of equal values
        results = np.take_along_axis(candidates, winners[..., None], axis=2)[..., 0]
    else:
        results = flat.sum(axis=2) / (kh * kw)
    values, in_padding = _frozen(values), _frozen(in_padding)
    steps = []
    for i, j in np.ndindex(oh, ow):
        chosen = None
        if kind == "max":
            a, b = divmod(int(winners[i, j]), kw)
            chosen = (int(rows[i, a]), int(cols[j, b]))
        steps.append(
            PoolStep(
                (i, j),
                tuple(int(r) for r in rows[i]),
                tuple(int(c) for c in cols[j]),
                in_padding[i, j],
                values[i, j],
                chosen,
                results[i, j].item(),
            )
        )
    return PoolTrace(kind, _frozen(x), (kh, kw), (sh, sw), (ph, pw), tuple(steps), _frozen(results))


def max_pool2d_trace(x, k, *, stride=None, padding=0) -> PoolTrace:
    """Trace `ops.max_pool2d` on a single channel; takes the same arguments."""
    return _pool_trace("max", x, k, stride, padding)


def avg_pool2d_trace(x, k, *, stride=None, padding=0) -> PoolTrace:
    """Trace `ops.avg_pool2d` on a single channel; takes the same arguments."""
    return _pool_trace("avg", x, k, stride, padding)
