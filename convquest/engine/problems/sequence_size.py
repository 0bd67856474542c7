"""sequence-size: the length out of one 1-D layer — a conv1d, a causal conv1d, a conv_transpose1d,
or a pooling with ceil_mode (one side of a 2-D pooling is the same sum).

Every size is the engine's (conv1d and the arithmetic helpers, so the refusals are PyTorch's). A
wrong answer is matched against the sizes the usual slips give, each recomputed with the engine,
and named in words: a diagnosis never shows a number that ends in the answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from convquest.engine.arithmetic import conv_output_size, pool_output_size, transposed_output_size
from convquest.engine.ops1d import conv1d
from convquest.engine.problems.answers import parse_whole_number
from convquest.engine.problems.base import Fields, Verdict, blame, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught

KIND = "sequence-size"
VARIANTS = ("conv1d", "causal", "transposed1d", "pool-ceil")
# A causal size is measured by running the engine's conv1d on a silent sequence, so keep it short.
LONGEST = 4096

# key → the slip in words (no numbers: the first rung must not end in the answer).
SLIPS: dict[str, str] = {
    "forgot_plus_one": "You counted the window's moves but not its first position: add one for the start.",
    "ignored_padding": "You left the padding out: it adds cells to the sequence before the window slides.",
    "padded_one_side": "Padding p goes on both ends of the sequence: p cells at each end, twice p in all.",
    "ignored_stride": "You ignored the stride: the window jumps s cells at a time, so there are fewer positions.",
    "ignored_floor": "You rounded up: a window that would run past the end is dropped, so round down.",
    "ignored_dilation": "You ignored the dilation: the k taps spread over d(k − 1) + 1 cells, not k.",
    "used_conv_formula": "That is the ordinary convolution's formula: a transposed convolution grows the sequence.",
    "used_i_times_s": "The i input cells are only i − 1 strides apart on the output: use (i − 1)·s, not i·s.",
    "forgot_output_padding": "You forgot the output padding a: it adds cells on one end of the output.",
    "causal_both_sides": (
        "Causal padding goes on the left only (the past): padding both ends lets the last outputs"
        " see the future, and makes the sequence longer."
    ),
    "causal_forgot_padding": (
        "You left out the causal padding: d(k − 1) zeros on the left let the first output sit on the"
        " first input cell, so nothing is lost at the start."
    ),
    "causal_ignored_dilation": "Causal padding is d(k − 1) cells, the dilated window's span less one, not k − 1.",
    "floor_not_ceil": "This pooling has ceil_mode on: round the division up, not down.",
    "ceil_counted_padding_window": (
        "With ceil_mode a last window that would start in the right padding is dropped: it would"
        " see no input cell. Rounding up alone counted it."
    ),
}


def _cells_out(variant: str, i: int, k: int, p: int, s: int, d: int, a: int, ceil: bool) -> int:
    if variant == "conv1d":
        return conv_output_size(i, k, p, s, d)
    if variant == "causal":
        return int(conv1d(np.zeros(i, np.int64), np.ones(k, np.int64), padding="causal", stride=s, dilation=d).shape[0])
    if variant == "transposed1d":
        return transposed_output_size(i, k, p, s, d, a)
    return pool_output_size(i, k, s, p, d, ceil)


@dataclass(frozen=True)
class SequenceSize:
    variant: str
    i: int
    k: int
    p: int = 0
    s: int = 1
    d: int = 1
    a: int = 0

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/{self.variant}"

    def size(self) -> int:
        return _cells_out(self.variant, self.i, self.k, self.p, self.s, self.d, self.a, self.variant == "pool-ceil")

    def prompt(self) -> str:
        bits = [f"kernel {self.k}"]
        if self.variant == "pool-ceil":
            bits = [f"a max pooling window of {self.k}", f"stride {self.s}"]
            if self.p:
                bits.append(f"padding {self.p}")
            bits.append("ceil_mode=True")
            return f"A sequence of {self.i} cells goes through {', '.join(bits)}. How many cells come out?"
        if self.variant == "causal":
            bits.append("causal padding (d(k − 1) zeros on the left)")
        elif self.p:
            bits.append(f"padding {self.p}")
        if self.s > 1:
            bits.append(f"stride {self.s}")
        if self.d > 1:
            bits.append(f"dilation {self.d}")
        if self.a:
            bits.append(f"output_padding {self.a}")
        layer = "a 1-D transposed convolution" if self.variant == "transposed1d" else "a 1-D convolution"
        return f"A sequence of {self.i} cells goes through {layer} with {', '.join(bits)}. How long is the output?"

    def parts(self) -> tuple[str, ...]:
        return ("output length",)

    def parse_answer(self, text: str, part: int = 0) -> int:
        check_part(part, 1)
        return parse_whole_number(text, "9")

    def _slips(self) -> list[tuple[str, int]]:
        """(key, the size the slip gives), most likely first; a slip whose layer is impossible is skipped."""
        v, i, k, p, s, d, a = self.variant, self.i, self.k, self.p, self.s, self.d, self.a
        span = d * (k - 1) + 1
        found: list[tuple[str, int | None]] = []
        if v == "causal":
            found += [
                ("causal_both_sides", _quietly(conv_output_size, i, k, d * (k - 1), s, d)),
                ("causal_forgot_padding", _quietly(conv_output_size, i, k, 0, s, d)),
                ("causal_ignored_dilation", (i + k - 1 - span) // s + 1 if d > 1 and i + k - 1 >= span else None),
                ("ignored_stride", i if s > 1 else None),
                ("forgot_plus_one", (i - 1) // s),
            ]
        elif v == "pool-ceil":
            room = i + 2 * p - span
            found += [
                ("ceil_counted_padding_window", -(-room // s) + 1 if room >= 0 else None),
                ("floor_not_ceil", room // s + 1 if room >= 0 else None),
                ("forgot_plus_one", -(-room // s) if room >= 0 else None),
                ("ignored_padding", _quietly(pool_output_size, i, k, s, 0, d, True) if p else None),
            ]
        elif v == "transposed1d":
            found += [
                ("forgot_output_padding", (i - 1) * s - 2 * p + d * (k - 1) + 1 if a else None),
                ("forgot_plus_one", (i - 1) * s - 2 * p + d * (k - 1) + a),
                ("ignored_padding", (i - 1) * s + d * (k - 1) + a + 1 if p else None),
                ("padded_one_side", (i - 1) * s - p + d * (k - 1) + a + 1 if p else None),
                ("used_i_times_s", i * s - 2 * p + d * (k - 1) + a + 1 if s > 1 else None),
                ("ignored_dilation", (i - 1) * s - 2 * p + (k - 1) + a + 1 if d > 1 else None),
                ("used_conv_formula", _quietly(conv_output_size, i, k, p, s, d)),
            ]
        else:
            room = i + 2 * p - span
            found += [
                ("forgot_plus_one", room // s if room >= 0 else None),
                ("ignored_padding", _quietly(conv_output_size, i, k, 0, s, d) if p else None),
                ("padded_one_side", (i + p - span) // s + 1 if p and i + p >= span else None),
                ("ignored_stride", _quietly(conv_output_size, i, k, p, 1, d) if s > 1 else None),
                ("ignored_floor", -(-room // s) + 1 if s > 1 and room >= 0 and room % s else None),
                ("ignored_dilation", _quietly(conv_output_size, i, k, p, s, 1) if d > 1 else None),
            ]
        return [(key, size) for key, size in found if size is not None]

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        check_part(part, 1)
        right = self.size()
        explanation = self.solution()
        if answer == right:
            return Verdict(True, explanation)
        for key, wrong in self._slips():
            if wrong == answer and wrong != right:
                return Verdict(False, explanation, SLIPS[key], key)
        return Verdict(False, explanation)

    def _formula(self) -> tuple[str, str]:
        """The formula, and the formula with this layer's numbers put in (not evaluated)."""
        i, k, p, s, d, a = self.i, self.k, self.p, self.s, self.d, self.a
        if self.variant == "transposed1d":
            return (
                "o = (i − 1)·s − 2p + d(k − 1) + a + 1",
                f"o = ({i} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {a} + 1",
            )
        if self.variant == "causal":
            return (
                "o = ⌊(i + d(k − 1) − d(k − 1) − 1) / s⌋ + 1   (d(k − 1) on the left, none on the right)",
                f"o = ⌊({i} + {d}·({k} − 1) − {d}·({k} − 1) − 1) / {s}⌋ + 1",
            )
        if self.variant == "pool-ceil":
            return (
                "o = ⌈(i + 2p − k) / s⌉ + 1, less one if the last window starts in the right padding",
                f"o = ⌈({i} + 2·{p} − {k}) / {s}⌉ + 1",
            )
        return ("o = ⌊(i + 2p − d(k − 1) − 1) / s⌋ + 1", f"o = ⌊({i} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1")

    def _steps(self) -> tuple[str, ...]:
        i, k, p, s, d = self.i, self.k, self.p, self.s, self.d
        if self.variant == "transposed1d":
            return (f"(i − 1)·s = {(i - 1) * s}", f"2p = {2 * p}, d(k − 1) = {d * (k - 1)}")
        if self.variant == "causal":
            return (
                f"causal padding: d(k − 1) = {d * (k - 1)} zeros on the left, 0 on the right",
                f"the window spans d(k − 1) + 1 = {d * (k - 1) + 1} cells",
            )
        room = i + 2 * p - d * (k - 1) - 1
        if self.variant != "pool-ceil":
            return (f"i + 2p − d(k − 1) − 1 = {room}",)
        last = -(-room // s) * s
        return (
            f"i + 2p − k = {room}",
            f"rounded up, the last window would start at padded cell {last}",
            f"the input and the left padding end before padded cell {i + p}",
        )

    def rungs(self, part: int = 0, taught: Taught = ALL_TAUGHT) -> Rungs:
        check_part(part, 1)
        return Rungs(nudge=self.hint(), formula=self._formula()[1], steps=self._steps(), solution=self.solution())

    def solution(self) -> str:
        general, numbers = self._formula()
        lines = [general, numbers, *self._steps(), f"o = {self.size()}"]
        return "\n".join(lines)

    def hint(self) -> str:
        return {
            "conv1d": "A sequence is one side of an image: the same size formula, used once.",
            "causal": "Causal padding is d(k − 1) zeros on the left only; count where the window can start.",
            "transposed1d": "A transposed convolution spreads the inputs s apart, then adds the kernel's span.",
            "pool-ceil": "ceil_mode rounds up, but a window must start inside the input or the left padding.",
        }[self.variant]

    def params(self) -> dict[str, object]:
        out: dict[str, object] = {"variant": self.variant, "i": self.i, "k": self.k}
        if self.variant != "causal":
            out["p"] = self.p
        out["s"] = self.s
        if self.variant != "pool-ceil":
            out["d"] = self.d
        if self.variant == "transposed1d":
            out["a"] = self.a
        return out


def _quietly(size, *args: int) -> int | None:  # type: ignore[no-untyped-def]
    """The size a slip's layer would have, or None when that layer is impossible (nobody got it)."""
    try:
        return int(size(*args))
    except ValueError:
        return None


def from_params(fields: Fields, variant: str) -> SequenceSize:
    i = fields.int("i", minimum=1)
    if i > LONGEST:
        raise ValueError(f"i: a sequence of {i} cells is longer than a level needs; use at most {LONGEST}.")
    k = fields.int("k", minimum=1)
    p = 0 if variant == "causal" else fields.int("p", 0, minimum=0)
    s = fields.int("s", k if variant == "pool-ceil" else 1, minimum=1)
    d = 1 if variant == "pool-ceil" else fields.int("d", 1, minimum=1)
    a = fields.int("a", 0, minimum=0) if variant == "transposed1d" else 0
    problem = SequenceSize(variant, i, k, p, s, d, a)
    try:
        problem.size()
    except ValueError as error:
        raise blame(error, "i") from None
    return problem


def generate(rng: random.Random, variant: str, difficulty: int) -> SequenceSize:
    while True:
        i = rng.randint(8, 16 * difficulty + 8)
        k = rng.choice((2, 3, 5) if difficulty > 1 else (2, 3))
        s = rng.choice((1, 2, 3)) if difficulty > 1 else 1
        d = rng.choice((1, 2, 4)) if difficulty == 3 else 1
        if variant == "conv1d":
            problem = SequenceSize(variant, i, k, rng.randint(0, difficulty - 1), s, d)
        elif variant == "causal":
            problem = SequenceSize(variant, i, k, 0, s, rng.choice((1, 2, 4)) if difficulty > 1 else 1)
        elif variant == "transposed1d":
            s = rng.choice((2, 4))
            problem = SequenceSize(
                variant, rng.randint(4, 12), k, rng.randint(0, 1), s, 1, rng.randint(0, s - 1) if difficulty == 3 else 0
            )
        else:
            k = rng.choice((2, 3))
            s = k if difficulty == 1 else rng.choice((k, 2))
            problem = SequenceSize(variant, i, k, rng.randint(0, k // 2) if difficulty > 1 else 0, s)
        try:
            right = problem.size()
        except ValueError:
            continue
        # A ceil_mode problem is only about ceil_mode when rounding up changes the size.
        if variant == "pool-ceil" and right == pool_output_size(problem.i, problem.k, problem.s, problem.p):
            continue
        return problem
