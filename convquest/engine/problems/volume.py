"""volume: a conv layer on a C×H×W volume — its output shape, its parameters (groups, 1×1,
depthwise), and a depthwise-separable block against a standard convolution (Howard et al., 2017).

Every number comes from `engine.arithmetic` (`conv_output_shape`, `conv_params`); the slips are
the same functions called with the slip made (bias left off, groups ignored, one channel), so a
wrong answer is recognised by what it equals, and diagnosed in words only.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import ClassVar, Self

from convquest.engine.arithmetic import conv_output_shape, conv_params, grouped_channels
from convquest.engine.problems.answers import parse_shape, parse_whole_number
from convquest.engine.problems.base import Fields, Verdict, article, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught

KIND = "volume"
VARIANTS = ("shape", "params", "separable")

Slip = tuple[str, object, str]  # (stable key, the wrong answer it gives, the sentence in words)


class Judged:
    """What every volume-style problem shares: parts judged by comparing with the engine's answer,
    then with each recognised slip; the ladder built from the formula, the steps and the working.
    Subclasses give `answers`, `_slips(part)`, `_formula(part)`, `_steps(part)`, `_nudge(part)`."""

    @property
    def answers(self) -> tuple[object, ...]:
        raise NotImplementedError

    def parts(self) -> tuple[str, ...]:
        raise NotImplementedError

    def _slips(self, part: int) -> list[Slip]:
        raise NotImplementedError

    def _formula(self, part: int) -> str:
        raise NotImplementedError

    def _steps(self, part: int) -> tuple[str, ...]:
        raise NotImplementedError

    def _nudge(self, part: int) -> str:
        raise NotImplementedError

    def _working(self, part: int) -> str:
        return "\n".join(self._steps(part))

    def check(self, answer: object, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, len(self.parts()))
        explanation = self._working(part)
        if answer == self.answers[part]:
            return Verdict(True, explanation)
        for key, wrong, sentence in self._slips(part):
            if wrong == answer and wrong != self.answers[part]:
                return Verdict(False, explanation, sentence, key)
        return Verdict(False, explanation)

    def rungs(self, part: int, taught: Taught = ALL_TAUGHT) -> Rungs:
        check_part(part, len(self.parts()))
        steps = self._steps(part)
        return Rungs(
            nudge=self._nudge(part), formula=self._formula(part), steps=steps[:-1], solution=self._working(part)
        )

    def solution(self) -> str:
        return "\n".join(f"{label}:\n{self._working(n)}" for n, label in enumerate(self.parts()))

    def hint(self) -> str:
        return self._nudge(0)


def layer_words(c_out: int, k: int, s: int = 1, p: int = 0, groups: int = 1, bias: bool = True) -> str:
    """ "64 filters of 3×3, stride 2, padding 1, groups 4, no bias" as a prompt says it."""
    bits = [f"{c_out} filter{'s' if c_out != 1 else ''} of {k}×{k}"]
    if s != 1:
        bits.append(f"stride {s}")
    if p:
        bits.append(f"padding {p}")
    if groups != 1:
        bits.append(f"groups {groups}")
    if not bias:
        bits.append("no bias")
    return ", ".join(bits)


def _refused(build: Callable[[], object], blame_field: Callable[[str], str]) -> None:
    """Run the engine's check; its refusal is given back prefixed with the field it is about."""
    try:
        build()
    except ValueError as error:
        message = str(error)
        raise ValueError(f"{blame_field(message)}: {message}") from None


def _channel_field(message: str) -> str:
    if "groups" in message and "input channels" in message:
        return "c_in"
    if "groups" in message and "output channels" in message:
        return "c_out"
    for word, name in (("kernel", "k"), ("stride", "s"), ("padding", "p"), ("input size", "i")):
        if word in message:
            return name
    return "groups"


