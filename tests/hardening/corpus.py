"""A fuzzed corpus of broken level and quiz files, made by seeded mutation of good ones.

Each shipped chapter is first made into a pack chapter of its own (ids prefixed, order moved past
the shipped ones) so it loads beside the shipped files; `good_pack` checks that it does, so every
refusal of a mutant is the mutation's doing. Each mutant carries what a refusal must name: the
level (or quiz question) and the field the mutation touched, where one was touched.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from convquest.levels.loader import shipped_files

KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*) = (.+)$")
INT_VALUE = re.compile(r"-?\d+\Z")
DEEP = 2000  # nesting far past tomllib's recursion limit (it fails near 500)

# Params that must be at least 1: a zero there is always impossible.
SIZE_KEYS = {"i", "k", "s", "d", "n", "c_in", "c_out", "h", "w", "units", "out_channels"}


@dataclass(frozen=True)
class Mutant:
    name: str  # the file name: kind, source and number, e.g. "wrong-type-03-padding-12.toml"
    data: bytes
    refused: bool  # False: the mutation may leave a valid file (a cut after a whole level)
    level: str | None = None  # the level id (quiz: question number) the refusal must name
    field: str | None = None  # the field it must name ("params.k", "title", "chapter.order")
    kind: str = ""


@dataclass(frozen=True)
class Line:
    index: int
    section: str  # "chapter", "level", "params" (quiz: "quiz", "question", "params")
    owner: str | None  # the level id, or the quiz question's number, the line belongs to
    key: str
    value: str


def scan(lines: list[str], *, quiz: bool = False) -> list[Line]:
    """Every `key = value` line with the table it is in and the level (or question) it belongs to."""
    found: list[Line] = []
    section, owner, questions = "", None, 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped in ("[chapter]", "[quiz]"):
            section, owner = stripped[1:-1], None
        elif stripped in ("[[level]]", "[[question]]"):
            section, owner = stripped[2:-2], None
            if quiz:
                questions += 1
                owner = str(questions)
        elif stripped in ("[level.params]", "[question.params]"):
            section = "params"
        elif (match := KEY_LINE.match(line)) and section:
            key, value = match.groups()
            if section == "level" and key == "id":
                owner = value.strip().strip('"')
            found.append(Line(index, section, owner, key, value))
    return found


def as_pack(text: str, tag: str, order: int) -> str:
    """The shipped chapter with its ids prefixed by `tag` and its order moved to `order`."""
    text = re.sub(r'(?m)^id = "([^"]+)"', lambda m: f'id = "{tag}-{m.group(1)}"', text)
    return re.sub(r"(?m)^order = \d+", f"order = {order}", text, count=1)


def sources() -> list[tuple[str, str]]:
    """(short name, text) of each shipped chapter, as a pack chapter that loads beside them."""
    return [(path.stem, path.read_text(encoding="utf-8")) for path in shipped_files()]


def _set(lines: list[str], line: Line, value: str) -> bytes:
    changed = list(lines)
    changed[line.index] = f"{line.key} = {value}"
    return "\n".join(changed).encode()


def _insert(lines: list[str], after: int, text: str) -> bytes:
    return "\n".join(lines[: after + 1] + [text] + lines[after + 1 :]).encode()


def _field(line: Line) -> str:
    return f"params.{line.key}" if line.section == "params" else line.key


def mutate(text: str, rng: random.Random, stem: str, number: int, *, quiz: bool = False) -> Mutant:
    """One mutant of `text`: the mutation drawn from `rng`."""
    lines = text.split("\n")
    scanned = scan(lines, quiz=quiz)
    head = "quiz" if quiz else "chapter"
    owned = [ln for ln in scanned if ln.owner is not None]
    params = [ln for ln in owned if ln.section == "params"]
    ints = [ln for ln in params if INT_VALUE.match(ln.value.strip())]
    strings = [ln for ln in owned if ln.section != "params" and ln.value.startswith('"') and ln.key != "id"]
    kinds = [
        "truncate",
        "unknown-key",
        "unknown-param",
        "unknown-head-key",
        "non-utf8",
        "empty",
        "junk",
        "nested",
        "duplicate-key",
        "wrong-type-text",
        "head-type",
    ]
    if ints:
        kinds += ["wrong-type-number", "huge", "huge-range", "negative", "zero", "impossible", "bool", "float"]
    if not quiz and len([ln for ln in scanned if ln.section == "level" and ln.key == "id"]) > 1:
        kinds.append("duplicate-id")
    kind = rng.choice(kinds)
    name = f"{kind}-{stem}-{number:03d}.toml"
    raw = text.encode()

    def refused(data: bytes, line: Line | None = None, field: str | None = None) -> Mutant:
        return Mutant(
            name,
            data,
            True,
            line.owner if line else None,
            field if field is not None else (_field(line) if line else None),
            kind,
        )

    if kind == "truncate":
        return Mutant(name, raw[: rng.randrange(len(raw))], False, kind=kind)
    if kind == "unknown-key":
        line = rng.choice([ln for ln in owned if ln.section != "params"])
        return refused(_insert(lines, line.index, 'colour = "red"'), line, "colour")
    if kind == "unknown-param":
        line = rng.choice(params)
        return refused(_insert(lines, line.index, "strid = 2"), line, "params.strid")
    if kind == "unknown-head-key":
        line = next(ln for ln in scanned if ln.section == head)
        return refused(_insert(lines, line.index, 'colour = "red"'), None, f"{head}.colour" if not quiz else "colour")
    if kind == "non-utf8":
        cut = rng.randrange(len(raw))
        return Mutant(name, raw[:cut] + b"\xff\xfe" + raw[cut:], True, kind=kind)
    if kind == "empty":
        return Mutant(name, b"", True, kind=kind)
    if kind == "junk":
        return Mutant(name, rng.randbytes(rng.randint(1, 400)), True, kind=kind)
    if kind == "nested":
        line = rng.choice(owned)
        return Mutant(name, _insert(lines, line.index, "deep = " + "[" * DEEP + "]" * DEEP), True, kind=kind)
    if kind == "duplicate-key":
        line = rng.choice(owned)
        return Mutant(name, _insert(lines, line.index, lines[line.index]), True, kind=kind)
    if kind == "wrong-type-text":
        line = rng.choice(strings)
        return refused(_set(lines, line, "42"), line)
    if kind == "head-type":
        line = next(ln for ln in scanned if ln.section == head and ln.key in ("title", "order", "id"))
        value = '"seven"' if line.key == "order" else "7"
        return refused(_set(lines, line, value), None, f"{head}.{line.key}" if not quiz else line.key)
    if kind == "duplicate-id":
        ids = [ln for ln in scanned if ln.section == "level" and ln.key == "id"]
        first, second = rng.sample(ids, 2)
        return refused(_set(lines, second, first.value), first, "id")
    if kind == "impossible":
        # A kernel of 99 beats most inputs, but not all (solve-padding finds p = 46 for it; a
        # transposed convolution grows), so whether it is refused is the engine's call; the
        # hand-written cases in the tests pin down the impossible ones.
        kernels = [ln for ln in ints if ln.key == "k"] or ints
        line = rng.choice(kernels)
        mutant = refused(_set(lines, line, "99"), line)
        return Mutant(name, mutant.data, False, mutant.level, mutant.field, kind)
    line = rng.choice(ints)
    value = int(line.value)
    replacement = {
        "wrong-type-number": '"seven"',
        "huge": str(10**30),
        "huge-range": f"[{value}, {10**30}]",  # the low corner is the file's own good value
        "negative": str(-rng.randint(1, 5)),
        "zero": "0",
        "bool": "true",
        "float": f"{value}.5",
    }[kind]
    # A zero is impossible only for a size; elsewhere (padding, output padding) it is a fine value.
    # A huge number is impossible for a size of something drawn (an input, a kernel: the engine caps
    # what a board can show) but a stride of 10**30 is arithmetic the engine does (output 1): those
    # are `huge_refused`'s question, not a crash.
    must_refuse = kind not in ("zero", "huge", "huge-range") or (kind == "zero" and line.key in SIZE_KEYS)
    mutant = refused(_set(lines, line, replacement), line)
    return mutant if must_refuse else Mutant(name, mutant.data, False, mutant.level, mutant.field, kind)


def level_corpus(seed: int, per_file: int) -> list[Mutant]:
    rng = random.Random(seed)
    mutants = []
    for n, (stem, text) in enumerate(sources()):
        for m in range(per_file):
            # Each mutant its own ids and order, so the ones that still load never clash.
            number = n * per_file + m
            pack = as_pack(text, f"fz{number}", 1000 + number)
            mutants.append(mutate(pack, rng, stem, number))
    return mutants


QUIZ = """[quiz]
id = "fuzz"
title = "Fuzzed quiz"
minutes = 20
feedback = "after-each"
seed = 3

[[question]]
kind = "predict-size"
[question.params]
variant = "conv"
i = 9
k = 3
p = 1

[[question]]
kind = "predict-size"
[question.params]
variant = "stride"
i = 12
k = 3
s = 2

[[question]]
kind = "count-params"
[question.params]
variant = "conv-vs-dense"
c_in = 3
c_out = 8
k = 3
h = 8
w = 8

[[question]]
kind = "fill-cells"
variant = "valid"
difficulty = 2
"""


def quiz_corpus(seed: int, count: int) -> list[Mutant]:
    rng = random.Random(seed)
    return [mutate(QUIZ, rng, "quiz", n, quiz=True) for n in range(count)]


def write(folder: Path, mutants: list[Mutant]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for mutant in mutants:
        (folder / mutant.name).write_bytes(mutant.data)
    return folder
