"""fill-cells: type each output cell of a small convolution, transposed convolution or pooling.

Every number comes from the engine's traces (the same ones the board animates), so the value the
player is checked against is the one the board shows being added up. Average pooling answers may
have one decimal (2.5); generated average-pooling problems are drawn so every mean is whole.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from convquest.engine import traces
from convquest.engine.problems.answers import parse_whole_number
from convquest.engine.problems.base import Fields, Verdict, article, blame, check_part, rows_to_lists
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught
from convquest.engine.problems.slips import nameable

KIND = "fill-cells"
VARIANTS = ("valid", "same", "full", "strided", "dilated", "transposed", "maxpool", "avgpool")
POOLS = {"maxpool": "max", "avgpool": "avg"}
MAX_INPUT = 9
MAX_CELLS = 36  # more cells than this stops being a game and becomes data entry
Grid = tuple[tuple[int, ...], ...]


def _num(value: float) -> str:
    """A value as the board writes it: whole numbers without a point, negatives in parentheses."""
    text = f"{value:g}" if isinstance(value, float) and not float(value).is_integer() else str(int(value))
    return f"({text.replace('-', '−')})" if value < 0 else text


def _signed(value: float) -> str:
    return _num(value).strip("()")


_ORDINALS = ("first", "second", "third", "fourth", "fifth")


def _place(row: int, col: int) -> str:
    """A kernel weight's place in words ("the weight in the first row, third column"): no digits,
    so no diagnosis shows a number that could be the cell's value."""
    return f"weight in the {_ORDINALS[row]} row, {_ORDINALS[col]} column"


_SIDES = {"row": ("top", "middle", "bottom"), "column": ("left", "middle", "right")}


def _line_name(index: int, count: int, axis: str) -> str:
    """A row or column of the window in words ("left column", "second row"): no digits."""
    if count == 2:
        return f"{_SIDES[axis][2 * index]} {axis}"
    if count == 3:
        return f"{_SIDES[axis][index]} {axis}"
    return f"{_ORDINALS[index]} {axis}"


