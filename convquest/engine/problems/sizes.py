"""One layer's output size: the correct value, the worked formula, and the mistakes students make.

A mistake is a *mistaken formula*: the size the layer would have if computed the wrong way. A wrong
answer is diagnosed by recomputing each mistaken formula and seeing which give the answer. The same
list serves "solve for p / s" problems: there the student's value is put into the layer and a
mistake matches if its mistaken formula gives the wanted size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from convquest.engine.arithmetic import conv_output_size, pool_output_size, transposed_output_size

OPS = ("conv", "transposed", "pool")


@dataclass(frozen=True)
class SizeSpec:
    """One side of one layer. For pooling, `s` is the stride actually used (k when not given)."""

    op: str
    i: int
    k: int
    p: int = 0
    s: int = 1
    d: int = 1
    a: int = 0  # output padding (transposed only)
    stride_given: bool = True  # pooling only: False when the stride was left to default to k

    def size(self) -> int:
        return self._size

    @cached_property
    def _size(self) -> int:  # a frozen spec's size never changes, and diagnosis asks for it often
        if self.op == "conv":
            return conv_output_size(self.i, self.k, self.p, self.s, self.d)
        if self.op == "transposed":
            return transposed_output_size(self.i, self.k, self.p, self.s, self.d, self.a)
        return pool_output_size(self.i, self.k, self.s, self.p, self.d)

    @property
    def span(self) -> int:
        return self.d * (self.k - 1) + 1


def explain(spec: SizeSpec) -> str:
    """The formula, then this layer's numbers in it, then each reduction step."""
    i, k, p, s, d, a = spec.i, spec.k, spec.p, spec.s, spec.d, spec.a
    out = spec.size()
    if spec.op == "transposed":
        grown = (i - 1) * s
        return "\n".join(
            [
                "o = (i − 1)·s − 2p + d(k − 1) + a + 1",
                f"  = ({i} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {a} + 1",
                f"  = {grown} − {2 * p} + {d * (k - 1)} + {a} + 1",
                f"  = {out}",
            ]
        )
    lines = []
    if spec.op == "pool" and not spec.stride_given:
        lines.append(f"No stride given: pooling's stride defaults to the window, s = k = {k}.")
    numerator = i + 2 * p - d * (k - 1) - 1
    lines += [
        "o = floor((i + 2p − d(k − 1) − 1) / s) + 1",
        f"  = floor(({i} + 2·{p} − {d}·({k} − 1) − 1) / {s}) + 1",
        f"  = floor({numerator} / {s}) + 1",
        f"  = {numerator // s} + 1 = {out}",
    ]
    if d > 1:
        lines.append(f"(dilation {d} spreads the {k} taps over d(k − 1) + 1 = {spec.span} cells)")
    if s > 1 and numerator % s:
        lines.append(f"({numerator}/{s} is not whole: a window that would run past the edge is dropped, so round down)")
    return "\n".join(lines)


@dataclass(frozen=True)
class Mistake:
    key: str
    ops: tuple[str, ...]
    applies: Callable[[SizeSpec], bool]
    wrong_size: Callable[[SizeSpec], int]
    # (spec, the size the mistake gives, the true size) -> a sentence showing the numbers
    sentence: Callable[[SizeSpec, int, int], str]


def _conv_numerator(spec: SizeSpec, padding_total: int) -> int:
    return spec.i + padding_total - spec.d * (spec.k - 1) - 1


def _transposed_raw(spec: SizeSpec) -> int:
    return (spec.i - 1) * spec.s - 2 * spec.p + spec.d * (spec.k - 1) + spec.a + 1


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"


