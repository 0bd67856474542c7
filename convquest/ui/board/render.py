"""The board's picture as data (`Scene`) and the one function that lays it out into lines.

A scene is what the board shows at one moment: a row of grids (input, kernel, output, canvas …)
joined by operator glyphs, and a few text lines under them (the products, the sum, the formula).
Scenes are built from engine traces elsewhere (`scenes.py`); this module only decides where each
cell goes and how it is marked, so it can be tested without an app and reused by every panel.

Marks must survive `NO_COLOR=1`, so the window is drawn with brackets as well as a style: the
column between two cells shows `[` where a bracketed run starts and `]` where it ends. Under
dilation the taps are separate runs (`[3] 4 [5]`), which is exactly the spacing the player should
see. Styles only add to the glyphs: fallback attributes (reverse, dim, underline, strike) that
need no colour, plus whatever the stylesheet's component classes add.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

#: Marks drawn with brackets around the cell (the window, the cell being written, the patch).
BRACKETED = frozenset({"tap", "current", "patch", "cursor", "chosen"})

#: Attributes that carry meaning without colour; the stylesheet adds colour on top.
FALLBACK: dict[str, Style] = {
    "value": Style(),
    "pad": Style(dim=True),
    "inserted": Style(dim=True, italic=True),
    "pending": Style(dim=True),
    "cropped": Style(dim=True, strike=True),
    "blank": Style(),
    "title": Style(bold=True),
    "joiner": Style(bold=True),
    "bracket": Style(bold=True),
    "tap": Style(reverse=True, bold=True),
    "gap": Style(underline=True),
    "prev": Style(underline=True),
    "current": Style(reverse=True, bold=True),
    "chosen": Style(bold=True, underline=True),
    "patch": Style(reverse=True),
    "painted": Style(bold=True),
    "wrong": Style(bold=True, strike=True),
    "right": Style(bold=True),
    "marked": Style(bold=True),
    "cursor": Style(reverse=True),
    "text": Style(),
    "dim": Style(dim=True),
    "product": Style(),
    "sum": Style(bold=True),
    "formula": Style(),
    "error": Style(bold=True),
    "note": Style(italic=True),
}

Styler = Callable[[str], Style]


@dataclass(frozen=True)
class Cell:
    text: str
    role: str = "value"  # what the cell is: value, pad, inserted, pending, cropped, blank
    marks: tuple[str, ...] = ()  # what is happening to it now: tap, prev, current, chosen, …

    @property
    def bracketed(self) -> bool:
        return any(m in BRACKETED for m in self.marks)


@dataclass(frozen=True)
class Grid:
    id: str  # stable name panels use for hits and focus ("input", "kernel", "output", "canvas")
    title: str
    cells: tuple[tuple[Cell, ...], ...]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.cells), (len(self.cells[0]) if self.cells else 0)

    @cached_property
    def widest(self) -> int:
        """The widest cell text; layout asks for it many times while it tries scales."""
        return max((cell_len(c.text) for row in self.cells for c in row), default=1)


@dataclass(frozen=True)
class Joiner:
    """An operator between two grids (`∗`, `=`, `→`), drawn at the grids' middle row."""

    text: str


@dataclass(frozen=True)
class Span:
    text: str
    role: str = "text"


TextLine = tuple[Span, ...]


@dataclass(frozen=True)
class Scene:
    blocks: tuple[Grid | Joiner, ...]
    lines: tuple[TextLine, ...] = ()
    #: What the viewport should keep visible: (grid id, row, col), or (grid id, r0, c0, r1, c1)
    #: for a block of cells such as the whole window.
    focus: tuple[str, int, int] | tuple[str, int, int, int, int] | None = None

    def grid(self, grid_id: str) -> Grid:
        for block in self.blocks:
            if isinstance(block, Grid) and block.id == grid_id:
                return block
        raise KeyError(grid_id)

    def text(self) -> str:
        """The text lines as plain text (tests and screen readers read this)."""
        return "\n".join("".join(s.text for s in line) for line in self.lines)


@dataclass(frozen=True)
class Scale:
    """How big a cell is drawn: its inner width (the value, right-aligned) and blank lines
    between rows. A 3-wide cell with one blank line is roughly square on a terminal."""

    inner: int
    gap: int


#: Preferred first; the first one whose picture fits the viewport wins.
SCALES = (Scale(5, 2), Scale(4, 1), Scale(3, 1), Scale(3, 0), Scale(2, 0))


