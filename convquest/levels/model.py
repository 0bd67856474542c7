"""The curriculum as plain frozen dataclasses, built only by the loader after validation."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from convquest.engine.problems import Problem


class LevelFileError(ValueError):
    """One thing wrong with a level file, phrased so a teacher can fix it without reading Python."""

    def __init__(self, file: Path, message: str, *, level: str | None = None, field: str | None = None) -> None:
        self.file = Path(file)
        self.level = level
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [str(self.file)]
        if self.level is not None:
            where.append(f"level '{self.level}'")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return ": ".join(where + [self.message])


# The level kinds by name, kept here so the loader can check a file's kind without importing the
# engine (NumPy costs most of the game's start-up); tests pin it to convquest.engine.problems.KINDS.
KINDS: tuple[str, ...] = (
    "predict-size",
    "fill-cells",
    "match-kernel",
    "receptive-field",
    "count-params",
    "learn-kernel",
    "sequence-size",
    "sequence-fill",
    "dilated-stack",
    "volume",
    "count-macs",
    "fill-volume",
)

# The concepts a chapter can declare it teaches, kept here for the same reason (the loader checks a
# file's `teaches` without the engine); tests pin it to convquest.engine.problems.ladder.CONCEPTS.
CONCEPTS: tuple[str, ...] = (
    "padding",
    "stride",
    "dilation",
    "transposed",
    "output_padding",
    "channels",
    "bias",
    "dense",
    "receptive_field",
    "pooling",
    "groups",
)
ALL_TAUGHT: frozenset[str] = frozenset(CONCEPTS)


def is_range(value: object) -> TypeGuard[list[int | float]]:
    """A param written as two numbers is a range; other lists (kernels, layer stacks) pass through."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    )


PAIR_KEYS = (("h", "w"), ("row", "col"))


def pair_keys(value: object) -> tuple[str, str] | None:
    """{h = .., w = ..} (a size) or {row = .., col = ..} (a cell): how a file writes a pair, since
    [a, b] already means a range. The engine gets it as the list [h, w] or [row, col]."""
    if isinstance(value, dict):
        return next((keys for keys in PAIR_KEYS if value.keys() == set(keys)), None)
    return None


def is_pair(value: object) -> bool:
    return pair_keys(value) is not None


def written_ranges(params: Mapping[str, object]) -> dict[str, list[int | float]]:
    """Every range in the params by its field name ("i", or "i.h" inside a pair), in draw order, as
    written: the loader refuses a level whose bounds are not integers."""
    found: dict[str, list[int | float]] = {}
    for key in sorted(params):
        value = params[key]
        if is_range(value):
            found[key] = value
        elif isinstance(value, dict) and (keys := pair_keys(value)):
            found.update({f"{key}.{side}": bounds for side in keys if is_range(bounds := value[side])})
    return found


def ranges(params: Mapping[str, object]) -> dict[str, list[int]]:
    """The ranges of params the loader has checked: [lo, hi] integers, by field name in draw order."""
    checked: dict[str, list[int]] = {}
    for name, (lo, hi) in written_ranges(params).items():
        assert isinstance(lo, int) and isinstance(hi, int), f"{name}: the loader refuses a range that is not integers"
        checked[name] = [lo, hi]
    return checked


def resolve_params(
    params: Mapping[str, object], seed: int, fixed: Mapping[str, int] | None = None
) -> dict[str, object]:
    """Draw every range from one seeded generator, in a fixed order so a seed always means one problem.

    `fixed` pins some ranges to given values (the validator uses it to try the corners).
    """
    rng = random.Random(seed)
    drawn = {name: rng.randint(*bounds) for name, bounds in ranges(params).items()}
    drawn.update(fixed or {})

    def value(name: str, raw: object) -> object:
        return drawn.get(name, raw)

    def resolve(key: str, raw: object) -> object:
        keys = pair_keys(raw)
        if not keys or not isinstance(raw, dict):
            return value(key, raw)
        return [value(f"{key}.{side}", raw[side]) for side in keys]

    return {key: resolve(key, raw) for key, raw in params.items()}


def picked(draw: Mapping[str, object], name: str) -> object:
    """What a draw gave the range called `name` ("i", or "i.h" for one side of a pair)."""
    key, _, side = name.partition(".")
    if not side:
        return draw[key]
    pair = draw[key]
    assert isinstance(pair, list), "resolve_params gives a pair as the list [h, w] or [row, col]"
    return pair[0 if side in ("h", "row") else 1]


def engine_refusal(
    file: Path, level: str, exc: Exception, params: Mapping[str, object], draw: Mapping[str, object]
) -> LevelFileError:
    """The engine's refusal to build a level's problem from `draw` (its params with the ranges
    drawn), as the LevelFileError a teacher can act on: the field it blames and what was drawn."""
    field, reason = _engine_field(exc, params)
    drawn = {name: picked(draw, name) for name in ranges(params)}
    when = f" (when the ranges draw {', '.join(f'{k} = {v}' for k, v in drawn.items())})" if drawn else ""
    return LevelFileError(
        file, f"impossible parameters: {reason}{when}", level=level, field=f"params.{field}" if field else "params"
    )


def _engine_field(exc: Exception, params: Mapping[str, object]) -> tuple[str | None, str]:
    """The params field the engine blames, and its message without the "field: " prefix it uses."""
    message = str(exc)
    if not isinstance(exc, ValueError):
        return None, f"the engine failed ({type(exc).__name__}: {message})"
    named = getattr(exc, "field", None)
    if isinstance(named, str) and named:
        return named, message
    prefix = re.match(r"([A-Za-z_][\w.\[\]]*): (.*)", message, re.DOTALL)
    if prefix:
        return prefix.group(1), prefix.group(2)
    return next((key for key in params if re.search(rf"\b{re.escape(key)}\b", message)), None), message


