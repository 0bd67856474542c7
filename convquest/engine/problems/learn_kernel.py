"""learn-kernel: gradient descent on a kernel, by hand and by choice of rate.

gradient-sign: one step of gradient descent on the mean squared error between conv2d(x, w) and y;
does weight w[a][b] go up or down? It goes against its gradient, (2/N)·Σ x[i+a][j+b]·e[i][j] with
e = conv2d(x, w) − y: the input under that tap times the error, summed over the N output cells.

learning-rate: type a rate that makes fit_kernel cut the loss a hundredfold within a given number
of steps from the zero kernel, told the loss's steepest curvature λ (L is the loss itself, as the
chapter writes it). Every rate is judged by running the engine's fit_kernel with it: a rate of
1/λ is safe, below that the loss falls more slowly, and from 2/λ on every step overshoots and the
loss grows.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from convquest.engine.learn import fit_kernel, stable_rate
from convquest.engine.ops import conv2d
from convquest.engine.problems.base import Fields, Verdict, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught

KIND = "learn-kernel"
VARIANTS = ("gradient-sign", "learning-rate")

Grid = tuple[tuple[int, ...], ...]

_UP = {"up", "u", "+", "increase", "increases", "rise", "rises", "higher", "grows"}
_DOWN = {"down", "d", "-", "−", "decrease", "decreases", "fall", "falls", "lower", "shrinks"}
_FRACTION = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*/\s*([0-9]*\.?[0-9]+)\s*$")
_DECIMAL = re.compile(r"^\s*[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?\s*$")


def _rows(grid: Grid) -> str:
    return "[" + ", ".join("[" + ", ".join(str(v) for v in row) + "]" for row in grid) + "]"


def _lists(grid: Grid) -> list[list[int]]:
    return [list(row) for row in grid]


def _random_grid(rng: random.Random, rows: int, cols: int, low: int, high: int) -> Grid:
    return tuple(tuple(rng.randint(low, high) for _ in range(cols)) for _ in range(rows))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.3g}"


@dataclass(frozen=True)
class GradientSign:
    x: Grid
    w: Grid
    y: Grid
    tap: tuple[int, int]

    kind = KIND
    topic = f"{KIND}/gradient-sign"

    @cached_property
    def error(self) -> np.ndarray:
        return np.asarray(conv2d(np.array(self.x), np.array(self.w)) - np.array(self.y))

    @cached_property
    def gradient(self) -> float:
        """∂L/∂w[a][b]: the correlation fit_kernel's gradient is, (2/N)·conv2d(x, e), at the tap."""
        a, b = self.tap
        return float(conv2d(np.array(self.x, dtype=float), self.error.astype(float))[a, b]) * 2 / self.error.size

    @property
    def answer(self) -> str:
        return "up" if self.gradient < 0 else "down"

    def prompt(self) -> str:
        a, b = self.tap
        return (
            f"Input x = {_rows(self.x)}, kernel now w = {_rows(self.w)}, target y = {_rows(self.y)}. "
            "One step of gradient descent on the mean squared error between conv2d(x, w) and y: "
            f"does the weight w[{a}][{b}] go up or down?"
        )

    def parts(self) -> tuple[str, ...]:
        return (f"w[{self.tap[0]}][{self.tap[1]}]",)

    def parse_answer(self, text: str, part: int = 0) -> str:
        check_part(part, 1)
        if not isinstance(text, str):
            raise ValueError("Type up or down.")
        word = text.strip().lower()
        if word in _UP:
            return "up"
        if word in _DOWN:
            return "down"
        raise ValueError("Type up or down.")

    def _window(self) -> np.ndarray:
        a, b = self.tap
        oh, ow = self.error.shape
        return np.array(self.x)[a : a + oh, b : b + ow]

    def _steps(self) -> tuple[str, ...]:
        a, b = self.tap
        window, error = self._window(), self.error
        products = " + ".join(f"({v})·({e})" for v, e in zip(window.flat, error.flat))
        return (
            f"e = conv2d(x, w) − y = {_rows(tuple(map(tuple, error.tolist())))}",
            f"the inputs under tap ({a}, {b}), one per output cell: {_rows(tuple(map(tuple, window.tolist())))}",
            f"Σ x·e = {products}",
        )

    def _working(self) -> str:
        total = float(np.sum(self._window() * self.error))
        n = self.error.size
        return "\n".join(
            [
                *self._steps(),
                f"Σ x·e = {_number(total)}, so ∂L/∂w = (2/{n})·({_number(total)}) = {_number(self.gradient)}",
                f"A step goes against the gradient: w[{self.tap[0]}][{self.tap[1]}] goes {self.answer}.",
            ]
        )

    def _formula(self) -> str:
        a, b = self.tap
        return f"∂L/∂w[{a}][{b}] = (2/{self.error.size})·Σ x[i+{a}][j+{b}]·e[i][j], with e = conv2d(x, w) − y"

    def check(self, answer: str, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        if answer == self.answer:
            return Verdict(True, self._working())
        # Up or down: any working shown now would end in the answer, so only the formula is.
        return Verdict(
            False,
            self._formula(),
            "Two signs decide it: the error is the output minus the target, and a step of gradient "
            "descent goes against the gradient, not with it.",
            "followed_gradient",
        )

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 1)
        return Rungs(
            nudge=self.hint(),
            formula=self._formula(),
            steps=self._steps(),
            solution=self.solution(),
        )

    def solution(self) -> str:
        return self._working()

    def hint(self) -> str:
        return (
            "The weight moves against its gradient. The gradient of one tap is the input under that "
            "tap times the error (output minus target), summed over the output cells."
        )

    def params(self) -> dict[str, Any]:
        return {
            "variant": "gradient-sign",
            "image": _lists(self.x),
            "kernel": _lists(self.w),
            "target": _lists(self.y),
            "row": self.tap[0],
            "col": self.tap[1],
        }


