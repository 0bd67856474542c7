"""Padding modes, as `nn.Conv2d`'s `padding_mode`: what stands in each padding cell.

zeros puts 0 there; reflect mirrors the input about its edge cell (the edge is not repeated);
replicate repeats the edge cell; circular wraps around to the other side. Every mode but zeros
copies an input cell, so a padded axis is described by the input index each of its cells copies
(`pad_sources`); the ops and the traces both pad through it, so what the board says a padding
cell copies is what the op used.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

PaddingMode = Literal["zeros", "reflect", "replicate", "circular"]
PADDING_MODE_NAMES: tuple[str, ...] = ("zeros", "reflect", "replicate", "circular")

# The source index of a zeros padding cell: it copies nothing.
NO_SOURCE = -1


def checked_padding_mode(mode: object) -> PaddingMode:
    """`mode` if it is one of the four padding modes; refused otherwise."""
    if mode == "zeros":
        return "zeros"
    if mode == "reflect":
        return "reflect"
    if mode == "replicate":
        return "replicate"
    if mode == "circular":
        return "circular"
    names = ", ".join(repr(name) for name in PADDING_MODE_NAMES)
    raise ValueError(f"padding_mode must be one of {names}, but got {mode!r}")


def _where(axis: str | None) -> str:
    return "" if axis is None else f" ({axis})"


def pad_sources(size: int, before: int, after: int, mode: PaddingMode, axis: str | None = None) -> np.ndarray:
    """For each cell of an axis of `size` cells padded by `before` and `after`, the input index it
    holds (NO_SOURCE for a zeros padding cell). Refuses what PyTorch refuses: reflect padding of
    the input's size or more (nothing left to mirror), circular padding larger than the input."""
    positions = np.arange(-before, size + after)
    if mode == "zeros":
        return np.where((positions >= 0) & (positions < size), positions, NO_SOURCE)
    widest = max(before, after)
    if mode == "reflect":
        if widest >= size:
            raise ValueError(
                f"reflect padding{_where(axis)} {widest} must be smaller than the input side ({size}):"
                f" reflecting mirrors the cells next to the edge cell, and there are only {size - 1}"
            )
        mirrored = np.abs(positions)
        return np.where(mirrored >= size, 2 * (size - 1) - mirrored, mirrored)
    if mode == "replicate":
        return np.clip(positions, 0, size - 1)
    if widest > size:
        raise ValueError(
            f"circular padding{_where(axis)} {widest} must be no larger than the input side ({size}):"
            f" it wraps around to the other side once, and that side has only {size} cells"
        )
    return positions % size


def pad_input(
    x: np.ndarray, pads: tuple[tuple[int, int], tuple[int, int]], mode: PaddingMode, axes: tuple[str | None, str | None]
) -> np.ndarray:
    """`x` (C, H, W) padded by ((top, bottom), (left, right)) in `mode`."""
    if mode == "zeros":
        return np.pad(x, ((0, 0), *pads))
    (top, bottom), (left, right) = pads
    rows = pad_sources(x.shape[1], top, bottom, mode, axes[0])
    cols = pad_sources(x.shape[2], left, right, mode, axes[1])
    return x[:, rows[:, np.newaxis], cols[np.newaxis, :]]