@dataclass(frozen=True)
class FillCells:
    variant: str
    x: Grid
    w: Grid | None = None  # None for pooling
    k: int = 2  # the pooling window; for convolutions the kernel's side
    padding: int | str = 0  # a number, or "same" / "full" for the padding variants
    stride: int = 1
    dilation: int = 1
    output_padding: int = 0

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/{self.variant}"

    @cached_property
    def input(self) -> np.ndarray:
        return np.array(self.x, dtype=np.int64)

    @cached_property
    def kernel(self) -> np.ndarray | None:
        return None if self.w is None else np.array(self.w, dtype=np.int64)

    @property
    def weights(self) -> np.ndarray:
        """The kernel of a convolution variant (pooling has none)."""
        if self.kernel is None:
            raise ValueError(f"{self.variant} has no kernel")
        return self.kernel

    @property
    def _padding_amount(self) -> int:
        """The padding as a number: pools and transposed convolutions take no named padding."""
        if isinstance(self.padding, str):
            raise ValueError(f"{self.variant} takes its padding as a number of cells, not '{self.padding}'.")
        return self.padding

    @cached_property
    def trace(self) -> traces.ConvTrace | traces.TransposedTrace | traces.PoolTrace:
        """The engine's step-by-step view: ConvTrace, TransposedTrace or PoolTrace."""
        if self.variant in POOLS:
            make = traces.max_pool2d_trace if self.variant == "maxpool" else traces.avg_pool2d_trace
            return make(self.input, self.k, stride=self.stride, padding=self._padding_amount)
        if self.variant == "transposed":
            return traces.conv_transpose2d_trace(
                self.input,
                self.weights,
                padding=self._padding_amount,
                stride=self.stride,
                dilation=self.dilation,
                output_padding=self.output_padding,
            )
        return traces.conv2d_trace(
            self.input, self.weights, padding=self.padding, stride=self.stride, dilation=self.dilation
        )

    # The variant decides the trace's type; these say which one a variant's code reads.
    def _conv_step(self, r: int, c: int) -> traces.ConvStep:
        trace = self.trace
        assert isinstance(trace, traces.ConvTrace), f"{self.variant} is not a plain convolution"
        return trace.step(r, c)

    def _pool_step(self, r: int, c: int) -> traces.PoolStep:
        trace = self.trace
        assert isinstance(trace, traces.PoolTrace), f"{self.variant} is not a pooling"
        return trace.step(r, c)

    @property
    def _transposed(self) -> traces.TransposedTrace:
        trace = self.trace
        assert isinstance(trace, traces.TransposedTrace), f"{self.variant} is not a transposed convolution"
        return trace

    @property
    def expected(self) -> np.ndarray:
        return np.asarray(self.trace.output)

    def _cell(self, part: int) -> tuple[int, int]:
        rows, cols = self.expected.shape
        check_part(part, rows * cols)
        return part // cols, part % cols

    def prompt(self) -> str:
        if self.variant in POOLS:
            what = f"{self.k}×{self.k} {POOLS[self.variant]} pooling with stride {self.stride}"
            if self.padding:
                what += f" and padding {self.padding}"
        else:
            kh, kw = self.weights.shape
            name = "transposed convolution" if self.variant == "transposed" else "cross-correlation (no flip)"
            bits = [f"{kh}×{kw} {name}"]
            if self.padding:
                bits.append(f"'{self.padding}' padding" if isinstance(self.padding, str) else f"padding {self.padding}")
            if self.stride > 1:
                bits.append(f"stride {self.stride}")
            if self.dilation > 1:
                bits.append(f"dilation {self.dilation}")
            if self.output_padding:
                bits.append(f"output_padding {self.output_padding}")
            what = ", ".join(bits)
        rows, cols = self.expected.shape
        return f"Fill in the {rows}×{cols} output of {article(what)} {what}, one cell at a time."

    def parts(self) -> tuple[str, ...]:
        rows, cols = self.expected.shape
        return tuple(f"({r},{c})" for r in range(rows) for c in range(cols))

    def parse_answer(self, text: str, part: int = 0) -> int | float:
        self._cell(part)
        if self.variant == "avgpool":
            stripped = text.strip().replace(",", ".") if isinstance(text, str) else text
            try:
                value = float(stripped)
            except (TypeError, ValueError):
                raise ValueError("Type a number, like 3 or 2.5.") from None
            if not np.isfinite(value):
                raise ValueError("Type a number, like 3 or 2.5.")
            return value
        return parse_whole_number(text, "-3")

    def _is_right(self, answer: float, value: float) -> bool:
        if self.variant == "avgpool":  # answers to one decimal are accepted
            return abs(answer - value) < 0.05 + 1e-9
        return answer == value

    @cached_property
    def _per_cell(self) -> dict[int, tuple[str, list[tuple[str, float, str]]]]:
        # A level checks each cell several times (retries); its worked sum and likely slips do not change.
        return {}

    def _cell_notes(self, r: int, c: int) -> tuple[str, list[tuple[str, float, str]]]:
        part = r * self.expected.shape[1] + c
        if part not in self._per_cell:
            self._per_cell[part] = (self.working(r, c), self._mistakes(r, c))
        return self._per_cell[part]

    def check(self, answer: int | float, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        r, c = self._cell(part)
        value = self.expected[r, c].item()
        explanation, mistakes = self._cell_notes(r, c)
        if self._is_right(answer, value):
            return Verdict(True, explanation)
        for key, wrong, sentence in mistakes:
            if wrong != value and self._is_right(answer, wrong) and nameable(key, taught):
                return Verdict(False, explanation, sentence, key)
        return Verdict(False, explanation)

    def working(self, r: int, c: int) -> str:
        """How cell (r, c) is computed, with every number."""
        if self.variant in POOLS:
            pooled = self._pool_step(r, c)
            values = [_num(v) for v in pooled.values.ravel()]
            if self.variant == "maxpool":
                return f"cell ({r},{c}): max({', '.join(values)}) = {_signed(pooled.result)}"
            return f"cell ({r},{c}): ({' + '.join(values)}) / {pooled.values.size} = {_signed(pooled.result)}"
        if self.variant == "transposed":
            paints = self._contributions(r, c)
            if not paints:
                return f"cell ({r},{c}): no input cell paints here, so it stays 0"
            sums = " + ".join(f"{_num(v)}·{_num(w)}" for _, v, w in paints)
            sources = ", ".join(f"({i},{j})" for (i, j), _, _ in paints)
            return f"cell ({r},{c}) gets paint from input {sources}: {sums} = {_signed(self.expected[r, c].item())}"
        step = self._conv_step(r, c)
        terms = " + ".join(f"{_num(w)}·{_num(v)}" for w, v in zip(self.weights.ravel(), step.values.ravel()))
        pad = " (padding cells count as 0)" if step.in_padding.any() else ""
        return f"cell ({r},{c}): {terms} = {_signed(step.result)}{pad}"

    def _contributions(self, r: int, c: int) -> list[tuple[tuple[int, int], int | float, int]]:
        """(input cell, its value, kernel weight) of every paint that lands on output cell (r, c)."""
        top, left = self._transposed.crop
        found = []
        for paint in self._transposed.paints:
            for a, row in enumerate(paint.rows):
                for b, col in enumerate(paint.cols):
                    if (row, col) == (r + top, c + left):
                        found.append((paint.cell, paint.value, int(self.weights[a, b])))
        return found

    def _mistakes(self, r: int, c: int) -> list[tuple[str, float, str]]:
        # Words only: a diagnosis names the slip and where it is, never a number adding up to the cell.
        if self.variant in POOLS:
            values = self._pool_step(r, c).values
            if self.variant == "maxpool":
                return [
                    (
                        "averaged_instead_of_max",
                        values.mean().item(),
                        "Max pooling keeps the largest value in the window, not the average.",
                    ),
                    ("took_min", values.min().item(), "Max pooling keeps the largest value, not the smallest."),
                ]
            return [
                (
                    "forgot_to_divide",
                    values.sum().item(),
                    "You added the window up but did not divide by the number of cells in it.",
                ),
                (
                    "took_max_instead_of_mean",
                    values.max().item(),
                    "Average pooling takes the mean of the window, not its largest value.",
                ),
            ]
        if self.variant == "transposed":
            value = self.expected[r, c].item()
            return [
                (
                    "missed_overlap",
                    value - v * w,
                    "Overlapping patches add up: one more input cell's patch also paints this cell.",
                )
                for _, v, w in self._contributions(r, c)
                if v * w != 0
            ]
        step = self._conv_step(r, c)
        found: list[tuple[str, float, str]] = [
            (
                "flipped_kernel",
                int((step.values * self.weights[::-1, ::-1]).sum()),
                "You flipped the kernel (textbook convolution); here the kernel slides unflipped "
                "(cross-correlation, as in PyTorch): the top-left weight meets the top-left cell.",
            )
        ]
        cols = self.weights.shape[1]
        for n, product in enumerate(step.products.ravel()):
            if product:
                found.append(
                    (
                        "forgot_product",
                        step.result - int(product),
                        f"You left out a product: the {_place(*divmod(n, cols))} times the cell under it.",
                    )
                )
        for n, product in enumerate(step.products.ravel()):
            if product < 0:
                found.append(
                    (
                        "sign_error",
                        step.result - 2 * int(product),
                        f"Sign slip: the product of the {_place(*divmod(n, cols))} and its cell is negative, "
                        "since one of the two is negative.",
                    )
                )
        found += self._one_line_sums(step.products)
        # Last: a window moved one cell lands on an arbitrary sum, so a likelier slip giving it wins.
        unstrided = self._unstrided
        if self.stride > 1 and (r, c) != (0, 0) and r < unstrided.shape[0] and c < unstrided.shape[1]:
            found.append(
                (
                    "window_moved_by_one",
                    int(unstrided[r, c]),
                    "The window jumps by the stride: output cell (r, c) starts s·r rows down and s·c columns "
                    "across, not r rows and c columns.",
                )
            )
        # A named padding grows with the dilation, so the undilated window would start elsewhere.
        if self.dilation > 1 and isinstance(self.padding, int):
            found.append(
                (
                    "ignored_dilation",
                    int(self._undilated[r, c]),
                    "The kernel's taps sit d cells apart: each weight meets every d-th cell of the window, "
                    "skipping the cells between.",
                )
            )
        return found

    @staticmethod
    def _one_line_sums(products: np.ndarray) -> list[tuple[str, float, str]]:
        """One row or one column of the products added up, the rest left out (a 3×3 edge kernel
        invites it: its left column reads like the whole of it)."""
        rows, cols = products.shape
        if rows < 2 or cols < 2:  # one row of a 1×k kernel is the whole sum
            return []
        lines = [(_line_name(n, rows, "row"), products[n, :]) for n in range(rows)]
        lines += [(_line_name(n, cols, "column"), products[:, n]) for n in range(cols)]
        return [
            (
                "one_line_only",
                int(line.sum()),
                f"You added up only the products in the window's {name}: the cell is the sum of every "
                "product, in every row and column (a negative one subtracts).",
            )
            for name, line in lines
        ]

    @cached_property
    def _unstrided(self) -> np.ndarray:
        """The same layer with stride 1: where each cell would be if the window moved one cell at a time."""
        return traces.conv2d_trace(self.input, self.weights, padding=self.padding, dilation=self.dilation).output

    @cached_property
    def _undilated(self) -> np.ndarray:
        """The same layer with its taps side by side; each window starts where the dilated one does."""
        return traces.conv2d_trace(self.input, self.weights, padding=self.padding, stride=self.stride).output

    def _terms(self, r: int, c: int) -> list[tuple[float, float]]:
        """(weight or value, the other factor) of each product that makes cell (r, c)."""
        if self.variant == "transposed":
            return [(v, w) for _, v, w in self._contributions(r, c)]
        step = self._conv_step(r, c)
        return [(w.item(), v.item()) for w, v in zip(self.weights.ravel(), step.values.ravel())]

    def rungs(self, part: int, taught: Taught) -> Rungs:
        r, c = self._cell(part)
        if self.variant in POOLS:
            window = self._pool_step(r, c).values.ravel()
            values = [_num(v) for v in window]
            start = f"row {self.stride}·{r}, column {self.stride}·{c}" + (
                f", minus the padding {self.padding}" if self.padding else ""
            )
            if self.variant == "maxpool":
                nudge = "The window for cell (r, c) starts at row s·r, column s·c; keep its largest value."
                formula = f"cell ({r},{c}): window from {start}\n  max({', '.join(values)})"
                # Short of the last step: the two largest values, left for the player to compare, in the
                # window's reading order (largest first would put the answer in front).
                top = sorted(range(len(window)), key=lambda n: -window[n])[:2]
                largest = [window[n] for n in sorted(top)]
                steps: tuple[str, ...] = (f"cell ({r},{c}) = max({', '.join(_num(v) for v in largest)})",)
                return Rungs(
                    nudge, formula, steps if len(window) > 2 else (), self.working(r, c), steps_label="Down to"
                )
            nudge = "The window for cell (r, c) starts at row s·r, column s·c; add it up and divide by its cells."
            total = window.sum().item()
            formula = f"cell ({r},{c}): window from {start}\n  ({' + '.join(values)}) / {len(values)}"
            steps = (f"cell ({r},{c}) = {_signed(total)} / {len(values)}",)
            return Rungs(nudge, formula, steps, self.working(r, c), steps_label="The sum")
        terms = self._terms(r, c)
        if self.variant == "transposed":
            nudge = (
                "Find every input cell whose patch lands on this cell: input (i, j) paints the kernel, times its "
                "value, with its top-left corner at (s·i, s·j); add what lands here."
            )
            if "padding" in taught or self.padding:
                nudge += " Padding p crops p cells from each edge of the result."
        else:
            start = "s·r − p, s·c − p" if "stride" in taught or self.stride > 1 else "r, c"
            if start == "r, c" and ("padding" in taught or self.padding):
                start = "r − p, c − p"
            taps = " with its taps d cells apart" if self.dilation > 1 else ""
            nudge = (
                f"Lay the kernel{taps} on the window starting at input ({start}); multiply each weight by the cell "
                "under it (no flip) and add."
            )
        if not terms:
            return Rungs(nudge, f"cell ({r},{c}): no input cell's patch reaches it", (), self.working(r, c))
        # Rung 2 is the products, rung 3 their values (the zeros dropped), short of adding them up;
        # with one product that is not 0 there is nothing between the two: its value is the answer.
        products = " + ".join(f"{_num(a)}·{_num(b)}" for a, b in terms)
        kept = [a * b for a, b in terms if a * b]
        steps = (f"cell ({r},{c}) = {' + '.join(_num(v) for v in kept)}",) if len(kept) > 1 else ()
        return Rungs(
            nudge,
            f"cell ({r},{c}) = {products}",
            steps,
            self.working(r, c),
            formula_label="The products",
            steps_label="The sum",
        )

    def solution(self) -> str:
        rows, cols = self.expected.shape
        lines = [self.working(r, c) for r in range(rows) for c in range(cols)]
        lines.append("output:")
        lines += ["  " + " ".join(f"{_signed(v):>4}" for v in row) for row in self.expected.tolist()]
        return "\n".join(lines)

    def hint(self) -> str:
        return {
            "valid": "Lay the kernel on the window, multiply the cells it covers, and add (no flip).",
            "same": "Pad with zeros so the output keeps the input's size; padding cells add 0.",
            "full": "Pad d(k − 1) zeros on every side, so even a one-cell overlap counts.",
            "strided": "The window jumps by the stride: output (r, c) starts at input (s·r − p, s·c − p).",
            "dilated": "The kernel's taps sit d cells apart: skip the cells between them.",
            "transposed": "Each input cell paints value × kernel onto the output, s cells apart; overlaps add.",
            "maxpool": "Each output cell is the largest value in its window.",
            "avgpool": "Each output cell is the mean of its window: add up, divide by the window's cells.",
        }[self.variant]

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "variant": self.variant,
            "input": rows_to_lists(self.x),
            "padding": self.padding,
            "stride": self.stride,
        }
        if self.variant in POOLS:
            out["k"] = self.k
        else:
            out["kernel"] = rows_to_lists(self.w or ())
            out["dilation"] = self.dilation
        if self.variant == "transposed":
            out["output_padding"] = self.output_padding
        return out