@dataclass(frozen=True)
class GridPlace:
    """Where a grid landed, so clicks can be mapped back to cells."""

    grid_id: str
    x: int  # column of the first cell's separator
    y: int  # line of the first row of cells (below the title)
    slot: int  # columns per cell (separator + inner)
    pitch: int  # lines per row (1 + gap)
    rows: int
    cols: int

    def cell_at(self, x: int, y: int) -> tuple[int, int] | None:
        if x < self.x or y < self.y:
            return None
        dy = y - self.y
        if dy % self.pitch:
            return None
        r, c = dy // self.pitch, (x - self.x) // self.slot
        if r < self.rows and c < self.cols:
            return r, c
        return None

    def region(self, r: int, c: int) -> tuple[int, int, int, int]:
        """(x, y, width, height) of one cell, brackets included."""
        return self.x + c * self.slot, self.y + r * self.pitch, self.slot + 1, 1


@dataclass
class Picture:
    lines: list[Strip]
    width: int
    places: dict[str, GridPlace] = field(default_factory=dict)
    scale: Scale = SCALES[-1]

    def cell_at(self, x: int, y: int) -> tuple[str, int, int] | None:
        for place in self.places.values():
            hit = place.cell_at(x, y)
            if hit is not None:
                return (place.grid_id, *hit)
        return None

    def plain(self) -> list[str]:
        return [strip.text for strip in self.lines]


# -- one grid ---------------------------------------------------------------------------------


def _cell_style(cell: Cell, styler: Styler) -> Style:
    style = styler(cell.role)
    for mark in cell.marks:
        style = style + styler(mark)
    return style


def _separator(left: Cell | None, right: Cell | None, styler: Styler) -> Segment:
    lb = left is not None and left.bracketed
    rb = right is not None and right.bracketed
    if lb and right is not None and right.bracketed:
        # Inside one run the gap takes the run's style so the window reads as one solid bar.
        return Segment(" ", _cell_style(right, styler))
    if lb:
        return Segment("]", styler("bracket"))
    if rb:
        return Segment("[", styler("bracket"))
    return Segment(" ")


def _row_segments(row: Sequence[Cell], inner: int, styler: Styler, widest: int) -> list[Segment]:
    # Numbers are right-aligned so digits line up; in roomy cells the column of numbers is
    # centred instead of hugging the right bracket.
    right = (inner - widest) // 2
    segments: list[Segment] = []
    previous: Cell | None = None
    for cell in row:
        segments.append(_separator(previous, cell, styler))
        text = cell.text
        left = max(inner - right - cell_len(text), 0)
        body = " " * left + text + " " * (inner - left - cell_len(text))
        segments.append(Segment(body, _cell_style(cell, styler)))
        previous = cell
    segments.append(_separator(previous, None, styler))
    return segments


def _gap_row(above: Sequence[Cell], below: Sequence[Cell], inner: int, styler: Styler) -> list[Segment]:
    """The blank line between two rows; a cell bracketed in both keeps its style (and the
    brackets) so a window spanning the rows stays one box."""
    row = [
        Cell("", "blank", tuple(m for m in a.marks if m in b.marks) if a.bracketed and b.bracketed else ())
        for a, b in zip(above, below)
    ]
    return _row_segments(row, inner, styler, inner)


def grid_inner(grid: Grid, scale: Scale) -> int:
    return max(scale.inner, grid.widest)


#: A title may stick out past a narrow grid by this much; longer titles are cut with "…".
TITLE_ROOM = 20


def grid_width(grid: Grid, scale: Scale) -> int:
    _, cols = grid.shape
    cells = cols * (grid_inner(grid, scale) + 1) + 1
    return max(cells, min(cell_len(grid.title), TITLE_ROOM))


def _title(grid: Grid, scale: Scale) -> str:
    width = grid_width(grid, scale)
    title = grid.title
    return title if cell_len(title) <= width else title[: width - 1] + "…"


def grid_height(grid: Grid, scale: Scale) -> int:
    rows, _ = grid.shape
    return 1 + rows + max(rows - 1, 0) * scale.gap


def render_grid(grid: Grid, scale: Scale, styler: Styler) -> list[list[Segment]]:
    inner = grid_inner(grid, scale)
    widest = grid.widest
    lines: list[list[Segment]] = [[Segment(_title(grid, scale), styler("title"))]]
    for r, row in enumerate(grid.cells):
        if r and scale.gap:
            for _ in range(scale.gap):
                lines.append(_gap_row(grid.cells[r - 1], row, inner, styler))
        lines.append(_row_segments(row, inner, styler, widest))
    return lines


# -- text lines -------------------------------------------------------------------------------


