"""The named kernel library the match-kernel levels draw from.

Each kernel is applied by cross-correlation (conv2d), as everywhere in the engine, so the sign
conventions below are the ones a student sees on the board: sobel_x is positive where brightness
increases to the right, sobel_y where it increases downwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class Kernel:
    """A named kernel. `weights` is what is applied (read-only); it is an int array unless the
    kernel averages, in which case `weights` = `numerators` / `divisor` (e.g. 1/16 for gaussian),
    so the board can show the small whole numbers and the fraction in front."""

    name: str
    title: str
    weights: np.ndarray
    detects: str
    divisor: int = 1
    numerators: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        numerators = np.array(self.weights)  # a private copy: freezing must not touch the caller's array
        weights = numerators if self.divisor == 1 else numerators / self.divisor
        for array in (numerators, weights):
            array.setflags(write=False)
        object.__setattr__(self, "numerators", numerators)
        object.__setattr__(self, "weights", weights)


def _kernel(name: str, title: str, rows: list[list[int]], detects: str, divisor: int = 1) -> Kernel:
    return Kernel(name, title, np.array(rows, dtype=np.int64), detects, divisor)


_LIBRARY = [
    _kernel(
        "identity",
        "Identity",
        [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
        "Copies each pixel unchanged: the centre weight is 1 and every other weight is 0.",
    ),
    _kernel(
        "box_blur",
        "Box blur",
        [[1, 1, 1], [1, 1, 1], [1, 1, 1]],
        "Blurs by replacing each pixel with the plain average of its 3×3 neighbourhood.",
        divisor=9,
    ),
    _kernel(
        "gaussian",
        "Gaussian blur",
        [[1, 2, 1], [2, 4, 2], [1, 2, 1]],
        "Blurs softly, weighting near neighbours more than the corners, so edges smear less.",
        divisor=16,
    ),
    _kernel(
        "sharpen",
        "Sharpen",
        [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
        "Sharpens: boosts each pixel against its four neighbours, so edges stand out more.",
    ),
    _kernel(
        "sobel_x",
        "Sobel x",
        [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
        "Detects vertical edges: positive where brightness rises left to right, negative where it falls.",
    ),
    _kernel(
        "sobel_y",
        "Sobel y",
        [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
        "Detects horizontal edges: positive where brightness rises top to bottom, negative where it falls.",
    ),
    _kernel(
        "laplacian",
        "Laplacian (edge)",
        [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
        "Detects edges in every direction: zero on flat areas, large wherever brightness changes.",
    ),
    _kernel(
        "emboss",
        "Emboss",
        [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
        "Embosses: edges facing the bottom-right light up and those facing the top-left go dark.",
    ),
    _kernel(
        "horizontal_line",
        "Horizontal line",
        [[-1, -1, -1], [2, 2, 2], [-1, -1, -1]],
        "Detects thin horizontal lines: a bright row between darker rows above and below.",
    ),
    _kernel(
        "vertical_line",
        "Vertical line",
        [[-1, 2, -1], [-1, 2, -1], [-1, 2, -1]],
        "Detects thin vertical lines: a bright column between darker columns left and right.",
    ),
]

KERNELS: dict[str, Kernel] = {kernel.name: kernel for kernel in _LIBRARY}
