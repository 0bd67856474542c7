"""sequence-fill: type each output cell of a causal 1-D convolution, or of a convolution whose
border copies input cells (padding_mode reflect, replicate or circular; a sequence or a grid).

Every value comes from the engine's traces (conv1d_trace, conv2d_trace), the ones the board draws.
A wrong value is matched against the value the cell would have under each usual slip — the window
reaching into the future, the border filled by another mode — each recomputed with the engine, and
the slip is named in words only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from convquest.engine import traces
from convquest.engine.ops import conv2d
from convquest.engine.ops1d import conv1d, conv_transpose1d
from convquest.engine.problems.answers import parse_whole_number
from convquest.engine.problems.base import Fields, Verdict, blame, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught

KIND = "sequence-fill"
MODES = ("reflect", "replicate", "circular")
VARIANTS = ("causal", "dilated-causal", *MODES, "transposed1d")
LONGEST = 12  # cells of a sequence: with its padding it still fits one row of an 80-column board
MAX_CELLS = 16
Values = tuple[int, ...]
Grid = tuple[Values, ...]

# The other modes a student mistakes each one for.
_MISTAKEN_FOR = {
    "reflect": ("replicate", "circular", "zeros"),
    "replicate": ("reflect", "circular", "zeros"),
    "circular": ("reflect", "replicate", "zeros"),
}

SLIPS: dict[str, str] = {
    "read_the_future": (
        "The window reached into the future: a causal output ends at its own time step and looks"
        " only back, over the zeros on the left where the past has not happened yet."
    ),
    "centred_window": (
        "You centred the window on the cell, as 'same' padding does, so half of it saw the future;"
        " a causal window ends at its own cell."
    ),
    "forgot_dilation": "The taps sit d cells apart: skip the cells between them instead of reading neighbours.",
    "missed_overlap": "Overlapping patches add up: this cell also gets paint from another input cell.",
    "painted_one_apart": (
        "The input cells paint s cells apart on the output, not next to each other: the stride spreads them."
    ),
    "flipped_kernel": "You flipped the kernel; here it slides unflipped (cross-correlation, as in PyTorch).",
    "forgot_product": "You left out one of the products: every weight meets one cell.",
    "reflect_as_replicate": (
        "You repeated the edge cell (replicate); reflect mirrors about the edge cell without repeating"
        " it, so the border starts with the edge's neighbour."
    ),
    "reflect_as_circular": "You wrapped around to the other end (circular); reflect mirrors the cells next to the edge.",
    "reflect_as_zeros": "You took the border as zeros; with reflect the border holds mirrored input cells.",
    "replicate_as_reflect": (
        "You mirrored past the edge (reflect); replicate repeats the edge cell itself in every border cell."
    ),
    "replicate_as_circular": "You wrapped around (circular); replicate repeats the nearest edge cell.",
    "replicate_as_zeros": "You took the border as zeros; with replicate it repeats the edge cell.",
    "circular_as_reflect": "You mirrored at the edge (reflect); circular wraps around: the left border holds the right end.",
    "circular_as_replicate": "You repeated the edge cell (replicate); circular wraps around to the other end.",
    "circular_as_zeros": "You took the border as zeros; with circular it holds the cells from the other end.",
}


def _num(value: float) -> str:
    text = str(int(value))
    return f"({text.replace('-', '−')})" if value < 0 else text


@dataclass(frozen=True)
class SequenceFill:
    variant: str
    x: Values | Grid  # a sequence, or (border modes only) a grid
    w: Values | Grid
    padding: int = 1  # border modes; causal padding is always d(k − 1) on the left
    dilation: int = 1

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/{self.variant}"

    @property
    def one_d(self) -> bool:
        return not isinstance(self.x[0], tuple)

    @property
    def causal(self) -> bool:
        return self.variant in ("causal", "dilated-causal")

    @property
    def mode(self) -> str:
        return "zeros" if self.causal else self.variant

    def _run(self, mode: str, w: np.ndarray | None = None, dilation: int | None = None) -> np.ndarray:
        """The output as a (rows, cols) array, with the border filled by `mode` (the slips rerun it)."""
        x = np.array(self.x, dtype=np.int64)
        w = np.array(self.w, dtype=np.int64) if w is None else w
        d = self.dilation if dilation is None else dilation
        if self.causal:
            return conv1d(x, w, padding="causal", dilation=d)[None, :]
        if self.one_d:
            return conv1d(x, w, padding=self.padding, padding_mode=mode)[None, :]
        return conv2d(x, w, padding=self.padding, padding_mode=mode)

    @cached_property
    def trace(self) -> traces.ConvTrace:
        x, w = np.array(self.x, dtype=np.int64), np.array(self.w, dtype=np.int64)
        if self.causal:
            return traces.conv1d_trace(x, w, padding="causal", dilation=self.dilation)
        make = traces.conv1d_trace if self.one_d else traces.conv2d_trace
        return make(x, w, padding=self.padding, padding_mode=self.mode)

    @property
    def expected(self) -> np.ndarray:
        return self.trace.output

    def _cell(self, part: int) -> tuple[int, int]:
        rows, cols = (int(n) for n in self.expected.shape)
        check_part(part, rows * cols)
        return divmod(part, cols)

    def prompt(self) -> str:
        w = np.array(self.w)
        k = str(w.size) if self.one_d else f"{w.shape[0]}×{w.shape[1]}"
        if self.causal:
            what = f"a causal 1-D convolution, kernel {k}" + (
                f", dilation {self.dilation}" if self.dilation > 1 else ""
            )
        else:
            what = f"a cross-correlation, kernel {k}, padding {self.padding}, padding_mode '{self.mode}'"
        if self.one_d:
            seq = " ".join(_num(int(v)) for v in np.ravel(self.x))
            kernel = " ".join(_num(int(v)) for v in w.ravel())
            return f"Sequence {seq}; kernel {kernel}. Fill in the output of {what}, one cell at a time."
        rows, cols = self.expected.shape
        return f"Fill in the {rows}×{cols} output of {what}, one cell at a time."

    def parts(self) -> tuple[str, ...]:
        rows, cols = self.expected.shape
        if self.one_d:
            return tuple(f"y[{t}]" for t in range(cols))
        return tuple(f"({r},{c})" for r in range(rows) for c in range(cols))

    def parse_answer(self, text: str, part: int = 0) -> int:
        self._cell(part)
        return parse_whole_number(text, "-3")

    @cached_property
    def _slip_outputs(self) -> tuple[tuple[str, np.ndarray], ...]:
        """(key, the whole output as that slip computes it), most likely first."""
        x, w = np.array(self.x, dtype=np.int64), np.array(self.w, dtype=np.int64)
        found: list[tuple[str, np.ndarray]] = []
        if self.causal:
            span = self.dilation * (len(self.w) - 1)
            future = conv1d(np.pad(x, (0, span)), w, dilation=self.dilation)
            found.append(("read_the_future", future[None, :]))
            if span % 2 == 0:  # 'same' pads d(k − 1)/2 on each side
                found.append(("centred_window", conv1d(x, w, padding="same", dilation=self.dilation)[None, :]))
            if self.dilation > 1:
                found.append(("forgot_dilation", self._run("zeros", dilation=1)))
        else:
            found += [(f"{self.mode}_as_{other}", self._run(other)) for other in _MISTAKEN_FOR[self.mode]]
        flipped = w[::-1] if self.one_d else w[::-1, ::-1]
        found.append(("flipped_kernel", self._run(self.mode, w=flipped)))
        return tuple(found)

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        r, c = self._cell(part)
        value = int(self.expected[r, c])
        explanation = self.working(r, c)
        if answer == value:
            return Verdict(True, explanation)
        for key, output in self._slip_outputs:
            if output.shape == self.expected.shape and int(output[r, c]) == answer:
                return Verdict(False, explanation, SLIPS[key], key)
        products = self.trace.step(r, c).products.ravel()
        if any(int(p) and value - int(p) == answer for p in products):
            return Verdict(False, explanation, SLIPS["forgot_product"], "forgot_product")
        return Verdict(False, explanation)

    def _where(self, r: int, c: int) -> str:
        return f"y[{c}]" if self.one_d else f"cell ({r},{c})"

    def _terms(self, r: int, c: int) -> str:
        step = self.trace.step(r, c)
        weights = np.array(self.w).ravel()
        return " + ".join(f"{_num(w)}·{_num(v)}" for w, v in zip(weights, step.values.ravel()))

    def working(self, r: int, c: int) -> str:
        step = self.trace.step(r, c)
        if not step.in_padding.any():
            note = ""
        elif self.causal:
            note = " (the zeros on the left are the past before the sequence)"
        else:
            note = f" (border cells are {self.mode} copies of input cells)"
        return f"{self._where(r, c)} = {self._terms(r, c)} = {_num(step.result).strip('()')}{note}"

    def rungs(self, part: int = 0, taught: Taught = ALL_TAUGHT) -> Rungs:
        r, c = self._cell(part)
        formula = f"{self._where(r, c)} = {self._terms(r, c)}"
        # Rung 3 goes past rung 2: where the border's values come from, then the products' values
        # (zeros dropped) short of their sum; with one product left its value is the answer.
        kept = [int(p) for p in self.trace.step(r, c).products.ravel() if p]
        total = (f"{self._where(r, c)} = {' + '.join(_num(v) for v in kept)}",) if len(kept) > 1 else ()
        return Rungs(
            nudge=self.hint(),
            formula=formula,
            steps=(self._border(), *total),
            solution=self.working(r, c),
            formula_label="The products",
        )

    def _border(self) -> str:
        """Which input cell each border cell of the first row copies, as the engine's trace says."""
        if self.causal:
            (_, _), (left, _) = self.trace.pads
            return f"the {left} cells left of the sequence are zeros: nothing has happened yet"
        (_, _), (left, right) = self.trace.pads
        width = self.trace.input.shape[1]
        copies = []
        for column in [*range(-left, 0), *range(width, width + right)]:
            source = self.trace.source(0, column)
            copies.append(f"{str(column).replace('-', '−')}←{'0' if source is None else source[1]}")
        return f"border columns copy input columns: {', '.join(copies)}"

    def solution(self) -> str:
        rows, cols = self.expected.shape
        lines = [self.working(r, c) for r in range(rows) for c in range(cols)]
        lines.append("output:")
        lines += ["  " + " ".join(f"{int(v):>4}" for v in row) for row in self.expected.tolist()]
        return "\n".join(lines)

    def hint(self) -> str:
        return {
            "causal": "A causal window ends at its own cell: d(k − 1) zeros stand on the left, none on the right.",
            "dilated-causal": "Causal and dilated: the taps are d apart and the last one sits on the cell itself.",
            "reflect": "Reflect mirrors about the edge cell: the border holds the edge's neighbours, not the edge.",
            "replicate": "Replicate repeats the edge cell in every border cell.",
            "circular": "Circular wraps around: the left border holds the right end, the right border the left end.",
        }[self.variant]

    def params(self) -> dict[str, object]:
        def lists(v: Values | Grid) -> list[object]:
            return [list(row) for row in v] if v and isinstance(v[0], tuple) else list(v)

        out: dict[str, object] = {"variant": self.variant, "input": lists(self.x), "kernel": lists(self.w)}
        if self.causal:
            out["dilation"] = self.dilation
        else:
            out["padding"] = self.padding
        return out


