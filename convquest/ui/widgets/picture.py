"""Picture: a photograph or a feature map drawn in the terminal, two pixels a character.

Each character is ▀ with the top pixel as its foreground and the bottom pixel as its background;
terminal cells are about twice as tall as wide, so the pixels come out square. The colours are
truecolour where the terminal has it and are brought down to the 256-colour palette (Rich's
`Color.downgrade`) where it has only that, as over many SSH links and in tmux. Under NO_COLOR, or
on a terminal with fewer colours than that, a character ramp draws the picture instead: one
character per two pixel rows, denser where brighter.

Feature maps are signed: `signed=True` puts zero at mid-grey, negatives towards blue and
positives towards orange (told apart by colour-blind players too, unlike red and green), on a
scale symmetric about zero, so neither half of an edge map is clamped to black. Without colour,
negatives are drawn with `, - =` and positives with `. + #`.

The picture is fitted to the space it is given (area-averaged down or repeated up), keeping its
shape; the pixels themselves are the engine's and are never changed here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from rich.color import Color, ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

Floats = NDArray[np.float64]

HALF_BLOCK = "▀"
RAMP = " .:-=+*#%@"
"""Darkest to brightest, for unsigned pictures without colour."""
NEGATIVE_RAMP = " ,-="
POSITIVE_RAMP = " .+#"
"""Signed pictures without colour: the first character is zero, the last the largest magnitude."""

LEVELS = 64
"""Shades per side: enough that neighbouring shades are hard to tell apart, few enough that each
has one Style, made once."""

_GREY = np.array([128.0, 128.0, 128.0])
_NEGATIVE = np.array([20.0, 80.0, 220.0])  # dark blue
_POSITIVE = np.array([255.0, 160.0, 20.0])  # light orange: the sign shows in brightness too
_BLACK, _WHITE = np.zeros(3), np.full(3, 255.0)


def fit(values: Floats, height: int, width: int) -> Floats:
    """`values` resampled to (height, width): each target pixel is the mean of the source pixels
    it covers (at least one), so shrinking averages and enlarging repeats."""

    def along(array: Floats, axis: int, size: int) -> Floats:
        source = array.shape[axis]
        starts = np.arange(size) * source // size
        ends = np.maximum((np.arange(size) + 1) * source // size, starts + 1)
        sums = np.cumsum(np.moveaxis(array, axis, 0), axis=0)
        sums = np.concatenate([np.zeros((1,) + sums.shape[1:]), sums])
        means = (sums[ends] - sums[starts]) / (ends - starts).reshape((-1,) + (1,) * (array.ndim - 1))
        return np.moveaxis(means, 0, axis)

    return along(along(values, 0, height), 1, width)


def fitted_size(shape: tuple[int, int], room: Size) -> tuple[int, int]:
    """The largest (pixel rows, pixel columns) of this shape that fits `room` (in characters,
    two pixel rows each), at least one pixel each way."""
    rows, cols = shape
    factor = min(room.width / cols, 2 * room.height / rows)
    return max(1, int(rows * factor)), max(1, int(cols * factor))


def levels(values: Floats, limits: tuple[float, float], signed: bool) -> NDArray[np.int64]:
    """Each value as a shade index: 0..LEVELS-1 unsigned; -(LEVELS-1)..LEVELS-1 signed."""
    lo, hi = limits
    if signed:
        span = max(abs(lo), abs(hi)) or 1.0
        return np.rint(np.clip(values / span, -1, 1) * (LEVELS - 1)).astype(np.int64)
    span = (hi - lo) or 1.0
    return np.rint(np.clip((values - lo) / span, 0, 1) * (LEVELS - 1)).astype(np.int64)


def strength(level: int, signed: bool) -> float:
    """How far from the start of the scale a shade is drawn, 0..1."""
    t = abs(level) / (LEVELS - 1)
    # Edge maps are mostly small values with a few strong ones; the square root lifts the faint
    # edges off zero while leaving zero and both ends of the scale where they are.
    return t**0.5 if signed else t


def shade(level: int, signed: bool) -> tuple[int, int, int]:
    """The RGB colour of a shade index."""
    t = strength(level, signed)
    if signed:
        start, end = _GREY, (_POSITIVE if level >= 0 else _NEGATIVE)
    else:
        start, end = _BLACK, _WHITE
    r, g, b = np.rint(start + (end - start) * t).astype(int)
    return int(r), int(g), int(b)


def _palette(signed: bool, system: ColorSystem) -> dict[int, Color]:
    first = -(LEVELS - 1) if signed else 0
    return {level: Color.from_rgb(*shade(level, signed)).downgrade(system) for level in range(first, LEVELS)}


def ramp_char(level: int, signed: bool) -> str:
    ramp = RAMP if not signed else POSITIVE_RAMP if level >= 0 else NEGATIVE_RAMP
    return ramp[round(strength(level, signed) * (len(ramp) - 1))]


def colour_strips(shades: NDArray[np.int64], signed: bool, system: ColorSystem) -> list[Strip]:
    palette = _palette(signed, system)
    strips = []
    for top in range(0, shades.shape[0], 2):
        segments = []
        for col in range(shades.shape[1]):
            upper = palette[int(shades[top, col])]
            lower = palette[int(shades[top + 1, col])] if top + 1 < shades.shape[0] else None
            segments.append(Segment(HALF_BLOCK, Style(color=upper, bgcolor=lower)))
        strips.append(Strip(segments, shades.shape[1]).simplify())
    return strips


def ramp_strips(shades: NDArray[np.int64], signed: bool, style: Style) -> list[Strip]:
    """One character per column and two pixel rows, from the pair's mean shade."""
    strips = []
    for top in range(0, shades.shape[0], 2):
        pair = shades[top : top + 2]
        text = "".join(ramp_char(round(float(level)), signed) for level in pair.mean(axis=0))
        strips.append(Strip([Segment(text, style)], len(text)))
    return strips


