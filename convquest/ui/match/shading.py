"""How a small 2-D array becomes shaded terminal cells: colours, the NO_COLOR ramp, the legend.

Pure functions of the array and a few flags, so they are tested without an App. Nothing here
computes convolution; it only maps values the engine produced onto shades.

A pixel is two columns wide and one row tall: terminal cells are about twice as tall as wide, so
this keeps pixels square and leaves room for a one-character flag (a mark or the sign in NO_COLOR).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

RAMP = " .:;=+*#%@"
"""Darkest to brightest for NO_COLOR; by magnitude, so an edge is as dense as its strength.
The usual ramp has "-" fourth; here it is ";" so that "-" only ever means below zero."""

NEGATIVE_FLAG = "-"
"""Replaces the first of a negative pixel's two characters in NO_COLOR: "-@" is strongly negative."""

DIFF_MARK = "✗"
SELECT_MARK = "●"
BLANK_DOT = "·"

# Zero is dark so that only what a kernel responds to lights up: an edge map is a bright outline on
# black, with the sign told apart by hue (blue below zero, orange above), not by brightness.
_ZERO = (28, 28, 28)
_POSITIVE = (255, 150, 30)
_NEGATIVE = (40, 140, 255)
_DARK = (12, 12, 12)
_LIGHT = (245, 245, 245)


@dataclass(frozen=True)
class Scale:
    """The value range mapped onto shades; output and target share one so equal values look equal."""

    lo: float
    hi: float

    @property
    def signed(self) -> bool:
        return self.lo < 0

    def fraction(self, value: float) -> float:
        """0..1 for unsigned scales; -1..1 (by magnitude against the larger end) for signed ones."""
        if self.signed:
            span = max(-self.lo, self.hi)
            return float(np.clip(value / span, -1.0, 1.0))
        return float(np.clip((value - self.lo) / (self.hi - self.lo), 0.0, 1.0))


def scale_for(*arrays: np.ndarray | None) -> Scale:
    """One scale covering every array: symmetric about zero when any value is negative, else 0..max.

    Unsigned scales start at zero rather than the minimum so a blurred image does not look as
    contrasty as the sharp one it came from.
    """
    values = [np.asarray(a, dtype=float) for a in arrays if a is not None and np.size(a)]
    if not values:
        return Scale(0.0, 1.0)
    lo = min(float(v.min()) for v in values)
    hi = max(float(v.max()) for v in values)
    if lo < 0:
        m = max(-lo, hi)
        return Scale(-m, m)
    return Scale(0.0, hi if hi > 0 else 1.0)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    red, green, blue = (round(x + (y - x) * t) for x, y in zip(a, b))
    return red, green, blue


def shade_rgb(value: float, scale: Scale) -> tuple[int, int, int]:
    f = scale.fraction(value)
    if scale.signed:
        return _mix(_ZERO, _POSITIVE if f >= 0 else _NEGATIVE, abs(f))
    return _mix(_DARK, _LIGHT, f)


