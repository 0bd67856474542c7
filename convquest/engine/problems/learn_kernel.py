"""learn-kernel: gradient descent on a kernel, by hand and by choice of rate.

gradient-sign: one step of gradient descent on the mean squared error between conv2d(x, w) and y;
does weight w[a][b] go up or down? It goes against its gradient, (2/N)·Σ x[i+a][j+b]·e[i][j] with
e = conv2d(x, w) − y: the input under that tap times the error, summed over the N output cells.

learning-rate: type a rate that makes fit_kernel cut the loss a hundredfold within a given number
of steps from the zero kernel, told the loss's steepest curvature λ (L is the loss itself, as the
chapter writes it). Every rate is judged by running the engine's fit_kernel with it: a rate of
1/λ is safe, below that the loss falls more slowly, and from 2/λ on every step overshoots and the
loss grows.

recover: a photograph and its feature map from a hidden library kernel with whole-number
weights. Part 1: a rate that lets fit_kernel recover the kernel from zeros within the level's
steps (every weight within 0.5 of the hidden one, so rounding gives it), judged by running it;
the weights it reached are then shown. Part 2: which kernel was it, by name or as whole-number
weights. A wrong kernel is told apart by what it is to the hidden one: turned on its side (rows
and columns swapped), every sign flipped, or how many of its weights differ.
"""

from __future__ import annotations

import functools
import math
import random
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from convquest.engine.kernels import KERNELS
from convquest.engine.learn import FitStep, fit_kernel, stable_rate
from convquest.engine.ops import conv2d
from convquest.engine.photos import PHOTOS
from convquest.engine.problems.answers import parse_grid
from convquest.engine.problems.base import Fields, Verdict, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught
from convquest.engine.problems.match_kernel import kernel_name

KIND = "learn-kernel"
VARIANTS = ("gradient-sign", "learning-rate", "recover")
# Library kernels a recover level can hide: whole-number weights (a rounded weight is the weight),
# and plain gradient descent recovers each from every shipped photograph within 1100 steps.
HIDEABLE = ("sobel_x", "sobel_y", "emboss")
# What a player may name as the hidden kernel: any of the library's 3×3 kernels.
NAMEABLE = tuple(name for name, k in KERNELS.items() if k.weights.shape == (3, 3))
ROUNDS_TO = 0.5  # a weight within this of a whole number rounds to it

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


def parse_rate(text: str) -> float:
    """A learning rate typed as a decimal (0.05, 1e-2) or a fraction (1/20)."""
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