def legend(limits: tuple[float, float], signed: bool, colour: bool) -> str:
    """A one-line key to the shades, naming the numbers at the ends."""
    lo, hi = limits
    if signed:
        span = max(abs(lo), abs(hi))
        if colour:
            return f"blue −{span:.3g} … orange +{span:.3g}"
        return f"= −{span:.3g} - , 0 . + # +{span:.3g}"
    if colour:
        return f"black {lo:.4g} … white {hi:.4g}"
    return f"'{RAMP[1]}' {lo:.4g} … '{RAMP[-1]}' {hi:.4g}"


_SYSTEMS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT}


class Picture(Widget):
    """An array drawn as half-block pixels (see the module). `show` replaces it; `limits` fixes
    the values at black and white (unsigned) or the magnitude at full blue/orange (signed), so
    pictures meant to be compared share one; by default they are the array's own range."""

    DEFAULT_CSS = """
    Picture {
        width: auto;
        height: auto;
    }
    """

    def __init__(
        self,
        values: object = None,
        *,
        signed: bool = False,
        limits: tuple[float, float] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._values: Floats | None = None
        self._signed = signed
        self._limits: tuple[float, float] | None = None
        self._cache: tuple[object, list[Strip]] | None = None
        self.show(values, signed=signed, limits=limits)

    @property
    def values(self) -> Floats | None:
        return self._values

    @property
    def signed(self) -> bool:
        return self._signed

    @property
    def limits(self) -> tuple[float, float]:
        if self._limits is not None:
            return self._limits
        if self._values is None or not self._values.size:
            return (0.0, 1.0)
        lo, hi = float(self._values.min()), float(self._values.max())
        if self._signed:
            span = max(abs(lo), abs(hi))
            return (-span, span)
        return (lo, hi)

    @property
    def colour_system(self) -> ColorSystem | None:
        """The colours the picture is drawn in; None means the character ramp."""
        if self.app.no_color:
            return None
        return _SYSTEMS.get(self.app.console.color_system or "")

    def show(self, values: object, *, signed: bool | None = None, limits: tuple[float, float] | None = None) -> None:
        self._values = None if values is None else np.asarray(values, dtype=np.float64)
        if signed is not None:
            self._signed = signed
        self._limits = limits
        self._cache = None
        self.refresh(layout=True)

    def legend(self) -> str:
        return legend(self.limits, self._signed, self.colour_system is not None)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 0 if self._values is None else int(self._values.shape[1])

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 0 if self._values is None else (int(self._values.shape[0]) + 1) // 2

    def _strips(self) -> list[Strip]:
        if self._values is None or not self._values.size:
            return []
        system = self.colour_system
        key = (self.size, system, self._signed, self.limits)
        if self._cache is None or self._cache[0] != key:
            rows, cols = fitted_size(self._values.shape, self.size)
            shades = levels(fit(self._values, rows, cols), self.limits, self._signed)
            strips = (
                ramp_strips(shades, self._signed, self.rich_style)
                if system is None
                else colour_strips(shades, self._signed, system)
            )
            self._cache = (key, strips)
        return self._cache[1]

    def render_line(self, y: int) -> Strip:
        strips = self._strips()
        width, style = self.size.width, self.rich_style
        # Every segment gets a style: Textual's NO_COLOR filter reads each one's colours.
        strip = strips[y] if y < len(strips) else Strip.blank(width, style)
        return strip.extend_cell_length(width, style).crop(0, width)
