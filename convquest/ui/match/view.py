"""MatchView: what the match-kernel panel draws, read off the engine's problem.

The one place that knows the engine problems' attribute names (MatchKernel, Translation,
Locality in `convquest.engine.problems`); every array here is one the engine computed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from convquest.engine.kernels import KERNELS, Kernel
from convquest.engine.problems.base import Problem
from convquest.engine.problems.match_kernel import BLURS, EDGES, MatchKernel
from convquest.engine.problems.why_conv import FEATURES, Locality, Translation
from convquest.ui.match.shading import Scale, scale_for

Cell = tuple[int, int]
# palette, edit and two-step are MatchKernel; translation (pooled too) Translation; locality Locality.
MatchProblem = MatchKernel | Translation | Locality


class MatchView:
    def __init__(self, problem: Problem) -> None:
        if not isinstance(problem, (MatchKernel, Translation, Locality)):
            raise TypeError(f"MatchView draws match-kernel problems, not {problem.topic}")
        self.problem: MatchProblem = problem
        self.variant: str = getattr(problem, "variant", None) or problem.topic.partition("/")[2]

    # Each variant's pictures come from its own problem class: these say which one is read.
    @property
    def _kernel_problem(self) -> MatchKernel:
        assert isinstance(self.problem, MatchKernel), f"{self.variant} has no target or palette"
        return self.problem

    @property
    def _translation(self) -> Translation:
        assert isinstance(self.problem, Translation), f"{self.variant} has no moved image"
        return self.problem

    @property
    def _locality(self) -> Locality:
        assert isinstance(self.problem, Locality), f"{self.variant} has no changing pixel"
        return self.problem

    # -- pictures ----------------------------------------------------------------------------

    @property
    def image(self) -> np.ndarray:
        problem = self.problem
        if isinstance(problem, Translation):
            return problem.image(False)
        if isinstance(problem, Locality):
            # The locality problem is about positions, not an image: draw the changing pixel lit.
            picture = np.zeros((problem.n, problem.n), dtype=np.int64)
            picture[self.changed_pixel] = 9
            return picture
        return np.asarray(problem.image)

    @property
    def image_scale(self) -> Scale:
        return scale_for(self.image, self.shifted if self.variant == "translation" else None)

    @property
    def target(self) -> np.ndarray | None:
        if isinstance(self.problem, MatchKernel):
            return np.asarray(self.problem.target)
        return None

    @property
    def feature_map(self) -> np.ndarray:
        """translation: the kernel's output on the unshifted image (its peak is given)."""
        return self._translation.output(False)

    @property
    def shifted(self) -> np.ndarray:
        return self._translation.image(True)

    @property
    def shifted_map(self) -> np.ndarray:
        return self._translation.output(True)

    @property
    def changed_pixel(self) -> Cell:
        row, col = self._locality.pixel
        return row, col

    @property
    def changed_cells(self) -> frozenset[Cell]:
        return frozenset(self._locality.answer)

    @property
    def output_shape(self) -> tuple[int, int]:
        problem = self.problem
        if isinstance(problem, Translation):
            rows, cols = self.feature_map.shape
        elif isinstance(problem, Locality):
            rows = cols = problem.out_side
        else:
            rows, cols = problem.target.shape
        return rows, cols

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
        names: Sequence[str] = self._kernel_problem.palette if self.variant == "palette" else BLURS + EDGES
        return [KERNELS[name] for name in names]

    @property
    def starting_points(self) -> list[Kernel]:
        """Library kernels the weight editor can load to start from (whole-number weights only,
        as the editor and the engine's weights answer take)."""
        return [k for k in KERNELS.values() if getattr(k, "divisor", 1) == 1]

    @property
    def start_weights(self) -> np.ndarray:
        return np.zeros((3, 3), dtype=np.int64)

    @property
    def feature_kernel(self) -> str | None:
        """translation (pooled too): the library kernel that finds the feature; None elsewhere."""
        if isinstance(self.problem, Translation):
            return FEATURES[self.problem.feature][1]
        return None

    def kernel_title(self, name: str) -> str:
        return KERNELS[name].title

    def output_of(self, names: Sequence[str]) -> np.ndarray:
        return np.asarray(self._kernel_problem.apply(tuple(names)))

    def output_for_weights(self, weights: np.ndarray) -> np.ndarray:
        return np.asarray(self._kernel_problem.apply(np.asarray(weights)))

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
