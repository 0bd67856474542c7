"""count-macs: the multiply-adds of a conv layer, of a depthwise-separable block against a standard
convolution, and of a small network, layer by layer.

A multiply-add (MAC) is one product added into a sum: an output cell of a filter that sees
C_in/groups channels through a k×k window costs (C_in/groups)·k·k of them. The bias additions,
one per output cell, are not counted, as the papers' tables do not count them; the prompts say so.
Every count is `engine.arithmetic.conv_macs` or `Layer.macs`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from convquest.engine.arithmetic import Layer, conv_macs, conv_output_shape, grouped_channels, shapes_through
from convquest.engine.problems.answers import parse_whole_number
from convquest.engine.problems.base import Fields, check_part
from convquest.engine.problems.volume import (
    REAL_CHANNELS,
    REAL_LAYERS,
    ConvLayer,
    Judged,
    Slip,
    channels,
    groups_for,
    layer_words,
)

KIND = "count-macs"
VARIANTS = ("layer", "separable", "network")
NO_BIAS = "Bias additions are not counted."


def _macs_slips(c_in: int, i: int, c_out: int, k: int, s: int, p: int, groups: int) -> list[Slip]:
    """The slips of one layer's count, each the engine's count with the slip made."""
    side = conv_output_shape(i, k, p, s)[0]
    right = conv_macs(c_in, c_out, k, side, groups)
    slips: list[Slip] = [
        (
            "counted_bias_additions",
            right + c_out * side * side,
            "You counted the bias additions too: a multiply-add is a product added in; the bias is not multiplied.",
        ),
        (
            "forgot_channels",
            c_out * side * side * k * k,
            "Each output cell sums over the input channels its filter sees, not over one k×k slice.",
        ),
        (
            "used_input_size",
            conv_macs(c_in, c_out, k, i, groups),
            "Count the output cells, not the input cells: each output cell is one window's sum.",
        ),
        (
            "forgot_filters",
            right // c_out,
            "That is one filter's work: every filter computes its own map.",
        ),
        (
            "counted_params",
            c_out * grouped_channels(c_in, c_out, groups) * k * k,
            "That is the weights once: each weight is used at every output cell.",
        ),
    ]
    if groups > 1:
        slips.append(
            (
                "used_c_out_depthwise" if groups == c_in == c_out else "forgot_groups",
                conv_macs(c_in, c_out, k, side, 1),
                "With groups, each filter sees only its own group's channels.",
            )
        )
    return slips


def _macs_steps(c_in: int, i: int, c_out: int, k: int, s: int, p: int, groups: int) -> tuple[str, ...]:
    side = conv_output_shape(i, k, p, s)[0]
    seen = grouped_channels(c_in, c_out, groups)
    group_note = f" (C_in/groups = {c_in}/{groups})" if groups > 1 else ""
    return (
        f"output: {c_out}×{side}×{side}, so {c_out}·{side}·{side} = {c_out * side * side:,} output cells",
        f"each is a sum of {seen}{group_note}·{k}·{k} = {seen * k * k:,} products",
        f"multiply-adds = {c_out * side * side:,}·{seen * k * k:,} = {conv_macs(c_in, c_out, k, side, groups):,}. {NO_BIAS}",
    )


@dataclass(frozen=True)
class LayerMacs(ConvLayer):
    kind = KIND
    topic = f"{KIND}/layer"
    VARIANT = "layer"

    @cached_property
    def answers(self) -> tuple[object, ...]:
        return (conv_macs(self.c_in, self.c_out, self.k, self.side, self.groups),)

    def _engine_checks(self) -> object:
        return self.answers  # the side's refusal comes before the channels' here

    def _fields(self) -> tuple[int, int, int, int, int, int, int]:
        return self.c_in, self.i, self.c_out, self.k, self.s, self.p, self.groups

    def prompt(self) -> str:
        return (
            f"A convolution with {layer_words(self.c_out, self.k, self.s, self.p, self.groups)} on a "
            f"{self.c_in}×{self.i}×{self.i} input. How many multiply-adds does it take? ({NO_BIAS})"
        )

    def parts(self) -> tuple[str, ...]:
        return ("multiply-adds",)

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, 1)
        return parse_whole_number(text, "105,415,200", big=True)

    def _formula(self, part: int) -> str:
        seen = "C_in" if self.groups == 1 else "(C_in/groups)"
        return f"C_out·H′·W′ · {seen}·k·k, with H′ = W′ = ⌊({self.i} + 2·{self.p} − {self.k}) / {self.s}⌋ + 1"

    def _steps(self, part: int) -> tuple[str, ...]:
        return _macs_steps(*self._fields())

    def _nudge(self, part: int) -> str:
        return "Find the output's shape first; then ask how many products go into one output cell."

    def _slips(self, part: int) -> list[Slip]:
        return _macs_slips(*self._fields())


@dataclass(frozen=True)
class SeparableMacs(Judged):
    """Standard k×k C_in → C_out against depthwise k×k then 1×1, on an i×i map kept by padding."""

    c_in: int
    i: int
    c_out: int
    k: int

    kind = KIND
    topic = f"{KIND}/separable"

    @cached_property
    def counts(self) -> tuple[int, int, int]:
        c_in, i, c_out, k = self.c_in, self.i, self.c_out, self.k
        return conv_macs(c_in, c_out, k, i), conv_macs(c_in, c_in, k, i, c_in), conv_macs(c_in, c_out, 1, i)

    @cached_property
    def answers(self) -> tuple[object, ...]:
        standard, depthwise, pointwise = self.counts
        return (standard, depthwise + pointwise)

    def prompt(self) -> str:
        return (
            f"A {self.c_in}×{self.i}×{self.i} map goes to {self.c_out}×{self.i}×{self.i} (padding keeps the size). "
            f"A: one standard {self.k}×{self.k} convolution. B: a depthwise {self.k}×{self.k} convolution "
            f"(groups {self.c_in}), then a 1×1 convolution to {self.c_out}. How many multiply-adds does each take? ({NO_BIAS})"
        )

    def parts(self) -> tuple[str, ...]:
        return ("standard", "separable")

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, 2)
        return parse_whole_number(text, "105,415,200", big=True)

    def _formula(self, part: int) -> str:
        c_in, i, c_out, k = self.c_in, self.i, self.c_out, self.k
        if part == 0:
            return f"C_out·H·W·C_in·k·k = {c_out}·{i}·{i}·{c_in}·{k}·{k}"
        return f"depthwise C_in·H·W·k·k + pointwise C_out·H·W·C_in = {c_in}·{i}·{i}·{k}·{k} + {c_out}·{i}·{i}·{c_in}"

    def _steps(self, part: int) -> tuple[str, ...]:
        standard, depthwise, pointwise = self.counts
        if part == 0:
            return (f"{self._formula(0)} = {standard:,}. {NO_BIAS}",)
        return (
            f"depthwise: {self.c_in}·{self.i}·{self.i}·{self.k}·{self.k} = {depthwise:,}",
            f"pointwise: {self.c_out}·{self.i}·{self.i}·{self.c_in} = {pointwise:,}",
            f"total = {depthwise + pointwise:,}: {(depthwise + pointwise) / standard:.3f} of the standard one "
            f"(1/C_out + 1/k² = 1/{self.c_out} + 1/{self.k * self.k}, Howard et al. 2017). {NO_BIAS}",
        )

    def _nudge(self, part: int) -> str:
        if part == 0:
            return "Every output cell of every filter sums a C_in·k·k window."
        return "Count the depthwise layer (each output sums one channel's k×k window) and the 1×1 layer apart."

    def _slips(self, part: int) -> list[Slip]:
        standard, depthwise, pointwise = self.counts
        if part == 0:
            return _macs_slips(self.c_in, self.i, self.c_out, self.k, 1, 0, 1)[1:2] + [
                (
                    "counted_bias_additions",
                    standard + self.c_out * self.i * self.i,
                    "You counted the bias additions too; they are not multiply-adds.",
                )
            ]
        return [
            ("forgot_pointwise", depthwise, "That is the depthwise layer alone: the 1×1 layer counts too."),
            ("forgot_depthwise", pointwise, "That is the 1×1 layer alone: add the depthwise layer's work."),
            (
                "used_c_out_depthwise",
                conv_macs(self.c_in, self.c_out, self.k, self.i) + pointwise,
                "A depthwise filter sees one channel, and there is one per input channel.",
            ),
        ]

    def params(self) -> dict[str, object]:
        return {"variant": "separable", "c_in": self.c_in, "i": self.i, "c_out": self.c_out, "k": self.k}


@dataclass(frozen=True)
class NetworkMacs(Judged):
    """A few conv layers in a row: each layer's multiply-adds, then the network's."""

    c_in: int
    i: int
    layers: tuple[Layer, ...]

    kind = KIND
    topic = f"{KIND}/network"

    @cached_property
    def shapes(self) -> list[tuple[int, int, int]]:
        return shapes_through(self.layers, (self.c_in, self.i, self.i))

    @cached_property
    def inputs(self) -> list[tuple[int, int, int]]:
        return [(self.c_in, self.i, self.i), *self.shapes[:-1]]

    @cached_property
    def per_layer(self) -> list[int]:
        return [layer.macs(shape) for layer, shape in zip(self.layers, self.inputs)]

    @cached_property
    def answers(self) -> tuple[object, ...]:
        return (*self.per_layer, sum(self.per_layer))

    def _fields(self, n: int) -> tuple[int, int, int, int, int, int, int]:
        layer, (c, side, _) = self.layers[n], self.inputs[n]
        assert layer.out_channels is not None and isinstance(layer.p, int)
        return c, side, layer.out_channels, layer.k, layer.s, layer.p, layer.groups

    def prompt(self) -> str:
        lines = [f"A {self.c_in}×{self.i}×{self.i} input goes through:"]
        for n in range(1, len(self.layers) + 1):
            c, _, c_out, k, s, p, groups = self._fields(n - 1)
            lines.append(f"  {n}. conv {c}→{c_out}: {layer_words(c_out, k, s, p, groups)}")
        lines.append(f"How many multiply-adds does each layer take, and the whole network? ({NO_BIAS})")
        return "\n".join(lines)

    def parts(self) -> tuple[str, ...]:
        return (*(f"layer {n}" for n in range(1, len(self.layers) + 1)), "network")

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, len(self.parts()))
        return parse_whole_number(text, "105,415,200", big=True)

    def _last(self, part: int) -> bool:
        return part == len(self.layers)

    def _formula(self, part: int) -> str:
        if self._last(part):
            return "network = " + " + ".join(f"layer {n}" for n in range(1, len(self.layers) + 1))
        c, side, _, k, s, p, groups = self._fields(part)
        seen = "C_in" if groups == 1 else "(C_in/groups)"
        return f"C_out·H′·W′·{seen}·k·k with C_in = {c}, H′ = ⌊({side} + 2·{p} − {k}) / {s}⌋ + 1"

    def _steps(self, part: int) -> tuple[str, ...]:
        if self._last(part):
            return (" + ".join(f"{m:,}" for m in self.per_layer) + f" = {sum(self.per_layer):,}. {NO_BIAS}",)
        c, side, *_ = self._fields(part)
        return (f"layer {part + 1} takes {c}×{side}×{side}", *_macs_steps(*self._fields(part)))

    def _nudge(self, part: int) -> str:
        if self._last(part):
            return "The network's work is its layers' work added up."
        return "Each layer's input is the previous layer's output: find its shape first."

    def _slips(self, part: int) -> list[Slip]:
        if self._last(part):
            total = sum(self.per_layer)
            return [
                (
                    "counted_bias_additions",
                    total + sum(c * h * w for c, h, w in self.shapes),
                    "You counted the bias additions too; they are not multiply-adds.",
                ),
                ("missed_a_layer", total - self.per_layer[-1], "One layer's work is missing from the sum."),
                ("missed_a_layer", total - self.per_layer[0], "One layer's work is missing from the sum."),
            ]
        slips = _macs_slips(*self._fields(part))
        if part > 0:
            c, _, c_out, k, s, p, groups = self._fields(part)
            slips.append(
                (
                    "used_network_input",
                    conv_macs(c, c_out, k, conv_output_shape(self.i, k, p, s)[0], groups),
                    "This layer works on the previous layer's output, not on the network's input.",
                )
            )
        return slips

    def params(self) -> dict[str, object]:
        return {
            "variant": "network",
            "c_in": self.c_in,
            "i": self.i,
            "layers": [
                {
                    "kind": "conv",
                    "k": layer.k,
                    "s": layer.s,
                    "p": layer.p,
                    "out_channels": layer.out_channels,
                    "groups": layer.groups,
                }
                for layer in self.layers
            ],
        }


def _layers(fields: Fields) -> tuple[Layer, ...]:
    raw = fields.raw("layers")
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not 1 <= len(raw) <= 6:
        raise ValueError(
            "layers: expected a list of one to six conv layers, each a table with k, s, p, out_channels, groups."
        )
    layers = []
    for n, table in enumerate(raw):
        if not isinstance(table, dict):
            raise ValueError(f"layers[{n}]: expected a table with k, s, p, out_channels (and groups).")
        sub = Fields(table, KIND)
        try:
            sub.choice("kind", ("conv",), "conv")  # a network here is conv layers only
            layer = Layer(
                "conv",
                sub.int("k", minimum=1),
                sub.int("s", 1, minimum=1),
                sub.int("p", 0, minimum=0),
                out_channels=sub.int("out_channels", minimum=1),
                groups=sub.int("groups", 1, minimum=1),
            )
            sub.refuse_unread(f"layers[{n}]")
        except ValueError as error:
            raise ValueError(f"layers[{n}].{error}") from None
        layers.append(layer)
    return tuple(layers)


def from_params(fields: Fields, variant: str) -> Judged:
    if variant == "network":
        network = NetworkMacs(fields.int("c_in", minimum=1), fields.int("i", minimum=1), _layers(fields))
        try:
            _ = network.answers
        except ValueError as error:
            raise ValueError(f"layers: {error}") from None
        return network
    if variant == "separable":
        separable = SeparableMacs(
            fields.int("c_in", minimum=1),
            fields.int("i", minimum=1),
            fields.int("c_out", minimum=1),
            fields.int("k", minimum=1),
        )
        return separable
    return LayerMacs.from_fields(fields)


def generate(rng: random.Random, variant: str, difficulty: int) -> Judged:
    if variant == "layer":
        if difficulty == 3:
            i, k, s, p = rng.choice(REAL_LAYERS)
        else:
            i, k = rng.randint(4, (8, 32)[difficulty - 1]), rng.choice((1, 3))
            s, p = rng.choice((1, 2)) if difficulty > 1 else 1, k // 2
        c_in, c_out = channels(rng, difficulty), channels(rng, difficulty)
        return LayerMacs(c_in, i, c_out, k, s, p, groups_for(rng, c_in, c_out) if difficulty > 1 else 1)
    if variant == "separable":
        c_in = channels(rng, max(difficulty, 2))
        c_out = rng.choice([c for c in REAL_CHANNELS if c >= c_in] or [c_in])
        side = rng.choice(((4, 8), (8, 14, 16, 28), (14, 28, 56, 112))[difficulty - 1])
        return SeparableMacs(c_in, side, c_out, 3)
    side = rng.choice(((4, 6, 8), (8, 16, 32), (32, 56, 112, 224))[difficulty - 1])
    count = 2 if difficulty == 1 else 3
    layers = tuple(
        Layer("conv", k, s, k // 2, out_channels=channels(rng, difficulty))
        for k, s in ((rng.choice((1, 3)), rng.choice((1, 2)) if difficulty > 1 else 1) for _ in range(count))
    )
    return NetworkMacs(channels(rng, difficulty), side, layers)
