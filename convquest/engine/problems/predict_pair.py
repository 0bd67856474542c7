"""predict-size/non-square: an H×W input with per-axis kernel, padding and stride."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from convquest.engine.arithmetic import conv_output_shape
from convquest.engine.problems.answers import parse_shape
from convquest.engine.problems.base import Fields, Verdict, article, blame, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught
from convquest.engine.problems.layer_size import KIND, MAX_SIDE
from convquest.engine.problems.sizes import SizeSpec, combine, explain, nudge, size_mistakes, working

AXES = ("height", "width")


def _pair(name: str, values: tuple[int, int]) -> str:
    if values[0] == values[1]:
        return f"{name} {values[0]}"
    return f"{name} {values[0]} in height and {values[1]} in width"


@dataclass(frozen=True)
class PairSize:
    i: tuple[int, int]
    k: tuple[int, int]
    p: tuple[int, int] = (0, 0)
    s: tuple[int, int] = (1, 1)
    d: tuple[int, int] = (1, 1)

    kind = KIND
    topic = f"{KIND}/non-square"

    @cached_property
    def answer(self) -> tuple[int, int]:
        return conv_output_shape(self.i, self.k, self.p, self.s, self.d)

    def axis(self, n: int) -> SizeSpec:
        return SizeSpec("conv", self.i[n], self.k[n], self.p[n], self.s[n], self.d[n])

    def prompt(self) -> str:
        bits = [f"{self.k[0]}×{self.k[1]} convolution"]
        if self.p != (0, 0):
            bits.append(_pair("padding", self.p))
        if self.s != (1, 1):
            bits.append(_pair("stride", self.s))
        if self.d != (1, 1):
            bits.append(_pair("dilation", self.d))
        return (
            f"{article(self.i[0], True)} {self.i[0]}×{self.i[1]} input (height×width) goes through a {', '.join(bits)}. "
            "What is the output's height×width?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("output H×W",)

    def parse_answer(self, text: str, part: int = 0) -> tuple[int, int]:
        check_part(part, 1)
        h, w = parse_shape(text, 2)
        return h, w

    def _working(self, taught: Taught) -> str:
        return "\n".join(f"{name}:\n{explain(self.axis(n), taught)}" for n, name in enumerate(AXES))

    def check(self, answer: tuple[int, int], part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        answer = (answer[0], answer[1])
        explanation = self._working(taught)
        right = self.answer
        if answer == right:
            return Verdict(True, explanation)
        if answer == right[::-1]:
            return Verdict(
                False,
                explanation,
                "You swapped the sides: a shape is written height first, then width.",
                "swapped_height_width",
            )
        wrong_axes = [n for n in range(2) if answer[n] != right[n]]
        per_axis = [size_mistakes(self.axis(n), answer[n], taught) for n in wrong_axes]
        if len(wrong_axes) == 1 and self.s[0] == self.s[1] > 1 and any(k == "ignored_stride" for k, _ in per_axis[0]):
            return Verdict(
                False,
                explanation,
                f"You used the stride on one side only: it applies to the {AXES[1 - wrong_axes[0]]} and the "
                f"{AXES[wrong_axes[0]]} alike.",
                "stride_one_axis",
            )
        # A slip made on both sides is one mistake; take one the two sides share, else the first side's.
        shared = [m for m in per_axis[0] if len(per_axis) == 2 and any(k == m[0] for k, _ in per_axis[1])]
        key, sentence = combine(shared or per_axis[0])
        if key is not None and sentence is not None:
            where = "In both sides" if shared else f"In the {AXES[wrong_axes[0]]}"
            sentence = f"{where}: {sentence[0].lower()}{sentence[1:]}"
        return Verdict(False, explanation, sentence, key)

    def solution(self, taught: Taught = ALL_TAUGHT) -> str:
        h, w = self.answer
        return f"{self._working(taught)}\nThe output is {h}×{w}."

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 1)
        works = [working(self.axis(n), taught) for n in range(2)]
        return Rungs(
            nudge=f"Work out the height and the width separately, each with its own numbers. {nudge(self.axis(0), taught)}",
            formula="\n".join([works[0].formula] + [f"  {name}: {w.substituted}" for name, w in zip(AXES, works)]),
            steps=tuple(f"{name}: {step}" for name, w in zip(AXES, works) for step in w.steps()),
            solution=self.solution(taught),
        )

    def hint(self) -> str:
        return "Work out the height and the width separately, each with its own k, p, s and d."

    def params(self) -> dict[str, Any]:
        return {
            "variant": "non-square",
            "i": list(self.i),
            "k": list(self.k),
            "p": list(self.p),
            "s": list(self.s),
            "d": list(self.d),
        }


def pair_from_params(fields: Fields) -> PairSize:
    problem = PairSize(
        fields.int_or_pair("i", minimum=1),
        fields.int_or_pair("k", minimum=1),
        fields.int_or_pair("p", 0, minimum=0),
        fields.int_or_pair("s", 1, minimum=1),
        fields.int_or_pair("d", 1, minimum=1),
    )
    if max(problem.i) > MAX_SIDE:
        raise ValueError(f"i: an input of {problem.i[0]}×{problem.i[1]} is too big to draw; use at most {MAX_SIDE}.")
    try:
        _ = problem.answer  # computing it is the check
    except ValueError as error:
        raise blame(error, "k") from None
    return problem


def generate_pair(rng: random.Random, difficulty: int) -> PairSize:
    top = (10, 16, 28)[difficulty - 1]
    while True:
        i = (rng.randint(4, top), rng.randint(4, top))
        if i[0] == i[1]:
            continue
        k = (rng.choice((1, 2, 3)), rng.choice((2, 3, 5))) if difficulty > 1 else (3, 3)
        p = (rng.randint(0, k[0] // 2), rng.randint(0, k[1] // 2)) if difficulty > 1 else (0, 0)
        s = (rng.randint(1, 2), rng.randint(1, 3)) if difficulty == 3 else (1, 1)
        problem = PairSize(i, k, p, s)
        try:
            _ = problem.answer  # computing it is the check
        except ValueError:
            continue
        return problem
