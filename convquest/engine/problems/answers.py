"""Turning typed text into answers. A ValueError here is a typing slip, never a wrong answer."""

from __future__ import annotations

import re

_INT = re.compile(r"[+-]?\d+")
_SHAPE_SEP = re.compile(r"\s*(?:[x×X*,]|\s)\s*")
_RANGE = re.compile(r"^\s*(\d+)\s*(?:\.\.|-|–)\s*(\d+)\s*$")
_PAIR = re.compile(r"^\s*\(?\s*(\d+)\s*[, ]\s*(\d+)\s*\)?\s*$")

Cell = tuple[int, int]


def _clean(text: str) -> str:
    if not isinstance(text, str):
        raise ValueError("Type your answer as text.")
    stripped = text.strip()
    if not stripped:
        raise ValueError("Type an answer first.")
    return stripped


# Thousands separators a person writes: a comma, a space (plain, no-break, thin or narrow), an
# underscore as in Python, an apostrophe as in Switzerland. One kind throughout, and strictly in
# groups of three after the first, so "1,00" or "12,34,567" is refused rather than guessed at. Only
# where one whole number is asked: in a shape, a cell or a grid a comma separates two numbers.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:(?P<sep>[,_' \u00a0\u2009\u202f])\d{3})(?:(?P=sep)\d{3})*")
_SEPARATED = re.compile(r"[+-]?[\d,_' \u00a0\u2009\u202f]*\d[\d,_' \u00a0\u2009\u202f]*")
GROUPS = "thousands may be grouped in threes, like 34,944 or 34 944"


def parse_whole_number(text: str, example: str = "5", *, big: bool = False) -> int:
    """'34944', '34,944', '34 944' or '34_944' → 34944. `big` says in the how-to sentence that
    thousands may be grouped (for answers that run to thousands)."""
    stripped = _clean(text)
    if _INT.fullmatch(stripped):
        return int(stripped)
    if _GROUPED.fullmatch(stripped):
        return int(re.sub(r"[^\d+-]", "", stripped))
    if re.fullmatch(r"[+-]?\d*\.\d+", stripped):
        raise ValueError(f"Type a whole number, like {example}: a layer has a whole number of cells.")
    if _SEPARATED.fullmatch(stripped):
        raise ValueError(
            f"Type a whole number, like {example}; thousands go in groups of three, like 34,944 "
            f"— could not read {stripped!r}."
        )
    raise ValueError(f"Type a whole number, like {example}" + (f"; {GROUPS}." if big else "."))


def parse_shape(text: str, count: int) -> tuple[int, ...]:
    """'5x7', '5 x 7', '5×7', '5,7', '5 7' → (5, 7); three numbers for C×H×W."""
    example = "×".join(("16", "5", "5")[-count:]) if count == 3 else "5×7"
    stripped = _clean(text).strip("()[]")
    pieces = [p for p in _SHAPE_SEP.split(stripped) if p]
    if len(pieces) != count or not all(_INT.fullmatch(p) for p in pieces):
        what = "three whole numbers C×H×W" if count == 3 else "two whole numbers H×W"
        # A comma here separates the numbers (never thousands), and the sentence says so.
        reads = "16,5,5 is 16×5×5" if count == 3 else "5,7 is 5×7"
        raise ValueError(f"Type {what}, like {example} (a comma separates them: {reads}).")
    return tuple(int(p) for p in pieces)


def parse_cell(text: str) -> Cell:
    """'2,3', '2 3' or '(2, 3)' → (2, 3): row first, then column, counting from 0."""
    match = _PAIR.match(_clean(text))
    if not match:
        raise ValueError("Type a cell as row,col counting from 0, like 2,3.")
    return int(match.group(1)), int(match.group(2))


