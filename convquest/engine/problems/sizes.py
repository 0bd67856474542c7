"""One layer's output size: the correct value, the worked formula, and the mistakes students make.

A mistake is a *mistaken formula*: the size the layer would have if computed the wrong way. A wrong
answer is diagnosed by recomputing each mistaken formula and seeing which give the answer. The same
list serves "solve for p / s" problems: there the student's value is put into the layer and a
mistake matches if its mistaken formula gives the wanted size.

Formulas are written in the form the player was taught (`Form`): `o = i − k + 1` before padding,
`o = i + 2p − k + 1` after it, then with the stride's floor, then with the dilated span. A
diagnosis is words and symbols only: it names the slip and the part of the idea that went wrong,
never a number that ends in the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from convquest.engine.arithmetic import conv_output_size, pool_output_size, transposed_output_size
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught
from convquest.engine.problems.slips import also_phrase, nameable

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


@dataclass(frozen=True)
class Form:
    """The terms of the size formula a player has met, or that this layer cannot do without."""

    padding: bool
    stride: bool
    dilation: bool
    output_padding: bool

    @property
    def kernel(self) -> str:
        """What the window covers, in symbols: k, or the dilated span."""
        return "d(k − 1) + 1" if self.dilation else "k"


def form_for(spec: SizeSpec, taught: Taught = ALL_TAUGHT) -> Form:
    return Form(
        padding="padding" in taught or spec.p > 0,
        # The dilated form is written with the stride's floor, as the curriculum teaches it.
        stride="stride" in taught or spec.s > 1 or spec.op == "pool" or spec.d > 1,
        dilation="dilation" in taught or spec.d > 1,
        output_padding=spec.op == "transposed" and ("output_padding" in taught or spec.a > 0),
    )


@dataclass(frozen=True)
class Working:
    """The formula as taught, with this layer's numbers, reduced a step at a time."""

    formula: str  # "o = ⌊(i + 2p − k)/s⌋ + 1"
    chain: tuple[str, ...]  # "o = ⌊(6 + 2·1 − 3)/2⌋ + 1", "= ⌊5/2⌋ + 1", "= 2 + 1", "= 3"
    before: tuple[str, ...] = ()  # what the chain needs first: the span, the pooling stride
    after: tuple[str, ...] = ()  # why, said with the answer: the floor dropped a window

    @property
    def substituted(self) -> str:
        return self.chain[0]

    def steps(self) -> tuple[str, ...]:
        """Every step short of the last: the player still takes the last one."""
        return self.before + self.chain[:-1]

    def text(self) -> str:
        # The last reduction and its result share a line: "= 2 + 1 = 3".
        *reduced, last, result = (line.removeprefix("o ") for line in self.chain)
        lines = (*reduced, f"{last} {result}")
        return "\n".join((*self.before, self.formula, *(f"  {line}" for line in lines), *self.after))


def working(spec: SizeSpec, taught: Taught = ALL_TAUGHT) -> Working:
    form = form_for(spec, taught)
    if spec.op == "transposed":
        return _transposed_working(spec, form)
    return _conv_working(spec, form)


def _conv_working(spec: SizeSpec, form: Form) -> Working:
    i, k, p, s, d = spec.i, spec.k, spec.p, spec.s, spec.d
    out = spec.size()
    pad, pad_n = (" + 2p", f" + 2·{p}") if form.padding else ("", "")
    kernel, kernel_n = (" − d(k − 1) − 1", f" − {d}·({k} − 1) − 1") if form.dilation else (" − k", f" − {k}")
    inside, inside_n = f"i{pad}{kernel}", f"{i}{pad_n}{kernel_n}"
    room = i + 2 * p - spec.span
    before: list[str] = []
    if spec.op == "pool" and not spec.stride_given:
        before.append("No stride given: pooling's stride is the window's size, s = k.")
    if spec.d > 1:
        span = f"k̂ = d(k − 1) + 1 = {d}·({k} − 1) + 1"
        before.append(f"the {k} taps spread over {span}" + ("" if spec.span == out else f" = {spec.span} cells"))
    after: list[str] = []
    if form.stride:
        chain = [f"o = ⌊({inside_n})/{s}⌋ + 1", f"= ⌊{room}/{s}⌋ + 1", f"= {room // s} + 1", f"= {out}"]
        formula = f"o = ⌊({inside})/s⌋ + 1"
        if room % s:
            after.append(f"({room}/{s} is not whole: a window that would run past the edge is dropped, so round down)")
    else:
        chain = [f"o = {inside_n} + 1", f"= {room} + 1", f"= {out}"]
        formula = f"o = {inside} + 1"
    return Working(formula, tuple(chain), tuple(before), tuple(after))


