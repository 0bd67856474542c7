"""The chapter map: every chapter and level as one Line-API widget (issue 21).

The map was an `OptionList` of ~130 rows whose ▸ was moved by replacing two prompts, and each
replacement clears the list's caches: every key re-measured the rows and re-rendered every visible
line through Content (≈15 ms of CPU a key; a hundred students typing on two cores made the key
echo p95 173 ms). Here the rows are laid out once per width, each row's strips are kept per (row,
cursor, style) until the width or the styles change, and a move redraws only the lines of the two rows whose look changed: a key that does
not scroll costs ≈5 ms of CPU in a warm-forked session against ≈12 ms with the OptionList, and the
key echo p95 with 100 typing was 41 ms.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle

CURSOR = "▸ "
"""Beside the highlighted row: the highlight's colour alone vanishes under NO_COLOR."""
NO_CURSOR = "  "
LABEL_WIDTH = 60
"""The label column on a wide map, so the states line up in one column."""
MIN_LABEL_WIDTH = 12
STATE_WIDTH = 9


class MapRow(NamedTuple):
    """One row of the map: a chapter (its number and title) or a level (its ✓ and title).

    A NamedTuple and the messages' own __init__, not dataclasses: making a dataclass's methods cost
    about 1 ms a class at import, on the way to every launch's first screen (issue 21)."""

    id: str
    """`chapter:<id>` or `level:<id>`."""
    label: str
    """The left column; wraps under itself, indented by `hang`, where it does not fit."""
    state: str
    """The right column (`3/9 ★`, `locked`, `★★☆`), kept at the right at every width."""
    hang: int = 0

    def lines(self, width: int) -> list[str]:
        """The row's text in `width` cells (the map's width after its cursor column)."""
        label_width = max(MIN_LABEL_WIDTH, min(LABEL_WIDTH, width - 1 - STATE_WIDTH))
        if cell_len(self.label) <= label_width:  # nearly every row: no need for textwrap's work
            return [f"{self.label:<{label_width}} {self.state:>{STATE_WIDTH}}"]
        first, *more = textwrap.wrap(self.label, label_width, subsequent_indent=" " * self.hang) or [""]
        return [f"{first:<{label_width}} {self.state:>{STATE_WIDTH}}", *more]


