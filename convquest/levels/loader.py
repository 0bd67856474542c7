"""Read chapter files, validate them, and build the Curriculum.

A file is accepted whole or refused whole: every problem in it becomes a LevelFileError, so a
teacher sees the full list in one `convquest levels check` run rather than fixing one at a time.

Validation comes in two depths. The structural checks (UTF-8, TOML, fields, types, known kinds,
ranges, unique ids) need only the standard library. Building every level's problem at the corners
of its ranges and at RANGE_SEEDS seeds needs the engine, whose NumPy import alone costs more than
the 1.3x start-up budget of a one-widget Textual app (issue 3). So `load_curriculum` builds the
problems of the extra packs (nobody has checked those) but not of the shipped chapters, which the
test suite and `convquest levels check` check in full; a shipped level the engine still refuses
says so when it is opened (`Level.problem` raises a LevelFileError, not a traceback).

The game also keeps the shipped files' parsed TOML and the chapters those checks built from it in
its data dir (ParseCache), since parsing and checking them is most of what is left of loading them.
"""

from __future__ import annotations

import itertools
import marshal
import os
import re
import sys
import textwrap
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from convquest.levels import model
from convquest.levels.model import (
    CONCEPTS,
    KINDS,
    Chapter,
    Curriculum,
    Level,
    LevelFileError,
    engine_refusal,
    is_pair,
    ranges,
    resolve_params,
    written_ranges,
)

SHIPPED_DIR = Path(__file__).resolve().parent

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
CHAPTER_KEYS = {
    "id": "a string",
    "title": "a string",
    "order": "an integer",
    "lesson": "a list of strings (one per page)",
}
CHAPTER_OPTIONAL = {"teaches": "a list of concepts"}
LEVEL_REQUIRED = {
    "id": "a string",
    "title": "a string",
    "kind": "a string",
    "params": "a table",
    "explanation": "a string",
}
LEVEL_OPTIONAL = {
    "hints": "a list of strings",
    "lesson": "a string",
    "part_hints": "a table of part names, each a list of strings",
}

# Ranges are checked at every corner of their box (where size limits bite) plus seeded draws
# (what a player actually gets); corners are capped because they grow as 2**ranges.
RANGE_SEEDS = 24
MAX_CORNER_RANGES = 5


def shipped_files() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.toml"))


def load_curriculum(extra_dirs: Sequence[Path] = (), *, cache_dir: Path | None = None) -> Curriculum:
    """Shipped chapters plus extra packs; a broken file is left out and listed in .errors.

    The shipped chapters get the structural checks only, the packs the full validation (see the
    module docstring for why). With `cache_dir` (an existing folder), the shipped files' parsed
    TOML is kept there for the next launch."""
    files, errors = _gather(extra_dirs, "no such folder of level files")
    shipped = shipped_files()
    # The same files as last time, unchanged, load to the same Curriculum: a session forked from the
    # classroom's warm parent (which loaded them before forking) starts without reading them again.
    key = (tuple(map(str, extra_dirs)), tuple((str(path), _file_stamp(path)) for path in shipped + files))
    if key in _LOADED:
        return _LOADED[key]
    cache = ParseCache(cache_dir)
    shipped_chapters, shipped_errors = _load_files(shipped, build_problems=False, cache=cache)
    cache.save()
    # A pack folder that is the shipped folder (or names a shipped file) adds nothing new.
    packs = _unique(shipped + files)[len(shipped) :] if files else []
    chapters, file_errors = _load_files(packs, taken=shipped_chapters)
    curriculum = Curriculum(
        chapters=tuple(sorted(shipped_chapters + chapters, key=lambda c: c.order)),
        errors=tuple(errors + shipped_errors + file_errors),
    )
    _LOADED.clear()  # one is enough: a process plays one curriculum
    _LOADED[key] = curriculum
    return curriculum