def from_params(fields: Fields, variant: str) -> FillCells:
    x = fields.grid("input", low=-9, high=9, max_side=MAX_INPUT)
    # The same/full variants are about that padding mode, so it is their default too.
    raw_padding = fields.raw("padding", variant if variant in ("same", "full") else 0)
    padding: int | str
    if isinstance(raw_padding, str) and variant not in ("transposed",) + tuple(POOLS):
        padding = fields.choice("padding", ("valid", "same", "full"), raw_padding)
    else:
        padding = fields.int("padding", 0, minimum=0)
    if variant in POOLS:
        k = fields.int("k", 2, minimum=1)
        problem = FillCells(variant, x, None, k, padding, fields.int("stride", k, minimum=1))
    else:
        w = fields.grid("kernel", low=-9, high=9, max_side=5)
        problem = FillCells(
            variant,
            x,
            w,
            len(w),
            padding,
            fields.int("stride", 1, minimum=1),
            fields.int("dilation", 1, minimum=1),
            fields.int("output_padding", 0, minimum=0) if variant == "transposed" else 0,
        )
    try:
        cells = problem.expected.size
    except ValueError as error:
        names = {"i": "input", "p": "padding", "s": "stride", "d": "dilation", "a": "output_padding"}
        raise blame(error, "input", names | ({} if variant in POOLS else {"k": "kernel"})) from None
    if cells > MAX_CELLS:
        raise ValueError(f"input: the output has {cells} cells; at most {MAX_CELLS} fit a level.")
    return problem


