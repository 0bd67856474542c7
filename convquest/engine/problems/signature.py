"""A problem's shape signature: what two problems must share to be equally hard, numbers aside.

Two students sitting the same quiz question should get different numbers but the same amount of
work: the same variant, grids of the same shapes, the same number of answers to give, and the same
parameters at work. A 3×3 output with stride 1 is not the same question as a 4×4 output with
padding and stride 2, although both are "fill-cells/strided". `signature(problem)` names exactly
those features and leaves the numbers out:

- `shapes`: every grid or list of numbers in the params (input, kernel, filters' slices) by name;
- `output`: the shape of the grid the student fills in, when the problem has one;
- `answers`: how many answers are typed (cells, layers, parts);
- `settings`: which of padding, stride, dilation, output padding and groups are at work (not
  their values: stride 2 and stride 3 are the same step), the named modes (padding "same",
  pooling "max", a layer's kind), true/false switches (bias), and whether the size formula's
  division leaves a remainder (a floor to take is a step a student can miss). A list of layers
  or of per-side parameters counts them in any order: how many pool layers, how many sides padded.

Built from `problem.params()`, `problem.parts()` and `problem.expected`, so every kind has one
without code of its own. Pure: no I/O, no state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from convquest.engine.problems.base import Problem

# A parameter at its trivial value does nothing (no padding, stride 1): what matters for the work
# is whether it is at work, not its value.
TRIVIAL: Mapping[str, int] = {
    "p": 0,
    "padding": 0,
    "s": 1,
    "stride": 1,
    "d": 1,
    "dilation": 1,
    "dilations": 1,
    "a": 0,
    "output_padding": 0,
    "groups": 1,
}
# Strings that change what is computed; other strings (an image's or a kernel's name) are content.
MODES = frozenset({"variant", "padding", "pool", "kind"})

Setting = tuple[str, str]  # (path, what it is): ("stride", "at work"), ("layers[*].kind", "pool ×2")
Shape = tuple[int, ...]


@dataclass(frozen=True)
class Signature:
    kind: str
    variant: str
    shapes: tuple[tuple[str, Shape], ...]
    output: Shape | None
    answers: int
    settings: tuple[Setting, ...]

    def __str__(self) -> str:
        """One line for a teacher: "fill-cells/strided: input 7×7, kernel 3×3, output 4×4, 16 answer(s);
        padding at work, stride at work". What is trivial is left out, and a list of parameters
        (a pair of strides) is told by what is at work in it."""
        counted = Counter(f"{name} {_size(shape)}" for name, shape in self.shapes)  # each filter's slices once
        grids = [grid if n == 1 else f"{grid} ×{n}" for grid, n in counted.items()]
        if self.output is not None:
            grids.append(f"output {_size(self.output)}")
        shown = [
            f"{path} {what}"
            for path, what in self.settings
            if not what.startswith("trivial") and not (path in TRIVIAL and what.endswith("item(s)"))
        ]
        text = f"{self.kind}/{self.variant}: " + ", ".join(grids + [f"{self.answers} answer(s)"])
        return text + ("; " + ", ".join(shown) if shown else "")

    @property
    def tallest(self) -> int:
        """The most rows a grid the problem gives has (a list of numbers is one row): how tall its
        data stands on a screen. The output is typed, not shown, so it does not count."""
        return max((shape[-2] if len(shape) >= 2 else 1 for _, shape in self.shapes), default=0)


def signature(problem: Problem, *, output: bool = True) -> Signature:
    """The problem's signature; `output=False` leaves the output's shape out (None), which for a
    grid costs the whole trace: a search compares the rest first."""
    params = dict(problem.params())
    shapes: list[tuple[str, Shape]] = []
    settings: list[Setting] = []
    for name, value in params.items():
        if name != "variant":
            _read(name, name, value, shapes, settings)
    rounds = _rounds_down(params)
    if rounds is not None:
        settings.append(("division", "has a remainder" if rounds else "exact"))
    shape = getattr(getattr(problem, "expected", None), "shape", None) if output else None  # the grid filled in
    variant = str(params.get("variant", problem.topic.partition("/")[2]))
    return Signature(
        problem.kind,
        variant,
        tuple(shapes),
        None if shape is None else tuple(int(n) for n in shape),
        len(problem.parts()),
        tuple(settings),
    )


def _read(path: str, name: str, value: Any, shapes: list[tuple[str, Shape]], settings: list[Setting]) -> None:
    """Adds what `value`, found at `path` under the field `name`, says about the problem's shape."""
    if hasattr(value, "tolist"):  # a NumPy array or scalar
        value = value.tolist()
    if isinstance(value, bool):
        settings.append((path, "on" if value else "off"))
    elif isinstance(value, (int, float)):
        if name in TRIVIAL:
            settings.append((path, "trivial" if value == TRIVIAL[name] else "at work"))
    elif isinstance(value, str):
        if name in MODES:
            settings.append((path, value))
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            _read(f"{path}.{key}", str(key), inner, shapes, settings)
    elif isinstance(value, Sequence):
        shape = _array_shape(value)
        if shape is not None and (name not in TRIVIAL or len(shape) != 1):
            shapes.append((path, shape))
        elif shape is None and all(isinstance(inner, str) for inner in value):
            shapes.append((path, (len(value),)))  # names: how many, not which
        else:
            # A network's layers, a pair of strides: how many, and how many of them have each
            # parameter at work, in any order (conv, pool, conv is as much work as conv, conv, pool;
            # padding on the height is as much as padding on the width).
            settings.append((path, f"{len(value)} item(s)"))
            found: list[Setting] = []
            for inner in value:
                _read(f"{path}[*]", name, inner, shapes, found)
            settings += [(where, f"{what} ×{n}") for (where, what), n in sorted(Counter(found).items())]


def _array_shape(value: object) -> Shape | None:
    """The shape of a rectangular nested list of numbers; None for anything else."""
    if isinstance(value, (int, float)):
        return ()
    if isinstance(value, (str, Mapping)) or not isinstance(value, Sequence) or not value:
        return None
    inner = {_array_shape(v) for v in value}
    if len(inner) != 1 or None in inner:
        return None
    (shape,) = inner
    assert shape is not None
    return (len(value), *shape)


def _rounds_down(params: Mapping[str, object]) -> bool | None:
    """Whether ⌊(i + 2p − d(k − 1) − 1)/s⌋ drops a remainder, for a problem that is one such size
    with all its numbers given; None where that formula is not the question (a transposed size, a
    parameter to solve for, a named padding, a pair of sides)."""
    if "a" in params or "o" in params:
        return None
    i, k, s = params.get("i"), params.get("k"), params.get("s")
    p, d = params.get("p", 0), params.get("d", 1)
    numbers = (i, k, s, p, d)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
        return None
    assert isinstance(i, int) and isinstance(k, int) and isinstance(s, int)
    assert isinstance(p, int) and isinstance(d, int)
    return (i + 2 * p - d * (k - 1) - 1) % s != 0


def _size(shape: Shape) -> str:
    return "×".join(map(str, shape))