@dataclass(frozen=True)
class TransposedSequenceFill:
    """A 1-D transposed convolution filled cell by cell: each input cell paints value × kernel onto
    the output, s cells apart, and overlaps add (upsampling a sequence)."""

    variant: str
    x: Values
    w: Values
    stride: int = 2
    padding: int = 0

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/{self.variant}"

    @cached_property
    def trace(self) -> traces.TransposedTrace:
        x, w = np.array(self.x, dtype=np.int64), np.array(self.w, dtype=np.int64)
        return traces.conv_transpose1d_trace(x, w, stride=self.stride, padding=self.padding)

    @property
    def expected(self) -> np.ndarray:
        return self.trace.output

    def _cell(self, part: int) -> int:
        check_part(part, int(self.expected.shape[1]))
        return part

    def prompt(self) -> str:
        seq, kernel = " ".join(_num(v) for v in self.x), " ".join(_num(v) for v in self.w)
        what = f"a 1-D transposed convolution, kernel {len(self.w)}, stride {self.stride}"
        if self.padding:
            what += f", padding {self.padding}"
        return f"Sequence {seq}; kernel {kernel}. Fill in the output of {what}, one cell at a time."

    def parts(self) -> tuple[str, ...]:
        return tuple(f"y[{t}]" for t in range(int(self.expected.shape[1])))

    def parse_answer(self, text: str, part: int = 0) -> int:
        self._cell(part)
        return parse_whole_number(text, "-3")

    def contributions(self, c: int) -> list[tuple[int, int, int]]:
        """(input index, its value, kernel weight) of every paint landing on output cell c."""
        _, left = self.trace.crop
        return [
            (paint.cell[1], int(paint.value), self.w[tap])
            for paint in self.trace.paints
            for tap, col in enumerate(paint.cols)
            if col == c + left
        ]

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        c = self._cell(part)
        value = int(self.expected[0, c])
        explanation = self.working(c)
        if answer == value:
            return Verdict(True, explanation)
        for _, v, w in self.contributions(c):
            if v * w and value - v * w == answer:
                return Verdict(False, explanation, SLIPS["missed_overlap"], "missed_overlap")
        if (
            self.stride > 1
            and self._packed is not None
            and c < self._packed.shape[0]
            and int(self._packed[c]) == answer
        ):
            return Verdict(False, explanation, SLIPS["painted_one_apart"], "painted_one_apart")
        return Verdict(False, explanation)

    @cached_property
    def _packed(self) -> np.ndarray | None:
        """The output as painted with stride 1 (the slip of packing the patches together)."""
        x, w = np.array(self.x, dtype=np.int64), np.array(self.w, dtype=np.int64)
        try:
            return conv_transpose1d(x, w, padding=self.padding)
        except ValueError:  # impossible with stride 1, so nobody computed it that way
            return None

    def _terms(self, c: int) -> str:
        return " + ".join(f"{_num(v)}·{_num(w)}" for _, v, w in self.contributions(c)) or "no paint"

    def working(self, c: int) -> str:
        found = self.contributions(c)
        sources = ", ".join(f"x[{j}]" for j, _, _ in found) or "no input cell"
        return f"y[{c}] gets paint from {sources}: {self._terms(c)} = {_num(int(self.expected[0, c])).strip('()')}"

    def rungs(self, part: int = 0, taught: Taught = ALL_TAUGHT) -> Rungs:
        c = self._cell(part)
        steps = (f"input cell x[j] paints its value × the kernel onto y[{self.stride}·j − {self.padding}] onward",)
        return Rungs(nudge=self.hint(), formula=f"y[{c}] = {self._terms(c)}", steps=steps, solution=self.working(c))

    def solution(self) -> str:
        cells = range(int(self.expected.shape[1]))
        return "\n".join(
            [*(self.working(c) for c in cells), "output:", "  " + " ".join(f"{int(v):>4}" for v in self.expected[0])]
        )

    def hint(self) -> str:
        return "Each input cell paints value × kernel onto the output, s cells apart; where patches overlap they add."

    def params(self) -> dict[str, object]:
        return {
            "variant": self.variant,
            "input": list(self.x),
            "kernel": list(self.w),
            "stride": self.stride,
            "padding": self.padding,
        }


