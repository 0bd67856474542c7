"""Shipped levels and answers for the play layer's tests, found by asking the engine (never typed in)."""

from __future__ import annotations

from functools import cache
from itertools import product

from convquest.engine.kernels import KERNELS
from convquest.levels.loader import load_curriculum
from convquest.play.judge import Slip, judge, read, same_value


@cache
def curriculum():
    return load_curriculum()


def first_level(kind: str, variant: str | None):
    return next(lv for lv in curriculum().levels if lv.kind == kind and lv.params.get("variant") == variant)


def level_kinds() -> list[tuple[str, str | None]]:
    """Every (kind, variant) a shipped level plays, once."""
    return list(dict.fromkeys((lv.kind, lv.params.get("variant")) for lv in curriculum().levels))


def _candidates():
    yield from (str(n) for n in range(-60, 200))
    yield from (f"{h}x{w}" for h, w in product(range(1, 12), repeat=2))
    yield from (
        f"{c}x{h}x{w}" for c in (1, 2, 3, 4, 6, 8, 12, 16) for h, w in product(range(1, 30), repeat=2) if h == w
    )
    yield from ("up", "down")  # which way a weight moves (learn-kernel's gradient sign)
    yield from (f"{r},{c}" for r, c in product(range(8), repeat=2))
    yield from (f"{r},{c}; {r},{c + 1}" for r, c in product(range(6), repeat=2))
    yield from KERNELS
    yield from (f"{a}, {b}" for a, b in product(KERNELS, repeat=2))
    for n in range(-2, 3):
        yield f"{n} 0 0; 0 0 0; 0 0 0"
        yield f"0 0 0; 0 {n} 0; 0 0 0"


def answers(problem, part: int = 0, *, correct: bool, count: int = 1, up_to: bool = False) -> list[str]:
    """`count` texts the engine reads and judges `correct` (distinct parsed values for wrong ones);
    with `up_to`, as many as there are up to `count` (at least one)."""
    found: list[str] = []
    values: list[object] = []
    for text in _candidates():
        verdict = judge(problem, text, part)
        if isinstance(verdict, Slip) or verdict.correct != correct:
            continue
        value = read(problem, text, part).value
        if any(same_value(value, v) for v in values):
            continue
        found.append(text)
        values.append(value)
        if len(found) == count:
            return found
    if up_to and found:
        return found
    raise AssertionError(f"no {count} {'right' if correct else 'wrong'} answers found for {problem.topic} part {part}")