def _transposed_working(spec: SizeSpec, form: Form) -> Working:
    i, k, p, s, d, a = spec.i, spec.k, spec.p, spec.s, spec.d, spec.a
    out = spec.size()
    grown = s * (i - 1)
    extra, extra_n, extra_v = (" + a", f" + {a}", f" + {a}") if form.output_padding else ("", "", "")
    pad, pad_n, pad_v = (" − 2p", f" − 2·{p}", f" − {2 * p}") if form.padding else ("", "", "")
    if form.dilation:
        formula = f"o = s(i − 1) + d(k − 1){extra}{pad} + 1"
        chain = [
            f"o = {s}·({i} − 1) + {d}·({k} − 1){extra_n}{pad_n} + 1",
            f"= {grown} + {d * (k - 1)}{extra_v}{pad_v} + 1",
        ]
    else:
        formula = f"o = s(i − 1) + k{extra}{pad}"
        chain = [f"o = {s}·({i} − 1) + {k}{extra_n}{pad_n}", f"= {grown} + {k}{extra_v}{pad_v}"]
    return Working(formula, (*chain, f"= {out}"))


def size_rungs(spec: SizeSpec, taught: Taught, solution: str, *, lead: tuple[str, ...] = (), look: str = "") -> Rungs:
    """The ladder for one side of one layer; `lead` is what comes before the formula (how a
    padding name becomes p), `look` a sentence put before the nudge."""
    work = working(spec, taught)
    return Rungs(
        nudge=f"{look} {nudge(spec, taught)}".strip(),
        formula="\n".join((*lead, work.formula, f"  {work.substituted.removeprefix('o ')}")),
        steps=lead + work.steps(),
        solution=solution,
    )


def explain(spec: SizeSpec, taught: Taught = ALL_TAUGHT) -> str:
    """The formula as taught, then this layer's numbers in it, then each reduction step."""
    return working(spec, taught).text()


def nudge(spec: SizeSpec, taught: Taught = ALL_TAUGHT) -> str:
    """Where to look, in symbols, when no slip was recognised."""
    form = form_for(spec, taught)
    if spec.op == "transposed":
        parts = ["the i input cells sit s cells apart on the output, so they stretch over s(i − 1)"]
        parts.append(
            "the last one's patch reaches d(k − 1) + 1 more" if form.dilation else "the last one's patch adds k"
        )
        if form.output_padding:
            parts.append("output padding adds a on one side")
        if form.padding:
            parts.append("padding trims p from each side")
        return "Build the output side from its pieces: " + "; ".join(parts) + "."
    room = (
        f"i{' + 2p' if form.padding else ''} − ({form.kernel})"
        if form.dilation
        else f"i{' + 2p' if form.padding else ''} − k"
    )
    moves = (
        f"{room} cells of room, crossed in jumps of s (whole jumps only)" if form.stride else f"{room} cells of room"
    )
    first = "Pooling counts windows the same way. " if spec.op == "pool" else ""
    default = (
        " With no stride given, a pooling window jumps its own size: s = k."
        if spec.op == "pool" and not spec.stride_given
        else ""
    )
    return f"{first}The window has {moves}; each move is one more position, and the first position counts too.{default}"


@dataclass(frozen=True)
class Mistake:
    key: str
    ops: tuple[str, ...]
    applies: Callable[[SizeSpec], bool]
    wrong_size: Callable[[SizeSpec], int]
    # (spec, the form the player was taught) -> words naming the slip, with no number in them
    sentence: Callable[[SizeSpec, Form], str]