# Most likely first: where two mistakes give the same number, the earlier one is named and the
# later ones are mentioned (see `combine`). With output padding, one short is likelier a forgotten
# a than a forgotten +1.
MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "forgot_output_padding",
        ("transposed",),
        lambda sp: sp.a > 0,
        lambda sp: replace(sp, a=0).size(),
        lambda sp, w, ok: (
            f"You forgot the output padding: a = {sp.a} adds {_cells(sp.a)} on one side, so {w} + {sp.a} = {ok}."
        ),
    ),
    Mistake(
        "forgot_plus_one",
        ("conv", "pool"),
        lambda sp: True,
        lambda sp: _conv_numerator(sp, 2 * sp.p) // sp.s,
        lambda sp, w, ok: (
            f"You forgot the +1: floor({_conv_numerator(sp, 2 * sp.p)}/{sp.s}) = {w} counts the window's "
            f"steps, and its first position adds one more, so the size is {w} + 1 = {ok}."
        ),
    ),
    Mistake(
        "forgot_plus_one",
        ("transposed",),
        lambda sp: True,
        lambda sp: (sp.i - 1) * sp.s - 2 * sp.p + sp.d * (sp.k - 1) + sp.a,
        lambda sp, w, ok: f"You forgot the +1 at the end of (i − 1)·s − 2p + d(k − 1) + a + 1: {w} + 1 = {ok}.",
    ),
    Mistake(
        "ignored_padding",
        OPS,
        lambda sp: sp.p > 0,
        lambda sp: replace(sp, p=0).size(),
        lambda sp, w, ok: (
            f"You left out the padding: with p = 0 the size is {w}, but p = {sp.p} "
            + (
                f"adds {_cells(2 * sp.p)} ({sp.p} on each side), giving {ok}."
                if sp.op != "transposed"
                else f"trims {sp.p} from each side of the transposed output, giving {ok}."
            )
        ),
    ),
    Mistake(
        "padded_one_side",
        ("conv", "pool"),
        lambda sp: sp.p > 0,
        lambda sp: _conv_numerator(sp, sp.p) // sp.s + 1,
        lambda sp, w, ok: (
            f"Padding goes on both sides: add 2p = {2 * sp.p}, not p = {sp.p}. "
            f"With p once, floor({_conv_numerator(sp, sp.p)}/{sp.s}) + 1 = {w}; with 2p it is {ok}."
        ),
    ),
    Mistake(
        "padded_one_side",
        ("transposed",),
        lambda sp: sp.p > 0,
        lambda sp: (sp.i - 1) * sp.s - sp.p + sp.d * (sp.k - 1) + sp.a + 1,
        lambda sp, w, ok: (
            f"Padding trims both sides: subtract 2p = {2 * sp.p}, not p = {sp.p}; that gives {ok}, not {w}."
        ),
    ),
    Mistake(
        "pool_stride_one",
        ("pool",),
        lambda sp: not sp.stride_given and sp.k > 1,
        lambda sp: pool_output_size(sp.i, sp.k, 1, sp.p, sp.d),
        lambda sp, w, ok: (
            f"Pooling's stride defaults to its window size (s = k = {sp.k}) when none is given; "
            f"stride 1 would give {w}, but the windows do not overlap, giving {ok}."
        ),
    ),
    Mistake(
        "ignored_stride",
        OPS,
        lambda sp: sp.s > 1 and (sp.op != "pool" or sp.stride_given),
        # Written out for transposed: the student keeps the output padding the engine would refuse at s = 1.
        lambda sp: _transposed_raw(replace(sp, s=1)) if sp.op == "transposed" else replace(sp, s=1).size(),
        lambda sp, w, ok: (
            f"You ignored the stride: {w} is the size with stride 1, but "
            + (
                f"the window jumps {sp.s} cells at a time, giving {ok}."
                if sp.op != "transposed"
                else f"each input cell moves {sp.s} cells on the output, giving {ok}."
            )
        ),
    ),
    Mistake(
        "ignored_floor",
        ("conv", "pool"),
        lambda sp: sp.s > 1 and _conv_numerator(sp, 2 * sp.p) % sp.s != 0,
        lambda sp: -(-_conv_numerator(sp, 2 * sp.p) // sp.s) + 1,
        lambda sp, w, ok: (
            f"You rounded up: {_conv_numerator(sp, 2 * sp.p)}/{sp.s} is not whole, and a window that "
            f"would run past the edge is dropped, so round down: "
            f"floor({_conv_numerator(sp, 2 * sp.p)}/{sp.s}) + 1 = {ok}, not {w}."
        ),
    ),
    Mistake(
        "ignored_dilation",
        OPS,
        lambda sp: sp.d > 1,
        lambda sp: _transposed_raw(replace(sp, d=1)) if sp.op == "transposed" else replace(sp, d=1).size(),
        lambda sp, w, ok: (
            f"You ignored the dilation: with d = {sp.d} the {sp.k} taps spread over "
            f"d(k − 1) + 1 = {sp.span} cells, not {sp.k}; using {sp.k} gives {w} instead of {ok}."
        ),
    ),
    Mistake(
        "used_transposed_formula",
        ("conv",),
        lambda sp: True,
        lambda sp: transposed_output_size(sp.i, sp.k, sp.p, sp.s, sp.d),
        lambda sp, w, ok: (
            f"{w} is what the transposed-convolution formula (i − 1)·s − 2p + d(k − 1) + 1 gives — as if "
            f"{sp.i} were the output and you solved for the input. A convolution maps {sp.i} to "
            f"floor((i + 2p − d(k − 1) − 1)/s) + 1 = {ok}."
        ),
    ),
    Mistake(
        "used_conv_formula",
        ("transposed",),
        lambda sp: True,
        lambda sp: conv_output_size(sp.i, sp.k, sp.p, sp.s, sp.d),
        lambda sp, w, ok: (
            f"{w} is what the ordinary convolution formula floor((i + 2p − d(k − 1) − 1)/s) + 1 gives — "
            f"input and output swapped. A transposed convolution grows: (i − 1)·s − 2p + d(k − 1) + a + 1 = {ok}."
        ),
    ),
    Mistake(
        "used_i_times_s",
        ("transposed",),
        lambda sp: True,
        lambda sp: sp.i * sp.s - 2 * sp.p + sp.d * (sp.k - 1) + sp.a + 1,
        lambda sp, w, ok: (
            f"The {sp.i} input cells are only {sp.i - 1} strides apart on the output: use "
            f"(i − 1)·s = {(sp.i - 1) * sp.s}, not i·s = {sp.i * sp.s}; that gives {ok}, not {w}."
        ),
    ),
)


