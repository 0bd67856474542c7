"""The one place a typed or marked answer meets the engine: read it, then check it.

A `Slip` is text the engine could not take as an answer (the parser's sentence, or the check's
refusal): it is shown and never counted. Everything else is the engine's `Verdict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from convquest.engine.problems.base import Problem, Verdict
from convquest.engine.problems.ladder import ALL_TAUGHT, Taught

# Longer than any answer a level, exam or quiz asks for (a 12×12 grid of three-digit values is
# about 600 characters), far shorter than what makes Python's int() refuse (4,300 digits).
MAX_ANSWER = 1000
TOO_LONG = f"That is longer than any answer here (at most {MAX_ANSWER:,} characters); type the answer itself."


@dataclass(frozen=True)
class Slip:
    """Why the text was not read as an answer, in a sentence the player can act on."""

    message: str


@dataclass(frozen=True)
class Read:
    """Text the engine read: its parsed value, for the check and for spotting a repeat."""

    text: str
    value: object  # whatever the kind's parse_answer gives: a number, a shape, cells, an array


def read(problem: Problem, text: str, part: int = 0) -> Read | Slip:
    if len(text) > MAX_ANSWER:
        return Slip(TOO_LONG)
    try:
        return Read(text.strip(), problem.parse_answer(text, part))
    except ValueError as exc:
        return Slip(str(exc))


def verdict_of(problem: Problem, answer: Read, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict | Slip:
    try:
        return problem.check(answer.value, part, taught=taught)
    except ValueError as exc:  # the engine refuses to judge it (an impossible shape, a cell off the grid)
        return Slip(str(exc))


def judge(problem: Problem, text: str, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict | Slip:
    """The engine's verdict on typed `text` for `part`, or the Slip saying why it is no answer."""
    answer = read(problem, text, part)
    if isinstance(answer, Slip):
        return answer
    return verdict_of(problem, answer, part, taught=taught)


@runtime_checkable
class _ToList(Protocol):
    """A NumPy value, as far as comparing answers goes (the play layer does not import NumPy)."""

    def tolist(self) -> object: ...


def same_value(a: object, b: object) -> bool:
    """Two parsed answers are the same answer (NumPy values compared by their contents)."""
    if isinstance(a, _ToList):
        a = a.tolist()
    if isinstance(b, _ToList):
        b = b.tolist()
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
