"""receptive-field: which input cells does one output cell see, through one layer or a small stack?

The answer is the set of input cells *inside the image* (row, col), counting from 0; where the field
reaches into padding, those cells are not part of the answer (there is nothing there to mark).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from math import prod
from typing import Any

from convquest.engine.arithmetic import Layer, receptive_cells, receptive_field, shapes_through
from convquest.engine.problems.answers import Cell, format_cells, parse_cells, range_off_by_one
from convquest.engine.problems.base import Fields, Verdict, article, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught
from convquest.engine.problems.network import describe
from convquest.engine.problems.slips import nameable

KIND = "receptive-field"
VARIANTS = ("one-layer", "stack")
MAX_INPUT = 12  # the input grid must fit the board beside the output
_UP_DOWN = {-1: "up", 1: "down"}
_LEFT_RIGHT = {-1: "left", 1: "right"}


def _describe(layer: Layer) -> str:
    return describe(layer, filters=False)


@dataclass(frozen=True)
class ReceptiveField:
    variant: str
    n: int  # the input is n×n
    layers: tuple[Layer, ...]
    cell: Cell  # (row, col) in the last layer's output

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/{self.variant}"

    @property
    def out_side(self) -> int:
        return shapes_through(self.layers, (1, self.n, self.n))[-1][1]

    def cells_seen(self, layers: tuple[Layer, ...] | None = None, moved: tuple[int, int] = (0, 0)) -> frozenset[Cell]:
        """The input cells the output cell sees through `layers`; `moved` shifts the whole field
        (rows down, columns right) before what falls outside the image is dropped."""
        layers = self.layers if layers is None else layers
        inside = range(self.n)
        rows = [r + moved[0] for r in receptive_cells(layers, self.cell[0]) if r + moved[0] in inside]
        cols = [c + moved[1] for c in receptive_cells(layers, self.cell[1]) if c + moved[1] in inside]
        return frozenset((r, c) for r in rows for c in cols)

    @cached_property
    def answer(self) -> frozenset[Cell]:
        return self.cells_seen()

    def prompt(self) -> str:
        stack = "; then ".join(_describe(layer) for layer in self.layers)
        r, c = self.cell
        return (
            f"{article(self.n, True)} {self.n}×{self.n} input goes through: {stack}. Which input cells does output cell "
            f"({r}, {c}) see? Rows and columns count from 0."
        )

    def parts(self) -> tuple[str, ...]:
        return ("input cells",)

    def parse_answer(self, text: str, part: int = 0) -> frozenset[Cell]:
        check_part(part, 1)
        return parse_cells(text)

    def _layer_lines(self) -> list[str]:
        infos = receptive_field(self.layers)
        return [
            f"after layer {number} ({_describe(layer)}): field {info.size}, jump {info.jump}, "
            f"cell 0 centred on {info.start:g}"
            for number, (layer, info) in enumerate(zip(self.layers, infos), start=1)
        ]

    def _axis_lines(self) -> list[str]:
        last = receptive_field(self.layers)[-1]
        lines = []
        for axis, index in (("rows", self.cell[0]), ("columns", self.cell[1])):
            first, final = last.span(index)
            lines.append(
                f"{axis}: centre {last.start:g} + {index}·{last.jump} = {last.start + index * last.jump:g}, "
                f"± {(last.size - 1) / 2:g} → {first}..{final}"
            )
        return lines

    @cached_property
    def _working(self) -> str:
        lines = self._layer_lines() + self._axis_lines()
        last = receptive_field(self.layers)[-1]
        seen = self.answer
        if len(seen) < last.size**2:
            lines.append(
                f"Only cells 0..{self.n - 1} are real input (the rest is padding, or gaps between "
                f"dilated taps), so {len(seen)} cells are seen."
            )
        return "\n".join(lines)

    def check(self, answer: frozenset[Cell], part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        answer = frozenset((cell[0], cell[1]) for cell in answer)
        explanation = self._working
        right = self.answer
        if answer == right:
            return Verdict(True, explanation)
        for key, wrong, sentence in self._mistakes:
            if wrong == answer and wrong != right and nameable(key, taught):
                return Verdict(False, explanation, sentence, key)
        if range_off_by_one(answer, right):
            return Verdict(
                False,
                explanation,
                "One edge of your block is a cell off: both ends of a range count.",
                "range_off_by_one",
            )
        missing, extra = len(right - answer), len(answer - right)
        return Verdict(False, explanation, f"{missing} cell(s) missing and {extra} cell(s) too many.", None)

    @cached_property
    def _mistakes(self) -> list[tuple[str, frozenset[Cell], str]]:
        # One line each: the panel keeps a few lines under the grids at 80×24, and the slip stays
        # named on the rungs above the first.
        found = []
        if any(layer.p for layer in self.layers):
            unpadded = tuple(_without_padding(layer) for layer in self.layers)
            found.append(
                (
                    "padding_shift",
                    self.cells_seen(unpadded),
                    "Padding shifts the window: output cell 0 starts p cells before input cell 0.",
                )
            )
        if any(layer.d > 1 for layer in self.layers):
            rows = sorted({r for r, _ in self.answer})
            cols = sorted({c for _, c in self.answer})
            filled = frozenset((r, c) for r in range(rows[0], rows[-1] + 1) for c in range(cols[0], cols[-1] + 1))
            found.append(
                (
                    "ignored_dilation",
                    filled,
                    "A dilated kernel's taps skip cells: the cells between the taps are not seen.",
                )
            )
        if len(self.layers) > 1:
            found.append(
                (
                    "one_layer_field",
                    self.cells_seen(self.layers[-1:]),
                    "That is the last layer's window only: walk back through every layer.",
                )
            )
            for number in range(len(self.layers)):
                fewer = self.layers[:number] + self.layers[number + 1 :]
                found.append(
                    (
                        "ignored_layer",
                        self.cells_seen(fewer),
                        f"You left out layer {number + 1} ({_describe(self.layers[number])}): each one widens the field.",
                    )
                )
            # After the dropped layers: leaving one out can land on the same cells, and is the likelier slip.
            if any(layer.s > 1 for layer in self.layers):
                found.append(
                    (
                        "ignored_stride",
                        self.cells_seen(tuple(_with_stride_one(layer) for layer in self.layers)),
                        "You moved every window one cell at a time: with stride s, cells sit s apart.",
                    )
                )
        found += self._misplaced()
        return found

    def _misplaced(self) -> list[tuple[str, frozenset[Cell], str]]:
        """The field at its right size but in the wrong place: centred on the output cell's own
        position, or one cell off. Both read as one edge off by one, which they are not."""
        found = []
        last = receptive_field(self.layers)[-1]
        centring = tuple(index - (last.start + index * last.jump) for index in self.cell)
        if all(float(m).is_integer() for m in centring) and any(centring):
            found.append(
                (
                    "centred_window",
                    self.cells_seen(moved=(int(centring[0]), int(centring[1]))),
                    "You centred the block on the cell: a window starts at its top-left corner.",
                )
            )
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                where = " and ".join(word for word in (_UP_DOWN.get(dr), _LEFT_RIGHT.get(dc)) if word)
                if where:
                    found.append(
                        (
                            "window_shifted",
                            self.cells_seen(moved=(dr, dc)),
                            f"Right size, but one cell too far {where}: where does the window start?",
                        )
                    )
        return found

    def solution(self, taught: Taught = ALL_TAUGHT) -> str:
        return f"{self._working}\nThe cells (rows, columns): {format_cells(self.answer)}."

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 1)
        layer = self.layers[-1]
        start = "s·index" if "stride" in taught or layer.s > 1 else "index"
        if "padding" in taught or layer.p:
            start += " − p"
        reach = "d(k − 1)" if "dilation" in taught or layer.d > 1 else "k − 1"
        walk = "Walk back one layer at a time. " if len(self.layers) > 1 else ""
        r, c = self.cell
        if len(self.layers) == 1:
            s_n = f"{layer.s}·" if start.startswith("s·") else ""
            p_n = f" − {layer.p}" if "− p" in start else ""
            span = f"{layer.d}·({layer.k} − 1)" if reach.startswith("d") else f"{layer.k} − 1"
            formula = (
                f"first = {start}, last = first + {reach}\n"
                f"  rows: first = {s_n}{r}{p_n}, last = first + {span}\n"
                f"  columns: first = {s_n}{c}{p_n}, last = first + {span}"
            )
        else:
            formula = self._stack_formula(reach, "stride" in taught or any(lay.s > 1 for lay in self.layers))
        return Rungs(
            nudge=f"{walk}An output cell reads k cells of its input, starting at {start} and reaching {reach} further;"
            " only cells inside the image count.",
            formula=formula,
            steps=tuple(self._layer_lines()),
            solution=self.solution(taught),
        )

    def _stack_formula(self, reach: str, strided: bool) -> str:
        """The field's size, walked back from the last layer: each adds its reach times the spacing j
        of its inputs (the strides of the layers before it multiplied). Two short lines: the board
        already lists the layers, and the panel has few lines at 80×24."""
        terms = []
        for number in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[number]
            # A factor of 1 (no dilation, inputs side by side) is left out: the line must fit the panel.
            term = f"{layer.d}·({layer.k} − 1)" if layer.d > 1 else f"({layer.k} − 1)"
            jump = prod(lay.s for lay in self.layers[:number])
            terms.append(f"{term}·{jump}" if jump > 1 else term)
        each = f"{reach}·j" if strided else reach
        # j is called the jump, as in the steps of rung 3 ("field 5, jump 1").
        spacing = " (j: jump between its inputs)" if strided else ""
        return f"field = 1 + sum over layers of {each}{spacing}\n  field = 1 + {' + '.join(terms)}"

    def hint(self) -> str:
        return "Walk back one layer at a time: each output cell reads k cells (d apart), starting s·index − p."

    def params(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "n": self.n,
            "layers": [
                {"kind": layer.kind, "k": layer.k, "s": layer.s, "p": layer.p, "d": layer.d} for layer in self.layers
            ],
            "cell": list(self.cell),
        }


def _without_padding(layer: Layer) -> Layer:
    return Layer(layer.kind, layer.k, layer.s, 0, layer.d, layer.out_channels)


def _with_stride_one(layer: Layer) -> Layer:
    return Layer(layer.kind, layer.k, 1, layer.p, layer.d, layer.out_channels)


def from_params(fields: Fields, variant: str) -> ReceptiveField:
    n = fields.int("n", minimum=1)
    if n > MAX_INPUT:
        raise ValueError(f"n: {article(n)} {n}×{n} input is too big for the board; use at most {MAX_INPUT}.")
    raw_layers = fields.raw("layers")
    if not isinstance(raw_layers, (list, tuple)) or not 1 <= len(raw_layers) <= 3:
        raise ValueError("layers: expected a list of 1 to 3 layers.")
    if variant == "one-layer" and len(raw_layers) != 1:
        raise ValueError(f"layers: a one-layer problem has one layer, not {len(raw_layers)}.")
    layers = []
    for number, raw in enumerate(raw_layers):
        if not isinstance(raw, dict):
            raise ValueError(f"layers[{number}]: expected a table with kind, k, s, p, d.")
        raw = {key: value for key, value in raw.items() if key != "out_channels"}
        try:
            layer = Layer(**raw)
        except (TypeError, ValueError) as error:
            raise ValueError(f"layers[{number}]: {error}") from None
        layers.append(Layer(layer.kind, layer.k, layer.s, layer.p, layer.d, 1 if layer.kind == "conv" else None))
    cell = fields.int_or_pair("cell", minimum=0)
    problem = ReceptiveField(variant, n, tuple(layers), cell)
    try:
        side = problem.out_side
    except ValueError as error:
        raise ValueError(f"layers: {error}") from None
    if max(cell) >= side:
        raise ValueError(f"cell: the output is {side}×{side}, so rows and columns go from 0 to {side - 1}; got {cell}.")
    return problem


def _conv(k: int, s: int = 1, p: int = 0, d: int = 1) -> Layer:
    return Layer("conv", k, s, p, d, 1)


def _draw_layers(rng: random.Random, variant: str, difficulty: int) -> tuple[Layer, ...]:
    if variant == "one-layer":
        k = rng.choice(((2, 3), (3,), (3, 5))[difficulty - 1])
        s = 1 if difficulty == 1 else rng.choice((1, 2))
        p = 0 if difficulty == 1 else rng.randint(0, k // 2)
        d = 2 if difficulty == 3 and rng.random() < 0.4 else 1
        return (_conv(k, s, p, d),)
    first = _conv(3, 1, rng.choice((0, 1)) if difficulty > 1 else 0)
    second = rng.choice((_conv(3), Layer("pool", 2, 2))) if difficulty > 1 else _conv(rng.choice((2, 3)))
    layers: tuple[Layer, ...] = (first, second)
    if difficulty == 3:
        layers += (rng.choice((_conv(3), _conv(2, 2), Layer("pool", 2, 2))),)
    return layers


def generate(rng: random.Random, variant: str, difficulty: int) -> ReceptiveField:
    while True:
        layers = _draw_layers(rng, variant, difficulty)
        n = rng.randint((5, 6, 9)[difficulty - 1], (7, 10, MAX_INPUT)[difficulty - 1])
        try:
            side = shapes_through(layers, (1, n, n))[-1][1]
        except ValueError:
            continue
        cell = (rng.randrange(side), rng.randrange(side))
        return ReceptiveField(variant, n, layers, cell)