def _grid(rng: random.Random, rows: int, cols: int, low: int, high: int) -> Grid:
    return tuple(tuple(rng.randint(low, high) for _ in range(cols)) for _ in range(rows))


# 3×3 kernels lean on 0 and ±1 so nine products stay mental arithmetic.
_WEIGHTS_3X3 = (-2, -1, -1, 0, 0, 0, 1, 1, 2, 3)


def _kernel(rng: random.Random, side: int) -> Grid:
    while True:  # an all-zero kernel makes every cell 0 and teaches nothing
        if side <= 2:
            w = _grid(rng, side, side, -2, 3)
        else:
            w = tuple(tuple(rng.choice(_WEIGHTS_3X3) for _ in range(side)) for _ in range(side))
        if any(any(row) for row in w):
            return w


def _whole_means(rng: random.Random, side: int, k: int) -> Grid:
    """A side×side image of 0..4 whose non-overlapping k×k windows all have whole means."""
    rows = [[rng.randint(0, 4) for _ in range(side)] for _ in range(side)]
    cells = k * k
    for top in range(0, side - k + 1, k):
        for left in range(0, side - k + 1, k):
            total = sum(rows[top + a][left + b] for a in range(k) for b in range(k))
            last = rows[top + k - 1][left + k - 1]
            # Shift the window's last cell down by the remainder, or up if that would go below 0.
            remainder = total % cells
            rows[top + k - 1][left + k - 1] = last - remainder if last >= remainder else last + cells - remainder
    return tuple(tuple(row) for row in rows)