_LOADED: dict[tuple[object, ...], Curriculum] = {}


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def check_files(paths: Sequence[Path]) -> list[LevelFileError]:
    """Every error in the given files, judged as they would load next to the shipped chapters."""
    return inspect_files(paths)[1]


def inspect_files(paths: Sequence[Path]) -> tuple[list[Chapter], list[LevelFileError]]:
    """check_files, also returning the chapters that passed (for a summary)."""
    files, errors = _gather(paths, "no such file")
    files = _unique(files)
    given = {f.resolve() for f in files}
    # A pack must not reuse a shipped id or order, so the shipped files are context for the check;
    # checking the shipped files themselves must not count them twice.
    context = [f for f in shipped_files() if f.resolve() not in given]
    context_chapters, _ = _load_files(context)
    chapters, file_errors = _load_files(files, taken=context_chapters)
    return chapters, errors + file_errors


def _gather(paths: Sequence[Path], missing: str) -> tuple[list[Path], list[LevelFileError]]:
    """The .toml files named or inside the named folders, and an error for each path not there."""
    files: list[Path] = []
    errors: list[LevelFileError] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(path.glob("*.toml"))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(LevelFileError(path, missing))
    return files, errors


def _unique(files: Sequence[Path]) -> list[Path]:
    """A file named twice (a pack given twice, the shipped folder given as a pack) is read once."""
    seen: set[Path] = set()
    unique = []
    for file in files:
        if file.resolve() not in seen:
            seen.add(file.resolve())
            unique.append(file)
    return unique