@dataclass(frozen=True)
class LearningRate:
    x: Grid
    y: Grid
    k: int
    steps: int

    kind = KIND
    topic = f"{KIND}/learning-rate"

    @cached_property
    def curvature(self) -> float:
        """λ, as shown to the player (3 significant figures): 1/λ is the engine's stable rate."""
        return float(f"{1 / stable_rate(np.array(self.x), self.k):.3g}")

    def losses(self, rate: float) -> list[float]:
        return [s.loss for s in fit_kernel(np.array(self.x), np.array(self.y), self.k, steps=self.steps, lr=rate)]

    def converges(self, rate: float) -> bool:
        losses = self.losses(rate)
        return losses[-1] <= losses[0] / 100

    def prompt(self) -> str:
        return (
            f"Gradient descent on a {self.k}×{self.k} kernel w, from zeros, fits conv2d(x, w) to the "
            f"target y (the image x and target y are beside). The loss (mean squared error) curves most "
            f"steeply with λ = {_number(self.curvature)}. Which learning rate cuts the loss a hundredfold "
            f"within {self.steps} steps?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("learning rate",)

    def parse_answer(self, text: str, part: int = 0) -> float:
        check_part(part, 1)
        if not isinstance(text, str) or not text.strip():
            raise ValueError("Type a learning rate, like 0.05 or 1/20.")
        fraction = _FRACTION.match(text)
        if fraction:
            top, bottom = float(fraction.group(1)), float(fraction.group(2))
            if bottom == 0:
                raise ValueError("A fraction needs a bottom above zero, like 1/20.")
            value = top / bottom
        elif _DECIMAL.match(text):
            value = float(text)
        else:
            raise ValueError("Type a learning rate, like 0.05 or 1/20.")
        if not (math.isfinite(value) and value > 0):
            raise ValueError("A learning rate is a number above zero, like 0.05.")
        return value

    def _result(self, rate: float) -> str:
        losses = self.losses(rate)
        end = losses[-1] / losses[0] if losses[0] else 0.0
        if not math.isfinite(end):
            return f"With rate {rate:.3g} the loss grew without bound."
        return f"With rate {rate:.3g}, after {self.steps} steps the loss is {end:.3g} of its start."

    def check(self, answer: float, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        if self.converges(answer):
            return Verdict(True, f"{self._result(answer)}\n{self._why()}")
        # What their own rate did, and the rule in words: 1/λ with λ's value would be the answer.
        explanation = f"{self._result(answer)}\n{self.hint()}"
        stable = stable_rate(np.array(self.x), self.k)
        if answer >= 2 * stable:
            return Verdict(
                False,
                explanation,
                "That rate is too large: every step overshoots the bottom further than the last, so the loss grows.",
                "rate_diverges",
            )
        if answer > stable:
            return Verdict(
                False,
                explanation,
                "That rate is too large: each step overshoots the bottom and zigzags back, so the loss "
                f"settles too slowly for {self.steps} steps.",
                "rate_too_large",
            )
        return Verdict(
            False,
            explanation,
            f"That rate is too small: the loss fell, but not a hundredfold within {self.steps} steps.",
            "rate_too_small",
        )

    def _why(self) -> str:
        return (
            f"Along its steepest direction the loss curves with λ = {_number(self.curvature)}: a rate of 1/λ reaches "
            "that direction's bottom in one step, smaller rates creep, and from 2/λ on each step overshoots further."
        )

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 1)
        return Rungs(
            nudge=self.hint(),
            formula=f"a safe rate: 1/λ = 1/{_number(self.curvature)}",
            steps=(self._why(),),
            solution=self.solution(),
        )

    def solution(self) -> str:
        rate = 1 / self.curvature
        return f"1/λ = 1/{_number(self.curvature)} = {rate:.3g}. {self._result(rate)}\n{self._why()}"

    def hint(self) -> str:
        return (
            "Each step moves the kernel by the rate times the gradient. Where the loss curves steeply "
            "(large λ) a big step overshoots; the rate must stay below 2/λ."
        )

    def params(self) -> dict[str, Any]:
        return {
            "variant": "learning-rate",
            "image": _lists(self.x),
            "target": _lists(self.y),
            "k": self.k,
            "steps": self.steps,
        }


def _valid_shape(x: Grid, y: Grid, k: int) -> None:
    try:
        fit_kernel(np.array(x), np.array(y), k, steps=0)
    except ValueError as error:
        raise ValueError(f"target: {error}") from None


def from_params(fields: Fields, variant: str) -> GradientSign | LearningRate:
    x = fields.grid("image", low=-9, high=9, max_side=8)
    if variant == "gradient-sign":
        w = fields.grid("kernel", low=-9, high=9, max_side=4)
        y = fields.grid("target", low=-99, high=99, max_side=8)
        if len(w) != len(w[0]):
            raise ValueError(f"kernel: the kernel must be square, but it is {len(w)}×{len(w[0])}.")
        _valid_shape(x, y, len(w))
        # Two fields, not a [row, col] pair: a level file's pair of whole numbers is a range.
        tap = (fields.int("row", minimum=0), fields.int("col", minimum=0))
        if max(tap) >= len(w):
            raise ValueError(
                f"{'row' if tap[0] >= len(w) else 'col'}: a {len(w)}×{len(w)} kernel's weights are numbered 0 to {len(w) - 1}, got {max(tap)}."
            )
        problem = GradientSign(x, w, y, tap)
        if problem.gradient == 0:
            raise ValueError(f"row: the gradient of w[{tap[0]}][{tap[1]}] is 0 here, so it does not move.")
        return problem
    y = fields.grid("target", low=-99, high=99, max_side=8)
    k = fields.int("k", minimum=1)
    _valid_shape(x, y, k)
    steps = fields.int("steps", minimum=1)
    if steps > 500:
        raise ValueError(f"steps: at most 500 steps for a level, got {steps}.")
    problem_rate = LearningRate(x, y, k, steps)
    if not problem_rate.converges(1 / problem_rate.curvature):
        raise ValueError(f"steps: even a rate of 1/λ does not cut the loss a hundredfold in {steps} steps.")
    return problem_rate


def _gradient_sign(rng: random.Random, difficulty: int) -> GradientSign:
    side, k = (3, 2) if difficulty == 1 else (4, 2) if difficulty == 2 else (4, 3)
    oh = side - k + 1
    while True:
        x = _random_grid(rng, side, side, 0 if difficulty == 1 else -2, 3)
        w = _random_grid(rng, k, k, -1, 1) if difficulty > 1 else tuple((0,) * k for _ in range(k))
        y = _random_grid(rng, oh, oh, -5, 5)
        problem = GradientSign(x, w, y, (rng.randrange(k), rng.randrange(k)))
        if problem.gradient != 0:
            return problem


def _learning_rate(rng: random.Random, difficulty: int) -> LearningRate:
    side, k = (5, 2) if difficulty == 1 else (6, 2) if difficulty == 2 else (6, 3)
    while True:
        x = _random_grid(rng, side, side, -2, 2)
        hidden = _random_grid(rng, k, k, -2, 2)
        y = tuple(tuple(int(v) for v in row) for row in conv2d(np.array(x), np.array(hidden)))
        if not any(any(row) for row in y):
            continue
        problem = LearningRate(x, y, k, 500)
        losses = problem.losses(1 / problem.curvature)
        needed = next((n for n, loss in enumerate(losses) if loss <= losses[0] / 100), None)
        # Well-conditioned draws only: a level asks for a few dozen steps, not hundreds.
        if needed is not None and needed <= 40:
            return LearningRate(x, y, k, max(5, math.ceil(needed * 1.5 / 5) * 5))


def generate(rng: random.Random, variant: str, difficulty: int) -> GradientSign | LearningRate:
    if variant == "gradient-sign":
        return _gradient_sign(rng, difficulty)
    return _learning_rate(rng, difficulty)
