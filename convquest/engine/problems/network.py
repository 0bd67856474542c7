"""predict-size/network: the C×H×W shape after each layer of a small LeNet- or VGG-like stack."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from convquest.engine.arithmetic import Layer, shapes_through
from convquest.engine.problems.answers import parse_shape
from convquest.engine.problems.base import Fields, Verdict, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught
from convquest.engine.problems.layer_size import KIND
from convquest.engine.problems.sizes import SizeSpec, combine, explain, nudge, size_mistakes, working

Shape = tuple[int, int, int]


def _shape(shape: Shape) -> str:
    return "×".join(str(n) for n in shape)


def describe(layer: Layer, *, filters: bool = True) -> str:
    """'conv, 6 filters 5×5, padding 2' or '2×2 max pool, stride 2'; without the filter count
    where channels do not matter (receptive fields)."""
    if layer.kind == "pool":
        extra = f", padding {layer.p}" if layer.p else ""
        return f"{layer.k}×{layer.k} max pool, stride {layer.s}{extra}"
    bits = [f"{layer.out_channels} filters {layer.k}×{layer.k}" if filters else f"{layer.k}×{layer.k}"]
    if layer.p:
        bits.append(f"padding {layer.p}")
    if layer.s > 1:
        bits.append(f"stride {layer.s}")
    if layer.d > 1:
        bits.append(f"dilation {layer.d}")
    return "conv, " + ", ".join(bits)


@dataclass(frozen=True)
class NetworkShapes:
    input: Shape
    layers: tuple[Layer, ...]

    kind = KIND
    topic = f"{KIND}/network"

    @cached_property
    def shapes(self) -> list[Shape]:
        return shapes_through(self.layers, self.input)

    def prompt(self) -> str:
        lines = [f"An image of shape {_shape(self.input)} (channels×height×width) goes through:"]
        lines += [f"  {n}. {describe(layer)}" for n, layer in enumerate(self.layers, start=1)]
        lines.append("Give the shape C×H×W after each layer.")
        return "\n".join(lines)

    def parts(self) -> tuple[str, ...]:
        return tuple(f"after layer {n}" for n in range(1, len(self.layers) + 1))

    def parse_answer(self, text: str, part: int = 0) -> Shape:
        check_part(part, len(self.layers))
        c, h, w = parse_shape(text, 3)
        return c, h, w

    def _before(self, part: int) -> Shape:
        return self.input if part == 0 else self.shapes[part - 1]

    def _spec(self, part: int) -> SizeSpec:
        layer = self.layers[part]
        op = "pool" if layer.kind == "pool" else "conv"
        assert isinstance(layer.p, int), "network_from_params refuses a named padding"
        return SizeSpec(op, self._before(part)[1], layer.k, layer.p, layer.s, layer.d)

    def _channels(self, part: int) -> str:
        if self.layers[part].kind == "pool":
            return "channels: pooling works on each channel alone, so C stays as it was"
        return "channels: one per filter, so C is the layer's filter count"

    def _working(self, part: int, taught: Taught) -> str:
        layer, before, after = self.layers[part], self._before(part), self.shapes[part]
        return (
            f"Layer {part + 1} ({describe(layer)}) on {_shape(before)}:\n{self._channels(part)}: C = {after[0]}\n"
            f"{explain(self._spec(part), taught)}\nshape: {_shape(after)}"
        )

    def check(self, answer: Shape, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, len(self.layers))
        answer = (answer[0], answer[1], answer[2])
        right, before, layer = self.shapes[part], self._before(part), self.layers[part]
        explanation = self._working(part, taught)
        if answer == right:
            return Verdict(True, explanation)
        if answer[0] != right[0]:
            if layer.kind == "pool":
                return Verdict(
                    False,
                    explanation,
                    "Pooling works on each channel alone: it keeps the number of channels it is given.",
                    "pool_changed_channels",
                )
            if answer[0] == before[0]:
                return Verdict(
                    False,
                    explanation,
                    "A conv layer gives one channel per filter, not the number of channels it took in.",
                    "conv_kept_channels",
                )
            return Verdict(
                False, explanation, "A conv layer gives one channel per filter: count its filters.", "wrong_channels"
            )
        side = answer[1] if answer[1] != right[1] else answer[2]
        key, sentence = combine(size_mistakes(self._spec(part), side, taught))
        return Verdict(False, explanation, sentence, key)

    def solution(self, taught: Taught = ALL_TAUGHT) -> str:
        return "\n\n".join(self._working(n, taught) for n in range(len(self.layers)))

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, len(self.layers))
        spec, layer = self._spec(part), self.layers[part]
        work = working(spec, taught)
        # The shape going in is not written out: a layer that keeps the shape would show its answer.
        went_in = "the input" if part == 0 else f"what layer {part} gives"
        head = f"Layer {part + 1} ({describe(layer)}), on {went_in}"
        return Rungs(
            nudge=f"Channels and sides are separate. C{self._channels(part)[1:]}. Sides: {nudge(spec, taught)}",
            formula=f"{head}\n{self._channels(part)}\nsides: {work.formula}\n  {work.substituted.removeprefix('o ')}",
            # Not the head again: the part's label names the layer, and at 80×24 the steps must fit beside
            # the diagnosis under a long network's prompt.
            steps=(self._channels(part), *work.steps()),
            solution=self.solution(taught),
        )

    def hint(self) -> str:
        return "Take one layer at a time: conv sets C to its filter count, pooling keeps C; H and W follow the size formula."

    def params(self) -> dict[str, Any]:
        return {
            "variant": "network",
            "input": list(self.input),
            "layers": [
                {"kind": layer.kind, "k": layer.k, "s": layer.s, "p": layer.p, "d": layer.d}
                | ({"out_channels": layer.out_channels} if layer.kind == "conv" else {})
                for layer in self.layers
            ],
        }


def network_from_params(fields: Fields) -> NetworkShapes:
    raw_input = fields.raw("input")
    if (
        not isinstance(raw_input, (list, tuple))
        or len(raw_input) != 3
        or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in raw_input)
    ):
        raise ValueError(f"input: expected [channels, height, width] of whole numbers ≥ 1, got {raw_input!r}.")
    if raw_input[1] != raw_input[2]:
        raise ValueError(f"input: use a square image; got height {raw_input[1]} and width {raw_input[2]}.")
    raw_layers = fields.raw("layers")
    if not isinstance(raw_layers, (list, tuple)) or not 1 <= len(raw_layers) <= 8:
        raise ValueError("layers: expected a list of 1 to 8 layers.")
    layers = []
    for n, raw in enumerate(raw_layers):
        if not isinstance(raw, dict):
            raise ValueError(f"layers[{n}]: expected a table with kind, k, s, p, d (and out_channels for conv).")
        try:
            layers.append(Layer(**raw))
        except (TypeError, ValueError) as error:
            raise ValueError(f"layers[{n}]: {error}") from None
        if raw.get("kind") == "conv" and raw.get("out_channels") is None:
            raise ValueError(f"layers[{n}]: a conv layer needs out_channels.")
        if isinstance(raw.get("p"), str):
            # The working is the size formula with each layer's numbers: a mode has no p to put in.
            raise ValueError(
                f"layers[{n}]: give p as a number of cells, not {raw['p']!r}: each layer's working puts p "
                "into the size formula."
            )
    problem = NetworkShapes(tuple(raw_input), tuple(layers))
    try:
        _ = problem.shapes  # computing it is the check
    except ValueError as error:
        raise ValueError(f"layers: {error}") from None
    return problem


def _lenet(rng: random.Random, difficulty: int) -> NetworkShapes:
    side = rng.choice((28, 32))
    c1, c2 = rng.choice((4, 6, 8)), rng.choice((12, 16))
    k = rng.choice((3, 5))
    layers = [Layer("conv", k, out_channels=c1), Layer("pool", 2, s=2)]
    if difficulty > 1:
        layers += [Layer("conv", k, out_channels=c2), Layer("pool", 2, s=2)]
    return NetworkShapes((1, side, side), tuple(layers))


def _vgg(rng: random.Random) -> NetworkShapes:
    side = rng.choice((16, 24, 32))
    c = rng.choice((8, 16))
    layers = [Layer("conv", 3, p=1, out_channels=c)]
    if rng.random() < 0.5:
        layers.append(Layer("conv", 3, p=1, out_channels=c))
    layers.append(Layer("pool", 2, s=2))
    if rng.random() < 0.5:
        layers.append(Layer("conv", 3, s=2, p=1, out_channels=2 * c))
    else:
        layers += [Layer("conv", 3, p=rng.choice((0, 1)), out_channels=2 * c), Layer("pool", 2, s=2)]
    return NetworkShapes((3, side, side), tuple(layers))


def generate_network(rng: random.Random, difficulty: int) -> NetworkShapes:
    if difficulty == 3 and rng.random() < 0.7:
        return _vgg(rng)
    return _lenet(rng, difficulty)