def _values(fields: Fields, name: str, *, longest: int, two_d: bool) -> Values | Grid:
    """A sequence (a list of whole numbers) or, where `two_d`, a grid of them, from -9 to 9."""
    raw = fields.raw(name)
    if raw is None:
        raise ValueError(f"{name}: this {KIND} problem needs a value for {name}.")
    if isinstance(raw, list) and raw and all(isinstance(row, list) for row in raw):
        if two_d:
            return fields.grid(name, low=-9, high=9, max_side=6)
        if len(raw) != 1:
            raise ValueError(f"{name}: a causal convolution runs on a sequence: give one list of numbers.")
        # A level file reads a list of two numbers as a range, so a two-cell sequence is written [[a, b]].
        raw = raw[0]
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{name}: expected a non-empty list of whole numbers, like [1, 0, 2].")
    for v in raw:
        if isinstance(v, bool) or not isinstance(v, int) or not -9 <= v <= 9:
            raise ValueError(f"{name}: values must be whole numbers from -9 to 9, got {v!r}.")
    if len(raw) > longest:
        raise ValueError(f"{name}: at most {longest} cells fit the board, got {len(raw)}.")
    return tuple(raw)


def from_params(fields: Fields, variant: str) -> SequenceFill | TransposedSequenceFill:
    border = variant in MODES
    x = _values(fields, "input", longest=LONGEST, two_d=border)
    w = _values(fields, "kernel", longest=5, two_d=border)
    if isinstance(x[0], tuple) != isinstance(w[0], tuple):
        raise ValueError("kernel: a sequence takes a list of weights, a grid a grid of them.")
    problem: SequenceFill | TransposedSequenceFill
    if variant == "transposed1d":
        stride = fields.int("stride", 2, minimum=1)
        problem = TransposedSequenceFill(variant, x, w, stride, fields.int("padding", 0, minimum=0))  # type: ignore[arg-type]
    elif border:
        problem = SequenceFill(variant, x, w, padding=fields.int("padding", 1, minimum=1))
    else:
        problem = SequenceFill(variant, x, w, padding=0, dilation=fields.int("dilation", 1, minimum=1))
    try:
        cells = problem.expected.size
    except ValueError as error:
        raise blame(error, "input", {"p": "padding", "d": "dilation", "k": "kernel", "i": "input"}) from None
    if cells > MAX_CELLS:
        raise ValueError(f"input: the output has {cells} cells; at most {MAX_CELLS} fit a level.")
    return problem


