"""The layer a size question is about, drawn in characters to fit the room the board has.

'■' an input cell, '·' padding, '◆' a kernel tap, '∘' the gap a dilation leaves. Cells are drawn a
space apart where that fits and one character each where it does not, input and kernel side by
side or one above the other: the first of those that fits the board's columns and rows is used,
so a 14×14 input fits an 80×24 screen and a 5×5 kernel is not pushed under a scroll bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from convquest.ui.kinds.why import param_pair

Glyph = Callable[[int, int], str]


def _grid(rows: int, cols: int, glyph: Glyph, gap: str) -> list[str]:
    return [gap.join(glyph(r, c) for c in range(cols)) for r in range(rows)]


def _beside(left: list[str], right: list[str]) -> list[str]:
    width = max(len(line) for line in left)
    rows = max(len(left), len(right))
    left = left + [""] * (rows - len(left))
    right = right + [""] * (rows - len(right))
    return [f"{a:<{width}}  {b}".rstrip() for a, b in zip(left, right)]


def _fits(lines: list[str], width: int, height: int) -> bool:
    return max((len(line) for line in lines), default=0) <= width and len(lines) <= height


def drawing(params: dict[str, Any], width: int, height: int) -> list[str]:
    """Lines for a single layer's input (with its padding ring) and kernel in `width` columns and,
    if it can be done, `height` rows; [] for a network or a parameter count (no one picture)."""
    if params.get("variant") in ("network", "conv-vs-dense") or "layers" in params:
        return []
    size = param_pair(params.get("i"))
    kernel = param_pair(params.get("k"))
    if size is None or kernel is None:
        return []
    # In a transposed convolution p crops the output rather than padding the input.
    ring = params.get("variant") != "transposed"
    pad = (param_pair(params.get("p", 0)) or (0, 0)) if ring else (0, 0)
    dil = param_pair(params.get("d", 1)) or (1, 1)
    rows, cols = size[0] + 2 * pad[0], size[1] + 2 * pad[1]
    span = ((kernel[0] - 1) * dil[0] + 1, (kernel[1] - 1) * dil[1] + 1)

    def cell(r: int, c: int) -> str:
        inside = pad[0] <= r < pad[0] + size[0] and pad[1] <= c < pad[1] + size[1]
        return "■" if inside else "·"

    def tap(r: int, c: int) -> str:
        return "◆" if r % dil[0] == 0 and c % dil[1] == 0 else "∘"

    input_title = "input" + (" + pad ·" if any(pad) else "")
    kernel_title = ("window" if params.get("variant") == "pool" else "kernel") + (
        " (∘ skipped)" if max(dil) > 1 else ""
    )
    layouts = []
    for gap in (" ", ""):
        image = [input_title, *_grid(rows, cols, cell, gap)]
        taps = [kernel_title, *_grid(span[0], span[1], tap, gap)]
        layouts += [_beside(image, taps), image + taps]
    fitting = [lines for lines in layouts if _fits(lines, width, height)]
    if fitting:
        return fitting[0]
    # Too many rows for any layout: the one that is narrow enough and shortest, scrolled.
    narrow = [lines for lines in layouts if _fits(lines, width, 10**6)]
    if narrow:
        return min(narrow, key=len)
    too_big = [f"(a {size[0]}×{size[1]} input is too big to draw in {width} columns)"]
    dense_taps = [kernel_title, *_grid(span[0], span[1], tap, "")]
    return too_big + (dense_taps if _fits(dense_taps, width, 10**6) else [])