class ChapterMap(ScrollView, can_focus=True):
    """The rows of the chapter map, one highlighted (with a ▸), opened with enter or a click."""

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page Down", show=False),
        Binding("pageup", "page_up", "Page Up", show=False),
        # Shown, so the footer and the help offer it: the screen cannot bind enter itself without
        # `priority`, and a priority key runs as it arrives, before the arrows that came with it.
        Binding("enter", "select", "Open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "chapter-map--row",
        "chapter-map--row-highlighted",
        "chapter-map--row-hover",
    }
    # The look of an OptionList, which the map was before.
    DEFAULT_CSS = """
    ChapterMap {
        height: auto;
        max-height: 100%;
        color: $foreground;
        overflow-x: hidden;
        border: tall $border-blurred;
        padding: 0 1;
        background: $surface;
        & > .chapter-map--row-highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .chapter-map--row-hover {
            background: $block-hover-background;
        }
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
            & > .chapter-map--row-highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    highlighted: var[int] = var(0, init=False)
    """The index of the highlighted row (kept within the rows)."""

    class RowMessage(Message):
        """Something happened to one row: which map, the row's id and its index."""

        def __init__(self, chapter_map: ChapterMap, row_id: str, index: int) -> None:
            super().__init__()
            self.chapter_map = chapter_map
            self.row_id = row_id
            self.index = index

        @property
        def control(self) -> ChapterMap:
            return self.chapter_map

    class Highlighted(RowMessage):
        """A row was highlighted (by a key, a click or `highlighted` being set)."""

    class Selected(RowMessage):
        """The highlighted row was opened (enter, or a click)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: tuple[MapRow, ...] = ()
        self._hover: int | None = None
        self._mouse_y: int | None = None  # the pointer's line in the view, while it is over the rows
        # The layout at `_width`: each row's lines, its first line, and the row of every line.
        self._width = -1
        self._row_lines: list[list[str]] = []
        self._row_top: list[int] = []
        self._line_row: list[int] = []
        # Each row's strips by (row, cursor, style); the style tells highlighted, hovered or plain,
        # focused or not. Emptied with the layout, so a width change or new rows draw afresh.
        self._strips: dict[tuple[int, str, VisualStyle], list[Strip]] = {}

    # -- the rows ---------------------------------------------------------------------------

    @property
    def rows(self) -> tuple[MapRow, ...]:
        return self._rows

    @property
    def highlighted_row(self) -> MapRow | None:
        return self._rows[self.highlighted] if self._rows else None

    def set_rows(self, rows: Sequence[MapRow]) -> None:
        """Show `rows`, keeping the highlighted index (within the new rows)."""
        self._rows = tuple(rows)
        self._width = -1
        self._row_lines, self._row_top, self._line_row = [], [], []
        self._strips.clear()
        self._layout()
        self.refresh()
        self.highlighted = self.highlighted  # validated: within the new rows

    def validate_highlighted(self, index: int) -> int:
        return max(0, min(index, len(self._rows) - 1))

    def watch_highlighted(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self.scroll_to_highlight()
        if self._rows:
            self.post_message(self.Highlighted(self, self._rows[new].id, new))

    # -- layout and drawing -----------------------------------------------------------------

    def _layout(self) -> None:
        """Lay the rows out at the current width (once per width)."""
        width = self.scrollable_content_region.width
        if width == self._width or width <= 0:  # not sized yet: laid out at the first paint
            return
        self._width = width
        self._strips.clear()
        self._row_lines = [row.lines(width - len(CURSOR)) for row in self._rows]
        self._row_top = []
        self._line_row = []
        for index, lines in enumerate(self._row_lines):
            self._row_top.append(len(self._line_row))
            self._line_row.extend([index] * len(lines))
        # A layout reactive: the scrollbars follow at the next layout, and the scroll limits that
        # `scroll_to_highlight` needs read it at once.
        self.virtual_size = Size(width, len(self._line_row))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return sum(len(row.lines(width - len(CURSOR))) for row in self._rows)

    def _on_resize(self, event: events.Resize) -> None:
        # A shorter view, or rows that wrap at a narrower one, would leave the ▸ out of sight.
        self.scroll_to_highlight()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def _refresh_row(self, index: int | None) -> None:
        if index is not None and index < len(self._row_top):
            self.refresh_lines(self._row_top[index], len(self._row_lines[index]))

    def render_lines(self, crop: Region) -> list[Strip]:
        self._layout()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self._width
        if not 0 <= line < len(self._line_row):
            return Strip.blank(width, self.get_visual_style("chapter-map--row").rich_style)
        index = self._line_row[line]
        return self._row_strips(index)[line - self._row_top[index]]

    def _row_strips(self, index: int) -> list[Strip]:
        """The row's lines drawn in its current style, from the cache when drawn before."""
        if index == self.highlighted:
            style = self.get_visual_style("chapter-map--row", "chapter-map--row-highlighted")
        elif index == self._hover:
            style = self.get_visual_style("chapter-map--row", "chapter-map--row-hover")
        else:
            style = self.get_visual_style("chapter-map--row")
        # The cursor is in the key as well as the style: a theme may draw the highlighted row in
        # the style of the others (ansi-dark, blurred), and then only the ▸ tells it apart.
        cursor = CURSOR if index == self.highlighted else NO_CURSOR
        key = (index, cursor, style)
        strips = self._strips.get(key)
        if strips is None:
            rich_style = style.rich_style
            texts = [cursor + first for first in self._row_lines[index][:1]]
            texts += [NO_CURSOR + more for more in self._row_lines[index][1:]]
            strips = [
                Strip([Segment(text, rich_style)], cell_len(text)).crop_extend(0, self._width, rich_style)
                for text in texts
            ]
            self._strips[key] = strips
        return strips

    def scroll_to_highlight(self) -> None:
        self._layout()
        if not self._row_top or not self.is_mounted:
            return
        index = self.highlighted
        self.scroll_to_region(
            Region(0, self._row_top[index], self._width, len(self._row_lines[index])),
            force=True,
            animate=False,
            immediate=True,
        )

    # -- keys and the mouse -----------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.highlighted = self.validate_highlighted(self.highlighted + 1)

    def action_cursor_up(self) -> None:
        self.highlighted = self.validate_highlighted(self.highlighted - 1)

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = self.validate_highlighted(len(self._rows) - 1)

    def _move_page(self, direction: int) -> None:
        """Move the highlight by a page of lines (a wrapped row is taller than one)."""
        self._layout()
        if not self._row_top:
            return
        line = self._row_top[self.highlighted] + direction * self.scrollable_content_region.height
        self.highlighted = self._line_row[max(0, min(line, len(self._line_row) - 1))]

    def action_page_down(self) -> None:
        self._move_page(1)

    def action_page_up(self) -> None:
        self._move_page(-1)

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self, self._rows[self.highlighted].id, self.highlighted))

    def _row_on(self, y: int | None) -> int | None:
        """The row drawn on line `y` of the view, if any."""
        line = None if y is None else self.scroll_offset.y + y
        return self._line_row[line] if line is not None and 0 <= line < len(self._line_row) else None

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return self._row_on(None if offset is None else offset.y)

    async def _on_click(self, event: events.Click) -> None:
        # A click opens what it clicks, as the OptionList that was the map did.
        index = self._row_at(event)
        if index is not None:
            self.highlighted = index
            self.action_select()

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            old, self._hover = self._hover, index
            self._refresh_row(old)
            self._refresh_row(index)

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        self._mouse_y = None if offset is None else offset.y
        self._set_hover(self._row_on(self._mouse_y))

    def _on_leave(self, event: events.Leave) -> None:
        self._mouse_y = None
        self._set_hover(None)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # The wheel moves the rows under a mouse that stays put: the hover goes to the row now under it.
        self._set_hover(self._row_on(self._mouse_y))