def _kernel(rng: random.Random, k: int) -> Values:
    while True:  # a kernel of zeros makes every cell 0 and teaches nothing
        w = tuple(rng.choice((-1, 0, 1, 1, 2)) for _ in range(k))
        if any(w):
            return w


def generate(rng: random.Random, variant: str, difficulty: int) -> SequenceFill | TransposedSequenceFill:
    if variant == "transposed1d":
        x = tuple(rng.randint(0, 3) for _ in range(rng.randint(3, 3 + difficulty // 2)))
        k = 2 if difficulty == 1 else 3
        # Every weight non-zero, so each input's patch shows where it lands.
        w = tuple(rng.choice((1, 1, 2, -1)) for _ in range(k))
        return TransposedSequenceFill(variant, x, w, 2, 1 if difficulty == 3 else 0)
    length = rng.randint(5, 6 + 2 * difficulty)
    x = tuple(rng.randint(0, 5) for _ in range(length))
    if variant == "causal":
        return SequenceFill(variant, x, _kernel(rng, 2 if difficulty == 1 else 3), 0)
    if variant == "dilated-causal":
        return SequenceFill(variant, x, _kernel(rng, 2), 0, rng.choice((2, 3)) if difficulty > 1 else 2)
    k = 3 if difficulty < 3 else rng.choice((3, 5))
    return SequenceFill(variant, x, _kernel(rng, k), padding=k // 2)
