"""count-params: the learned numbers of a conv layer against a fully connected layer on the same image."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from convquest.engine.arithmetic import conv_output_size, conv_params, dense_params
from convquest.engine.problems.answers import parse_whole_number
from convquest.engine.problems.base import Fields, Verdict, article, blame, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught

KIND = "count-params"
VARIANTS = ("conv-vs-dense", "locally-connected", "pool-vs-conv")


def times(a: int, b: int) -> str:
    """a / b as a reader says it: "112,384×" when exact, else "about 2.3×" (whole above ten)."""
    if a % b == 0:
        return f"{a // b:,}×"
    ratio = a / b
    shown = f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.1f}".removesuffix(".0")
    return f"about {shown}×"


@dataclass(frozen=True)
class CountParams:
    c_in: int
    c_out: int
    k: int
    h: int
    w: int
    p: int = 0
    bias: bool = True
    units: int | None = None  # the dense layer's outputs; None means as many as the conv's output map

    kind = KIND
    topic = f"{KIND}/conv-vs-dense"

    @cached_property
    def out_hw(self) -> tuple[int, int]:
        return conv_output_size(self.h, self.k, self.p), conv_output_size(self.w, self.k, self.p)

    @property
    def dense_in(self) -> int:
        return self.h * self.w * self.c_in

    @property
    def dense_out(self) -> int:
        if self.units is not None:
            return self.units
        oh, ow = self.out_hw
        return self.c_out * oh * ow

    @cached_property
    def answers(self) -> tuple[int, int]:
        return conv_params(self.c_in, self.c_out, self.k, self.bias), dense_params(
            self.dense_in, self.dense_out, self.bias
        )

    @property
    def counts(self) -> tuple[int, ...]:
        """The right count for each part, in the order the parts ask them."""
        return self.answers

    def prompt(self) -> str:
        oh, ow = self.out_hw
        pad = f", padding {self.p}" if self.p else ""
        bias = "with" if self.bias else "without"
        target = (
            f"{self.units} units"
            if self.units is not None
            else f"as many outputs as the conv gives ({self.c_out}×{oh}×{ow} = {self.dense_out})"
        )
        return (
            f"{article(self.c_in, True)} {self.c_in}×{self.h}×{self.w} image (channels×height×width). Layer A: a convolution with "
            f"{self.c_out} filter{'s' if self.c_out != 1 else ''} of {self.k}×{self.k}{pad}, {bias} biases. Layer B: a fully connected "
            f"layer on the flattened image, {bias} biases, with {target}. "
            "How many learned numbers does each layer have?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("conv layer", "dense layer")

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, 2)
        return parse_whole_number(text, "224", big=True)

    def _conv_working(self) -> str:
        weights = self.c_out * self.c_in * self.k * self.k
        lines = [f"weights = C_out·C_in·k·k = {self.c_out}·{self.c_in}·{self.k}·{self.k} = {weights}"]
        if self.bias:
            lines.append(f"biases = C_out = {self.c_out}")
        lines.append(f"total = {self.answers[0]}")
        return "\n".join(lines)

    def _dense_working(self) -> str:
        n_in, n_out = self.dense_in, self.dense_out
        lines = [
            f"inputs = H·W·C_in = {self.h}·{self.w}·{self.c_in} = {n_in}",
            f"weights = inputs·outputs = {n_in}·{n_out} = {n_in * n_out}",
        ]
        if self.bias:
            lines.append(f"biases = outputs = {n_out}")
        lines.append(f"total = {self.answers[1]}")
        return "\n".join(lines)

    def _sharing(self) -> str:
        conv, dense = self.answers
        oh, ow = self.out_hw
        return (
            f"The dense layer has {times(dense, conv)} as many. Parameter sharing: each filter's "
            f"{self.c_in * self.k * self.k} weights are reused at all {oh}·{ow} = {oh * ow} positions, "
            "and each output looks only at its own window."
        )

    def _working(self, part: int) -> str:
        return self._conv_working() if part == 0 else f"{self._dense_working()}\n{self._sharing()}"

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 2)
        explanation = self._working(part)
        if answer == self.answers[part]:
            return Verdict(True, explanation)
        for key, wrong, sentence in self._mistakes(part):
            if wrong == answer:
                return Verdict(False, explanation, sentence, key)
        return Verdict(False, explanation)

    def _mistakes(self, part: int) -> list[tuple[str, int, str]]:
        # Words only: each names the slip without a number that would add up to the answer.
        found: list[tuple[str, int, str]] = []
        if part == 0:
            if self.bias:
                found.append(
                    (
                        "forgot_bias",
                        conv_params(self.c_in, self.c_out, self.k, False),
                        "You forgot the biases: each filter has one bias besides its weights.",
                    )
                )
            if self.c_in > 1:
                found.append(
                    (
                        "forgot_input_channels",
                        conv_params(1, self.c_out, self.k, self.bias),
                        "You counted each filter as flat. A filter spans every input channel: it has "
                        "C_in·k·k weights, not k·k.",
                    )
                )
            oh, ow = self.out_hw
            found.append(
                (
                    "counted_per_position",
                    self.answers[0] * oh * ow,
                    "The same filters are used at every position: do not multiply by the number of positions "
                    "— that is the point of parameter sharing.",
                )
            )
        else:
            if self.bias:
                found.append(
                    (
                        "forgot_bias",
                        dense_params(self.dense_in, self.dense_out, False),
                        "You forgot the biases: each output unit has one bias besides its weights.",
                    )
                )
            if self.c_in > 1:
                found.append(
                    (
                        "forgot_input_channels",
                        dense_params(self.h * self.w, self.dense_out, self.bias),
                        "The flattened image has H·W·C_in inputs: every channel's pixels count, not one channel's.",
                    )
                )
        return found

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 2)
        right = self.answers[part]
        bias = self.bias
        if part == 0:
            weights = self.c_in * self.k * self.k
            nudge = (
                "A filter has one weight for every input channel and kernel cell"
                + (", plus one bias" if bias else "")
                + "; the layer has C_out filters, and the same ones are used at every position."
            )
            formula = "C_out·(C_in·k·k + 1)" if bias else "C_out·C_in·k·k"
            numbers = (
                f"{self.c_out}·({self.c_in}·{self.k}·{self.k} + 1)"
                if bias
                else f"{self.c_out}·{self.c_in}·{self.k}·{self.k}"
            )
            steps = [_step(f"one filter: C_in·k·k = {self.c_in}·{self.k}·{self.k}", weights, right)]
            if bias:
                steps.append(_step(f"with its bias: {weights} + 1", weights + 1, right))
        else:
            n_in, n_out = self.dense_in, self.dense_out
            nudge = "Flatten the image into H·W·C_in inputs. A dense layer has a weight for every input–output pair" + (
                ", plus one bias per output." if bias else "."
            )
            formula = "(H·W·C_in)·outputs + outputs" if bias else "(H·W·C_in)·outputs"
            numbers = f"({self.h}·{self.w}·{self.c_in})·{n_out}" + (f" + {n_out}" if bias else "")
            steps = [
                _step(f"inputs: H·W·C_in = {self.h}·{self.w}·{self.c_in}", n_in, right),
                _step(f"weights: {n_in}·{n_out}", n_in * n_out, right),
            ]
        return Rungs(nudge, f"{formula}\n  = {numbers}", tuple(steps), self._working(part))

    def solution(self) -> str:
        return f"Conv layer:\n{self._conv_working()}\nDense layer:\n{self._dense_working()}\n{self._sharing()}"

    def hint(self) -> str:
        return "A filter has C_in·k·k weights (plus a bias) and is reused everywhere; a dense layer has a weight for every input–output pair."

    def params(self) -> dict[str, Any]:
        out = {
            "variant": "conv-vs-dense",
            "c_in": self.c_in,
            "c_out": self.c_out,
            "k": self.k,
            "h": self.h,
            "w": self.w,
            "p": self.p,
            "bias": self.bias,
        }
        if self.units is not None:
            out["units"] = self.units
        return out


@dataclass(frozen=True)
class LocallyConnected(CountParams):
    """Three layers on one image: shared (conv), local but unshared, and dense. The middle one keeps
    locality and drops sharing, so it splits the conv-to-dense gap into the part each idea saves."""

    topic = f"{KIND}/locally-connected"

    @property
    def counts(self) -> tuple[int, ...]:
        return self.answers[0], self.local_count, self.answers[1]

    @cached_property
    def local_count(self) -> int:
        # As Keras's LocallyConnected2D: a filter of its own at every output position, and a bias per output cell.
        oh, ow = self.out_hw
        positions = oh * ow
        return positions * self.c_out * self.c_in * self.k * self.k + (positions * self.c_out if self.bias else 0)

    def prompt(self) -> str:
        oh, ow = self.out_hw
        pad = f", padding {self.p}" if self.p else ""
        bias = "with" if self.bias else "without"
        return (
            f"{article(self.c_in, True)} {self.c_in}×{self.h}×{self.w} image (channels×height×width), three layers "
            f"that each give a {self.c_out}×{oh}×{ow} output, {bias} biases. A: a convolution with {self.c_out} "
            f"filter{'s' if self.c_out != 1 else ''} of {self.k}×{self.k}{pad}. B: locally connected, the same "
            f"{self.k}×{self.k} windows but a filter of its own at each of the {oh}·{ow} positions. C: fully connected "
            "on the flattened image. How many learned numbers does each layer have?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("conv layer", "locally connected", "dense layer")

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, 3)
        return super().parse_answer(text, min(part, 1))

    def _local_working(self) -> str:
        oh, ow = self.out_hw
        per_position = self.c_out * self.c_in * self.k * self.k
        lines = [
            f"positions = {oh}·{ow} = {oh * ow}",
            f"weights = positions·C_out·C_in·k·k = {oh * ow}·{self.c_out}·{self.c_in}·{self.k}·{self.k} "
            f"= {oh * ow * per_position}",
        ]
        if self.bias:
            lines.append(f"biases = positions·C_out = {oh * ow * self.c_out}")
        lines.append(f"total = {self.local_count}")
        return "\n".join(lines)

    def _split(self) -> str:
        (conv, dense), local = self.answers, self.local_count
        return (
            f"Sharing saves {local / conv:,.1f}× (conv → locally connected); locality saves "
            f"{dense / local:,.1f}× more (locally connected → dense)."
        )

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 3)
        if part != 1:
            return super().rungs(part // 2, taught)
        oh, ow = self.out_hw
        positions = oh * ow
        per_position = self.c_out * self.c_in * self.k * self.k
        formula = "positions·C_out·C_in·k·k" + (" + positions·C_out" if self.bias else "")
        numbers = f"{oh}·{ow}·{self.c_out}·{self.c_in}·{self.k}·{self.k}" + (
            f" + {oh}·{ow}·{self.c_out}" if self.bias else ""
        )
        steps = [
            _step(f"positions: {oh}·{ow}", positions, self.local_count),
            _step(
                f"weights at one position: C_out·C_in·k·k = {self.c_out}·{self.c_in}·{self.k}·{self.k}",
                per_position,
                self.local_count,
            ),
        ]
        return Rungs(
            "The conv's windows, but a filter of its own at every output position: count one position's "
            "weights" + (" and biases" if self.bias else "") + ", then multiply by the positions.",
            f"{formula}\n  = {numbers}",
            tuple(steps),
            self._local_working(),
        )

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 3)
        if part != 1:
            verdict = super().check(answer, part // 2, taught=taught)
            if part == 2:
                return Verdict(
                    verdict.correct, f"{verdict.explanation}\n{self._split()}", verdict.diagnosis, verdict.mistake
                )
            return verdict
        explanation = f"{self._local_working()}\n{self._split()}"
        if answer == self.local_count:
            return Verdict(True, explanation)
        oh, ow = self.out_hw
        slips = [
            (
                "forgot_bias",
                self.local_count - oh * ow * self.c_out if self.bias else None,
                "You forgot the biases: a locally connected layer has one for every output cell.",
            ),
            ("shared_count", self.answers[0], "That is the shared count: here every position has a filter of its own."),
            ("dense_count", self.answers[1], "That is the dense count: each position still sees only its own window."),
        ]
        for key, wrong, sentence in slips:
            if answer == wrong:
                return Verdict(False, explanation, sentence, key)
        return Verdict(False, explanation)

    def solution(self) -> str:
        return (
            f"Conv layer:\n{self._conv_working()}\nLocally connected:\n{self._local_working()}\n"
            f"Dense layer:\n{self._dense_working()}\n{self._split()}"
        )

    def hint(self) -> str:
        return "Locally connected: the conv's windows, but a new filter at every output position."

    def params(self) -> dict[str, Any]:
        out = super().params()
        out["variant"] = "locally-connected"
        out.pop("units", None)
        return out


@dataclass(frozen=True)
class PoolVsConv(CountParams):
    """A max pool beside a conv with the same window on the same map: the pool has nothing to learn."""

    topic = f"{KIND}/pool-vs-conv"

    @property
    def counts(self) -> tuple[int, ...]:
        return 0, self.answers[0]

    def prompt(self) -> str:
        bias = "with" if self.bias else "without"
        return (
            f"{article(self.c_in, True)} {self.c_in}×{self.h}×{self.w} map (channels×height×width). Layer A: a "
            f"{self.k}×{self.k} max pool. Layer B: a convolution with {self.c_out} filter{'s' if self.c_out != 1 else ''} "
            f"of {self.k}×{self.k}, {bias} biases. How many learned numbers does each layer have?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("max pool", "conv layer")

    def _pool_working(self) -> str:
        return "A max pool takes the largest value in each window: no weights, no biases.\ntotal = 0"

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 2)
        if part == 1:
            return super().rungs(0, taught)
        question = "What does a max pool compute from its window, and which of its numbers would training change?"
        # Rung 3 counts each, in words: its total is the last step, left to the player.
        working = self._pool_working()
        return Rungs(question, "learned numbers = weights + biases of the pool", (working.splitlines()[0],), working)

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 2)
        if part == 1:
            return super().check(answer, 0, taught=taught)
        explanation = self._pool_working()
        if answer == 0:
            return Verdict(True, explanation)
        window = self.k * self.k
        slips = [
            ("pool_weights", window, "A pooling window has no weights: it only picks the largest value under it."),
            ("pool_weights", window * self.c_in, "Pooling has no weights on any channel: it only picks maxima."),
        ]
        for key, wrong, sentence in slips:
            if answer == wrong:
                return Verdict(False, explanation, sentence, key)
        return Verdict(
            False, explanation, "Is there anything in a max pool that training could change?", "pool_weights"
        )

    def solution(self) -> str:
        return f"Max pool:\n{self._pool_working()}\nConv layer:\n{self._conv_working()}"

    def hint(self) -> str:
        return "What does a max pool compute, and which of its numbers would training adjust?"

    def params(self) -> dict[str, Any]:
        out = super().params()
        out["variant"] = "pool-vs-conv"
        for unused in ("p", "units"):
            out.pop(unused, None)
        return out


def _step(text: str, value: int, answer: int) -> str:
    """A worked step, left for the player to evaluate where its value is already the answer."""
    return text if value == answer else f"{text} = {value}"


def from_params(fields: Fields, variant: str) -> CountParams:
    if variant == "pool-vs-conv":
        pool = PoolVsConv(
            fields.int("c_in", minimum=1),
            fields.int("c_out", minimum=1),
            fields.int("k", minimum=1),
            fields.int("h", minimum=1),
            fields.int("w", minimum=1),
            bias=fields.bool("bias", True),
        )
        try:
            _ = pool.out_hw  # computing it is the check
        except ValueError as error:
            raise blame(error, "k") from None
        return pool
    if variant == "locally-connected":
        problem: CountParams = LocallyConnected(
            fields.int("c_in", minimum=1),
            fields.int("c_out", minimum=1),
            fields.int("k", minimum=1),
            fields.int("h", minimum=1),
            fields.int("w", minimum=1),
            fields.int("p", 0, minimum=0),
            fields.bool("bias", True),
        )
        try:
            _ = problem.out_hw  # computing it is the check
        except ValueError as error:
            raise blame(error, "k") from None
        return problem
    units = fields.raw("units")
    problem = CountParams(
        fields.int("c_in", minimum=1),
        fields.int("c_out", minimum=1),
        fields.int("k", minimum=1),
        fields.int("h", minimum=1),
        fields.int("w", minimum=1),
        fields.int("p", 0, minimum=0),
        fields.bool("bias", True),
        None if units is None else fields.int("units", minimum=1),
    )
    try:
        _ = problem.out_hw  # computing it is the check
    except ValueError as error:
        raise blame(error, "k") from None
    return problem


def generate(rng: random.Random, variant: str, difficulty: int) -> CountParams:
    if variant == "pool-vs-conv":
        channels = rng.choice((1, 3, 6, 16)[: difficulty + 1])
        side = rng.randint(8, 32)
        return PoolVsConv(channels, rng.choice((4, 8, 16)), rng.choice((2, 3)), side, side, bias=rng.random() < 0.7)
    if variant == "locally-connected":
        side = rng.randint(5, (8, 16, 32)[difficulty - 1])
        k = rng.choice((3, 5)) if side > 5 else 3
        return LocallyConnected(rng.choice((1, 3)), rng.choice((1, 2, 4, 8)), k, side, side, bias=rng.random() < 0.5)
    if difficulty == 1:
        return CountParams(1, rng.randint(1, 4), 3, *(2 * (rng.randint(4, 8),)), p=1, bias=rng.random() < 0.5)
    side = rng.randint(6, (12, 32)[difficulty - 2])
    k = rng.choice((3, 5))
    units = rng.choice((10, 64, 100, 128)) if difficulty == 3 and rng.random() < 0.4 else None
    return CountParams(
        rng.choice((1, 3)),
        rng.choice((4, 8, 16)),
        k,
        side,
        side,
        p=rng.choice((0, k // 2)),
        bias=difficulty == 2 or rng.random() < 0.8,
        units=units,
    )