@dataclass(frozen=True)
class ConvLayer(Judged):
    """A problem about one conv layer on a C_in×i×i input (its output shape here, its multiply-adds
    in count-macs): the layer's fields, its output's side, and the fields saved and read back as
    params under `VARIANT`."""

    c_in: int
    i: int
    c_out: int
    k: int
    s: int = 1
    p: int = 0
    groups: int = 1

    VARIANT: ClassVar[str]

    @cached_property
    def side(self) -> int:
        return conv_output_shape(self.i, self.k, self.p, self.s)[0]

    def _engine_checks(self) -> object:
        """Reach every number the engine may refuse, in the order its refusal should name them."""
        return grouped_channels(self.c_in, self.c_out, self.groups), self.side

    @classmethod
    def from_fields(cls, fields: Fields) -> Self:
        layer = cls(
            fields.int("c_in", minimum=1),
            fields.int("i", minimum=1),
            fields.int("c_out", minimum=1),
            fields.int("k", minimum=1),
            fields.int("s", 1, minimum=1),
            fields.int("p", 0, minimum=0),
            fields.int("groups", 1, minimum=1),
        )
        _refused(layer._engine_checks, _channel_field)
        return layer

    def params(self) -> dict[str, object]:
        return {
            "variant": self.VARIANT,
            "c_in": self.c_in,
            "i": self.i,
            "c_out": self.c_out,
            "k": self.k,
            "s": self.s,
            "p": self.p,
            "groups": self.groups,
        }


