"""Small built-in grayscale images (intensities 0–9, 10×10) for the boards.

Each is chosen so that some kernel in `kernels.KERNELS` does something visibly different to it:
straight edges for Sobel, thin stripes for the line detectors, a blob and a digit for blur and
sharpen, a diagonal for emboss. With "same" or "full" padding a 3×3 kernel keeps them on a
10×10 to 12×12 board.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDE = 10


@dataclass(frozen=True, eq=False)
class Image:
    """A named image; `pixels` is a read-only int array of intensities 0–9."""

    name: str
    title: str
    pixels: np.ndarray

    def __post_init__(self) -> None:
        pixels = np.array(self.pixels, dtype=np.int64)  # a private copy, frozen
        pixels.setflags(write=False)
        object.__setattr__(self, "pixels", pixels)


def _drawn(rows: list[str]) -> np.ndarray:
    """An image from rows of digits, one character per pixel ('.' for 0), so the picture shows here."""
    return np.array([[0 if ch == "." else int(ch) for ch in row] for row in rows], dtype=np.int64)


def _square() -> np.ndarray:
    pixels = np.zeros((SIDE, SIDE), dtype=np.int64)
    pixels[3:7, 3:7] = 9
    return pixels


def _plus() -> np.ndarray:
    pixels = np.zeros((SIDE, SIDE), dtype=np.int64)
    pixels[4:6, 1:9] = 9
    pixels[1:9, 4:6] = 9
    return pixels


def _diagonal_edge() -> np.ndarray:
    rows, cols = np.indices((SIDE, SIDE))
    return np.where(cols > rows, 9, 0).astype(np.int64)


def _vertical_stripe() -> np.ndarray:
    pixels = np.zeros((SIDE, SIDE), dtype=np.int64)
    pixels[:, 4] = 9
    return pixels


def _horizontal_stripe() -> np.ndarray:
    return _vertical_stripe().T.copy()


def _ramp() -> np.ndarray:
    # Brightness rising one step per column: Sobel x sees a constant slope, Sobel y nothing.
    return np.tile(np.arange(SIDE, dtype=np.int64), (SIDE, 1))


_BLOB = [
    "..........",
    "...3553...",
    "..599995..",
    ".59999995.",
    ".39999993.",
    ".39999993.",
    ".59999995.",
    "..599995..",
    "...3553...",
    "..........",
]

_SEVEN = [
    "..........",
    ".99999999.",
    ".......99.",
    "......99..",
    ".....99...",
    "....99....",
    "...99.....",
    "...99.....",
    "...99.....",
    "..........",
]

_LIBRARY = [
    Image("square", "Square", _square()),
    Image("plus", "Plus", _plus()),
    Image("diagonal_edge", "Diagonal edge", _diagonal_edge()),
    Image("vertical_stripe", "Vertical stripe", _vertical_stripe()),
    Image("horizontal_stripe", "Horizontal stripe", _horizontal_stripe()),
    Image("ramp", "Ramp", _ramp()),
    Image("blob", "Blob", _drawn(_BLOB)),
    Image("seven", "Digit 7", _drawn(_SEVEN)),
]

IMAGES: dict[str, Image] = {image.name: image for image in _LIBRARY}