def _conv_numerator(spec: SizeSpec, padding_total: int, span: int | None = None) -> int:
    return spec.i + padding_total - (spec.span if span is None else span)


def _conv_with_span(spec: SizeSpec, span: int) -> int:
    room = _conv_numerator(spec, 2 * spec.p, span)
    if room < 0:
        raise ValueError("the mistaken span does not fit")
    return room // spec.s + 1


def _transposed_raw(spec: SizeSpec, span: int | None = None) -> int:
    return (spec.i - 1) * spec.s - 2 * spec.p + (spec.span if span is None else span) + spec.a


def _plus_one(sp: SizeSpec, form: Form) -> str:
    if form.stride:
        jumps = "The division counts the jumps the window makes"
    else:
        jumps = f"i{' + 2p' if form.padding else ''} − k counts the moves the window makes"
    return f"You forgot the +1. {jumps}; its first position, before any move, is one more."


def _padding_left_out(sp: SizeSpec, form: Form) -> str:
    if sp.op == "transposed":
        return "You left out the padding: in a transposed convolution it trims p cells from each side of the output."
    return "You left out the padding: the window slides over the padded input, p extra cells on each side."


def _one_side(sp: SizeSpec, form: Form) -> str:
    if sp.op == "transposed":
        return "Padding trims both sides of a transposed output: take away 2p, not p."
    return "Padding goes on both sides: p cells before the first cell and p after the last, 2p in all."


def _stride_left_out(sp: SizeSpec, form: Form) -> str:
    if sp.op == "transposed":
        return "You ignored the stride: neighbouring input cells land s cells apart on the output, not one."
    return "You ignored the stride: the window jumps s cells at a time, so its room is crossed in jumps of s."


def _full_count(sp: SizeSpec, form: Form) -> str:
    edge = "the padded input" if form.padding else "the input"
    return (
        "You counted positions where the kernel hangs off the edge. Every weight must land on a cell of "
        f"{edge}, so the window loses k − 1 positions instead of gaining them."
    )


def _span_slip(wrong: str) -> Callable[[SizeSpec, Form], str]:
    def sentence(sp: SizeSpec, form: Form) -> str:
        return (
            f"The dilated kernel spans d(k − 1) + 1 cells, not {wrong}: its k taps stand d cells apart, so the first "
            "and the last are k − 1 steps of d apart, and the first tap's own cell adds one."
        )

    return sentence