def rate_mistake(rate: float, stable: float, explanation: str, *, zigzag: str, short: str) -> Verdict:
    """A rate that did not do its job, named by where it stands against the stable rate 1/λ:
    from 2/λ on every step overshoots further; between, the steepest direction zigzags (`zigzag`
    says what that left undone); below, steps are short (`short` says how far it got)."""
    if rate >= 2 * stable:
        return Verdict(
            False,
            explanation,
            "That rate is too large: every step overshoots the bottom further than the last, so the loss grows.",
            "rate_diverges",
        )
    if rate > stable:
        return Verdict(
            False,
            explanation,
            f"That rate is too large: each step overshoots the bottom and zigzags back, so {zigzag}.",
            "rate_too_large",
        )
    return Verdict(False, explanation, f"That rate is too small: {short}.", "rate_too_small")


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
        return parse_rate(text)

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
        return rate_mistake(
            answer,
            stable_rate(np.array(self.x), self.k),
            explanation,
            zigzag=f"the loss settles too slowly for {self.steps} steps",
            short=f"the loss fell, but not a hundredfold within {self.steps} steps",
        )

    def _why(self) -> str:
        return (
            f"Along its steepest direction the loss curves with λ = {_number(self.curvature)}: a rate of 1/λ reaches "
            "that direction's bottom in one step, smaller rates creep, and above 2/λ each step overshoots further than the last."
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


def _weights_text(weights: np.ndarray) -> str:
    """A kernel as rows of numbers, two decimals each, one row a line."""
    return "\n".join("  " + " ".join(f"{v:6.2f}" for v in row) for row in weights)


@functools.lru_cache(maxsize=64)  # a few levels' worth of rates tried; each run is small
def _recovery(photo: str, hidden: str, steps: int, rate: float) -> tuple[FitStep, ...]:
    """fit_kernel on the photograph and the hidden kernel's map. A wrong rate is judged and then
    drawn, and a right one drawn again on every redraw, so each run is made once."""
    x = PHOTOS[photo].pixels / 255
    return tuple(fit_kernel(x, conv2d(x, KERNELS[hidden].weights), 3, steps=steps, lr=rate))


@dataclass(frozen=True)
class RecoverKernel:
    photo: str
    hidden: str
    steps: int

    kind = KIND
    topic = f"{KIND}/recover"

    @cached_property
    def x(self) -> np.ndarray:
        """The photograph as gradient descent sees it: 0 black to 1 white."""
        return PHOTOS[self.photo].pixels / 255

    @cached_property
    def target(self) -> np.ndarray:
        """The feature map the hidden kernel makes of the photograph (valid: no padding)."""
        return np.asarray(conv2d(self.x, self.kernel))

    @property
    def kernel(self) -> np.ndarray:
        return KERNELS[self.hidden].weights

    @cached_property
    def curvature(self) -> float:
        """λ, as shown to the player (3 significant figures): 1/λ is the engine's stable rate."""
        return float(f"{1 / stable_rate(self.x, 3):.3g}")

    def run(self, rate: float) -> tuple[FitStep, ...]:
        """Every step gradient descent takes from zeros with `rate`: the start and `steps` more."""
        return _recovery(self.photo, self.hidden, self.steps, float(rate))

    def reached(self, rate: float) -> np.ndarray:
        return self.run(rate)[-1].kernel

    def recovers(self, rate: float) -> bool:
        """Whether every weight ends within 0.5 of the hidden one, so rounding gives the kernel."""
        reached = self.reached(rate)
        return bool(np.all(np.isfinite(reached)) and np.all(np.abs(reached - self.kernel) < ROUNDS_TO))

    def prompt(self) -> str:
        title = PHOTOS[self.photo].title
        return (
            f"A hidden 3×3 kernel with whole-number weights made this feature map of the {title} photograph. "
            f"Gradient descent from zeros fits conv2d(photo, w) to the map for {self.steps} steps; the loss "
            f"curves most steeply with λ = {_number(self.curvature)}. First a learning rate that brings every "
            "weight within 0.5 of the hidden one; then the hidden kernel: its weights, rows split by ';'."
        )

    def parts(self) -> tuple[str, ...]:
        return ("learning rate", "hidden kernel")

    def parse_answer(self, text: str, part: int = 0) -> float | np.ndarray:
        check_part(part, 2)
        if part == 0:
            return parse_rate(text)
        if not isinstance(text, str) or not text.strip():
            raise ValueError("Type the kernel's weights, like 1 0 -1; 2 0 -2; 1 0 -1 (or its name).")
        if not any(ch.isdigit() for ch in text):
            return KERNELS[kernel_name(text, NAMEABLE)].weights
        grid = parse_grid(text)
        if (len(grid), len(grid[0])) != (3, 3):
            raise ValueError(f"The kernel is 3×3: type 3 rows of 3 numbers, not {len(grid)} rows of {len(grid[0])}.")
        return np.array(grid)

    # part 1: the rate

    def _result(self, rate: float) -> str:
        losses = [s.loss for s in self.run(rate)]
        if not math.isfinite(losses[-1]):
            return f"With rate {rate:.3g} the loss grew without bound."
        return f"With rate {rate:.3g}, after {self.steps} steps the loss is {losses[-1] / losses[0]:.3g} of its start."

    def _why(self) -> str:
        return (
            f"Along its steepest direction the loss curves with λ = {_number(self.curvature)}: a rate of 1/λ reaches "
            "that direction's bottom in one step, smaller rates creep, and above 2/λ each step overshoots further than the last."
        )

    def _reached_text(self, rate: float) -> str:
        return f"{self._result(rate)} The weights it reached:\n{_weights_text(self.reached(rate))}"

    def _check_rate(self, rate: float) -> Verdict:
        if self.recovers(rate):
            return Verdict(True, f"{self._reached_text(rate)}\nNow the hidden kernel: which whole numbers are those?")
        # Only how the loss went: the weights a wrong rate reached would point at the hidden kernel.
        return rate_mistake(
            rate,
            stable_rate(self.x, 3),
            f"{self._result(rate)}\n{self._rate_hint()}",
            zigzag=f"after {self.steps} steps some weights are still more than 0.5 from the hidden kernel's",
            short=f"the loss fell, but after {self.steps} steps some weights are still more than 0.5 from the hidden kernel's",
        )

    def _rate_hint(self) -> str:
        return (
            "Each step moves the kernel by the rate times the gradient. Where the loss curves steeply "
            "(large λ) a big step overshoots; the rate must stay below 2/λ, and a small one creeps."
        )

    # part 2: the kernel

    def _named(self, weights: np.ndarray) -> str:
        for name in NAMEABLE:
            if np.allclose(KERNELS[name].weights, weights):
                return KERNELS[name].title
        return "those weights"

    def _check_kernel(self, weights: np.ndarray) -> Verdict:
        hidden = self.kernel
        if np.allclose(weights, hidden):
            title, detects = KERNELS[self.hidden].title, KERNELS[self.hidden].detects
            return Verdict(
                True,
                f"The recovered weights, rounded, are {title}'s, the kernel that {detects[0].lower()}{detects[1:]}\n"
                "Gradient descent found the kernel from the photograph and its feature map alone.",
            )
        explanation = "The hidden kernel is the recovered weights, each rounded to the nearest whole number."
        if np.allclose(weights.T, hidden):
            return Verdict(
                False,
                explanation,
                f"{self._named(weights)} has the recovered weights' pattern turned on its side: its rows are "
                "their columns. Read the recovered weights row by row.",
                "kernel_transposed",
            )
        if np.allclose(-weights, hidden):
            return Verdict(
                False,
                explanation,
                f"Every sign of {self._named(weights)} is the other way round from the recovered weights: "
                "positive where they are negative.",
                "kernel_sign_flipped",
            )
        differ = int(np.count_nonzero(~np.isclose(weights, hidden)))
        named = self._named(weights)
        verb = "differ" if named == "those weights" else "differs"
        return Verdict(
            False,
            explanation,
            f"{named[0].upper()}{named[1:]} {verb} from the recovered weights, rounded, in {differ} of the 9 "
            "places: compare them weight by weight.",
            "kernel_differs",
        )

    def check(self, answer: float | np.ndarray, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 2)
        if part == 0:
            return self._check_rate(float(answer))
        return self._check_kernel(np.asarray(answer))

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 2)
        if part == 0:
            return Rungs(
                nudge=self._rate_hint(),
                formula=f"a safe rate: 1/λ = 1/{_number(self.curvature)}",
                steps=(self._why(),),
                solution=self._rate_solution(),
            )
        return Rungs(
            nudge=self._kernel_hint(),
            formula="hidden kernel = the recovered weights, each rounded to the nearest whole number",
            steps=(
                "Round each recovered weight: 1.97 is 2, −0.04 is 0, −0.98 is −1.",
                # Short: at 80×24 these lines share the panel with the diagnosis and the prompt.
                "Then read the signs: which library kernel goes from negative to positive like that?",
            ),
            solution=self._kernel_solution(),
            formula_label="What to compare",
        )

    def _rate_solution(self) -> str:
        rate = 1 / self.curvature
        return f"1/λ = 1/{_number(self.curvature)} = {rate:.3g}. {self._reached_text(rate)}"

    def _kernel_solution(self) -> str:
        rows = "; ".join(" ".join(str(int(v)) for v in row) for row in self.kernel)
        return f"The recovered weights, rounded: {rows}. That is {KERNELS[self.hidden].title} ({self.hidden})."

    def solution(self) -> str:
        return f"{self._rate_solution()}\n{self._kernel_solution()}"

    def _kernel_hint(self) -> str:
        return (
            "The weights gradient descent reached are on the board: the hidden kernel's are whole numbers, "
            "and each reached weight is within 0.5 of its own. Type them row by row, rows split by ';'."
        )

    def hint(self) -> str:
        return self._rate_hint()

    def params(self) -> dict[str, Any]:
        return {"variant": "recover", "photo": self.photo, "kernel": self.hidden, "steps": self.steps}


