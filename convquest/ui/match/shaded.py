"""ShadedImage: one widget that draws a small 2-D array as shaded cells (Line API, no child per cell).

It shows an image, a feature map or a kernel so a person can see it: colour shades (grey for
unsigned values, blue/orange for signed ones) or, when the app runs with NO_COLOR, a character
ramp. `n` shows the numbers (a panel holding several pictures takes `n` for all of them).
`compact` draws two pixel rows per line where rows are short; `blank` draws an empty answer grid
as dots. With `pickable=True` it has a cursor that arrows move, named in the label; Enter posts
`Chosen`, space posts `Toggled`, a click moves the cursor there. Differing cells (`marks`) carry
a ✗ over their shade, or are underlined without colour; `selected` cells carry a ●.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from convquest.ui.match.shading import Look, Scale, grid_strips, legend_lines, scale_for

Cell = tuple[int, int]


class _CellMessage(Message):
    """A message about one cell of a picture (Chosen, Toggled): the picture is its control, so a
    panel holding several can tell them apart."""

    def __init__(self, image: ShadedImage, cell: Cell) -> None:
        super().__init__()
        self.image = image
        self.cell = cell

    @property
    def control(self) -> ShadedImage:
        return self.image


class ShadedImage(Widget):
    # A picture is as big as its pixels, never stretched to fill; its shades are drawn by the
    # widget, so this only sizes it and marks focus without colour (NO_COLOR keeps bold).
    DEFAULT_CSS = """
    ShadedImage {
        width: auto;
        height: auto;
    }
    ShadedImage:focus {
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("n", "toggle_numbers", "Numbers"),
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("enter", "choose", "Choose", show=False),
        Binding("space", "toggle_cell", "Mark", show=False),
    ]

    show_numbers: reactive[bool] = reactive(False, layout=True)
    compact: reactive[bool] = reactive(False, layout=True)
    """One column per pixel (half-blocks in colour) where space is short; ignored while picking."""
    cursor: reactive[Cell | None] = reactive(None)

    class Chosen(_CellMessage):
        """Enter picked the cell under the cursor."""

    class Toggled(_CellMessage):
        """Space marked or unmarked the cell under the cursor."""

    def __init__(
        self,
        values: np.ndarray | None = None,
        *,
        label: str = "",
        scale: Scale | None = None,
        legend: bool = False,
        pickable: bool = False,
        blank: bool = False,
        no_color: bool | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._values = None if values is None else np.asarray(values, dtype=float)
        self._label = label
        self._scale = scale
        self._legend = legend
        self._marks: frozenset[Cell] = frozenset()
        self._selected: frozenset[Cell] = frozenset()
        self._no_color = no_color
        self._blank = blank
        self._version = 0  # bumped by every change to what is drawn; keys the lines cache
        self._cache: tuple[tuple, list] | None = None
        self.pickable = pickable
        self.can_focus = pickable
        if pickable and self._values is not None:
            self.set_reactive(ShadedImage.cursor, (0, 0))

    # -- state --------------------------------------------------------------------------------

    @property
    def values(self) -> np.ndarray | None:
        return self._values

    @property
    def label(self) -> str:
        return self._label

    @property
    def scale(self) -> Scale:
        return self._scale if self._scale is not None else scale_for(self._values)

    @property
    def marks(self) -> frozenset[Cell]:
        return self._marks

    @property
    def selected(self) -> frozenset[Cell]:
        return self._selected

    @property
    def colour(self) -> bool:
        if self._no_color is not None:
            return not self._no_color
        return not self.app.no_color

    def show(
        self,
        values: np.ndarray | None,
        *,
        label: str | None = None,
        scale: Scale | None = None,
        marks: Collection[Cell] = (),
        blank: bool = False,
    ) -> None:
        """Replace what is drawn; `scale=None` returns to auto-scaling on the new values."""
        self._values = None if values is None else np.asarray(values, dtype=float)
        self._blank = blank
        self._version += 1
        if label is not None:
            self._label = label
        self._scale = scale
        self._marks = frozenset(marks)
        if self._values is None:
            self.cursor = None
        elif self.pickable:
            self.cursor = self._clamp(self.cursor or (0, 0))
        self.refresh(layout=True)

    def set_label(self, label: str) -> None:
        self._label = label
        self._version += 1
        self.refresh(layout=True)

    def set_marks(self, marks: Collection[Cell]) -> None:
        self._marks = frozenset(marks)
        self._version += 1
        self.refresh()

    def set_selected(self, selected: Collection[Cell]) -> None:
        self._selected = frozenset(selected)
        self._version += 1
        self.refresh()

    def _clamp(self, cell: Cell) -> Cell:
        assert self._values is not None
        h, w = self._values.shape
        return (min(max(cell[0], 0), h - 1), min(max(cell[1], 0), w - 1))

    # -- actions ------------------------------------------------------------------------------

    def action_toggle_numbers(self) -> None:
        self.show_numbers = not self.show_numbers

    def action_move(self, dr: int, dc: int) -> None:
        if self.pickable and self._values is not None and self.cursor is not None:
            self.cursor = self._clamp((self.cursor[0] + dr, self.cursor[1] + dc))

    def action_choose(self) -> None:
        if self.pickable and self.cursor is not None:
            self.post_message(self.Chosen(self, self.cursor))

    def action_toggle_cell(self) -> None:
        if self.pickable and self.cursor is not None:
            self.post_message(self.Toggled(self, self.cursor))

    numbers_fixed = False
    """True where the numbers are the point (kernel weights) and `n` must not hide them."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Arrows, Enter and space belong to the surrounding panel unless this grid takes picks.
        if action in ("move", "choose", "toggle_cell"):
            return self.pickable
        if action == "toggle_numbers":
            # A panel showing several pictures toggles them all together: let `n` reach it.
            return not self.numbers_fixed and not any(
                hasattr(node, "action_toggle_numbers") for node in self.ancestors if not isinstance(node, ShadedImage)
            )
        return True

    def watch_cursor(self) -> None:
        self.refresh(layout=True)  # the label names the cell, and may grow a column

    def on_click(self, event: Click) -> None:
        cell = self.cell_at(event.x, event.y)
        if self.pickable and cell is not None:
            self.cursor = cell
            self.focus()

    def cell_at(self, x: int, y: int) -> Cell | None:
        if self._values is None:
            return None
        look = self._look()
        if look.is_compact:
            return None
        row = y - self._label_rows
        col = x // look.cell_width(self._values)
        h, w = self._values.shape
        return (row, col) if 0 <= row < h and 0 <= col < w else None

    # -- rendering ----------------------------------------------------------------------------

    @property
    def _label_rows(self) -> int:
        return 1 if self._label else 0

    def _look(self) -> Look:
        return Look(
            colour=self.colour,
            numbers=self.show_numbers,
            marks=self._marks,
            selected=self._selected,
            cursor=self.cursor if self.pickable else None,
            texts=self._cell_texts(),
            # Without colour a compact cell is only on or off, which would hide a sign.
            compact=self.compact and not self.pickable and (self.colour or not self.scale.signed),
            blank=self._blank,
        )

    def _cell_texts(self) -> dict[Cell, str]:
        """Cells whose shown text is not their value; the weight editor shows what is being typed."""
        return {}

    def _lines(self) -> list[list[Segment] | Strip]:
        # Every line of the picture is built at once and kept until something drawn changes:
        # render_line asks once per row, and a classroom server draws many screens.
        key = (
            self._version,
            self.show_numbers,
            self.compact,
            self.cursor,
            self.colour,
            self.rich_style,
            tuple(self._cell_texts().items()),
        )
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        lines = self._build_lines()
        self._cache = (key, lines)
        return lines

    def _build_lines(self) -> list[list[Segment] | Strip]:
        base = self.rich_style
        lines: list[list[Segment] | Strip] = []
        if self._label:
            label = [Segment(self._label, base + Style(bold=True))]
            if self.pickable and self.cursor is not None:
                # Answers are typed as row,col; saying where the cursor is spares counting cells.
                label.append(Segment(f" {self.cursor[0]},{self.cursor[1]}", base))
            lines.append(label)
        if self._values is None or self._values.size == 0:
            lines.append([Segment("(nothing yet)", base + Style(dim=True))])
            return lines
        scale = self.scale
        lines.extend(grid_strips(self._values, scale, self._look(), base))
        if self._legend:
            lines.extend(
                [
                    [Segment(s.text, base + s.style if s.style else base) for s in line]
                    for line in legend_lines(scale, self.colour)
                ]
            )
        return lines

    def render_line(self, y: int) -> Strip:
        lines = self._lines()
        width = self.size.width
        if y >= len(lines):
            return Strip.blank(width, self.rich_style)
        line = lines[y]
        strip = line if isinstance(line, Strip) else Strip(line)
        return strip.adjust_cell_length(width, self.rich_style)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max(
            (Strip(line).cell_length if not isinstance(line, Strip) else line.cell_length) for line in self._lines()
        )

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines())


class ShadeKey(Widget):
    """What the shades mean for several pictures at once ("image 0 ░▒▓ 9 · maps -18 ▓▒░▒▓ +18 ·
    blue<0 orange>0"), wrapped between entries, so each picture need not spend rows on a legend."""

    DEFAULT_CSS = """
    ShadeKey {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._entries: list[tuple[str, Scale]] = []

    def show(self, entries: list[tuple[str, Scale]]) -> None:
        self._entries = list(entries)
        self.refresh(layout=True)

    def _chunks(self) -> list[list[Segment]]:
        """Pieces that stay on one line: each picture's range, and the sign's colours apart."""
        colour = not self.app.no_color
        base = self.rich_style
        chunks: list[list[Segment]] = []
        for name, scale in self._entries:
            for number, line in enumerate(legend_lines(scale, colour)):
                segments = [Segment(seg.text, base + seg.style if seg.style else base) for seg in line]
                if number == 0 and name:
                    segments.insert(0, Segment(f"{name} ", base))
                chunks.append(segments)
        return chunks

    def _lines(self, width: int) -> list[list[Segment]]:
        base = self.rich_style
        lines: list[list[Segment]] = []
        used = 0
        for chunk in self._chunks():
            size = Strip(chunk).cell_length
            if lines and used + 3 + size <= width:
                lines[-1] += [Segment(" · ", base), *chunk]
                used += 3 + size
            else:
                lines.append(list(chunk))
                used = size
        return lines

    def render_line(self, y: int) -> Strip:
        lines = self._lines(self.size.width)
        if y >= len(lines):
            return Strip.blank(self.size.width, self.rich_style)
        return Strip(lines[y]).adjust_cell_length(self.size.width, self.rich_style)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        one_line = max((Strip(line).cell_length for line in self._lines(10**6)), default=0)
        return min(one_line, container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))