def _mistaken_size(mistake: Mistake, spec: SizeSpec) -> int | None:
    if spec.op not in mistake.ops or not mistake.applies(spec):
        return None
    try:
        return mistake.wrong_size(spec)
    except ValueError:  # the mistaken layer is impossible, so nobody computed it that way
        return None


def size_mistakes(spec: SizeSpec, answer: int) -> list[tuple[str, str]]:
    """(key, sentence) of each mistake whose mistaken formula gives `answer`, most likely first."""
    right = spec.size()
    if answer == right:
        return []
    found: list[tuple[str, str]] = []
    for mistake in MISTAKES:
        wrong = _mistaken_size(mistake, spec)
        if wrong == answer and all(key != mistake.key for key, _ in found):
            found.append((mistake.key, mistake.sentence(spec, wrong, right)))
    if not found and abs(answer - right) == 1:
        found.append(("off_by_one", _off_by_one(spec, answer, right)))
    return found


def _off_by_one(spec: SizeSpec, answer: int, right: int) -> str:
    side = "one more" if answer > right else "one fewer"
    if spec.op == "transposed":
        return f"Off by one: {answer} is {side} than {right}. Recount (i − 1)·s − 2p + d(k − 1) + a + 1 term by term."
    last = (right - 1) * spec.s
    if right == 1:
        return (
            f"Off by one: {answer} is {side} than 1. The window spans {spec.span} of the "
            f"{spec.i + 2 * spec.p} padded cells and has no room for a second position."
        )
    return (
        f"Off by one: {answer} is {side} than {right}. On the {spec.i + 2 * spec.p} padded cells the "
        f"window starts at 0, {spec.s}, …, {last}; the last one covers cells {last} to "
        f"{last + spec.span - 1}, and the next would run past the edge — {right} positions."
    )


# A mistake that drops the very parameter being solved for cannot explain the value given for it.
_DROPS = {"p": "ignored_padding", "s": "ignored_stride"}


def mistakes_reaching(spec: SizeSpec, target: int, unknown: str) -> list[tuple[str, str]]:
    """(key, sentence) of each mistake under which `spec` would give `target`, when the student
    chose `spec`'s `unknown` ("p" or "s") to reach `target`."""
    right = spec.size()
    found: list[tuple[str, str]] = []
    for mistake in MISTAKES:
        if mistake.key in ("used_transposed_formula", "used_conv_formula", _DROPS[unknown]):
            continue  # solving uses one formula; mixing the two is diagnosed as swapping i and o
        wrong = _mistaken_size(mistake, spec)
        if wrong == target and wrong != right and all(key != mistake.key for key, _ in found):
            found.append((mistake.key, mistake.sentence(spec, wrong, right)))
    return found


def combine(found: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    """The most likely mistake's key, and its sentence noting any other mistake giving the same number."""
    if not found:
        return None, None
    key, sentence = found[0]
    others = [k.replace("_", " ") for k, _ in found[1:]]
    if others:
        sentence += f" (The same number also comes from another slip: {', '.join(others)}.)"
    return key, sentence