class ParseCache:
    """What loading the shipped files made of them last time, kept in one file in a folder and keyed
    by each file's length and CRC-32: its parsed TOML, so a launch need not import tomllib or run it
    (about 7 ms of start-up), and the chapter the structural checks built from it, so a launch need
    not run them either (4 ms more: load_curriculum took 7.0 ms with the parse alone kept, 3.2 ms).

    A built chapter counts only for the code that built it: its entry also names the CRC-32 of
    this module and of the model (and the Python), and after any change to them the parse is
    checked again. It is sealed by the CRC-32 of its own bytes, and the parse by the checks run on
    it, so a stale, corrupt or edited cache can cost a re-parse or a re-check but never let an
    unchecked level through. Any trouble reading or writing it is ignored for the same reason.
    """

    NAME = "levels-cache.marshal"

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / self.NAME if folder is not None and folder.is_dir() else None
        # By path: (the file's stamp, its parse as marshal bytes, (code stamp, seal, chapter bytes) or None)
        self.entries: dict[str, tuple[tuple[int, int], bytes, tuple[tuple[object, ...], int, bytes] | None]] = {}
        self.changed = False
        if self.path is None:
            return
        try:
            loaded = marshal.loads(self.path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return
        if isinstance(loaded, dict):
            self.entries = loaded

    def _entry(self, path: Path, raw: bytes) -> tuple[bytes, object] | None:
        entry = self.entries.get(str(path))
        if isinstance(entry, tuple) and len(entry) == 3 and entry[0] == _stamp(raw) and isinstance(entry[1], bytes):
            return entry[1], entry[2]
        return None

    def get(self, path: Path, raw: bytes) -> dict | None:
        """The parsed TOML of `raw`, if kept."""
        entry = self._entry(path, raw)
        try:
            data = marshal.loads(entry[0]) if entry is not None else None
        except (ValueError, EOFError, TypeError):
            return None
        return data if isinstance(data, dict) else None

    def built(self, path: Path, raw: bytes) -> object | None:
        """The fields of the chapter this code built from `raw` (chapter_fields), if kept and intact."""
        entry = self._entry(path, raw)
        built = entry[1] if entry is not None else None
        stamp = code_stamp()
        if stamp is None or not (isinstance(built, tuple) and len(built) == 3 and built[0] == stamp):
            return None
        _, seal, blob = built
        if not isinstance(blob, bytes) or zlib.crc32(blob) != seal:
            return None
        try:
            return marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            return None

    def put(self, path: Path, raw: bytes, data: dict, chapter: Chapter | None = None) -> None:
        """Keep the parse of `raw`, and the chapter built from it when it passed every check."""
        if self.path is None:
            return
        try:
            parsed = marshal.dumps(data)
            blob = marshal.dumps(chapter_fields(chapter)) if chapter is not None else None
        except ValueError:  # a TOML date or time: marshal cannot keep it, so that file is parsed each time
            return
        stamp = code_stamp()
        built = (stamp, zlib.crc32(blob), blob) if blob is not None and stamp is not None else None
        self.entries[str(path)] = (_stamp(raw), parsed, built)
        self.changed = True

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        partial = self.path.with_name(f"{self.NAME}.{os.getpid()}")
        try:
            partial.write_bytes(marshal.dumps(self.entries))
            os.replace(partial, self.path)  # whole or not at all, even with two launches at once
        except OSError:
            partial.unlink(missing_ok=True)


def _stamp(raw: bytes) -> tuple[int, int]:
    return len(raw), zlib.crc32(raw)


_CODE_STAMP: list[tuple[object, ...] | None] = []


def code_stamp() -> tuple[object, ...] | None:
    """What a built chapter depends on besides its file: the code that checks and builds it (this
    module and the model, by CRC-32 of their files) and the Python (textwrap, marshal). None when
    that code cannot be read, and then no built chapter is kept."""
    if not _CODE_STAMP:
        try:
            crcs = tuple(zlib.crc32(Path(m).read_bytes()) for m in (__file__, model.__file__) if m)
        except OSError:
            crcs = ()
        _CODE_STAMP.append((sys.version, *crcs) if len(crcs) == 2 else None)
    return _CODE_STAMP[0]


def chapter_fields(chapter: Chapter) -> dict[str, Any]:
    """A checked chapter as plain values marshal can keep (its dataclass fields; a level's chapter
    and file are its chapter's); chapter_from_fields builds it again."""
    kept: dict[str, Any] = {
        f.name: getattr(chapter, f.name) for f in fields(Chapter) if f.name not in ("levels", "source")
    }
    kept["levels"] = tuple(
        {f.name: _plain(getattr(level, f.name)) for f in fields(Level) if f.name not in ("chapter", "source")}
        for level in chapter.levels
    )
    return kept


def _plain(value: object) -> object:
    return dict(value) if isinstance(value, Mapping) else value  # a level's read-only views


def chapter_from_fields(path: Path, kept: Any) -> Chapter | None:
    """The chapter chapter_fields kept, or None for anything else (an entry from another layout)."""
    try:
        levels = tuple(Level(**level, chapter=kept["id"], source=path) for level in kept["levels"])
        return Chapter(**{**kept, "levels": levels, "source": path})
    except (TypeError, KeyError, ValueError):
        return None


def _load_files(
    files: Sequence[Path],
    taken: Sequence[Chapter] = (),
    *,
    build_problems: bool = True,
    cache: ParseCache | None = None,
) -> tuple[list[Chapter], list[LevelFileError]]:
    """The files' chapters that pass, checked against `taken` (already accepted) and each other.
    Without `build_problems`, the structural checks only (no engine import)."""
    accepted: list[Chapter] = list(taken)
    errors: list[LevelFileError] = []
    for path in files:
        chapter, problems = _read_chapter(path, build_problems, cache)
        if chapter is not None:
            problems += _clashes(chapter, accepted)
        if chapter is None or problems:
            errors += problems
        else:
            accepted.append(chapter)
    return accepted[len(taken) :], errors


def _clashes(chapter: Chapter, accepted: Sequence[Chapter]) -> list[LevelFileError]:
    file = chapter.source
    problems = []
    for other in accepted:
        if other.id == chapter.id:
            problems.append(
                LevelFileError(
                    file, f"chapter id '{chapter.id}' is already used by {other.source.name}", field="chapter.id"
                )
            )
        if other.order == chapter.order:
            problems.append(
                LevelFileError(
                    file,
                    f"chapter order {chapter.order} is already used by {other.source.name} (chapter '{other.id}')",
                    field="chapter.order",
                )
            )
        other_ids = {level.id for level in other.levels}
        for level in chapter.levels:
            if level.id in other_ids:
                problems.append(
                    LevelFileError(
                        file,
                        f"level id '{level.id}' is already used by {other.source.name}",
                        level=level.id,
                        field="id",
                    )
                )
    return problems


def parse_toml(raw: bytes, what: str) -> tuple[dict | None, str]:
    """The TOML table in `raw`, or (None, the sentence saying why it cannot be read); `what`
    names the kind of file ("level file", "quiz file") in that sentence."""
    import tomllib  # here, not at the top: a launch that finds every file in the cache never needs it

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); save it as UTF-8"
    try:
        return tomllib.loads(text), ""
    except tomllib.TOMLDecodeError as exc:
        return None, f"is not valid TOML: {exc}"
    except RecursionError:  # tomllib recurses once per level of nesting and gives up near 500
        return None, f"is not a {what}: its lists or tables are nested too deeply to read"