@dataclass(frozen=True)
class VolumeShape(ConvLayer):
    """What shape comes out of a conv layer on a C×H×W input? C_out×H′×W′."""

    kind = KIND
    topic = f"{KIND}/shape"
    VARIANT = "shape"

    @cached_property
    def answers(self) -> tuple[object, ...]:
        return ((self.c_out, self.side, self.side),)

    def prompt(self) -> str:
        return (
            f"{article(self.c_in, True)} {self.c_in}×{self.i}×{self.i} input (channels×height×width) goes through a "
            f"convolution with {layer_words(self.c_out, self.k, self.s, self.p, self.groups)}. "
            "What shape comes out, C×H×W?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("C×H×W",)

    def parse_answer(self, text: str, part: int = 0) -> tuple[int, ...]:
        check_part(part, 1)
        return parse_shape(text, 3)

    def _formula(self, part: int) -> str:
        return f"C = number of filters; H = W = ⌊({self.i} + 2·{self.p} − {self.k}) / {self.s}⌋ + 1"

    def _steps(self, part: int) -> tuple[str, ...]:
        return (
            f"Each filter gives one map, so C = {self.c_out} (the input's {self.c_in} channels are summed inside each filter).",
            f"H = W = ⌊({self.i} + 2·{self.p} − {self.k}) / {self.s}⌋ + 1 = {self.side}",
            f"shape = {self.c_out}×{self.side}×{self.side}",
        )

    def rungs(self, part: int, taught: Taught = ALL_TAUGHT) -> Rungs:
        # The working's side line ends in H and W, and with C that is the whole shape: rung 3 stops one
        # division short, as the size levels' steps do.
        ladder = super().rungs(part, taught)
        room = self.i + 2 * self.p - self.k
        return replace(ladder, steps=(ladder.steps[0], f"H = W = ⌊{room}/{self.s}⌋ + 1"))

    def _nudge(self, part: int) -> str:
        return "How many maps does the layer make — what decides the depth of its output? The sides follow the size formula."

    def _slips(self, part: int) -> list[Slip]:
        side = self.side
        slips: list[Slip] = [
            (
                "kept_input_channels",
                (self.c_in, side, side),
                "The depth is the number of filters: each filter sums over all the input channels and gives one map.",
            )
        ]
        if side > 1:
            slips.append(
                (
                    "forgot_plus_one",
                    (self.c_out, side - 1, side - 1),
                    "You forgot the +1 on the sides: the division counts the window's jumps, and its first "
                    "position, before any jump, is one more.",
                )
            )
        if self.groups > 1:
            slips.append(
                (
                    "channels_per_group",
                    (self.c_out // self.groups, side, side),
                    "Groups split which input channels a filter sees, not how many filters there are: every filter still makes a map.",
                )
            )
        if self.s > 1:
            slips.append(
                (
                    "forgot_stride",
                    (self.c_out, *conv_output_shape(self.i, self.k, self.p, 1)),
                    "The sides look right for stride 1: the stride divides the room the window moves in.",
                )
            )
        if self.p:
            slips.append(
                (
                    "forgot_padding",
                    (self.c_out, *conv_output_shape(self.i, self.k, 0, self.s)),
                    "The padding adds cells on both sides before the window slides.",
                )
            )
        return slips


@dataclass(frozen=True)
class VolumeParams(Judged):
    """How many learned numbers has a conv layer with C_in → C_out channels, k×k, groups, bias?"""

    c_in: int
    c_out: int
    k: int
    groups: int = 1
    bias: bool = True

    kind = KIND
    topic = f"{KIND}/params"

    @cached_property
    def answers(self) -> tuple[object, ...]:
        return (conv_params(self.c_in, self.c_out, self.k, self.bias, self.groups),)

    @property
    def depthwise(self) -> bool:
        return self.groups > 1 and self.groups == self.c_in == self.c_out

    def prompt(self) -> str:
        what = (
            "a depthwise convolution"
            if self.depthwise
            else "a 1×1 convolution"
            if self.k == 1 and self.groups == 1
            else "a convolution"
        )
        bias = "with" if self.bias else "without"
        return (
            f"{what.capitalize()} takes {self.c_in} input channels to {self.c_out} with "
            f"{layer_words(self.c_out, self.k, groups=self.groups, bias=True)}, {bias} biases. "
            "How many learned numbers (weights and biases) does it have?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("parameters",)

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, 1)
        return parse_whole_number(text, "34,944", big=True)

    def _formula(self, part: int) -> str:
        seen = "C_in" if self.groups == 1 else "C_in/groups"
        seen_numbers = f"{self.c_in}" if self.groups == 1 else f"({self.c_in}/{self.groups})"
        bias = f" + {self.c_out}" if self.bias else ""
        return (
            f"C_out·{seen}·k·k{' + C_out' if self.bias else ''} = {self.c_out}·{seen_numbers}·{self.k}·{self.k}{bias}"
        )

    def _steps(self, part: int) -> tuple[str, ...]:
        per_filter = grouped_channels(self.c_in, self.c_out, self.groups)
        weights = self.c_out * per_filter * self.k * self.k
        lines = []
        if self.groups > 1:
            lines.append(
                f"Each filter sees C_in/groups = {self.c_in}/{self.groups} = {per_filter} input channel"
                f"{'s' if per_filter != 1 else ''}."
            )
        seen = "C_in" if self.groups == 1 else "(C_in/groups)"
        lines.append(f"weights = C_out·{seen}·k·k = {self.c_out}·{per_filter}·{self.k}·{self.k} = {weights:,}")
        if self.bias:
            lines.append(f"biases = C_out = {self.c_out}")
        lines.append(f"total = {self.answers[0]:,}")
        return tuple(lines)

    def _nudge(self, part: int) -> str:
        return "A filter is a block: one k×k slice for every input channel it sees. Count one filter, then all of them, then the biases."

    def _slips(self, part: int) -> list[Slip]:
        c_in, c_out, k, g, bias = self.c_in, self.c_out, self.k, self.groups, self.bias
        per_filter = grouped_channels(c_in, c_out, g)
        slips: list[Slip] = []
        if bias:
            slips.append(
                ("forgot_bias", conv_params(c_in, c_out, k, False, g), "You left out the biases: one per filter.")
            )
        if per_filter > 1:
            slips.append(
                (
                    "filter_as_2d",
                    c_out * k * k + (c_out if bias else 0),
                    "You counted each filter as one k×k slice: a filter spans the input channels it sees, a slice for each.",
                )
            )
        if g > 1:
            key = "used_c_out_depthwise" if self.depthwise else "forgot_groups"
            sentence = (
                "A depthwise filter sees one channel only: the channel count in a filter is not C_out."
                if self.depthwise
                else "With groups, a filter sees only its own group's share of the input channels."
            )
            slips.append((key, conv_params(c_in, c_out, k, bias, 1), sentence))
            slips.append(
                (
                    "divided_twice",
                    (c_out // g) * per_filter * k * k + (c_out if bias else 0),
                    "Groups split the input channels each filter sees; the number of filters stays C_out.",
                )
            )
        if bias:
            slips.append(
                (
                    "bias_per_weight_slice",
                    c_out * per_filter * (k * k + 1),
                    "A filter has one bias in all, not one for each of its channel slices.",
                )
            )
        return slips

    def params(self) -> dict[str, object]:
        return {
            "variant": "params",
            "c_in": self.c_in,
            "c_out": self.c_out,
            "k": self.k,
            "groups": self.groups,
            "bias": self.bias,
        }


@dataclass(frozen=True)
class Separable(Judged):
    """A standard k×k convolution C_in → C_out against a depthwise k×k one followed by a 1×1 one
    (MobileNet's block): parameters of each. Their ratio is 1/C_out + 1/k² without biases."""

    c_in: int
    c_out: int
    k: int
    bias: bool = False

    kind = KIND
    topic = f"{KIND}/separable"

    @cached_property
    def counts(self) -> tuple[int, int, int]:
        """Standard, depthwise and pointwise parameters."""
        return (
            conv_params(self.c_in, self.c_out, self.k, self.bias),
            conv_params(self.c_in, self.c_in, self.k, self.bias, groups=self.c_in),
            conv_params(self.c_in, self.c_out, 1, self.bias),
        )

    @cached_property
    def answers(self) -> tuple[object, ...]:
        standard, depthwise, pointwise = self.counts
        return (standard, depthwise + pointwise)

    def prompt(self) -> str:
        bias = "with" if self.bias else "without"
        return (
            f"Take {self.c_in} channels to {self.c_out}, {bias} biases. A: one standard {self.k}×{self.k} convolution. "
            f"B: depthwise-separable — a depthwise {self.k}×{self.k} convolution (groups {self.c_in}, one filter per channel), "
            f"then a 1×1 convolution to {self.c_out}. How many parameters has each?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("standard", "separable")

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, 2)
        return parse_whole_number(text, "34,944", big=True)

    def _bias(self, count: int) -> str:
        return f" + {count}" if self.bias else ""

    def _formula(self, part: int) -> str:
        c_in, c_out, k = self.c_in, self.c_out, self.k
        if part == 0:
            return f"C_out·C_in·k·k = {c_out}·{c_in}·{k}·{k}{self._bias(c_out)}"
        return f"depthwise C_in·k·k{self._bias(c_in)} + pointwise C_in·C_out{self._bias(c_out)} = {c_in}·{k}·{k} + {c_in}·{c_out}"

    def _ratio(self) -> str:
        standard, depthwise, pointwise = self.counts
        separable = depthwise + pointwise
        return (
            f"separable / standard = {separable:,} / {standard:,} ≈ {separable / standard:.3f}; "
            f"without biases it is exactly 1/C_out + 1/k² = 1/{self.c_out} + 1/{self.k * self.k}."
        )

    def _steps(self, part: int) -> tuple[str, ...]:
        standard, depthwise, pointwise = self.counts
        if part == 0:
            return (f"{self._formula(0)} = {standard:,}",)
        return (
            f"depthwise: {self.c_in}·{self.k}·{self.k}{self._bias(self.c_in)} = {depthwise:,}",
            f"pointwise: {self.c_in}·{self.c_out}{self._bias(self.c_out)} = {pointwise:,}",
            f"total = {depthwise + pointwise:,}. {self._ratio()}",
        )

    def _nudge(self, part: int) -> str:
        if part == 0:
            return "A standard filter spans every input channel; there is one filter per output channel."
        return "Count the two layers apart: the depthwise filters each see one channel; the 1×1 filters see them all."

    def _slips(self, part: int) -> list[Slip]:
        _, depthwise, pointwise = self.counts
        c_in, c_out, k = self.c_in, self.c_out, self.k
        if part == 0:
            slips: list[Slip] = [
                (
                    "filter_as_2d",
                    c_out * k * k + (c_out if self.bias else 0),
                    "Each standard filter spans all the input channels, a k×k slice for each.",
                )
            ]
            if self.bias:
                slips.append(("forgot_bias", conv_params(c_in, c_out, k, False), "You left out the biases."))
            return slips
        return [
            (
                "forgot_pointwise",
                depthwise,
                "That is the depthwise layer alone: the 1×1 layer that mixes the channels counts too.",
            ),
            ("forgot_depthwise", pointwise, "That is the 1×1 layer alone: add the depthwise filters."),
            (
                "used_c_out_depthwise",
                conv_params(c_in, c_out, k, self.bias, 1) + pointwise,
                "The depthwise layer has one filter per input channel, each seeing that channel only — not C_out filters over all of them.",
            ),
            (
                "used_c_out_depthwise",
                c_out * k * k + (c_out if self.bias else 0) + pointwise,
                "The depthwise layer has one filter per input channel: there are C_in of them, not C_out.",
            ),
        ]

    def params(self) -> dict[str, object]:
        return {"variant": "separable", "c_in": self.c_in, "c_out": self.c_out, "k": self.k, "bias": self.bias}


def from_params(fields: Fields, variant: str) -> Judged:
    problem: Judged
    if variant == "shape":
        return VolumeShape.from_fields(fields)
    if variant == "params":
        problem = VolumeParams(
            fields.int("c_in", minimum=1),
            fields.int("c_out", minimum=1),
            fields.int("k", minimum=1),
            fields.int("groups", 1, minimum=1),
            fields.bool("bias", True),
        )
        _refused(lambda: problem.answers, _channel_field)
        return problem
    problem = Separable(
        fields.int("c_in", minimum=1),
        fields.int("c_out", minimum=1),
        fields.int("k", minimum=1),
        fields.bool("bias", False),
    )
    return problem


# Channel counts real networks use, and the sizes of the hardest difficulty: AlexNet's 227 input and
# 11×11 stride-4 filters, VGG's and ResNet's 64 to 512 channels.
REAL_CHANNELS = (3, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
REAL_LAYERS = (
    (227, 11, 4, 0),
    (224, 7, 2, 3),
    (224, 3, 1, 1),
    (112, 3, 2, 1),
    (56, 1, 1, 0),
    (28, 5, 1, 2),
    (13, 3, 1, 1),
)


def channels(rng: random.Random, difficulty: int) -> int:
    return rng.choice(((1, 2, 3, 4), (3, 4, 6, 8, 16, 32), REAL_CHANNELS)[difficulty - 1])


def groups_for(rng: random.Random, c_in: int, c_out: int) -> int:
    """A groups that divides both channel counts (1 when only 1 does)."""
    options = [g for g in (2, 4, 8) if c_in % g == 0 and c_out % g == 0]
    return rng.choice(options) if options and rng.random() < 0.5 else 1


def generate(rng: random.Random, variant: str, difficulty: int) -> Judged:
    if variant == "shape":
        if difficulty == 3:
            i, k, s, p = rng.choice(REAL_LAYERS)
        else:
            i = rng.randint(5, (8, 32)[difficulty - 1])
            k = rng.choice((1, 3) if difficulty == 1 else (1, 3, 5))
            s, p = (1, rng.choice((0, k // 2))) if difficulty == 1 else (rng.choice((1, 2)), k // 2)
        c_in, c_out = channels(rng, difficulty), channels(rng, difficulty)
        return VolumeShape(c_in, i, c_out, k, s, p, groups_for(rng, c_in, c_out) if difficulty > 1 else 1)
    if variant == "params":
        c_in, c_out = channels(rng, difficulty), channels(rng, difficulty)
        k = rng.choice(((1, 3), (1, 3, 5), (1, 3, 5, 7, 11))[difficulty - 1])
        if difficulty > 1 and rng.random() < 0.3:  # a depthwise layer
            return VolumeParams(c_in, c_in, k, c_in, rng.random() < 0.5)
        return VolumeParams(c_in, c_out, k, groups_for(rng, c_in, c_out) if difficulty > 1 else 1, rng.random() < 0.8)
    c_in = channels(rng, max(difficulty, 2))
    c_out = rng.choice([c for c in REAL_CHANNELS if c >= c_in] or [c_in])
    return Separable(c_in, c_out, 3 if difficulty < 3 else rng.choice((3, 5)), bias=difficulty == 1)
