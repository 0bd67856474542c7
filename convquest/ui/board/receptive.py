"""receptive-field levels: move a cursor over the input and mark the cells one output cell sees.

The board shows the input (with the first layer's padding ring, which cannot be marked: there
is nothing there), each layer's feature map, and the chosen output cell. The marked set goes to
the run as the cells' text (convquest.play judges it); once it is right or shown, every map shows which of its cells the output cell
reads, so the field can be seen growing layer by layer (the engine's `receptive_cells`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from convquest.engine.arithmetic import Layer, conv_padding, receptive_cells, shapes_through
from convquest.engine.problems.network import describe
from convquest.engine.problems.receptive_field import ReceptiveField
from convquest.ui.board.render import Cell, Grid, Joiner, Scene, Span, TextLine
from convquest.ui.board.widget import Board

if TYPE_CHECKING:
    from convquest.play.run import Feedback, ProblemRun
from convquest.ui.kinds.base import KindPanel, verdict_lines
from convquest.ui.match.view import MatchView

UNMARKED, MARKED, SEEN_CELL, CHOSEN = "□", "■", "■", "◆"

# The board's width for a line of text at 80 columns (the panel's border and padding take the rest).
LINE_WIDTH = 76


class ReceptiveFieldPanel(KindPanel, can_focus=True):
    """Arrows move, space marks or unmarks, enter checks, c clears."""

    BINDINGS = [
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("space", "toggle_mark", "Mark"),
        Binding("enter", "check", "Check"),
        Binding("c", "clear", "Clear"),
    ]

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(run)
        problem = run.problem
        assert isinstance(problem, ReceptiveField), "the kind registry gives this panel receptive-field runs"
        self.n = problem.n
        self.stack: tuple[Layer, ...] = problem.layers
        self.cell: tuple[int, int] = problem.cell
        self.sides = [shape[1] for shape in shapes_through(self.stack, (1, self.n, self.n))]
        first = self.stack[0]
        # Cells of padding before and after the input on each axis (the kernel is square); a named
        # padding ('same' with an even kernel) can put more after than before.
        self.pad, self.pad_after = conv_padding(first.p, first.k, first.s, first.d)[0]
        self.cursor = (0, 0)
        self.marked: set[tuple[int, int]] = set()

    @property
    def solved(self) -> bool:
        """The field is on show: answered right, or the solution was asked for."""
        return bool(self.run.over)

    def compose(self) -> ComposeResult:
        yield Static(self.problem.prompt(), id="rf-prompt", classes="panel-prompt", markup=False)
        yield Board(self.scene(), id="rf-board")
        yield Static(
            "arrows move · space marks · enter checks · c clears",
            id="rf-feedback",
            classes="panel-feedback",
            markup=False,
        )

    def on_mount(self) -> None:
        self.focus()

    # -- the picture ------------------------------------------------------------------------

    def _seen_in_map(self, depth: int) -> set[tuple[int, int]]:
        """Cells of the map after `depth` layers (0 = the input) that the output cell reads."""
        rest = self.stack[depth:]
        if not rest:
            return {self.cell}
        # With the map's size the engine drops later layers' padding, which reads nothing.
        size = self.n if depth == 0 else self.sides[depth - 1]
        rows = receptive_cells(rest, self.cell[0], size)
        cols = receptive_cells(rest, self.cell[1], size)
        return {(r, c) for r in rows for c in cols}

    def _input_grid(self) -> Grid:
        pad, n = self.pad, self.n
        seen = self._seen_in_map(0) if self.solved else set()
        rows = []
        for R in range(pad + n + self.pad_after):
            row = []
            for C in range(pad + n + self.pad_after):
                r, c = R - pad, C - pad
                if not (0 <= r < n and 0 <= c < n):
                    row.append(Cell("·", "pad", ("marked",) if (r, c) in seen else ()))
                    continue
                marks: tuple[str, ...] = ()
                if (r, c) in self.marked:
                    marks += ("marked",)
                if (r, c) == self.cursor and not self.solved:
                    marks += ("cursor",)
                text = MARKED if (r, c) in self.marked else UNMARKED
                row.append(Cell(text, "value", marks))
            rows.append(tuple(row))
        title = f"input {n}×{n}" + (f" (· padding {self.stack[0].p})" if pad or self.pad_after else "")
        return Grid("input", title, tuple(rows))

    def _map_grid(self, depth: int) -> Grid:
        side = self.sides[depth - 1]
        last = depth == len(self.stack)
        seen = self._seen_in_map(depth) if self.solved else set()
        rows = []
        for r in range(side):
            row = []
            for c in range(side):
                if last and (r, c) == self.cell:
                    row.append(Cell(CHOSEN, "value", ("current",)))
                elif (r, c) in seen:
                    row.append(Cell(SEEN_CELL, "value", ("marked",)))
                else:
                    row.append(Cell(UNMARKED, "pending"))
            rows.append(tuple(row))
        name = "output" if last else f"map{depth}"
        title = f"{'output' if last else f'after layer {depth}'} {side}×{side}"
        return Grid(name, title, tuple(rows))

    def scene(self) -> Scene:
        blocks: list[Grid | Joiner] = [self._input_grid()]
        for depth in range(1, len(self.stack) + 1):
            blocks += [Joiner("→"), self._map_grid(depth)]
        # The layers on one line where they fit: at 80×24 every line the board keeps is one the hints need.
        layers = [
            (Span(f"layer {number}: ", "dim"), Span(describe(layer).replace("1 filters ", "")))
            for number, layer in enumerate(self.stack, start=1)
        ]
        one_line: TextLine = tuple(
            span for n, layer in enumerate(layers) for span in (*((Span(" · ", "dim"),) if n else ()), *layer)
        )
        lines: tuple[TextLine, ...] = (
            (one_line,) if sum(len(span.text) for span in one_line) <= LINE_WIDTH else tuple(layers)
        )
        r, c = self.cell
        lines += ((Span(f"output cell ({r}, {c}) ◆ · marked {len(self.marked)} · cursor {self.cursor}", "note"),),)
        row, col = self.cursor
        return Scene(tuple(blocks), lines, focus=("input", row + self.pad, col + self.pad))

    def _redraw(self) -> None:
        self.query_one(Board).show(self.scene())

    # -- keys -------------------------------------------------------------------------------

    def action_move(self, dr: int, dc: int) -> None:
        r, c = self.cursor
        self.cursor = (max(0, min(r + dr, self.n - 1)), max(0, min(c + dc, self.n - 1)))
        self._redraw()

    # Not `action_toggle`: that is Textual's own action (toggle a boolean attribute) on every node.
    def action_toggle_mark(self) -> None:
        if self.solved:
            return
        self.marked ^= {self.cursor}
        self._redraw()

    def action_clear(self) -> None:
        if self.solved:
            return
        self.marked.clear()
        self._redraw()

    def on_board_cell_clicked(self, event: Board.CellClicked) -> None:
        if event.grid != "input" or self.solved:
            return
        r, c = event.row - self.pad, event.col - self.pad
        if 0 <= r < self.n and 0 <= c < self.n:
            self.cursor = (r, c)
            self.marked ^= {(r, c)}
            self._redraw()

    def action_check(self) -> None:
        if self.solved:
            return
        if not self.marked:
            self.query_one("#rf-feedback", Static).update(
                "Mark at least one cell (space) before checking. (No penalty.)"
            )
            return
        self.submit(MatchView.cells_text(self.marked))

    def show_feedback(self, feedback: Feedback) -> None:
        self.query_one("#rf-feedback", Static).update("\n".join(verdict_lines(feedback, LINE_WIDTH)))
        self._redraw()