def wrap_spans(line: TextLine, width: int) -> list[list[Span]]:
    """Greedy wrap at span boundaries (a product or an operator never splits); a span longer
    than the whole width is cut."""
    width = max(width, 8)
    out: list[list[Span]] = [[]]
    used = 0
    for span in line:
        size = cell_len(span.text)
        if used and used + size > width:
            stripped = Span(span.text.lstrip(), span.role)
            out.append([])
            used = 0
            span, size = stripped, cell_len(stripped.text)
        while size > width:
            out[-1].append(Span(span.text[:width], span.role))
            out.append([])
            span = Span(span.text[width:], span.role)
            size = cell_len(span.text)
        out[-1].append(span)
        used += size
    return out


# -- the whole scene --------------------------------------------------------------------------


def _block_size(block: Grid | Joiner, scale: Scale) -> tuple[int, int]:
    if isinstance(block, Joiner):
        return cell_len(block.text) + 2, 1
    return grid_width(block, scale), grid_height(block, scale)


def _flow(blocks: Sequence[Grid | Joiner], scale: Scale, width: int) -> list[list[Grid | Joiner]]:
    """Blocks left to right, wrapping to a new band when the next grid would not fit; a joiner
    stays with the grid after it."""
    bands: list[list[Grid | Joiner]] = [[]]
    used = 0
    pending: list[Grid | Joiner] = []
    for block in blocks:
        if isinstance(block, Joiner):
            pending.append(block)
            continue
        group = pending + [block]
        pending = []
        size = sum(_block_size(b, scale)[0] for b in group) + 1
        if used and used + size > width:
            bands.append([])
            used = 0
            group = [block]  # a joiner at the start of a band reads as noise
            size = _block_size(block, scale)[0] + 1
        bands[-1].extend(group)
        used += size
    return bands


def picture_size(scene: Scene, scale: Scale, width: int) -> tuple[int, int]:
    bands = _flow(scene.blocks, scale, width)
    band_w = max(sum(_block_size(b, scale)[0] + 1 for b in band) for band in bands)
    band_h = sum(max((_block_size(b, scale)[1] for b in band), default=0) + 1 for band in bands)
    text_h = sum(len(wrap_spans(line, width)) for line in scene.lines)
    return band_w, band_h + text_h


def choose_scale(scene: Scene, width: int, height: int) -> Scale:
    """The roomiest scale whose picture fits in one band without scrolling; else the smallest."""
    for scale in SCALES:
        bands = _flow(scene.blocks, scale, width)
        w, h = picture_size(scene, scale, width)
        if len(bands) == 1 and w <= width and h <= height:
            return scale
    return SCALES[-1]


def render_scene(scene: Scene, width: int, height: int, styler: Styler) -> Picture:
    scale = choose_scale(scene, width, height)
    lines: list[list[Segment]] = []
    places: dict[str, GridPlace] = {}
    for band in _flow(scene.blocks, scale, width):
        grids = [b for b in band if isinstance(b, Grid)]
        band_h = max((grid_height(g, scale) for g in grids), default=1)
        # Smaller grids are centred on the tallest, and joiners sit level with its middle row,
        # so "input ∗ kernel = output" reads as one line of arithmetic.
        tallest = max((g.shape[0] for g in grids), default=1)
        mid = 1 + ((tallest - 1) // 2) * (1 + scale.gap)
        band_lines: list[list[Segment]] = [[] for _ in range(band_h)]
        x = 0
        top = len(lines)
        for block in band:
            w, h = _block_size(block, scale)
            if isinstance(block, Joiner):
                drawn: list[list[Segment]] = [[] for _ in range(mid)] + [[Segment(f" {block.text} ", styler("joiner"))]]
            else:
                offset = (band_h - h) // 2
                drawn = [[] for _ in range(offset)] + render_grid(block, scale, styler)
                rows, cols = block.shape
                inner = grid_inner(block, scale)
                places[block.id] = GridPlace(block.id, x, top + offset + 1, inner + 1, 1 + scale.gap, rows, cols)
            for y in range(band_h):
                segs = drawn[y] if y < len(drawn) else []
                used = sum(cell_len(s.text) for s in segs)
                band_lines[y].extend(segs)
                band_lines[y].append(Segment(" " * (w - used + 1)))
            x += w + 1
        lines.extend(band_lines)
        lines.append([])
    for line in scene.lines:
        for wrapped in wrap_spans(line, width):
            lines.append([Segment(s.text, styler(s.role)) for s in wrapped])
    strips = [Strip(segs) for segs in lines]
    content_w = max((s.cell_length for s in strips), default=0)
    return Picture(strips, content_w, places, scale)


def fallback_styler(role: str) -> Style:
    return FALLBACK.get(role, Style())