def ink_for(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """Black or white, whichever reads on top of the shade (for numbers and marks)."""
    r, g, b = rgb
    return _DARK if 0.299 * r + 0.587 * g + 0.114 * b > 140 else _LIGHT


def ramp_level(value: float, scale: Scale) -> int:
    return round(abs(scale.fraction(value)) * (len(RAMP) - 1))


def ramp_cell(value: float, scale: Scale) -> str:
    """Two characters: the ramp doubled, or "-" plus the ramp for a visible negative."""
    level = ramp_level(value, scale)
    char = RAMP[level]
    if value < 0 and level > 0:
        return NEGATIVE_FLAG + char
    return char * 2


def format_value(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def number_width(values: np.ndarray) -> int:
    return max(len(format_value(v)) for v in np.asarray(values, dtype=float).flat)


@dataclass(frozen=True)
class Look:
    """What the grid should show besides the values."""

    colour: bool = True
    numbers: bool = False
    marks: Collection[tuple[int, int]] = ()
    selected: Collection[tuple[int, int]] = ()
    cursor: tuple[int, int] | None = None
    texts: Mapping[tuple[int, int], str] = field(default_factory=dict)
    """Text shown instead of a cell's number (a weight being typed: "-" before its digits)."""
    blank: bool = False
    """An answer grid with nothing in it yet: drawn as dots on grey, so its size shows."""
    compact: bool = False
    """One column per pixel and two pixel rows per text row: with colour, ▀ with the top pixel in
    the foreground and the bottom one in the background; without, ▀ ▄ █ for the bright halves.
    Marks and cursor need the full size, so a compact picture is for looking at, not for
    picking; numbers override it."""

    @property
    def is_compact(self) -> bool:
        return self.compact and not self.numbers

    def cell_width(self, values: np.ndarray) -> int:
        if self.is_compact:
            return 1
        # The body plus a column for a flag (mark or selection), and one more for a cursor's brackets.
        if not self.numbers:
            return 2
        return 1 + self.body_width(values) + (1 if self.cursor is not None else 0)

    def body_width(self, values: np.ndarray) -> int:
        typed = max((len(t) for t in self.texts.values()), default=1)
        return max(number_width(values), typed)


def _rgb(t: tuple[int, int, int]) -> Color:
    return Color.from_rgb(*t)


HALF_BLOCK = "▀"


def _compact_strips(values: np.ndarray, scale: Scale, look: Look, base: Style) -> list[Strip]:
    strips = []
    if look.colour:
        for top in range(0, values.shape[0], 2):
            segments = []
            for c in range(values.shape[1]):
                fg = _rgb(shade_rgb(float(values[top, c]), scale))
                if top + 1 < values.shape[0]:
                    bg = _rgb(shade_rgb(float(values[top + 1, c]), scale))
                    segments.append(Segment(HALF_BLOCK, base + Style(color=fg, bgcolor=bg)))
                else:
                    segments.append(Segment(HALF_BLOCK, base + Style(color=fg)))
            strips.append(Strip(segments, values.shape[1]))
        return strips
    # Without colour a half-block can only be on or off: two pixel rows per line, each lit when
    # at least half as bright as the brightest. Callers keep signed maps full size instead.
    halves = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
    for top in range(0, values.shape[0], 2):
        text = ""
        for c in range(values.shape[1]):
            upper = scale.fraction(float(values[top, c])) >= 0.5
            lower = top + 1 < values.shape[0] and scale.fraction(float(values[top + 1, c])) >= 0.5
            text += halves[(upper, lower)]
        strips.append(Strip([Segment(text, base)], len(text)))
    return strips


_PLAIN = Style()


def grid_strips(values: np.ndarray, scale: Scale, look: Look, base: Style = _PLAIN) -> list[Strip]:
    """One Strip per text row: one per array row, or one per two rows when compact in colour."""
    values = np.asarray(values, dtype=float)
    if look.is_compact:
        return _compact_strips(values, scale, look, base)
    width = look.cell_width(values)
    body = look.body_width(values)
    marks, selected = set(look.marks), set(look.selected)
    strips = []
    for r, row in enumerate(values):
        segments = []
        for c, v in enumerate(row):
            segments.append(_cell(float(v), (r, c), width, body, scale, look, marks, selected, base))
        strips.append(Strip(segments, width * len(row)))
    return strips


def _cell(
    v: float,
    rc: tuple[int, int],
    width: int,
    body_width: int,
    scale: Scale,
    look: Look,
    marks: set,
    selected: set,
    base: Style,
) -> Segment:
    flag = DIFF_MARK if rc in marks else SELECT_MARK if rc in selected else None
    at_cursor = rc == look.cursor
    if look.blank:
        return _blank_cell(rc, width, look, flag, at_cursor, base)
    if look.numbers:
        body = look.texts.get(rc, format_value(v)).rjust(body_width)
        # A mark follows its number ("-9✗"), so it reads as belonging to it and not to the
        # number before; unmarked, that column separates the numbers.
        if look.cursor is None:
            text = body + (flag or " ")
        else:
            # A grid with a cursor keeps a column each side of the number for brackets, which
            # survive NO_COLOR and read as "this cell" rather than as an operator between numbers.
            text = f"[{body}]" if at_cursor else " " + body + (flag or " ")
    elif at_cursor:
        # Brackets survive NO_COLOR and monochrome terminals, where a reversed cell may not show.
        text = "[]"
    elif look.colour:
        text = (flag or " ") + " "
    else:
        ramp = ramp_cell(v, scale)
        # Without colour the characters are the picture, so a differing cell is underlined rather
        # than overwritten: a mostly-wrong output would otherwise become a field of ✗.
        text = (flag + ramp[1]) if flag == SELECT_MARK else ramp
    if look.colour:
        rgb = shade_rgb(v, scale)
        style = base + Style(bgcolor=_rgb(rgb), color=_rgb(ink_for(rgb)), bold=flag is not None or at_cursor)
    else:
        differs = flag == DIFF_MARK
        style = base + Style(bold=flag is not None, underline=differs and not look.numbers, reverse=at_cursor)
    return Segment(text, style)


_BLANK = (48, 48, 48)


def _blank_cell(rc: tuple[int, int], width: int, look: Look, flag: str | None, at_cursor: bool, base: Style) -> Segment:
    if at_cursor:
        text = "[" + "·".center(width - 2) + "]" if width > 2 else "[]"
    else:
        text = (flag or BLANK_DOT).rjust(width - 1) + " "
    if look.colour:
        style = base + Style(bgcolor=_rgb(_BLANK), color=_rgb(_LIGHT), bold=flag is not None or at_cursor)
    else:
        style = base + Style(bold=flag is not None, reverse=at_cursor)
    return Segment(text, style)


def legend_lines(scale: Scale, colour: bool) -> list[list[Segment]]:
    """A short key: which shade means which value and, for signed values, how negatives look."""
    lo, hi = format_value(scale.lo), format_value(scale.hi)
    if colour:
        steps = np.linspace(scale.lo, scale.hi, 7)
        bar = [Segment(" ", Style(bgcolor=_rgb(shade_rgb(float(s), scale)))) for s in steps]
        if scale.signed:
            return [[Segment(f"{lo} "), *bar, Segment(f" +{hi}")], [Segment("blue<0 orange>0")]]
        return [[Segment(f"{lo} "), *bar, Segment(f" {hi}")]]
    if scale.signed:
        return [[Segment(f"{NEGATIVE_FLAG}@ {lo} .. @@ +{hi}")], [Segment(f"{NEGATIVE_FLAG}x means <0")]]
    return [[Segment(f"{lo} {RAMP[1:]} {hi}")]]


def text_lines(values: np.ndarray, scale: Scale, look: Look) -> list[str]:
    """The grid as plain text (what a screen reader or a test sees)."""
    return ["".join(seg.text for seg in strip) for strip in grid_strips(values, scale, look)]