@dataclass(frozen=True)
class Level:
    """One level of a chapter, as its file describes it; `problem(seed)` builds what is asked."""

    id: str
    title: str
    kind: str
    params: Mapping[str, object]
    lesson: str
    hints: tuple[str, ...]
    explanation: str
    chapter: str
    source: Path  # the chapter file, named when the level's problem cannot be built
    # Hints written for one part of a multi-part level, by the part's name ("dense layer"); `hints`
    # are for every part this does not name.
    part_hints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Frozen is shallow; a read-only view keeps one screen from editing a level another reads.
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
        object.__setattr__(self, "part_hints", MappingProxyType(dict(self.part_hints)))

    @property
    def has_ranges(self) -> bool:
        return bool(ranges(self.params))

    def resolved_params(self, seed: int = 0) -> dict[str, object]:
        return resolve_params(self.params, seed)

    def problem(self, seed: int = 0) -> Problem:
        """The engine problem for `seed`. The shipped chapters are loaded without building their
        problems (the tests and `levels check` do), so the engine's refusal can first surface here:
        it comes as a LevelFileError naming file, level and field, for the screen to show."""
        from convquest.engine.problems import from_params

        draw = self.resolved_params(seed)
        try:
            return from_params(self.kind, draw)
        except Exception as exc:  # the engine's refusal, or its bug: either way, a message and not a traceback
            raise engine_refusal(self.source, self.id, exc, self.params, draw) from exc


@dataclass(frozen=True)
class Chapter:
    """One chapter file: its lesson pages and its levels, in play order."""

    id: str
    title: str
    order: int
    lesson: tuple[str, ...]
    levels: tuple[Level, ...]
    source: Path
    # What the chapter's lessons introduce (its `teaches`); None for a file that does not say (a
    # teacher's pack), whose levels then get the full formulas.
    teaches: frozenset[str] | None = None


@dataclass(frozen=True)
class Curriculum:
    """Every chapter in play order, the files refused while loading, and each level by its id."""

    chapters: tuple[Chapter, ...]
    errors: tuple[LevelFileError, ...] = ()
    _levels: Mapping[str, Level] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {level.id: level for chapter in self.chapters for level in chapter.levels}
        object.__setattr__(self, "_levels", MappingProxyType(by_id))

    @property
    def levels(self) -> tuple[Level, ...]:
        return tuple(self._levels.values())

    def level(self, level_id: str) -> Level:
        return self._levels[level_id]

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    def chapter_of(self, level_id: str) -> Chapter:
        return self.chapter(self.level(level_id).chapter)

    def taught(self, chapter_id: str) -> frozenset[str]:
        """The concepts a player has met by the end of this chapter: what it and every chapter
        before it that declares `teaches` introduce; all of them for a chapter that declares nothing."""
        chapter = self.chapter(chapter_id)
        if chapter.teaches is None:
            return ALL_TAUGHT
        earlier = (c.teaches for c in self.chapters if c.order <= chapter.order and c.teaches is not None)
        return frozenset().union(*earlier)

    def taught_for(self, level_id: str) -> frozenset[str]:
        return self.taught(self.level(level_id).chapter)

    def next_level(self, level_id: str) -> Level | None:
        """The next level in play order: on through the chapter, then the next chapter's first."""
        order = self.levels
        index = order.index(self.level(level_id))
        return order[index + 1] if index + 1 < len(order) else None

    def unlocked(self, chapter_id: str, stars: Mapping[str, int], unlock_all: bool = False) -> bool:
        """Open once every level of the chapter before has a star, or every level it had in an earlier
        version: levels added to a chapter never close the next one to a player who had opened it."""
        index = self.chapters.index(self.chapter(chapter_id))
        if unlock_all or index == 0:
            return True
        before = self.chapters[index - 1]
        versions = (frozenset(level.id for level in before.levels), *EARLIER_LEVELS.get(before.id, ()))
        return any(all(stars.get(level_id, 0) >= 1 for level_id in version) for version in versions)


# The levels shipped chapters had before levels were added to them (stars are kept by level id, and
# progress records no more than the stars, so the old chapter is spelled out here). Append a version
# whenever a level is added to a shipped chapter.
EARLIER_LEVELS: Mapping[str, tuple[frozenset[str], ...]] = MappingProxyType(
    {
        "arithmetic": (frozenset(f"arithmetic-{n}" for n in range(1, 7)),),
        "stride": (
            frozenset(("stride-1", "stride-2", "stride-3", "stride-by-hand", "stride-4", "stride-5", "stride-6")),
        ),
        "dilation": (
            frozenset(("dilation-1", "dilation-2", "dilation-by-hand", "dilation-3", "dilation-4", "dilation-5")),
        ),
        "transposed": (frozenset(("transposed-1", "transposed-by-hand", *(f"transposed-{n}" for n in range(2, 10)))),),
        "why-convolution": (frozenset(f"why-convolution-{n}" for n in range(1, 10)),),
        "learning": (frozenset(f"learning-{n}" for n in range(1, 5)),),
        "padding": (
            frozenset(
                ("padding-1", "padding-2", "padding-3", "padding-by-hand", "padding-4", "padding-5", "padding-6")
            ),
        ),
        "stacking": (
            frozenset(
                (
                    "stacking-1",
                    "stacking-by-hand",
                    "stacking-pool-params",
                    "stacking-2",
                    "stacking-3",
                    "stacking-4",
                    "stacking-pool-shift",
                    "stacking-pool-shift-2",
                    "stacking-5",
                    "stacking-6",
                    "stacking-7",
                    "stacking-hierarchy",
                    "stacking-8",
                    "stacking-9",
                    "stacking-linear",
                )
            ),
        ),
    }
)
