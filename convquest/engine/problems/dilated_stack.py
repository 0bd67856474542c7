"""dilated-stack: the receptive field of a stack of causal 1-D convolutions with growing dilation,
layer by layer (WaveNet: van den Oord et al., 2016), r = 1 + (k − 1)·Σd.

The fields and the cells one output sees are the engine's (`receptive_field`, `receptive_cells`);
the board draws them. A wrong field is matched against the usual slips, recomputed here from the
same layers, and named in words only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

from convquest.engine.arithmetic import Layer, receptive_cells, receptive_field
from convquest.engine.problems.answers import parse_whole_number
from convquest.engine.problems.base import Fields, Verdict, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught

KIND = "dilated-stack"
VARIANTS = ("doubling", "repeated")
MOST_LAYERS = 8
WIDEST_FIELD = 64  # the board draws the whole field on one row

SLIPS: dict[str, str] = {
    "forgot_dilation": (
        "You forgot the dilation: each layer's window spans d(k − 1) + 1 cells, so a layer with"
        " dilation d widens the field by (k − 1)·d, not by k − 1."
    ),
    "forgot_plus_one": "You left out the output cell itself: the field is one more than (k − 1)·Σd.",
    "counted_shared_cells": (
        "You added whole window spans: each layer's window shares a cell with the field below it,"
        " so a layer adds (k − 1)·d cells, one less than its span."
    ),
    "multiplied_spans": "The fields add up, they do not multiply: each layer adds (k − 1)·d cells to the field below.",
    "forgot_k_minus_one": "Each layer adds (k − 1)·d cells, not d: a window of k taps takes k − 1 steps of d cells from first to last.",
}


@dataclass(frozen=True)
class DilatedStack:
    variant: str
    k: int
    dilations: tuple[int, ...]

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/{self.variant}"

    @cached_property
    def layers(self) -> tuple[Layer, ...]:
        # Causal padding is d(k − 1) on the left: receptive_cells reads only the left padding, and
        # the field's size none, so a layer padded d(k − 1) stands for the causal one.
        return tuple(Layer("conv", self.k, p=d * (self.k - 1), d=d) for d in self.dilations)

    def fields(self) -> tuple[int, ...]:
        """The receptive field after each layer, as the engine computes it."""
        return tuple(int(info.size) for info in receptive_field(self.layers))

    def seen(self, top: int, length: int) -> tuple[tuple[int, ...], ...]:
        """For the output of layer `top` (1-based) at the last of `length` time steps: the cells
        it sees in the input (row 0) and in each layer's output below it (rows 1 .. top)."""
        last = length - 1
        rows = [tuple(receptive_cells(self.layers[row:top], last)) for row in range(top)]
        return (*rows, (last,))

    def prompt(self) -> str:
        ds = ", ".join(str(d) for d in self.dilations)
        return (
            f"A stack of {len(self.dilations)} causal 1-D convolutions, kernel {self.k}, dilations {ds}."
            " How many input cells does one output see after each layer?"
        )

    def parts(self) -> tuple[str, ...]:
        return tuple(f"field after layer {n} (d={d})" for n, d in enumerate(self.dilations, start=1))

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, len(self.dilations))
        return parse_whole_number(text, "5")

    def _slips(self, part: int) -> list[tuple[str, int]]:
        k, ds = self.k, self.dilations[: part + 1]
        spans = [d * (k - 1) + 1 for d in ds]
        product = 1
        for span in spans:
            product *= span
        found = [
            ("forgot_dilation", 1 + (k - 1) * len(ds)),
            ("forgot_plus_one", (k - 1) * sum(ds)),
            ("counted_shared_cells", sum(spans)),
            ("multiplied_spans", product),
        ]
        if k > 2:
            found.append(("forgot_k_minus_one", 1 + sum(ds)))
        return found

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, len(self.dilations))
        right = self.fields()[part]
        explanation = self._worked(part)
        if answer == right:
            return Verdict(True, explanation)
        for key, wrong in self._slips(part):
            if wrong == answer and wrong != right:
                return Verdict(False, explanation, SLIPS[key], key)
        return Verdict(False, explanation)

    def _formula(self, part: int) -> str:
        ds = " + ".join(str(d) for d in self.dilations[: part + 1])
        return f"r = 1 + (k − 1)·Σd = 1 + ({self.k} − 1)·({ds})"

    def _worked(self, part: int) -> str:
        return f"{self._formula(part)} = {self.fields()[part]}"

    def rungs(self, part: int = 0, taught: Taught = ALL_TAUGHT) -> Rungs:
        check_part(part, len(self.dilations))
        steps: tuple[str, ...] = ()
        if part:
            steps = (f"the field below this layer is {self.fields()[part - 1]} cells",)
        return Rungs(nudge=self.hint(), formula=self._formula(part), steps=steps, solution=self._worked(part))

    def solution(self) -> str:
        return "\n".join(self._worked(part) for part in range(len(self.dilations)))

    def hint(self) -> str:
        return "Each layer adds (k − 1)·d cells to the field below it; the output cell itself is the 1."

    def params(self) -> dict[str, object]:
        return {"variant": self.variant, "k": self.k, "dilations": list(self.dilations)}


def from_params(fields: Fields, variant: str) -> DilatedStack:
    k = fields.int("k", 2, minimum=2)
    raw = fields.raw("dilations")
    if not isinstance(raw, list) or not raw:
        raise ValueError("dilations: expected a list of whole numbers, one per layer, like [1, 2, 4, 8].")
    for d in raw:
        if isinstance(d, bool) or not isinstance(d, int) or d < 1:
            raise ValueError(f"dilations: each dilation must be a whole number of at least 1, got {d!r}.")
    if len(raw) > MOST_LAYERS:
        raise ValueError(f"dilations: at most {MOST_LAYERS} layers fit the board, got {len(raw)}.")
    problem = DilatedStack(variant, k, tuple(raw))
    widest = problem.fields()[-1]
    if widest > WIDEST_FIELD:
        raise ValueError(f"dilations: the field grows to {widest} cells; at most {WIDEST_FIELD} fit the board.")
    return problem


def generate(rng: random.Random, variant: str, difficulty: int) -> DilatedStack:
    k = 2 if difficulty == 1 else rng.choice((2, 3))
    depth = 3 if k == 3 else rng.choice((3, 4))
    block = tuple(2**n for n in range(depth))
    if variant == "repeated":
        block = tuple(2**n for n in range(3 if k == 2 else 2))
        return DilatedStack(variant, k, block * 2)
    return DilatedStack(variant, k, block)