def generate(rng: random.Random, variant: str, difficulty: int) -> FillCells:
    small, large = ((3, 4), (4, 5), (5, 6))[difficulty - 1]
    side = rng.randint(small, large)
    if variant == "avgpool":
        side = rng.choice((4, 6)) if difficulty > 1 else 4
        return FillCells(variant, _whole_means(rng, side, 2), None, 2, 0, 2)
    if variant == "maxpool":  # a maximum is easy to see, so the values may range wider
        k = 3 if difficulty == 3 and rng.random() < 0.5 else 2
        stride = k if difficulty == 1 else rng.choice((k - 1, k))
        return FillCells(variant, _grid(rng, side + 1, side + 1, 0, 9), None, k, 0, stride)
    if variant == "transposed":
        k = rng.choice((2, 3)) if difficulty > 1 else 2
        stride = rng.choice((1, 2)) if difficulty > 1 else 2
        padding = rng.randint(0, 1) if difficulty == 3 else 0
        return FillCells(
            variant,
            _grid(rng, 2, rng.randint(2, 3) if difficulty > 1 else 2, 0, 3),
            _kernel(rng, k),
            k,
            padding,
            stride,
        )
    k = 2 if difficulty == 1 else 3
    x = _grid(rng, side, side, 0, 4)
    if variant == "valid":
        return FillCells(variant, x, _kernel(rng, k), k)
    if variant == "same":
        return FillCells(variant, _grid(rng, min(side, 4), min(side, 4), 0, 4), _kernel(rng, 3), 3, "same")
    if variant == "full":
        small_x = _grid(rng, 3, 3, 0, 4)
        return FillCells(variant, small_x, _kernel(rng, k), k, "full")
    if variant == "strided":
        padding = rng.randint(0, 1) if difficulty > 1 else 0
        return FillCells(variant, _grid(rng, side + 2, side + 2, 0, 4), _kernel(rng, k), k, padding, 2)
    k = 2 if difficulty < 3 else 3  # dilated
    return FillCells(variant, _grid(rng, side + 1, side + 1, 0, 4), _kernel(rng, k), k, 0, 1, 2)
