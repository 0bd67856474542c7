"""match-kernel's "why convolution wins" variants.

translation — a feature moves; where does the feature map's peak go? Answer one output cell
              'row,col'. The same weights are used everywhere, so the peak moves with the feature.
locality    — one input pixel changes; which output cells change? Answer a set of output cells
              (a rectangle 'r0..r1, c0..c1' or cells 'r,c; r,c'). Only windows covering it do.
Both are answered from the engine: the peak is the argmax of conv2d's output, and the changed cells
are where conv2d of the changed image differs from conv2d of the original.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from convquest.engine.kernels import KERNELS
from convquest.engine.ops import conv2d, max_pool2d
from convquest.engine.problems.answers import Cell, format_cells, parse_cell, parse_cells, range_off_by_one
from convquest.engine.problems.base import Fields, Verdict, article, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught

KIND = "match-kernel"
VARIANTS = ("translation", "locality", "pooled-translation")
# A feature and the library kernel that finds it, peaking in exactly one output cell.
FEATURES = {
    "dot": (((9,),), "sharpen"),
    "vertical bar": (((9,), (9,), (9,)), "vertical_line"),
    "horizontal bar": (((9, 9, 9),), "horizontal_line"),
}


def _cell(cell: Cell) -> str:
    return f"({cell[0]},{cell[1]})"


def _argmax_cell(out: np.ndarray) -> Cell:
    row, col = np.unravel_index(out.argmax(), out.shape)
    return int(row), int(col)


def _moves(shift: Cell) -> str:
    dr, dc = shift
    rows = f"{abs(dr)} row{'s' if abs(dr) != 1 else ''} {'down' if dr > 0 else 'up'}" if dr else ""
    cols = f"{abs(dc)} column{'s' if abs(dc) != 1 else ''} {'right' if dc > 0 else 'left'}" if dc else ""
    return " and ".join(part for part in (rows, cols) if part)


@dataclass(frozen=True)
class Translation:
    n: int
    feature: str
    at: Cell  # the feature's top-left cell in the first image
    shift: Cell  # (rows down, columns right); negative for up / left

    kind = KIND
    topic = f"{KIND}/translation"

    @property
    def kernel(self) -> np.ndarray:
        return KERNELS[FEATURES[self.feature][1]].weights

    def image(self, moved: bool) -> np.ndarray:
        pattern = np.array(FEATURES[self.feature][0])
        top, left = (self.at[0] + self.shift[0], self.at[1] + self.shift[1]) if moved else self.at
        pixels = np.zeros((self.n, self.n), dtype=np.int64)
        pixels[top : top + pattern.shape[0], left : left + pattern.shape[1]] = pattern
        return pixels

    def output(self, moved: bool) -> np.ndarray:
        return conv2d(self.image(moved), self.kernel)

    @cached_property
    def peaks(self) -> tuple[Cell, Cell]:
        """The output's single brightest cell, before and after the move."""
        found: list[Cell] = []
        for moved in (False, True):
            out = self.output(moved)
            top = out.max()
            if (out == top).sum() != 1:
                raise ValueError(f"the {self.feature} at {self.at} gives no single peak; move it off the border")
            found.append(_argmax_cell(out))
        return found[0], found[1]

    @property
    def answer(self) -> Cell:
        return self.peaks[1]

    def _centre(self, moved: bool) -> Cell:
        pattern = np.array(FEATURES[self.feature][0])
        top, left = (self.at[0] + self.shift[0], self.at[1] + self.shift[1]) if moved else self.at
        return top + pattern.shape[0] // 2, left + pattern.shape[1] // 2

    def prompt(self) -> str:
        title = KERNELS[FEATURES[self.feature][1]].title
        return (
            f"{article(self.feature, True)} {self.feature} centred on input cell {_cell(self._centre(False))} of {article(self.n)} {self.n}×{self.n} image "
            f"makes the {title} kernel's output peak at {_cell(self.peaks[0])}. The image moves "
            f"{_moves(self.shift)}. Where is the peak now?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("peak cell",)

    def parse_answer(self, text: str, part: int = 0) -> Cell:
        check_part(part, 1)
        return parse_cell(text)

    def _working(self) -> str:
        (r0, c0), (r1, c1) = self.peaks
        dr, dc = self.shift
        return (
            f"The same weights slide over every position, so moving the input moves the output the same way.\n"
            f"peak before {_cell((r0, c0))}, shift ({dr:+d}, {dc:+d}) → peak after {_cell((r1, c1))}"
        )

    def check(self, answer: Cell, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        answer = (answer[0], answer[1])
        explanation = self._working()
        if answer == self.answer:
            return Verdict(True, explanation)
        before, after = self.peaks
        opposite = (before[0] - self.shift[0], before[1] - self.shift[1])
        slips = [
            (
                "did_not_move",
                before,
                "The feature moved, so the peak moves with it: the kernel finds it wherever it is.",
            ),
            (
                "moved_opposite",
                opposite,
                f"Wrong way round: the image moved {_moves(self.shift)}, and the peak moves the same way.",
            ),
            (
                "input_coordinates",
                self._centre(True),
                "That is the feature's cell in the input; without padding the output is smaller and its cell "
                "(r, c) sits over input cell (r + 1, c + 1).",
            ),
            ("swapped_row_col", after[::-1], "Row first, then column."),
        ]
        for key, wrong, sentence in slips:
            if answer == wrong and wrong != after:
                return Verdict(False, explanation, sentence, key)
        return Verdict(False, explanation)

    def solution(self) -> str:
        return f"{self._working()}\nThe peak is at {_cell(self.answer)}."

    def hint(self) -> str:
        return "The kernel is the same at every position: where the feature goes, its response follows."

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 1)
        (r0, c0), _ = self.peaks
        dr, dc = self.shift
        return Rungs(
            self.hint(),
            f"peak after = peak before + the image's move\n  = {_cell((r0, c0))} + ({dr:+d}, {dc:+d})",
            (f"peak before: {_cell((r0, c0))}", f"the image moves {_moves(self.shift)}: ({dr:+d}, {dc:+d})"),
            self.solution(),
        )

    def params(self) -> dict[str, Any]:
        return {
            "variant": "translation",
            "n": self.n,
            "feature": self.feature,
            "at": list(self.at),
            "shift": list(self.shift),
        }


@dataclass(frozen=True)
class PooledTranslation(Translation):
    """The same move seen through a 2×2 max pool (stride 2) after the kernel: a shift that stays inside
    one pooling block leaves the output as it was (invariance); across a block edge the peak moves."""

    topic = f"{KIND}/pooled-translation"
    # Boards that know translation (image, its map, the moved image, a cell to pick) play this one
    # as it is: only the map differs, and they read it from output().
    variant = "translation"

    def output(self, moved: bool) -> np.ndarray:
        return max_pool2d(conv2d(self.image(moved), self.kernel), 2)

    def prompt(self) -> str:
        title = KERNELS[FEATURES[self.feature][1]].title
        return (
            f"{article(self.feature, True)} {self.feature} centred on input cell {_cell(self._centre(False))} of "
            f"{article(self.n)} {self.n}×{self.n} image goes through the {title} kernel, then a 2×2 max pool "
            f"(stride 2); the pooled output peaks at {_cell(self.peaks[0])}. The image moves {_moves(self.shift)}. "
            "Where is the pooled peak now? Answer row,col."
        )

    def _kernel_peaks(self) -> tuple[Cell, Cell]:
        """Where the kernel's own map peaks before and after the move, before any pooling."""
        before, after = (conv2d(self.image(moved), self.kernel) for moved in (False, True))
        return _argmax_cell(before), _argmax_cell(after)

    def _working(self) -> str:
        conv_before, conv_after = self._kernel_peaks()
        (r0, c0), (r1, c1) = self.peaks
        return (
            "The kernel's peak moves with the feature; the pool then keeps each 2×2 block's largest value, "
            "so the pooled peak is the block holding the kernel's peak: (⌊row/2⌋, ⌊col/2⌋).\n"
            f"kernel's peak {_cell(conv_before)} → {_cell(conv_after)}; pooled peak {_cell((r0, c0))} → {_cell((r1, c1))}"
        )

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 1)
        conv_before, conv_after = self._kernel_peaks()
        dr, dc = self.shift
        return Rungs(
            self.hint(),
            "pooled peak = the 2×2 block holding the kernel's peak after the move: (⌊row/2⌋, ⌊col/2⌋)\n"
            f"  kernel's peak after = kernel's peak before + ({dr:+d}, {dc:+d})",
            # The last step halves the kernel's peak: a step whose cell happens to be the answer is left out.
            tuple(
                f"kernel's peak {when}: {_cell(peak)}"
                for when, peak in (("before", conv_before), ("after", conv_after))
                if peak != self.answer
            ),
            self.solution(),
        )

    def check(self, answer: Cell, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        answer = (int(answer[0]), int(answer[1]))
        explanation = self._working()
        before, after = self.peaks
        if answer == after:
            return Verdict(True, explanation)
        unpooled = (before[0] + self.shift[0], before[1] + self.shift[1])
        slips = [
            (
                "did_not_move",
                before,
                "The move carried the kernel's peak into another 2×2 block, so the pooled peak moves too.",
            ),
            (
                "moved_when_invariant",
                unpooled if after == before else None,
                "You moved the pooled peak as far as the image moved, but a max pool only keeps the largest value of "
                "each 2×2 block: ask whether the kernel's peak left its block.",
            ),
            (
                "shift_not_pooled",
                unpooled,
                "The pool halves the coordinates: a move of the input moves the pooled peak by about half as many cells.",
            ),
            ("swapped_row_col", after[::-1], "Row first, then column."),
        ]
        for key, wrong, sentence in slips:
            if answer == wrong and wrong != after:
                return Verdict(False, explanation, sentence, key)
        return Verdict(False, explanation)

    def solution(self) -> str:
        return f"{self._working()}\nThe pooled peak is at {_cell(self.answer)}."

    def hint(self) -> str:
        return "Find the block of 2×2 kernel outputs that holds the kernel's peak after the move."

    def params(self) -> dict[str, Any]:
        return {**super().params(), "variant": "pooled-translation"}


@dataclass(frozen=True)
class Locality:
    n: int
    k: int
    stride: int
    pixel: Cell

    kind = KIND
    topic = f"{KIND}/locality"

    @cached_property
    def answer(self) -> frozenset[Cell]:
        """Output cells whose value changes when the pixel does (a box kernel: every weight counts)."""
        changed = np.zeros((self.n, self.n), dtype=np.int64)
        changed[self.pixel] = 1
        diff = conv2d(changed, np.ones((self.k, self.k), dtype=np.int64), stride=self.stride)
        return frozenset((int(r), int(c)) for r, c in zip(*np.nonzero(diff)))

    @cached_property
    def out_side(self) -> int:
        return int(conv2d(np.zeros((self.n, self.n)), np.ones((self.k, self.k)), stride=self.stride).shape[0])

    def prompt(self) -> str:
        stride = f", stride {self.stride}" if self.stride > 1 else ""
        return (
            f"{article(self.k, True)} {self.k}×{self.k} convolution (no padding{stride}) runs over {article(self.n)} {self.n}×{self.n} image, giving {article(self.out_side)} "
            f"{self.out_side}×{self.out_side} output. Input pixel {_cell(self.pixel)} changes. Which output "
            "cells change?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("output cells",)

    def parse_answer(self, text: str, part: int = 0) -> frozenset[Cell]:
        check_part(part, 1)
        return parse_cells(text)

    def _axis(self, index: int, name: str = "i") -> str:
        first = max(0, -(-(index - self.k + 1) // self.stride))
        last = min(self.out_side - 1, index // self.stride)
        s = self.stride
        return f"{s}·{name} ≤ {index} ≤ {s}·{name} + {self.k - 1} → {name} from {first} to {last}"

    def _working(self) -> str:
        r, c = self.pixel
        return (
            f"Output cell (i, j) reads input rows {self.stride}·i … {self.stride}·i + {self.k - 1} (columns alike).\n"
            f"rows: {self._axis(r)}\ncolumns: {self._axis(c, 'j')}\n"
            f"Only those {len(self.answer)} windows cover the pixel; every other output cell ignores it (locality)."
        )

    def check(self, answer: frozenset[Cell], part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        answer = frozenset((cell[0], cell[1]) for cell in answer)
        explanation = self._working()
        right = self.answer
        if answer == right:
            return Verdict(True, explanation)
        half = self.k // 2
        r, c = self.pixel
        centred = frozenset(
            (r + a, c + b)
            for a in range(-half, half + 1)
            for b in range(-half, half + 1)
            if 0 <= r + a < self.out_side and 0 <= c + b < self.out_side
        )
        every = frozenset((i, j) for i in range(self.out_side) for j in range(self.out_side))
        slips = [
            ("whole_output", every, "Not every output cell changes: each one only sees its own window."),
            (
                "centred_on_pixel",
                centred,
                f"Those windows are centred on the pixel in input coordinates; output cell (i, j) starts at input "
                f"({self.stride}·i, {self.stride}·j), so count the windows that cover {_cell(self.pixel)}.",
            ),
        ]
        for key, wrong, sentence in slips:
            if answer == wrong:
                return Verdict(False, explanation, sentence, key)
        if len(answer) == 1 and answer < right:
            return Verdict(False, explanation, "Every window that covers the pixel changes, not only one.", "one_cell")
        if range_off_by_one(answer, right):
            return Verdict(
                False,
                explanation,
                "One edge of your block is a cell off: both ends of a range count, so check the first and the "
                "last window that still covers the pixel.",
                "range_off_by_one",
            )
        return Verdict(
            False, explanation, f"{len(right - answer)} changed cell(s) missing, {len(answer - right)} extra."
        )

    def solution(self) -> str:
        return f"{self._working()}\nThe cells: {format_cells(self.answer)}."

    def hint(self) -> str:
        return "An output cell changes only if its window covers the pixel."

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 1)
        r, c = self.pixel
        s, last = self.stride, self.k - 1
        reads = "s·i … s·i + k − 1" if "stride" in taught or s > 1 else "i … i + k − 1"
        return Rungs(
            f"{self.hint()} Output cell (i, j) reads input rows {reads} and the same columns.",
            f"rows: {s}·i ≤ {r} ≤ {s}·i + {last}\n  columns: {s}·j ≤ {c} ≤ {s}·j + {last}",
            (f"rows: {self._axis(r)}",),
            self.solution(),
        )

    def params(self) -> dict[str, Any]:
        return {"variant": "locality", "n": self.n, "k": self.k, "stride": self.stride, "pixel": list(self.pixel)}


def from_params(fields: Fields, variant: str) -> Translation | Locality:
    n = fields.int("n", minimum=3)
    if n > 12:
        raise ValueError(f"n: {article(n)} {n}×{n} image is too big for the board; use at most 12.")
    if variant in ("translation", "pooled-translation"):
        feature = fields.choice("feature", tuple(FEATURES))
        kind = PooledTranslation if variant == "pooled-translation" else Translation
        problem = kind(n, feature, fields.int_or_pair("at", minimum=0), fields.int_or_pair("shift"))
        pattern = np.array(FEATURES[feature][0])
        for name, top_left in (
            ("at", problem.at),
            ("shift", (problem.at[0] + problem.shift[0], problem.at[1] + problem.shift[1])),
        ):
            if min(top_left) < 0 or top_left[0] + pattern.shape[0] > n or top_left[1] + pattern.shape[1] > n:
                raise ValueError(f"{name}: the {feature} must stay inside the {n}×{n} image.")
        if problem.shift == (0, 0):
            raise ValueError("shift: move the image by at least one cell.")
        try:
            _ = problem.peaks  # computing it is the check
        except ValueError as error:
            raise ValueError(f"at: {error}") from None
        return problem
    local = Locality(
        n, fields.int("k", 3, minimum=1), fields.int("stride", 1, minimum=1), fields.int_or_pair("pixel", minimum=0)
    )
    if local.k > n:
        raise ValueError(f"k: {article(local.k)} {local.k}×{local.k} kernel does not fit {article(n)} {n}×{n} image.")
    if max(local.pixel) >= n:
        raise ValueError(f"pixel: the image is {n}×{n}, so rows and columns go from 0 to {n - 1}.")
    _refuse_unseen(local)
    return local


def _last_seen(problem: Locality) -> int:
    """The last input row (or column) any window reads: with a stride the floor can leave cells unread."""
    return (problem.out_side - 1) * problem.stride + problem.k - 1


def _refuse_unseen(problem: Locality) -> None:
    # A pixel no window covers changes no output cell: the question would have the empty set as its answer.
    if not problem.answer:
        last = _last_seen(problem)
        raise ValueError(
            f"pixel: no window of the {problem.k}×{problem.k} convolution with stride {problem.stride} reads input "
            f"cell {_cell(problem.pixel)}; the windows stop at row and column {last}, so choose a pixel with row and "
            f"column at most {last}."
        )


def generate(rng: random.Random, variant: str, difficulty: int) -> Translation | Locality:
    n = rng.randint(*((7, 8), (8, 10), (10, 12))[difficulty - 1])
    if variant == "locality":
        k = 5 if difficulty == 3 and rng.random() < 0.5 else 3
        stride = 2 if difficulty == 3 or (difficulty == 2 and rng.random() < 0.5) else 1
        # Draw only pixels some window reads (a stride can leave the last rows unread).
        last = _last_seen(Locality(n, k, stride, (0, 0)))
        return Locality(n, k, stride, (rng.randint(0, last), rng.randint(0, last)))
    while True:
        feature = rng.choice(tuple(FEATURES) if difficulty > 1 else ("dot",))
        height, width = np.array(FEATURES[feature][0]).shape
        reach = (1, 2, 3)[difficulty - 1]
        shift = (rng.randint(-reach, reach), rng.randint(-reach, reach))
        # Keep the feature a cell clear of the border before and after the move, so the whole
        # pattern response (and its single peak) lies inside the valid output.
        rows = range(1 + max(0, -shift[0]), n - height - max(0, shift[0]))
        cols = range(1 + max(0, -shift[1]), n - width - max(0, shift[1]))
        if shift == (0, 0) or not rows or not cols:
            continue
        if variant == "translation":
            return Translation(n, feature, (rng.choice(rows), rng.choice(cols)), shift)
        pooled = PooledTranslation(n, feature, (rng.choice(rows), rng.choice(cols)), shift)
        try:
            _ = pooled.peaks  # a peak in a row the pool's floor drops has no single pooled peak
        except ValueError:
            continue
        return pooled
