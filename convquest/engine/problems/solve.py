"""predict-size/solve-padding and solve-stride: which p (or s) gives the wanted output size?"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from convquest.engine.arithmetic import solve_padding, solve_stride
from convquest.engine.problems.answers import parse_whole_number
from convquest.engine.problems.base import Fields, Verdict, article, blame, check_part, square
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught
from convquest.engine.problems.layer_size import KIND, MAX_SIDE
from convquest.engine.problems.sizes import SizeSpec, combine, explain, form_for, mistakes_reaching, working

UNKNOWN_NAME = {"p": "padding", "s": "stride"}


@dataclass(frozen=True)
class SolveFor:
    unknown: str  # "p" or "s"
    i: int
    k: int
    o: int
    known: int  # the stride when solving for p, the padding when solving for s
    d: int = 1

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/solve-{UNKNOWN_NAME[self.unknown]}"

    @cached_property
    def answers(self) -> list[int]:
        if self.unknown == "p":
            return solve_padding(self.i, self.k, self.o, self.known, self.d)
        return solve_stride(self.i, self.k, self.o, self.known, self.d)

    def spec_with(self, value: int, *, i: int | None = None) -> SizeSpec:
        p, s = (value, self.known) if self.unknown == "p" else (self.known, value)
        return SizeSpec("conv", self.i if i is None else i, self.k, p, s, self.d)

    def prompt(self) -> str:
        given = f"stride {self.known}" if self.unknown == "p" else f"padding {self.known}"
        dil = f", dilation {self.d}" if self.d > 1 else ""
        return (
            f"{article(self.k, True)} {square(self.k)} convolution ({given}{dil}) turns {article(self.i)} {square(self.i)} input into {article(self.o)} "
            f"{square(self.o)} output. Which {UNKNOWN_NAME[self.unknown]} {self.unknown} does that?"
        )

    def parts(self) -> tuple[str, ...]:
        return (UNKNOWN_NAME[self.unknown],)

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, 1)
        return parse_whole_number(text, "2" if self.unknown == "p" else "1")

    def _every_answer(self) -> str:
        values = self.answers
        name = UNKNOWN_NAME[self.unknown]
        listed = ", ".join(f"{self.unknown} = {v}" for v in values)
        return f"Every {name} that works: {listed}." if len(values) > 1 else f"Only {listed} works."

    def _working(self, value: int, taught: Taught = ALL_TAUGHT) -> str:
        return f"{self._every_answer()}\nWith {self.unknown} = {value}:\n{explain(self.spec_with(value), taught)}"

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        values = self.answers
        name = UNKNOWN_NAME[self.unknown]
        if answer in values:
            return Verdict(True, self._working(answer, taught))
        explanation = self._working(values[0], taught)
        floor = 0 if self.unknown == "p" else 1
        if answer < floor:
            what = "Padding cannot be negative" if self.unknown == "p" else "A stride is at least 1"
            return Verdict(False, explanation, f"{what}: no layer has that {name}.", "impossible_value")
        spec = self.spec_with(answer)
        try:
            reached = spec.size()
        except ValueError as error:
            return Verdict(
                False,
                explanation,
                f"That {name} makes the layer impossible: {error}.",
                "impossible_value",
            )
        found = [
            (k, f"That {name} gives the wanted size only through a slip. {s}")
            for k, s in mistakes_reaching(spec, self.o, self.unknown, taught)
        ]
        if self._swapped(answer):
            found.append(
                (
                    "swapped_input_output",
                    f"You swapped input and output: that {name} turns the output's size into the input's, "
                    "the wrong way round.",
                )
            )
        key, sentence = combine(found)
        if key is None:
            sentence = f"With {self.unknown} = {answer} the output is {square(reached)}, not {square(self.o)}."
        return Verdict(False, explanation, sentence, key)

    def _swapped(self, answer: int) -> bool:
        if self.i == self.o:
            return False
        try:
            return self.spec_with(answer, i=self.o).size() == self.i
        except ValueError:
            return False

    def solution(self, taught: Taught = ALL_TAUGHT) -> str:
        return self._working(self.answers[0], taught)

    def _equation(self, taught: Taught) -> str:
        """The size formula as taught, with every number known and the unknown left as a symbol."""
        form = form_for(self.spec_with(self.answers[0]), taught)
        p = "p" if self.unknown == "p" else f"·{self.known}"
        pad = f" + 2{p}" if form.padding else ""
        kernel = f" − {self.d}·({self.k} − 1) − 1" if form.dilation else f" − {self.k}"
        if form.stride:
            s = "s" if self.unknown == "s" else str(self.known)
            return f"{self.o} = ⌊({self.i}{pad}{kernel})/{s}⌋ + 1"
        return f"{self.o} = {self.i}{pad}{kernel} + 1"

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 1)
        name, u = UNKNOWN_NAME[self.unknown], self.unknown
        form = working(self.spec_with(self.answers[0]), taught).formula
        first = 0 if u == "p" else 1
        trials = []
        for value in range(first, min(self.answers[0], first + 4)):
            try:
                trials.append(f"{u} = {value} gives {square(self.spec_with(value).size())}, not {square(self.o)}")
            except ValueError:
                trials.append(f"{u} = {value} makes the layer impossible")
        return Rungs(
            nudge=f"Put every number you know into {form}, then try each {name} from {first} up until the "
            f"output is {square(self.o)}.",
            formula=f"{form}\n  here: {self._equation(taught)}; find the {name} {u}.",
            steps=(self._equation(taught), *trials),
            solution=self.solution(taught),
        )

    def hint(self) -> str:
        if self.unknown == "p":
            return "Write o = floor((i + 2p − d(k − 1) − 1)/s) + 1 with the numbers and try p = 0, 1, 2, …"
        return "Write o = floor((i + 2p − d(k − 1) − 1)/s) + 1 with the numbers and try s = 1, 2, 3, …"

    def params(self) -> dict[str, Any]:
        known = "s" if self.unknown == "p" else "p"
        return {
            "variant": self.topic.split("/")[1],
            "i": self.i,
            "k": self.k,
            "o": self.o,
            known: self.known,
            "d": self.d,
        }


def solve_from_params(fields: Fields, unknown: str) -> SolveFor:
    known_field = "s" if unknown == "p" else "p"
    problem = SolveFor(
        unknown,
        fields.int("i", minimum=1),
        fields.int("k", minimum=1),
        fields.int("o", minimum=1),
        fields.int(known_field, 1 if unknown == "p" else 0, minimum=1 if unknown == "p" else 0),
        fields.int("d", 1, minimum=1),
    )
    if max(problem.i, problem.o) > MAX_SIDE:
        raise ValueError(f"i: sizes above {MAX_SIDE} are too big to draw.")
    if problem.known > MAX_SIDE:
        # Every answer is listed (answers), and their number grows with the known value: a padding
        # of 10**9 would list a billion strides and exhaust memory before any refusal.
        raise ValueError(f"{known_field}: a {UNKNOWN_NAME[known_field]} above {MAX_SIDE} is too big to draw.")
    try:
        values = problem.answers
    except ValueError as error:
        raise blame(error, "k") from None
    if not values:
        raise ValueError(
            f"o: no {UNKNOWN_NAME[unknown]} turns {article(problem.i)} {square(problem.i)} input into {square(problem.o)} "
            f"with kernel {problem.k}"
        )
    if unknown == "s" and problem.o == 1:
        raise ValueError("o: an output of 1 allows almost any stride; ask for an output of at least 2.")
    return problem


def generate_solve(rng: random.Random, unknown: str, difficulty: int) -> SolveFor:
    while True:
        i = rng.randint(4, (12, 20, 32)[difficulty - 1])
        k = rng.choice(((3, 5), (2, 3, 5), (3, 5, 7))[difficulty - 1])
        d = 2 if difficulty == 3 and rng.random() < 0.3 else 1
        if unknown == "p":
            s = 1 if difficulty == 1 else rng.choice((1, 1, 2))
            p = rng.randint(0, (k - 1) * d)
            spec = SizeSpec("conv", i, k, p, s, d)
        else:
            p = 0 if difficulty == 1 else rng.randint(0, k // 2)
            s = rng.choice(((2,), (2, 3), (2, 3, 4))[difficulty - 1])
            spec = SizeSpec("conv", i, k, p, s, d)
        try:
            o = spec.size()
        except ValueError:
            continue
        if o < 2:
            continue
        problem = SolveFor(unknown, i, k, o, s if unknown == "p" else p, d)
        if problem.answers:
            return problem
