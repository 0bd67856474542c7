"""The verdict, the problem protocol and the helpers every generator shares."""

from __future__ import annotations

import builtins
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from convquest.engine.problems.ladder import ALL_TAUGHT, Taught


@dataclass(frozen=True)
class Verdict:
    correct: bool
    explanation: str  # the formula with this problem's numbers substituted, step by step
    diagnosis: str | None = None  # the likely mistake, in a sentence that shows the numbers
    mistake: str | None = None  # stable key for reports, e.g. "forgot_plus_one"


@runtime_checkable
class Problem(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def topic(self) -> str: ...

    def prompt(self) -> str: ...
    def parts(self) -> tuple[str, ...]: ...
    def parse_answer(self, text: str, part: int = 0) -> Any: ...
    def check(self, answer: Any, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict: ...
    def solution(self) -> str: ...
    def hint(self) -> str: ...
    def params(self) -> dict[str, Any]: ...


def check_part(part: int, count: int) -> None:
    if not 0 <= part < count:
        raise ValueError(f"part {part} does not exist: this problem has parts 0 to {count - 1}.")


def rng_for(seed: int, kind: str, variant: str, difficulty: int) -> random.Random:
    # Seeding with a string mixes in the kind and variant, so problem 7 of one topic is unrelated to
    # problem 7 of another; random.Random's string seeding is stable across platforms and versions.
    return random.Random(f"{kind}/{variant}/{difficulty}/{seed}")


def check_difficulty(difficulty: int) -> None:
    if difficulty not in (1, 2, 3):
        raise ValueError(f"difficulty must be 1, 2 or 3, not {difficulty!r}.")


class Fields:
    """Reads fields out of a params mapping, naming the field in every refusal."""

    def __init__(self, params: Mapping[str, object], kind: str):
        if not isinstance(params, Mapping):
            raise ValueError(f"params for {kind} must be a mapping of field names to values.")
        self.params = params
        self.kind = kind
        self.read: set[str] = set()

    def raw(self, name: str, default: object = None) -> object:
        """The value as given (or `default`), for fields with a shape of their own to check."""
        self.read.add(name)
        return self.params.get(name, default)

    def has(self, name: str) -> bool:
        self.read.add(name)
        return name in self.params

    def refuse_unread(self, topic: str) -> None:
        """A field nobody read is a typo or belongs to another variant: say so rather than ignore it."""
        unread = sorted(set(self.params) - self.read)
        if unread:
            known = ", ".join(sorted(self.read))
            raise ValueError(f"{unread[0]}: {topic} has no field {unread[0]!r}; its fields are {known}.")

    def _get(self, name: str, default: object) -> object:
        self.read.add(name)
        if name in self.params:
            return self.params[name]
        if default is _REQUIRED:
            raise ValueError(f"{name}: this {self.kind} problem needs a value for {name}.")
        return default

    def int(self, name: str, default: object = None, *, minimum: int | None = None) -> int:
        if default is None:
            default = _REQUIRED
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name}: expected a whole number, got {value!r}.")
        if minimum is not None and value < minimum:
            raise ValueError(f"{name}: must be at least {minimum}, got {value}.")
        _refuse_huge(name, value)
        return value

    def int_or_pair(
        self, name: str, default: object = None, *, minimum: builtins.int | None = None
    ) -> tuple[builtins.int, builtins.int]:
        if default is None:
            default = _REQUIRED
        value = self._get(name, default)
        if isinstance(value, (list, tuple)):
            if len(value) != 2:
                raise ValueError(f"{name}: expected one whole number or a pair [h, w], got {value!r}.")
            pair = tuple(value)
        else:
            pair = (value, value)
        for v in pair:
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError(f"{name}: expected whole numbers, got {value!r}.")
            if minimum is not None and v < minimum:
                raise ValueError(f"{name}: must be at least {minimum}, got {value!r}.")
            _refuse_huge(name, v)
        return pair[0], pair[1]

    def choice(self, name: str, options: tuple[str, ...], default: object = None) -> str:
        if default is None:
            default = _REQUIRED
        value = self._get(name, default)
        if value not in options:
            raise ValueError(f"{name}: must be one of {', '.join(options)}; got {value!r}.")
        return str(value)

    def bool(self, name: str, default: bool) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise ValueError(f"{name}: expected true or false, got {value!r}.")
        return value

    def grid(
        self, name: str, *, low: builtins.int = -99, high: builtins.int = 99, max_side: builtins.int = 12
    ) -> tuple[tuple[builtins.int, ...], ...]:
        value = self._get(name, _REQUIRED)
        rows = _as_rows(value)
        if rows is None or not rows or not rows[0]:
            raise ValueError(f"{name}: expected a non-empty list of rows of whole numbers.")
        width = len(rows[0])
        if any(len(r) != width for r in rows):
            raise ValueError(f"{name}: every row must have {width} numbers, like the first.")
        if len(rows) > max_side or width > max_side:
            raise ValueError(f"{name}: at most {max_side}×{max_side} fits the board, got {len(rows)}×{width}.")
        checked: list[tuple[builtins.int, ...]] = []
        for r in rows:
            row: list[builtins.int] = []
            for v in r:
                if isinstance(v, bool) or not isinstance(v, builtins.int) or not low <= v <= high:
                    raise ValueError(f"{name}: values must be whole numbers from {low} to {high}, got {v!r}.")
                row.append(builtins.int(v))
            checked.append(tuple(row))
        return tuple(checked)


_REQUIRED = object()


def _as_rows(value: object) -> list[list[object]] | None:
    if hasattr(value, "tolist"):  # a NumPy array
        value = value.tolist()
    if not isinstance(value, (list, tuple)) or not all(isinstance(r, (list, tuple)) for r in value):
        return None
    return [list(r) for r in value]


def rows_to_lists(grid: tuple[tuple[int, ...], ...]) -> list[list[int]]:
    return [list(r) for r in grid]


# Which params field an engine refusal is about, judged by the words the engine uses; checked in
# order because "output_padding" also contains "padding" and "kernel" messages mention padding.
_BLAME = (
    ("output_padding", "a"),
    ("pooling padding", "p"),
    ("kernel", "k"),
    ("pooling window", "k"),
    ("input size", "i"),
    ("stride", "s"),
    ("dilation", "d"),
    ("padding", "p"),
)


def blame(error: ValueError, default: str, names: Mapping[str, str] | None = None) -> ValueError:
    """The engine's refusal, prefixed with the params field it is about; `names` renames the
    usual one-letter fields (i, k, p, s, d, a) for kinds whose params spell them out."""
    message = str(error)
    field = next((f for word, f in _BLAME if message.startswith(word) or f" {word}" in message[:40]), default)
    field = (names or {}).get(field, field)
    return ValueError(f"{field}: {message}")


# Larger than any layer a student meets (VGG's 4096 units, a 224-pixel image), small enough that
# every answer, explanation and drawing stays cheap: a level asking about 10**30 is a typo.
LARGEST_FIELD = 10_000


def _refuse_huge(name: str, value: int) -> None:
    if abs(value) > LARGEST_FIELD:
        raise ValueError(f"{name}: {value} is too large for a level; use at most {LARGEST_FIELD:,}.")


def square(n: int) -> str:
    return f"{n}×{n}"


def article(before: object, capital: bool = False) -> str:
    """'a' or 'an' before a number or word as it is read aloud: an 8×8 input, an 11×11 input,
    a 3×3 kernel, an edge."""
    text = str(before).lstrip("-")
    number = re.match(r"\d+", text)
    if number:
        digits = number.group()
        vowel = digits.startswith("8") or digits in ("11", "18") or (len(digits) == 5 and digits[:2] in ("11", "18"))
    else:
        vowel = text[:1].lower() in ("a", "e", "i", "o")
    word = "an" if vowel else "a"
    return word.capitalize() if capital else word
