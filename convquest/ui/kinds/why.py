"""The board after an answer to a one-layer size question: why the output is that size.

Drawn from the engine's traces, never from a formula of our own: the last window the engine's
convolution (or pooling) places, over the padded input; for a transposed convolution, the
zero-inserted, padded input of its equivalent convolution. Characters: '■' input cell, '·'
padding, '◆' a tap of the window (or '◇' a tap on padding), '∘' an inserted zero.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from convquest.engine.traces import ConvStep, PoolStep

Pair = tuple[int, int]

MAX_SIDE = 13  # cells across before the picture no longer fits the board column

# Variants whose params give the whole layer. The solve-for variants leave out the very value
# asked for (p or s), so a picture drawn with a default in its place would mislead.
DRAWN = frozenset({"conv", "padding", "stride", "dilation", "transposed", "pool", "non-square"})


def param_pair(value: Any) -> tuple[int, int] | None:
    """A level param given as one int or an (h, w) pair, as (h, w); None for anything else (a
    bool, a missing value, a list of layers). The size panel reads its params the same way."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, value
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    return None


def _grid(rows: int, cols: int, glyph: Callable[[int, int], str]) -> list[str]:
    return [" ".join(glyph(r, c) for c in range(cols)) for r in range(rows)]


def why_lines(params: dict[str, Any]) -> list[str]:
    """Lines for the board, or [] for problems with no one-layer picture (networks, counts,
    solve-for-a-parameter) or a picture too big for the board."""
    variant = params.get("variant")
    size, kernel = param_pair(params.get("i")), param_pair(params.get("k"))
    if variant not in DRAWN or size is None or kernel is None:
        return []
    stride = param_pair(params.get("s", 1)) or (1, 1)
    dilation = param_pair(params.get("d", 1)) or (1, 1)
    try:
        if variant == "transposed":
            return _transposed(size, kernel, params, stride, dilation)
        if variant == "pool":
            return _pool(size, kernel, params)
        return _conv(size, kernel, params, stride, dilation)
    except ValueError:
        # A layer the engine refuses has no picture; its explanation already says why.
        return []


def _conv(size: Pair, kernel: Pair, params: dict[str, Any], stride: Pair, dilation: Pair) -> list[str]:
    import numpy as np

    from convquest.engine.traces import conv2d_trace

    padding = params.get("padding", params.get("p", 0))
    if isinstance(padding, list):
        padding = tuple(padding)
    trace = conv2d_trace(np.zeros(size), np.ones(kernel), padding=padding, stride=stride, dilation=dilation)
    return _window_picture(size, trace.pads, trace.steps[-1], "window")


def _pool(size: Pair, kernel: Pair, params: dict[str, Any]) -> list[str]:
    import numpy as np

    from convquest.engine.traces import max_pool2d_trace

    p = param_pair(params.get("p", 0)) or (0, 0)
    stride = param_pair(params["s"]) if "s" in params else None
    trace = max_pool2d_trace(np.zeros(size), kernel, stride=stride, padding=p)
    return _window_picture(size, ((p[0], p[0]), (p[1], p[1])), trace.steps[-1], "pooling window")


def _window_picture(size: Pair, pads: tuple[Pair, Pair], last: ConvStep | PoolStep, name: str) -> list[str]:
    (top, bottom), (left, right) = pads
    rows, cols = size[0] + top + bottom, size[1] + left + right
    if max(rows, cols) > MAX_SIDE:
        return []
    taps = {(r + top, c + left) for r in last.rows for c in last.cols}

    def glyph(r: int, c: int) -> str:
        inside = top <= r < top + size[0] and left <= c < left + size[1]
        if (r, c) in taps:
            return "◆" if inside else "◇"
        return "■" if inside else "·"

    row, col = last.cell
    return [f"why: the last {name}", f"that fits: output ({row}, {col})"] + _grid(rows, cols, glyph)


def _transposed(size: Pair, kernel: Pair, params: dict[str, Any], stride: Pair, dilation: Pair) -> list[str]:
    import numpy as np

    from convquest.engine.traces import conv_transpose2d_trace

    trace = conv_transpose2d_trace(
        np.ones(size),
        np.ones(kernel),
        padding=param_pair(params.get("p", 0)) or 0,
        stride=stride,
        dilation=dilation,
        output_padding=param_pair(params.get("a", 0)) or 0,
    )
    inserted = trace.zero_inserted
    (top, bottom), (left, right) = trace.equivalent_pads
    if min(top, bottom, left, right) < 0:
        return []  # the equivalent convolution crops instead of padding: no ring to draw
    rows, cols = inserted.shape[0] + top + bottom, inserted.shape[1] + left + right
    if max(rows, cols) > MAX_SIDE:
        return []

    def glyph(r: int, c: int) -> str:
        rr, cc = r - top, c - left
        if not (0 <= rr < inserted.shape[0] and 0 <= cc < inserted.shape[1]):
            return "·"
        return "■" if inserted[rr, cc] else "∘"

    out = trace.output.shape
    return [
        "why: as a plain convolution",
        "zeros inserted ∘, padded ·",
        f"a {kernel[0]}×{kernel[1]} window gives {out[0]}×{out[1]}",
    ] + _grid(rows, cols, glyph)