def _read_chapter(
    path: Path, build_problems: bool, cache: ParseCache | None = None
) -> tuple[Chapter | None, list[LevelFileError]]:
    """The chapter (possibly missing refused levels) and every error; any error refuses the file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [LevelFileError(path, f"cannot be read: {exc.strerror or exc}")]
    # The cache keeps what the structural checks built; a load that builds the problems checks more.
    kept = cache.built(path, raw) if cache is not None and not build_problems else None
    chapter = chapter_from_fields(path, kept) if kept is not None else None
    if chapter is not None:
        return chapter, []
    data = cache.get(path, raw) if cache is not None else None
    parsed_now = data is None
    if data is None:
        data, problem = parse_toml(raw, "level file")
        if data is None:
            return None, [LevelFileError(path, problem)]
    chapter, errors = _build_chapter(path, data, build_problems)
    checked = chapter if chapter is not None and not errors and not build_problems else None
    # Only what is new is written: a fresh parse, or the chapter a kept parse gave after a change to
    # this code. A file refused at each launch does not rewrite the cache at each launch.
    if cache is not None and (parsed_now or (checked is not None and code_stamp() is not None)):
        cache.put(path, raw, data, checked)
    return chapter, errors


def _build_chapter(
    path: Path, data: Mapping[str, object], build_problems: bool
) -> tuple[Chapter | None, list[LevelFileError]]:
    errors: list[LevelFileError] = []
    for key in data.keys() - {"chapter", "level"}:
        errors.append(
            LevelFileError(path, f"unknown top-level key '{key}' (expected [chapter] and [[level]])", field=key)
        )
    head = data.get("chapter")
    if not isinstance(head, dict):
        problem = "missing [chapter] table" if head is None else "must be one [chapter] table"
        errors.append(LevelFileError(path, f"{problem} (id, title, order, lesson)", field="chapter"))
        head = {}
    else:
        errors += _check_table(path, head, CHAPTER_KEYS, CHAPTER_OPTIONAL, prefix="chapter.")
    head_id = head.get("id")
    chapter_id = head_id if isinstance(head_id, str) else "?"

    raw_levels = data.get("level")
    if raw_levels is None or raw_levels == []:
        errors.append(LevelFileError(path, "the chapter has no levels; add at least one [[level]]", field="level"))
        raw_levels = []
    elif not isinstance(raw_levels, list) or not all(isinstance(t, dict) for t in raw_levels):
        errors.append(LevelFileError(path, "levels must be written as [[level]] tables", field="level"))
        raw_levels = []

    levels: list[Level] = []
    seen: set[str] = set()
    for number, table in enumerate(raw_levels, start=1):
        level, problems = _build_level(path, table, number, chapter_id, build_problems)
        if level is not None and level.id in seen:
            problems.append(LevelFileError(path, "this level id appears twice in the file", level=level.id, field="id"))
        errors += problems
        if level is not None:
            seen.add(level.id)
            levels.append(level)
    if any(error.level is None for error in errors):
        return None, errors
    # With only level errors the chapter is still built from its good levels, so clashes with other
    # files are reported in the same run; the caller refuses it all the same.
    chapter = Chapter(
        id=head["id"],
        title=head["title"].strip(),
        order=head["order"],
        lesson=tuple(_text(page) for page in head["lesson"]),
        levels=tuple(levels),
        source=path,
        teaches=frozenset(head["teaches"]) if "teaches" in head else None,
    )
    return chapter, errors


def _check_table(
    path: Path,
    table: Mapping[str, object],
    required: Mapping[str, str],
    optional: Mapping[str, str],
    *,
    prefix: str = "",
    level: str | None = None,
) -> list[LevelFileError]:
    def error(message: str, key: str) -> LevelFileError:
        return LevelFileError(path, message, level=level, field=prefix + key)

    expected = {**required, **optional}
    errors = [
        error(f"unknown key (expected one of: {', '.join(expected)})", key) for key in table if key not in expected
    ]
    errors += [error(f"missing (must be {required[key]})", key) for key in required if key not in table]
    for key, want in expected.items():
        if key in table and (problem := _type_problem(key, table[key], want)):
            errors.append(error(problem, key))
    return errors


def _type_problem(key: str, value: object, want: str) -> str | None:
    def got() -> str:
        return f"must be {want}, not {_describe(value)}"

    if want == "a string":
        if not isinstance(value, str):
            return got()
        if key in ("id", "title", "kind", "explanation") and not value.strip():
            return "must not be empty"
        if key == "id" and not ID_PATTERN.match(value):
            return f"'{value}' must use only lowercase letters, digits and hyphens"
    elif want == "an integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return got()
    elif want == "a table":
        if not isinstance(value, dict):
            return got()
    elif want.startswith("a list of strings"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return got()
        if key == "lesson" and not value:
            return "needs at least one page"
    elif want.startswith("a table of part names"):
        if not isinstance(value, dict) or not all(
            isinstance(v, list) and all(isinstance(h, str) for h in v) for v in value.values()
        ):
            return got()
    elif want == "a list of concepts":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"must be a list of concept names ({', '.join(CONCEPTS)}), not {_describe(value)}"
        unknown = [v for v in value if v not in CONCEPTS]
        if unknown:
            return f"'{unknown[0]}' is not a concept the game knows (known: {', '.join(CONCEPTS)})"
    return None


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    kinds = {str: "a string", int: "an integer", float: "a number", list: "a list", dict: "a table"}
    return kinds.get(type(value), type(value).__name__)


def _text(value: str) -> str:
    # textwrap.dedent (two regular-expression passes) changes only a text with a line that starts
    # with a space or a tab; most of the 400 texts of the shipped chapters have none (start-up).
    if value.startswith((" ", "\t")) or "\n " in value or "\n\t" in value:
        value = textwrap.dedent(value)
    return value.strip()


T = TypeVar("T")


def _checked(value: object, kind: type[T]) -> T:
    """A field _check_table has already checked is of `kind`."""
    assert isinstance(value, kind), f"_check_table lets only {kind.__name__} through here"
    return value


def _build_level(
    path: Path, table: Mapping[str, object], number: int, chapter_id: str, build_problems: bool
) -> tuple[Level | None, list[LevelFileError]]:
    level_id = table.get("id")
    name = level_id if isinstance(level_id, str) and level_id else f"#{number}"
    errors = _check_table(path, table, LEVEL_REQUIRED, LEVEL_OPTIONAL, level=name)
    if errors:
        return None, errors
    kind = _checked(table["kind"], str)
    if kind not in KINDS:
        return None, [
            LevelFileError(path, f"unknown kind '{kind}' (known kinds: {', '.join(KINDS)})", level=name, field="kind")
        ]
    params: Mapping[str, object] = _checked(table["params"], dict)
    errors = range_problems(path, name, params)
    if not errors and build_problems:
        errors = engine_problems(path, name, kind, params, _checked(table.get("part_hints", {}), dict))
    if errors:
        return None, errors
    return Level(
        id=_checked(level_id, str),
        title=_checked(table["title"], str).strip(),
        kind=kind,
        params=params,
        lesson=_text(_checked(table.get("lesson", ""), str)),
        hints=_hints(table.get("hints", [])),
        part_hints={name: _hints(hints) for name, hints in _checked(table.get("part_hints", {}), dict).items()},
        explanation=_text(_checked(table["explanation"], str)),
        chapter=chapter_id,
        source=path,
    ), []


def _hints(value: object) -> tuple[str, ...]:
    return tuple(_text(_checked(h, str)) for h in _checked(value, list))


def range_problems(path: Path, level: str, params: Mapping[str, object]) -> list[LevelFileError]:
    errors = []
    for key, value in params.items():
        if isinstance(value, dict) and not is_pair(value) and value.keys() & {"h", "w", "row", "col"}:
            errors.append(
                LevelFileError(
                    path,
                    "a pair is written { h = .., w = .. } or { row = .., col = .. }, with both keys and nothing else",
                    level=level,
                    field=f"params.{key}",
                )
            )
    for name, (lo, hi) in written_ranges(params).items():
        if not (isinstance(lo, int) and isinstance(hi, int)):
            errors.append(
                LevelFileError(
                    path,
                    f"a range [lo, hi] must be two integers, not [{lo}, {hi}]",
                    level=level,
                    field=f"params.{name}",
                )
            )
        elif lo > hi:
            errors.append(
                LevelFileError(
                    path, f"range [{lo}, {hi}] is empty: lo must not exceed hi", level=level, field=f"params.{name}"
                )
            )
    return errors


def _draws(params: Mapping[str, object]) -> list[dict[str, object]]:
    """The params as each checked draw resolves them; a level without ranges has one."""
    bounds = ranges(params)
    if not bounds:
        return [resolve_params(params, 0)]
    names = list(bounds)
    corners = [
        dict(zip(names[:MAX_CORNER_RANGES], corner))
        for corner in itertools.product(*(bounds[n] for n in names[:MAX_CORNER_RANGES]))
    ]
    return [
        resolve_params(params, seed, fixed)
        for seed, fixed in [(0, corner) for corner in corners] + [(seed, {}) for seed in range(RANGE_SEEDS)]
    ]


def engine_problems(
    path: Path, level: str, kind: str, params: Mapping[str, object], part_hints: Mapping[str, object] | None = None
) -> list[LevelFileError]:
    from convquest.engine.problems import from_params

    for number, draw in enumerate(_draws(params)):
        try:
            problem = from_params(kind, draw)
            # A hint for a part the problem does not have would never be shown.
            stray = [name for name in part_hints or {} if name not in problem.parts()]
            if stray:
                parts = ", ".join(f"'{part}'" for part in problem.parts())
                return [
                    LevelFileError(
                        path,
                        f"'{stray[0]}' is not a part of this level (its parts: {parts})",
                        level=level,
                        field=f"part_hints.{stray[0]}",
                    )
                ]
            # The engine falls back to defaults for fields it does not know, so a misspelt field
            # ("stride" for "s") would silently change the question; the problem's own params
            # name every field it used.
            unused = [key for key in params if key not in problem.params()] if number == 0 else []
            if unused:
                takes = ", ".join(problem.params())
                return [
                    LevelFileError(
                        path,
                        f"unknown parameter for {problem.topic} (it takes: {takes})",
                        level=level,
                        field=f"params.{unused[0]}",
                    )
                ]
        except Exception as exc:  # the engine's refusal, or its bug: either way, a message and not a traceback
            return [engine_refusal(path, level, exc, params, draw)]
    return []
