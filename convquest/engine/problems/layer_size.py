"""predict-size for one layer: conv, padding modes, stride, dilation, transposed, pooling."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from convquest.engine.arithmetic import padding_for
from convquest.engine.problems.answers import parse_shape, parse_whole_number
from convquest.engine.problems.base import Fields, Verdict, article, blame, check_part, square
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught
from convquest.engine.problems.sizes import SizeSpec, combine, explain, form_for, size_mistakes, size_rungs

KIND = "predict-size"
LAYER_VARIANTS = ("conv", "padding", "stride", "dilation", "transposed", "pool")
MAX_SIDE = 64  # larger inputs stop being mental arithmetic


@dataclass(frozen=True)
class LayerSize:
    """What is the side of the output of one square layer?"""

    variant: str
    spec: SizeSpec
    mode: str | None = None  # "valid" | "same" | "full" when the padding is given by name
    pool: str | None = None  # "max" | "avg" for pooling

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/{self.variant}"

    @property
    def answer(self) -> int:
        return self.spec.size()

    def describe_layer(self) -> str:
        sp = self.spec
        if sp.op == "pool":
            stride = f", stride {sp.s}" if sp.stride_given else " (no stride given)"
            padding = f", padding {sp.p}" if sp.p else ""
            return f"{square(sp.k)} {self.pool} pooling{stride}{padding}"
        name = "transposed convolution" if sp.op == "transposed" else "convolution"
        bits = [f"{square(sp.k)} {name}"]
        if self.mode is not None:
            bits.append(f"'{self.mode}' padding")
        elif sp.p or sp.op == "transposed":
            bits.append(f"padding {sp.p}")
        if sp.s > 1 or sp.op == "transposed":
            bits.append(f"stride {sp.s}")
        if sp.d > 1:
            bits.append(f"dilation {sp.d}")
        if sp.op == "transposed" and sp.a:
            bits.append(f"output_padding {sp.a}")
        return ", ".join(bits)

    def prompt(self) -> str:
        return (
            f"{article(self.spec.i, True)} {square(self.spec.i)} input goes through a {self.describe_layer()}. "
            "How many cells is each side of the output?"
        )

    def parts(self) -> tuple[str, ...]:
        return ("output side",)

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, 1)
        if any(sep in text for sep in "x×X*,"):
            h, w = parse_shape(text, 2)
            if h != w:
                raise ValueError(f"This output is square: type one number for its side, not {h}×{w}.")
            return h
        return parse_whole_number(text)

    def _padding_named(self, taught: Taught) -> tuple[str, ...]:
        """How the padding's name becomes p, in the words the player was taught."""
        if self.mode is None:
            return ()
        before, _ = padding_for(self.mode, self.spec.k, self.spec.d)
        total = "d(k − 1)" if form_for(self.spec, taught).dilation else "k − 1"
        return (
            {
                "valid": "'valid' means no padding: p = 0.",
                "same": f"'same' pads {total} = {2 * before} in total, so p = {before} on each side and the size stays.",
                "full": f"'full' pads {total} on each side, p = {before}, so every partial overlap counts.",
            }[self.mode],
        )

    def _working(self, taught: Taught) -> str:
        return "\n".join((*self._padding_named(taught), explain(self.spec, taught)))

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        explanation = self._working(taught)
        if answer == self.answer:
            return Verdict(True, explanation)
        key, sentence = combine(size_mistakes(self.spec, answer, taught))
        return Verdict(False, explanation, sentence, key)

    def solution(self, taught: Taught = ALL_TAUGHT) -> str:
        return f"{self._working(taught)}\nThe output is {square(self.answer)}."

    def rungs(self, part: int, taught: Taught) -> Rungs:
        check_part(part, 1)
        look = {
            "padding": "First turn the padding's name into p.",
            "transposed": "A transposed convolution grows its input.",
        }.get(self.variant, "")
        return size_rungs(self.spec, taught, self.solution(taught), lead=self._padding_named(taught), look=look)

    def hint(self) -> str:
        return {
            "conv": "Count the positions the window can take: floor((i + 2p − k) / s) + 1.",
            "padding": "'valid' adds nothing, 'same' keeps the size (stride 1), 'full' adds d(k − 1) on each side.",
            "stride": "Divide the room the window can move by the stride, round down, and add 1 for the first position.",
            "dilation": "A dilated kernel spans d(k − 1) + 1 cells; use that span in place of k.",
            "transposed": "A transposed convolution grows: (i − 1)·s − 2p + d(k − 1) + a + 1.",
            "pool": "Pooling counts windows like a convolution; with no stride given, the stride is the window size.",
        }[self.variant]

    def params(self) -> dict[str, Any]:
        sp = self.spec
        out: dict[str, Any] = {"variant": self.variant, "i": sp.i, "k": sp.k}
        if self.mode is not None:
            out["padding"] = self.mode
        else:
            out["p"] = sp.p
        if sp.op != "pool" or sp.stride_given:
            out["s"] = sp.s
        out["d"] = sp.d
        if sp.op == "transposed":
            out["a"] = sp.a
        if sp.op == "pool":
            out["pool"] = self.pool
        return out


_OP = {"transposed": "transposed", "pool": "pool"}