# Most likely first: where two mistakes give the same number, the earlier one is named and the
# later ones are mentioned (see `combine`). With output padding, one short is likelier a forgotten
# a than a forgotten +1; an answer a too large is the output padding twice before it is one-sided
# padding (when a = p both give it).
MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        "forgot_output_padding",
        ("transposed",),
        lambda sp: sp.a > 0,
        lambda sp: replace(sp, a=0).size(),
        lambda sp, form: "You left out the output padding: it adds a cells on one side of the output.",
    ),
    Mistake(
        "output_padding_twice",
        ("transposed",),
        lambda sp: sp.a > 0,
        lambda sp: sp.size() + sp.a,
        lambda sp, form: (
            "Output padding goes on one side only (the bottom and the right): add a once, not on both sides."
        ),
    ),
    Mistake(
        "forgot_plus_one",
        ("conv", "pool"),
        lambda sp: True,
        lambda sp: _conv_numerator(sp, 2 * sp.p) // sp.s,
        _plus_one,
    ),
    Mistake(
        "forgot_plus_one",
        ("transposed",),
        lambda sp: True,
        lambda sp: sp.size() - 1,
        lambda sp, form: (
            "You forgot the +1 at the end: the last input cell's patch reaches d(k − 1) + 1 cells, not d(k − 1)."
            if form.dilation
            else "One short: the last input cell's patch covers k cells, not k − 1."
        ),
    ),
    Mistake(
        "ignored_padding",
        OPS,
        lambda sp: sp.p > 0,
        lambda sp: replace(sp, p=0).size(),
        _padding_left_out,
    ),
    Mistake(
        "padded_one_side",
        ("conv", "pool"),
        lambda sp: sp.p > 0,
        lambda sp: _conv_numerator(sp, sp.p) // sp.s + 1,
        _one_side,
    ),
    Mistake(
        "padded_one_side",
        ("transposed",),
        lambda sp: sp.p > 0,
        lambda sp: sp.size() + sp.p,
        _one_side,
    ),
    Mistake(
        "added_padding_transposed",
        ("transposed",),
        lambda sp: sp.p > 0,
        lambda sp: sp.size() + 4 * sp.p,
        lambda sp, form: (
            "Padding trims a transposed convolution's output: p is the padding the forward layer added, so "
            "take 2p away instead of adding it."
        ),
    ),
    Mistake(
        "pool_stride_one",
        ("pool",),
        lambda sp: not sp.stride_given and sp.k > 1,
        lambda sp: pool_output_size(sp.i, sp.k, 1, sp.p, sp.d),
        lambda sp, form: (
            "With no stride given, a pooling window jumps its own size (s = k): the windows sit side by side "
            "and do not overlap."
        ),
    ),
    Mistake(
        "ignored_stride",
        OPS,
        lambda sp: sp.s > 1 and (sp.op != "pool" or sp.stride_given),
        # Written out for transposed: the student keeps the output padding the engine would refuse at s = 1.
        lambda sp: _transposed_raw(replace(sp, s=1)) if sp.op == "transposed" else replace(sp, s=1).size(),
        _stride_left_out,
    ),
    Mistake(
        "ignored_floor",
        ("conv", "pool"),
        lambda sp: sp.s > 1 and _conv_numerator(sp, 2 * sp.p) % sp.s != 0,
        lambda sp: -(-_conv_numerator(sp, 2 * sp.p) // sp.s) + 1,
        lambda sp, form: (
            "You rounded up. A window that would run past the edge is dropped, so the division rounds down."
        ),
    ),
    Mistake(
        "ignored_dilation",
        OPS,
        lambda sp: sp.d > 1,
        lambda sp: _transposed_raw(replace(sp, d=1)) if sp.op == "transposed" else replace(sp, d=1).size(),
        lambda sp, form: (
            "You ignored the dilation: the taps sit d cells apart, so the kernel spans d(k − 1) + 1 cells, not k."
        ),
    ),
    Mistake(
        "span_d_times_k",
        ("conv",),
        lambda sp: sp.d > 1,
        lambda sp: _conv_with_span(sp, sp.d * sp.k),
        _span_slip("d·k"),
    ),
    Mistake(
        "span_d_times_k",
        ("transposed",),
        lambda sp: sp.d > 1,
        lambda sp: _transposed_raw(sp, sp.d * sp.k),
        _span_slip("d·k"),
    ),
    Mistake(
        "span_d_times_k_plus_one",
        ("conv",),
        lambda sp: sp.d > 1,
        lambda sp: _conv_with_span(sp, sp.d * sp.k + 1),
        _span_slip("d·k + 1"),
    ),
    Mistake(
        "span_d_times_k_plus_one",
        ("transposed",),
        lambda sp: sp.d > 1,
        lambda sp: _transposed_raw(sp, sp.d * sp.k + 1),
        _span_slip("d·k + 1"),
    ),
    Mistake(
        "full_count",
        ("conv",),
        lambda sp: True,
        lambda sp: (sp.i + 2 * sp.p + sp.span - 2) // sp.s + 1,
        _full_count,
    ),
    Mistake(
        "used_transposed_formula",
        ("conv",),
        lambda sp: True,
        lambda sp: transposed_output_size(sp.i, sp.k, sp.p, sp.s, sp.d),
        lambda sp, form: (
            "That is the transposed convolution's formula, which grows its input; an ordinary convolution "
            "slides the window within the input, so it shrinks."
        ),
    ),
    Mistake(
        "used_conv_formula",
        ("transposed",),
        lambda sp: True,
        lambda sp: conv_output_size(sp.i, sp.k, sp.p, sp.s, sp.d),
        lambda sp, form: (
            "That is the ordinary convolution's formula, which shrinks its input; a transposed convolution grows "
            "it: each input cell paints a patch, s cells from the next."
        ),
    ),
    Mistake(
        "used_i_times_s",
        ("transposed",),
        lambda sp: True,
        lambda sp: sp.size() + sp.s,
        lambda sp, form: (
            "The i input cells are only i − 1 strides apart on the output: the stretch is s(i − 1), not s·i."
        ),
    ),
    Mistake(
        "used_i_times_s_minus_2p",
        ("transposed",),
        lambda sp: True,
        lambda sp: sp.i * sp.s - 2 * sp.p,
        lambda sp, form: (
            "i·s − 2p leaves out the kernel: the cells are s(i − 1) apart, and the last one's patch still reaches "
            + ("d(k − 1) + 1 cells." if form.dilation else "k cells.")
        ),
    ),
    Mistake(
        "used_i_times_s_minus_2p",
        ("transposed",),
        lambda sp: sp.a > 0,
        lambda sp: sp.i * sp.s - 2 * sp.p + sp.a,
        lambda sp, form: (
            "i·s − 2p + a leaves out the kernel: the cells are s(i − 1) apart, and the last one's patch still "
            "reaches " + ("d(k − 1) + 1 cells." if form.dilation else "k cells.")
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


def size_mistakes(spec: SizeSpec, answer: int, taught: Taught = ALL_TAUGHT) -> list[tuple[str, str]]:
    """(key, sentence) of each mistake whose mistaken formula gives `answer`, most likely first;
    only mistakes the player could know the name of (their ideas are in `taught`)."""
    right = spec.size()
    if answer == right:
        return []
    form = form_for(spec, taught)
    found: list[tuple[str, str]] = []
    for mistake in MISTAKES:
        if not nameable(mistake.key, taught):
            continue
        wrong = _mistaken_size(mistake, spec)
        if wrong == answer and all(key != mistake.key for key, _ in found):
            found.append((mistake.key, mistake.sentence(spec, form)))
    if not found and abs(answer - right) == 1:
        found.append(("off_by_one", _off_by_one(spec, form)))
    return found


def _off_by_one(spec: SizeSpec, form: Form) -> str:
    if spec.op == "transposed":
        return f"Off by one: go through {working(spec).formula if form.dilation else _form_formula(spec, form)} term by term."
    edge = "padded input" if form.padding else "input"
    return (
        "Off by one. Count the window's positions again: the first at the start, the last where the window's "
        f"far end meets the last cell of the {edge}; both count."
    )


def _form_formula(spec: SizeSpec, form: Form) -> str:
    return (_transposed_working(spec, form) if spec.op == "transposed" else _conv_working(spec, form)).formula


# A mistake that drops the very parameter being solved for cannot explain the value given for it.
_DROPS = {"p": "ignored_padding", "s": "ignored_stride"}


def mistakes_reaching(spec: SizeSpec, target: int, unknown: str, taught: Taught = ALL_TAUGHT) -> list[tuple[str, str]]:
    """(key, sentence) of each mistake under which `spec` would give `target`, when the student
    chose `spec`'s `unknown` ("p" or "s") to reach `target`."""
    right = spec.size()
    form = form_for(spec, taught)
    found: list[tuple[str, str]] = []
    for mistake in MISTAKES:
        if mistake.key in ("used_transposed_formula", "used_conv_formula", "full_count", _DROPS[unknown]):
            continue  # solving uses one formula; a growing one is diagnosed as swapping i and o
        if not nameable(mistake.key, taught):
            continue
        wrong = _mistaken_size(mistake, spec)
        if wrong == target and wrong != right and all(key != mistake.key for key, _ in found):
            found.append((mistake.key, mistake.sentence(spec, form)))
    return found


def combine(found: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    """The most likely mistake's key, and its sentence noting any other slip giving the same number."""
    if not found:
        return None, None
    key, sentence = found[0]
    others = [also_phrase(k) for k, _ in found[1:]]
    if others:
        listed = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " or " + others[-1]
        sentence += f" (The same number could also come from {listed}.)"
    return key, sentence
