"""MatchView: what the match-kernel panel draws, read off the engine's problem.

The one place that knows the engine problems' attribute names (MatchKernel, Translation,
Locality in `convquest.engine.problems`); every array here is one the engine computed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from convquest.engine.kernels import KERNELS, Kernel
from convquest.engine.problems.match_kernel import BLURS, EDGES
from convquest.ui.match.shading import Scale, scale_for

Cell = tuple[int, int]


class MatchView:
    def __init__(self, problem: Any) -> None:
        self.problem = problem
        self.variant: str = getattr(problem, "variant", None) or problem.topic.partition("/")[2]

    # -- pictures ----------------------------------------------------------------------------

    @property
    def image(self) -> np.ndarray:
        if self.variant == "translation":
            return self.problem.image(False)
        if self.variant == "locality":
            # The locality problem is about positions, not an image: draw the changing pixel lit.
            picture = np.zeros((self.problem.n, self.problem.n), dtype=np.int64)
            picture[self.changed_pixel] = 9
            return picture
        return np.asarray(self.problem.image)

    @property
    def image_scale(self) -> Scale:
        return scale_for(self.image, self.shifted if self.variant == "translation" else None)

    @property
    def target(self) -> np.ndarray | None:
        if self.variant in ("palette", "edit", "two-step"):
            return np.asarray(self.problem.target)
        return None

    @property
    def feature_map(self) -> np.ndarray:
        """translation: the kernel's output on the unshifted image (its peak is given)."""
        return self.problem.output(False)

    @property
    def shifted(self) -> np.ndarray:
        return self.problem.image(True)

    @property
    def shifted_map(self) -> np.ndarray:
        return self.problem.output(True)

    @property
    def changed_pixel(self) -> Cell:
        return tuple(self.problem.pixel)

    @property
    def changed_cells(self) -> frozenset[Cell]:
        return frozenset(self.problem.answer)

    @property
    def output_shape(self) -> tuple[int, int]:
        if self.variant == "translation":
            return self.feature_map.shape
        if self.variant == "locality":
            return (self.problem.out_side, self.problem.out_side)
        return self.problem.target.shape

    @property
    def blank_output(self) -> np.ndarray:
        """An empty output grid to answer on (a cursor, marks), sized as the engine's output."""
        return np.zeros(self.output_shape, dtype=np.int64)

    def map_scale(self, *outputs: np.ndarray | None) -> Scale | None:
        """One scale for the target and every output beside it, so equal values look equal and an
        output twice too strong looks it."""
        if self.variant == "translation":
            return scale_for(self.feature_map, self.shifted_map)
        if self.variant == "locality":
            return None
        return scale_for(self.target, *outputs)

    # -- kernels and outputs -----------------------------------------------------------------

    @property
    def palette(self) -> list[Kernel]:
        names: Sequence[str] = self.problem.palette if self.variant == "palette" else BLURS + EDGES
        return [KERNELS[name] for name in names]

    @property
    def starting_points(self) -> list[Kernel]:
        """Library kernels the weight editor can load to start from (whole-number weights only,
        as the editor and the engine's weights answer take)."""
        return [k for k in KERNELS.values() if getattr(k, "divisor", 1) == 1]

    @property
    def start_weights(self) -> np.ndarray:
        return np.zeros((3, 3), dtype=np.int64)

    def kernel_title(self, name: str) -> str:
        return KERNELS[name].title

    def output_of(self, names: Sequence[str]) -> np.ndarray:
        return np.asarray(self.problem.apply(tuple(names)))

    def output_for_weights(self, weights: np.ndarray) -> np.ndarray:
        return np.asarray(self.problem.apply(np.asarray(weights)))

    def differing(self, output: np.ndarray) -> frozenset[Cell]:
        """Cells where an output differs from the target (the engine's own tolerance for a match)."""
        target = self.target
        if target is None or output.shape != target.shape:
            return frozenset()
        rows, cols = np.nonzero(~np.isclose(output, target, atol=1e-9))
        return frozenset(zip(rows.tolist(), cols.tolist()))

    # -- answers in the engine's syntax ------------------------------------------------------

    @staticmethod
    def answer_text(names: Sequence[str]) -> str:
        return ", ".join(names)

    @staticmethod
    def cell_text(cell: Cell) -> str:
        return f"{cell[0]},{cell[1]}"

    @staticmethod
    def cells_text(cells: Collection[Cell]) -> str:
        return "; ".join(f"{r},{c}" for r, c in sorted(cells))
