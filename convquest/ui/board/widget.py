"""`Board`: one Line-API widget that draws a `Scene` (every grid, the window, the sums).

One widget for the whole picture, not a widget per cell: a step of the animation rebuilds about
twenty strips and refreshes one region, which keeps a key press well inside one frame.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from convquest.ui.board.render import FALLBACK, Picture, Scene, render_scene

#: One component class per role or mark; Board.DEFAULT_CSS gives them colour.
COMPONENT_CLASSES = frozenset(f"board--{name}" for name in FALLBACK)


class Board(ScrollView, can_focus=False):
    """Shows one `Scene`; call `show(scene)` to change it. Scrolls when the picture is larger
    than the widget, keeping the scene's focus cell (the window) in view."""

    COMPONENT_CLASSES: ClassVar[set[str]] = set(COMPONENT_CLASSES)

    # The board draws its marks with glyphs (brackets round the window, · for padding) and with
    # attributes that need no colour (reverse, underline, strike, dim), so NO_COLOR keeps them;
    # these rules only add colour. Roles that are reversed (tap, current, patch, cursor) take a
    # foreground colour, which the reverse turns into the cell's background.
    DEFAULT_CSS = """
    Board {
        padding: 0 1;
    }
    Board > .board--pad { color: $text-muted; background: $panel; }
    Board > .board--inserted { color: $warning; }
    Board > .board--pending { color: $text-disabled; }
    Board > .board--cropped { color: $error; }
    Board > .board--title { color: $primary; }
    Board > .board--joiner { color: $secondary; }
    Board > .board--bracket { color: $accent; }
    Board > .board--tap { color: $accent; }
    Board > .board--gap { color: $text-muted; }
    Board > .board--prev { color: $accent; }
    Board > .board--current { color: $success; }
    Board > .board--chosen { color: $warning; }
    Board > .board--patch { color: $secondary; }
    Board > .board--painted { color: $secondary; }
    Board > .board--wrong { color: $error; }
    Board > .board--right { color: $success; }
    Board > .board--marked { color: $warning; }
    Board > .board--cursor { color: $accent; }
    Board > .board--sum { color: $success; }
    Board > .board--error { color: $error; }
    Board > .board--note { color: $text-muted; }
    """

    class CellClicked(Message):
        """A grid cell was clicked: `grid` is the grid id ("input", "output", …)."""

        def __init__(self, board: Board, grid: str, row: int, col: int) -> None:
            super().__init__()
            self.board = board
            self.grid = grid
            self.row = row
            self.col = col

        @property
        def control(self) -> Board:
            return self.board

    def __init__(self, scene: Scene | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._scene = scene if scene is not None else Scene(())
        self._picture: Picture | None = None
        self._role_styles: dict[str, Style] = {}
        self._ready = False  # set in on_mount; `is_mounted` only turns true after it returns
        self._base_style = Style()
        self._view_width = 0

    @property
    def scene(self) -> Scene:
        return self._scene

    @property
    def picture(self) -> Picture | None:
        """The last layout (tests read the drawn text and where each grid landed)."""
        return self._picture

    def show(self, scene: Scene) -> None:
        self._scene = scene
        if self._ready:
            self._rebuild()

    # -- drawing ----------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        style = self._role_styles.get(name)
        if style is None:
            style = FALLBACK.get(name, Style())
            key = f"board--{name}"
            if key in self.COMPONENT_CLASSES:
                style = style + self.get_component_rich_style(key, partial=True)
            self._role_styles[name] = style
        return style

    def notify_style_update(self) -> None:
        # A theme switch or a stylesheet reload changes the component styles.
        super().notify_style_update()
        self._role_styles.clear()
        if self._ready:
            self._rebuild()

    def _rebuild(self) -> None:
        region = self.scrollable_content_region
        width = max(region.width, 20)
        height = max(region.height, 1)
        # Looked up once per picture: `rich_style` walks the DOM, too slow for every line drawn.
        base = self._base_style = self.rich_style
        self._view_width = region.width
        picture = render_scene(self._scene, width, height, self._style)
        picture.lines = [strip.apply_style(base) for strip in picture.lines]
        self._picture = picture
        size = Size(picture.width, len(picture.lines))
        if size != self.virtual_size:  # a new virtual size re-lays-out the screen; skip when equal
            self.virtual_size = size
        self.refresh()
        self._keep_focus_visible()

    def _keep_focus_visible(self) -> None:
        focus = self._scene.focus
        picture = self._picture
        if focus is None or picture is None:
            return
        place = picture.places.get(focus[0])
        if place is None:
            return
        r0, c0 = focus[1], focus[2]
        r1, c1 = (focus[3], focus[4]) if len(focus) == 5 else (r0, c0)
        r0, r1 = max(0, min(r0, r1)), min(place.rows - 1, max(r0, r1))
        c0, c1 = max(0, min(c0, c1)), min(place.cols - 1, max(c0, c1))
        if r0 > r1 or c0 > c1:
            return
        x0, y0, _, _ = place.region(r0, c0)
        x1, y1, w1, h1 = place.region(r1, c1)
        region = Region(x0, y0, x1 + w1 - x0, y1 + h1 - y0)
        self.scroll_to_region(region, animate=False, immediate=True)

    def on_mount(self) -> None:
        self._ready = True
        self._rebuild()

    def on_resize(self, event: Resize) -> None:
        self._rebuild()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        picture = self._picture
        if picture is None:
            return Strip.blank(self.size.width, self.rich_style)
        width, base = self._view_width, self._base_style
        line = y + scroll_y
        if line >= len(picture.lines):
            return Strip.blank(width, base)
        return picture.lines[line].crop_extend(scroll_x, scroll_x + width, base)

    # -- input ------------------------------------------------------------------------------

    def on_click(self, event: Click) -> None:
        if self._picture is None:
            return
        offset = event.get_content_offset(self)
        if offset is None:  # on the padding or a scrollbar
            return
        scroll_x, scroll_y = self.scroll_offset
        hit = self._picture.cell_at(offset.x + scroll_x, offset.y + scroll_y)
        if hit is not None:
            self.post_message(self.CellClicked(self, *hit))
