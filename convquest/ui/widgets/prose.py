"""Lesson and level prose: re-joined into paragraphs, then wrapped with each formula kept whole.

Level files wrap their text by hand at about 80 columns; re-wrapped by the terminal inside a
bordered box that leaves a stub on every other line. `reflow` joins the prose lines back into
paragraphs, while indented lines (worked sums, small grids, formulas) and list items keep their
own lines.

Textual then breaks a line at any space, a non-breaking one too, so `o = i − k + 1` could end a
line at `i −`. `wrap` does the wrapping itself: a formula in the prose (operands joined by
operators, `=`, `+`, `−`, `·`, …) is one unit that moves to the next line whole, and is only
broken where it is wider than the line. `Prose` is the Static that shows text wrapped so, at its
own width.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.visual import VisualType
from textual.widgets import Static

_STARTS_ITEM = re.compile(r"^(?:[-*•]\s|\d+[.)]\s)")
_OPERATORS = frozenset(["=", "+", "−", "-", "·", "×", "/", "→", "≤", "≥", "<", ">", "±", "≈"])
# An operand is a number, a symbol or a short product like 2p, d(k, C_in·k·k: no run of more than
# three letters, so a word of prose ("size") never joins a formula.
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


def reflow(text: str) -> str:
    out: list[str] = []
    for line in text.strip("\n").splitlines():
        line = line.rstrip()
        joinable = (
            out
            and out[-1]
            and line
            and not line[0].isspace()
            and not out[-1][0].isspace()
            and not _STARTS_ITEM.match(line)
        )
        if joinable:
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _is_operand(word: str) -> bool:
    return word not in _OPERATORS and not _LONG_WORD.search(word)


def units(line: str) -> list[str]:
    """The line's words, each formula in it joined into one unit (its spaces kept)."""
    words = line.split()
    found: list[str] = []
    at = 0
    while at < len(words):
        end = at + 1
        if _is_operand(words[at]):
            while end + 1 < len(words) and words[end] in _OPERATORS and _is_operand(words[end + 1]):
                end += 2
        found.append(" ".join(words[at:end]))
        at = end
    return found


def _wrap_line(line: str, width: int) -> list[str]:
    indent = line[: len(line) - len(line.lstrip())]
    item = _STARTS_ITEM.match(line.lstrip())
    hang = indent + " " * (len(item.group()) if item else 0)  # a list item's lines start under its text
    room = max(1, width - len(indent))
    pieces: list[str] = []
    for unit in units(line):
        if cell_len(unit) <= room:
            pieces.append(unit)
        else:  # wider than the line: a formula breaks at its spaces, a word where it must
            for word in unit.split():
                pieces += [word[n : n + room] for n in range(0, len(word), room)]
    lines: list[str] = []
    current = ""
    for piece in pieces:
        lead = hang if lines else indent
        if current and len(lead) + cell_len(current) + 1 + cell_len(piece) > width:
            lines.append(lead + current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    lines.append((hang if lines else indent) + current)
    return lines


def wrap(text: str, width: int, *, join: bool = True) -> str:
    """`text` reflowed (unless `join` is False: worked steps keep their lines) and wrapped to
    `width` columns, no formula split where it fits on a line."""
    out: list[str] = []
    for line in (reflow(text) if join else text.strip("\n")).splitlines():
        out += _wrap_line(line, width) if line.strip() and cell_len(line) > width else [line]
    return "\n".join(out)


class Prose(Static):
    """Plain text (no markup) wrapped by `wrap` at the widget's width. `join=False` for text whose
    every line is its own (a worked solution), where prose lines would otherwise be joined."""

    DEFAULT_CSS = """
    Prose {
        height: auto;
    }
    """

    def __init__(self, text: str = "", *, join: bool = True, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(text, markup=False, id=id, classes=classes)
        self.text = text
        self.join = join

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        self.text = str(content)
        super().update(content, layout=layout)

    def render(self) -> Content:
        return Content(wrap(self.text, self.content_size.width or 80, join=self.join))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(wrap(self.text, width, join=self.join).splitlines()) if width else 0