def _valid_shape(x: Grid, y: Grid, k: int) -> None:
    try:
        fit_kernel(np.array(x), np.array(y), k, steps=0)
    except ValueError as error:
        raise ValueError(f"target: {error}") from None


MAX_RECOVER_STEPS = 2000


def _recover_from(fields: Fields) -> RecoverKernel:
    photo = fields.choice("photo", tuple(PHOTOS))
    hidden = fields.choice("kernel", HIDEABLE)
    steps = fields.int("steps", minimum=1)
    if steps > MAX_RECOVER_STEPS:
        raise ValueError(f"steps: at most {MAX_RECOVER_STEPS} steps for a level, got {steps}.")
    problem = RecoverKernel(photo, hidden, steps)
    if not problem.recovers(1 / problem.curvature):
        raise ValueError(
            f"steps: even a rate of 1/λ does not bring every weight within 0.5 of {hidden} in {steps} steps."
        )
    return problem


def from_params(fields: Fields, variant: str) -> GradientSign | LearningRate | RecoverKernel:
    if variant == "recover":
        return _recover_from(fields)
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


def _recover(rng: random.Random, difficulty: int) -> RecoverKernel:
    # Sobel's two directions first; emboss, whose signs run along a diagonal, from difficulty 2.
    hidden = rng.choice(HIDEABLE[:2] if difficulty == 1 else HIDEABLE)
    photo = rng.choice(tuple(PHOTOS))
    longest = RecoverKernel(photo, hidden, 1100)
    rate = 1 / longest.curvature
    errors = [float(np.abs(step.kernel - longest.kernel).max()) for step in longest.run(rate)]
    needed = next(n for n, error in enumerate(errors) if error < ROUNDS_TO)
    # Room for rates a little off 1/λ: half as many steps again, in fifties as a level would say.
    return RecoverKernel(photo, hidden, math.ceil(needed * 1.5 / 50) * 50)


def generate(rng: random.Random, variant: str, difficulty: int) -> GradientSign | LearningRate | RecoverKernel:
    if variant == "gradient-sign":
        return _gradient_sign(rng, difficulty)
    if variant == "recover":
        return _recover(rng, difficulty)
    return _learning_rate(rng, difficulty)