def layer_from_params(params: Fields, variant: str) -> LayerSize:
    op = _OP.get(variant, "conv")
    i = params.int("i", minimum=1)
    k = params.int("k", minimum=1)
    d = params.int("d", 1, minimum=1)
    mode = None
    if variant == "padding":
        mode = params.choice("padding", ("valid", "same", "full"))
        before, after = padding_for(mode, k, d)
        if before != after:
            raise ValueError(
                f"k: 'same' padding with kernel {k} and dilation {d} needs {before + after} cells of padding, "
                "which cannot be split evenly; use an odd kernel"
            )
        p, s = before, params.int("s", 1, minimum=1)
        if mode == "same" and s != 1:
            raise ValueError(f"s: 'same' padding keeps the size only with stride 1, not {s}.")
    else:
        p = params.int("p", 0, minimum=0)
        s = params.int("s", 1, minimum=1)
    stride_given = True
    pool = None
    if op == "pool":
        pool = params.choice("pool", ("max", "avg"), "max")
        stride_given = params.has("s")
        if not stride_given:
            s = k
    a = params.int("a", 0, minimum=0) if op == "transposed" else 0
    if i > MAX_SIDE:
        raise ValueError(f"i: an input of {i} is too big to draw; use at most {MAX_SIDE}.")
    spec = SizeSpec(op, i, k, p, s, d, a, stride_given)
    try:
        out = spec.size()
    except ValueError as error:
        raise blame(error, "k") from None
    if out > MAX_SIDE:
        raise ValueError(f"i: the output would be {out} wide, too big to draw; use at most {MAX_SIDE}.")
    return LayerSize(variant, spec, mode, pool)


def _draw_conv(rng: random.Random, variant: str, difficulty: int) -> SizeSpec:
    top = (10, 16, 32)[difficulty - 1]
    i = rng.randint(4, top)
    if variant == "conv":
        k = rng.choice(((2, 3), (3, 5), (1, 3, 5, 7))[difficulty - 1])
        p = 0 if difficulty == 1 else rng.randint(0, min(k - 1, difficulty))
        s = 1 if difficulty == 1 else rng.choice((1, 2) if difficulty == 2 else (1, 2, 3))
        d = 2 if difficulty == 3 and rng.random() < 0.25 else 1
        return SizeSpec("conv", i, k, p, s, d)
    if variant == "stride":
        k = rng.choice((2, 3) if difficulty == 1 else (3, 5))
        s = rng.choice(((2,), (2, 3), (2, 3, 4))[difficulty - 1])
        p = 0 if difficulty == 1 else rng.randint(0, k // 2)
        spec = SizeSpec("conv", i, k, p, s)
        if difficulty > 1:  # the point of the variant: the window does not land on the edge
            while (i + 2 * p - k) % s == 0:
                i += 1
                spec = replace(spec, i=i)
        return spec
    # dilation
    k = rng.choice(((2, 3), (3,), (3, 5))[difficulty - 1])
    d = rng.choice(((2,), (2, 3), (2, 3, 4))[difficulty - 1])
    p = 0 if difficulty == 1 else rng.randint(0, d)
    s = 2 if difficulty == 3 and rng.random() < 0.4 else 1
    return SizeSpec("conv", max(i, d * (k - 1) + 1), k, p, s, d)


def _draw_transposed(rng: random.Random, difficulty: int) -> SizeSpec:
    i = rng.randint(2, (6, 8, 12)[difficulty - 1])
    k = rng.choice(((2, 3), (2, 3, 4), (3, 4, 5))[difficulty - 1])
    s = rng.choice(((1, 2), (2, 3), (2, 3))[difficulty - 1])
    d = 2 if difficulty == 3 and rng.random() < 0.3 else 1
    p = 0 if difficulty == 1 else rng.randint(0, (k - 1) // 2 + (difficulty == 3))
    a = rng.randint(0, max(s, d) - 1) if difficulty == 3 else 0
    return SizeSpec("transposed", i, k, p, s, d, a)


def _draw_pool(rng: random.Random, difficulty: int) -> SizeSpec:
    i = rng.randint(4, (12, 24, 32)[difficulty - 1])
    k = rng.choice(((2,), (2, 3), (2, 3, 4))[difficulty - 1])
    stride_given = difficulty > 1 and rng.random() < 0.5
    s = rng.randint(1, k) if stride_given else k
    p = rng.randint(0, k // 2) if difficulty == 3 else 0
    return SizeSpec("pool", i, k, p, s, 1, 0, stride_given)


def generate_layer(rng: random.Random, variant: str, difficulty: int) -> LayerSize:
    # Draws are mostly valid by construction; the rare impossible or oversized layer is redrawn.
    while True:
        problem = _draw_layer(rng, variant, difficulty)
        try:
            if 1 <= problem.answer <= MAX_SIDE:
                return problem
        except ValueError:
            pass


def _draw_layer(rng: random.Random, variant: str, difficulty: int) -> LayerSize:
    mode = pool = None
    if variant in ("conv", "stride", "dilation"):
        spec = _draw_conv(rng, variant, difficulty)
    elif variant == "padding":
        mode = rng.choice(("valid", "same", "full"))
        k = rng.choice(((3,), (3, 5), (3, 5, 7))[difficulty - 1])
        d = rng.choice((1, 2)) if difficulty == 3 else 1
        before, _ = padding_for(mode, k, d)
        spec = SizeSpec("conv", rng.randint(max(4, d * (k - 1) + 1), (8, 12, 16)[difficulty - 1]), k, before, 1, d)
    elif variant == "transposed":
        spec = _draw_transposed(rng, difficulty)
    else:
        spec = _draw_pool(rng, difficulty)
        pool = rng.choice(("max", "avg"))
    return LayerSize(variant, spec, mode, pool)