def parse_cells(text: str) -> frozenset[Cell]:
    """A rectangle 'r0..r1, c0..c1' (or 'r0-r1, c0-c1'), or cells 'r,c; r,c; ...' → a set of cells.

    A rectangle is rows first, then columns, both ends included; a bare number on one side is a
    single row or column ('2, 0..3').
    """
    stripped = _clean(text)
    pieces = [p for p in re.split(r"\s*;\s*|\)\s*\(", stripped) if p.strip()]
    if len(pieces) == 1:
        rect = _rectangle(pieces[0])
        if rect is not None:
            return rect
    cells = []
    for piece in pieces:
        match = _PAIR.match(piece.strip().strip("()"))
        if not match:
            raise ValueError(
                "Type a rectangle as rows, columns like 0..2, 1..3, or cells as row,col separated by "
                f"semicolons like 0,1; 0,2 — could not read {piece.strip()!r}."
            )
        cells.append((int(match.group(1)), int(match.group(2))))
    return frozenset(cells)


def _rectangle(text: str) -> frozenset[Cell] | None:
    halves = text.split(",")
    if len(halves) != 2 or not any(".." in h or "-" in h or "–" in h for h in halves):
        return None
    spans = []
    for half in halves:
        span = _span(half)
        if span is None:
            return None
        spans.append(span)
    (r0, r1), (c0, c1) = spans
    if r0 > r1 or c0 > c1:
        raise ValueError(f"A range goes from low to high, like {min(r0, r1)}..{max(r0, r1)}.")
    return frozenset((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))


def _span(text: str) -> tuple[int, int] | None:
    text = text.strip().strip("()")
    match = _RANGE.match(text)
    if match:
        return int(match.group(1)), int(match.group(2))
    if text.isdigit():
        return int(text), int(text)
    return None


def parse_grid(text: str) -> tuple[tuple[int, ...], ...]:
    """'1 0 -1; 2 0 -2; 1 0 -1' (rows split by ';' or new lines, numbers by spaces or commas)."""
    stripped = _clean(text)
    rows = [r for r in re.split(r"\s*[;\n/]\s*", stripped) if r.strip()]
    grid = []
    for row in rows:
        numbers = [n for n in re.split(r"[\s,]+", row.strip().strip("[]")) if n]
        if not numbers or not all(_INT.fullmatch(n) for n in numbers):
            raise ValueError(
                f"Type the kernel as rows of whole numbers, like 1 0 -1; 2 0 -2; 1 0 -1 — could not read {row.strip()!r}."
            )
        grid.append(tuple(int(n) for n in numbers))
    if len({len(r) for r in grid}) != 1:
        raise ValueError("Every row of the kernel needs the same number of values.")
    return tuple(grid)


def format_cells(cells: frozenset[Cell]) -> str:
    """The shortest form parse_cells reads back: a rectangle 'r0..r1, c0..c1' if the cells fill
    one, else 'r,c; r,c; ...' in reading order."""
    if not cells:
        return "(none)"
    rows = sorted({r for r, _ in cells})
    cols = sorted({c for _, c in cells})
    if len(cells) == (rows[-1] - rows[0] + 1) * (cols[-1] - cols[0] + 1):
        return f"{rows[0]}..{rows[-1]}, {cols[0]}..{cols[-1]}"
    return "; ".join(f"{r},{c}" for r, c in sorted(cells))


def _bounds(cells: frozenset[Cell]) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) when `cells` fill a rectangle exactly, else None."""
    if not cells:
        return None
    rows, cols = {r for r, _ in cells}, {c for _, c in cells}
    top, bottom, left, right = min(rows), max(rows), min(cols), max(cols)
    if len(cells) != (bottom - top + 1) * (right - left + 1):
        return None
    return top, bottom, left, right


def range_off_by_one(answer: frozenset[Cell], right: frozenset[Cell]) -> bool:
    """Both block-shaped, and every edge of the answer within one cell of the right one's."""
    given, wanted = _bounds(answer), _bounds(right)
    if given is None or wanted is None or given == wanted:
        return False
    return all(abs(a - b) <= 1 for a, b in zip(given, wanted))
