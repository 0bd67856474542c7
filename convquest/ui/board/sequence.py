"""The 1-D board: a sequence on one row with the window sliding along it, and a dilated causal
stack drawn as rows of layers with the cells one output sees lit up.

The sliding board is the 2-D board's ConvSweep run on the engine's one-row traces (conv1d_trace
draws causal padding as pads on the left only); this module only names the row a sequence and
writes what a copied border cell holds, from the trace's `source`. The stack's fields and lit cells
come from the engine (`DilatedStack.fields`/`seen`: receptive_field and receptive_cells). Marks
are brackets as well as styles, so the board reads under NO_COLOR.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from convquest.engine.arithmetic import receptive_field
from convquest.engine.ops1d import padding_1d
from convquest.engine.problems.dilated_stack import DilatedStack
from convquest.engine.problems.sequence_size import SequenceSize
from convquest.engine.traces import ConvTrace, conv1d_trace, max_pool1d_trace
from convquest.ui.board.fill_cells import FillCellsPanel
from convquest.ui.board.player import SweepPlayer, TextLines
from convquest.ui.board.render import Cell, Grid, Scene, Span
from convquest.ui.board.scenes import ConvSweep, fmt
from convquest.ui.board.widget import Board
from convquest.ui.kinds.base import KindPanel, feedback_class
from convquest.ui.widgets.answer_input import LEVEL_COMMAND_KEYS, AnswerInput
from convquest.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from convquest.play.run import Feedback, ProblemRun

LIT = "●"  # a cell the output sees
UNSEEN = "○"
HIDDEN = "?"  # a copied border cell whose value the player works out


@dataclass
class SequenceSweep(ConvSweep):
    """ConvSweep on a one-row trace: the row is a sequence, and a border cell that copies an input
    cell (reflect, replicate, circular) shows that copy as ‹v›, or ? while the player works it out."""

    reveal: bool = True

    def input_grid(self, step: int | None, *, role_of: Any = None, title: str | None = None) -> Grid:
        trace = self.trace
        (top, _), (left, right) = trace.pads
        if title is None:
            length = trace.input.shape[1]
            one_row = trace.input.shape[0] == 1
            title = f"sequence {length}" if one_row else f"input {trace.input.shape[0]}×{length}"
            if trace.padding_mode != "zeros":
                title += f" · {trace.padding_mode}"
            elif left and not right:
                title += f", causal pad {left}"
            elif left or right:
                title += f", pad {left}/{right}" if left != right else f", pad {left}"
        grid = super().input_grid(step, role_of=role_of, title=title)
        if trace.padding_mode == "zeros":
            return grid
        rows = []
        for R, row in enumerate(grid.cells):
            cells = []
            for C, cell in enumerate(row):
                if cell.role == "pad":
                    source = trace.source(R - top, C - left)
                    value = None if source is None else trace.input[source]
                    text = HIDDEN if not self.reveal or value is None else f"‹{fmt(value)}›"
                    cell = replace(cell, text=text)
                cells.append(cell)
            rows.append(tuple(cells))
        return replace(grid, cells=tuple(rows))

    @property
    def one_row(self) -> bool:
        return int(self.trace.input.shape[0]) == 1

    def scene(self, step: int, view: str = "window", *, products: str = "total", **output_options: Any) -> Scene:
        scene = super().scene(step, view, products=products, **output_options)
        if not self.one_row:
            return scene
        # A sequence's kernel and output are rows: name them by their length, not as 1×n grids.
        names = {"kernel": f"kernel {self.trace.kernel.shape[1]}", "output": f"output {self.trace.output.shape[1]}"}
        blocks = tuple(
            replace(block, title=names[block.id]) if isinstance(block, Grid) and block.id in names else block
            for block in scene.blocks
        )
        return replace(scene, blocks=blocks)

    def describe(self, step: int, view: str = "window") -> str:
        if not self.one_row:
            return super().describe(step, view)
        current = self.trace.steps[step]
        cols = ", ".join(str(c).replace("-", "−") for c in current.cols)
        where = f"window on cells {cols} → y[{current.cell[1]}]"
        if step == 0:
            return where
        return f"{where} · moved {self.trace.stride[1]} right (stride {self.trace.stride[1]})"


def stack_scene(stack: DilatedStack, top: int, *, lit: bool = True, length: int | None = None) -> Scene:
    """The stack as rows (the output of layer `top` at the top, the input at the bottom); with
    `lit`, every cell that output sees is bracketed, else only the output cell is."""
    fields = stack.fields()
    length = length or fields[-1]
    seen = stack.seen(top, length)
    rows = []
    for row in range(len(stack.dilations), -1, -1):
        label = Cell(f"d={stack.dilations[row - 1]}" if row else "in", "title")
        cells = [label]
        for t in range(length):
            on = row <= top and t in seen[row] and (lit or row == top)
            marks: tuple[str, ...] = ("current",) if row == top and on else ("tap",) if on else ()
            cells.append(Cell(LIT if on else UNSEEN, "value" if on else "dim", marks))
        rows.append(tuple(cells))
    title = f"causal stack, k={stack.k}: top row = layer {len(stack.dilations)}, bottom row = the input"
    grid = Grid("stack", title, tuple(rows))
    lines = []
    if lit:
        counts = ", ".join(f"layer {n}: {fields[n - 1]}" for n in range(1, top + 1))
        lines.append((Span(f"input cells one output sees — {counts}", "text"),))
    lines.append((Span("time runs right; each output sees only its past (the cells to its left)", "dim"),))
    return Scene((grid,), tuple(lines), focus=("stack", 0, length))


class SequenceFillPanel(FillCellsPanel):
    """fill-cells on a sequence (or a grid with copied borders): the board names the row a
    sequence and hides what the border copies until the player has tried the cell."""

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(run)
        if isinstance(self.fill.trace, ConvTrace):  # a transposed one keeps the 2-D board's two views
            self.sweep = SequenceSweep(self.fill.trace, reveal=False)

    def scene(self) -> Scene:
        if isinstance(self.sweep, SequenceSweep):
            # Once the player has tried a cell (or finished) the products show, so the copies may too.
            self.sweep.reveal = self.run.over or self.run.rung_of(self.part) >= 1
        return super().scene()


class TypedBoardPanel(KindPanel):
    """A 1-D board over one answer box, asked part by part; subclasses draw the board (`scene`)
    for the part being asked, and with `answered` once it has been tried."""

    DEFAULT_CSS = """
    TypedBoardPanel { height: 1fr; }
    TypedBoardPanel .panel-prompt { height: auto; padding: 0 1; }
    TypedBoardPanel .sq-board { height: 1fr; min-height: 6; }
    TypedBoardPanel .sq-feedback { height: auto; max-height: 8; padding: 0 1; }
    """

    PLACEHOLDER = "your answer, then Enter"

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(run)
        self.answered = False  # the current part has been tried (the board may show more)

    def scene(self) -> Scene | None:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Static(self.problem.prompt(), classes="panel-prompt", markup=False)
        board = Board(self.scene(), classes="sq-board")
        board.display = self.scene() is not None
        yield board
        yield Static(self._ask(), classes="sq-feedback", markup=False)
        yield AnswerInput(placeholder=self.PLACEHOLDER, classes="sq-answer", command_keys=LEVEL_COMMAND_KEYS)

    def on_mount(self) -> None:
        self.query_one(AnswerInput).focus()

    def _redraw(self) -> None:
        scene = self.scene()
        if scene is not None:
            self.query_one(Board).show(scene)

    def _ask(self) -> str:
        parts = self.problem.parts()
        if len(parts) == 1 or self.run.over:
            return ""
        return f"→ {parts[self.part]}  (part {self.part + 1} of {len(parts)})"

    def show_feedback(self, feedback: Feedback) -> None:
        box = self.query_one(".sq-feedback", Static)
        ask = self._ask() if feedback.kind == "right" else ""
        box.update("\n".join(line for line in (feedback.text, ask) if line))
        box.set_classes(f"sq-feedback feedback-{feedback_class(feedback)}")
        if self.run.over:
            self.query_one(AnswerInput).disabled = True
        self._redraw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.run.over:
            return
        part, was = self.part, self.answered
        # Set before the run answers: the board drawn with its feedback shows the part as tried.
        self.answered = True
        feedback = self.submit(event.value)
        if feedback.kind not in ("right", "wrong"):  # a slip or a repeat: nothing was tried
            self.answered = was
            self._redraw()
            return
        box = self.query_one(AnswerInput)
        box.value = ""
        if self.part != part:  # on to the next part, not yet tried
            self.answered = False
            self._redraw()


class DilatedStackPanel(TypedBoardPanel):
    """The field after each layer; each right answer lights that layer's output's field."""

    PLACEHOLDER = "cells, then Enter"

    @property
    def stack(self) -> DilatedStack:
        problem = self.problem
        assert isinstance(problem, DilatedStack), "the kind registry gives this panel dilated-stack runs"
        return problem

    def scene(self) -> Scene:
        if self.run.over:
            return stack_scene(self.stack, len(self.stack.dilations))
        if self.part == 0:
            return stack_scene(self.stack, 1, lit=False)
        return stack_scene(self.stack, self.part)

    def picture(self) -> str:
        return stack_scene(self.stack, len(self.stack.dilations)).text()


#: The longest padded sequence the size board draws cell by cell; longer ones get no picture.
DRAWN_UP_TO = 40


def size_scene(problem: SequenceSize, *, answered: bool) -> Scene | None:
    """The sequence with its padding and the first window, from the engine's trace of the layer;
    once the player has answered, also the last window (for ceil_mode: where it starts)."""
    i, k = problem.i, problem.k
    if problem.variant == "transposed1d":
        return None
    silent = np.zeros(i, dtype=np.int64)
    if problem.variant == "pool-ceil":
        pooled = max_pool1d_trace(silent, k, stride=problem.s, padding=problem.p, ceil_mode=True)
        left = right = problem.p
        windows = [step.cols for step in pooled.steps]
    else:
        padding: int | str = "causal" if problem.variant == "causal" else problem.p
        trace = conv1d_trace(silent, np.ones(k, np.int64), padding=padding, stride=problem.s, dilation=problem.d)
        (_, _), (left, right) = trace.pads
        windows = [step.cols for step in trace.steps]
    end = max(i + right, max(windows[-1]) + 1)
    if end + left > DRAWN_UP_TO:
        return None
    shown = [windows[0], windows[-1]] if answered and len(windows) > 1 else [windows[0]]

    def cell(t: int, taps: tuple[int, ...]) -> Cell:
        marks: tuple[str, ...] = ("tap",) if t in taps else ()
        if 0 <= t < i:
            return Cell("■", "value", marks)
        return Cell("·" if t < i + right else "_", "pad" if t < i + right else "blank", marks)

    rows = tuple(tuple(cell(t, taps) for t in range(-left, end)) for taps in shown)
    pads = "causal padding on the left (the past)" if problem.variant == "causal" else f"padding {left} each end"
    title = f"sequence {i}, {pads}" if left or right else f"sequence {i}"
    lines = [
        (Span("■ input cell · padding [ ] a window" + ("  _ past the padding" if end > i + right else ""), "dim"),)
    ]
    lines.append((Span("row 1: the first window" + (" · row 2: the last window" if len(shown) > 1 else ""), "dim"),))
    return Scene((Grid("sequence", title, rows),), tuple(lines))


class SequenceSizePanel(TypedBoardPanel):
    """How long the output is: the sequence drawn with its padding and the first window."""

    PLACEHOLDER = "length, then Enter"

    def scene(self) -> Scene | None:
        problem = self.problem
        assert isinstance(problem, SequenceSize), "the kind registry gives this panel sequence-size runs"
        return size_scene(problem, answered=self.answered or self.run.over)


# -- the playground's 1-D side ----------------------------------------------------------------

PADDINGS = ("causal", 0, 1, 2, "same", "full")
MODES = ("zeros", "reflect", "replicate", "circular")
SEQUENCE = (3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8)  # the digits of π: a sequence with no pattern to hide behind
WAVENET = DilatedStack("doubling", 2, (1, 2, 4, 8))


@dataclass(frozen=True)
class SequenceParams:
    i: int = 8
    k: int = 3
    padding: int | str = "causal"
    mode: str = "zeros"
    s: int = 1
    d: int = 1

    def summary(self) -> str:
        return f"conv1d  i={self.i}  k={self.k}  padding={self.padding}  mode={self.mode}  s={self.s}  d={self.d}"


def sequence_sweep(params: SequenceParams) -> SequenceSweep:
    """The sweep for these settings; the engine's ValueError (a refusal) passes through."""
    x = np.array([SEQUENCE[t % len(SEQUENCE)] for t in range(max(params.i, 0))], dtype=np.int64)
    w = np.array([1, -1, 2, 0, 1, -2, 1][: max(params.k, 0)], dtype=np.int64)
    trace: ConvTrace = conv1d_trace(
        x, w, padding=params.padding, stride=params.s, dilation=params.d, padding_mode=params.mode
    )
    left, right = padding_1d(params.padding, params.k, params.s, params.d, params.mode)
    span = params.d * (params.k - 1) + 1
    out = trace.output.shape[1]
    formula = (
        Span("o = ⌊(i + left + right − d·(k−1) − 1) / s⌋ + 1 = ", "formula"),
        Span(f"⌊({params.i} + {left} + {right} − {span - 1} − 1) / {params.s}⌋ + 1 = ", "formula"),
        Span(str(out), "sum"),
    )
    return SequenceSweep(trace, formula)


class SequencePlaygroundScreen(Screen[None]):
    """The playground in 1-D: a conv1d on a sequence, or WaveNet's dilated causal stack."""

    TITLE = "Playground: sequences"
    HELP_NAME = "playground"
    HELP_EXTRA = (
        ("i / I", "sequence shorter / longer"),
        ("k / K", "kernel smaller / larger"),
        ("m", "padding: causal, 0, 1, 2, same, full"),
        ("b", "border mode: zeros, reflect, replicate, circular"),
        ("s / S", "stride smaller / larger"),
        ("d / D", "dilation smaller / larger"),
        ("w", "WaveNet's dilated causal stack (dilations 1, 2, 4, 8), or back"),
        ("2", "back to the 2-D playground"),
        ("q / esc", "leave"),
    )
    # Not priority, as on the 2-D playground: a priority key runs as it arrives, before keys typed
    # ahead of it (`end I` in one read tuned i before the window went to the end). The focused
    # player has none of these keys.
    BINDINGS = [
        Binding("i", "nudge('i', -1)", "i−", show=False),
        Binding("I", "nudge('i', 1)", "i+", show=False),
        Binding("k", "nudge('k', -1)", "k−", show=False),
        Binding("K", "nudge('k', 1)", "k+", show=False),
        Binding("s", "nudge('s', -1)", "s−", show=False),
        Binding("S", "nudge('s', 1)", "s+", show=False),
        Binding("d", "nudge('d', -1)", "d−", show=False),
        Binding("D", "nudge('d', 1)", "d+", show=False),
        Binding("m", "padding", "Padding", show=False),
        Binding("b", "mode", "Border", show=False),
        Binding("w", "stack", "Stack", show=False),
        Binding("2,escape,q", "leave", "2-D", key_display="2"),
    ]
    LIMITS = {"i": (1, 12), "k": (1, 7), "s": (1, 4), "d": (1, 4)}

    def __init__(self) -> None:
        super().__init__()
        self.params = SequenceParams()
        self.stack = False

    def compose(self) -> ComposeResult:
        yield TextLines(id="sq-params", lines=1)
        error = Static("", id="sq-error", markup=False)
        error.display = False
        yield error
        yield SweepPlayer(id="sq-player")
        yield Board(id="sq-stack")
        yield TextLines("i/I k/K s/S d/D: −/+ · m padding · b border · w stack · 2 back to 2-D", id="sq-keys")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        player, board = self.query_one(SweepPlayer), self.query_one("#sq-stack", Board)
        error = self.query_one("#sq-error", Static)
        player.display, board.display = not self.stack, self.stack
        if self.stack:
            field = receptive_field(WAVENET.layers)[-1].size
            self.query_one("#sq-params", TextLines).text = f"WaveNet stack: k=2, d = 1, 2, 4, 8 → field {field}"
            error.display = False
            board.show(stack_scene(WAVENET, len(WAVENET.dilations)))
            return
        self.query_one("#sq-params", TextLines).text = self.params.summary()
        try:
            sweep = sequence_sweep(self.params)
        except ValueError as exc:  # the engine's refusal is the lesson: it replaces the board
            error.update(f"Not possible: {exc}\n\nChange a value to get a board back.")
            error.display, player.display = True, False
            player.load(None)
            return
        error.display = False
        player.load(sweep)
        player.focus()

    def action_nudge(self, name: str, delta: int) -> None:
        lo, hi = self.LIMITS[name]
        value = max(lo, min(getattr(self.params, name) + delta, hi))
        self.params = replace(self.params, **{name: value})
        self.rebuild()

    def action_padding(self) -> None:
        index = PADDINGS.index(self.params.padding)
        self.params = replace(self.params, padding=PADDINGS[(index + 1) % len(PADDINGS)])
        self.rebuild()

    def action_mode(self) -> None:
        self.params = replace(self.params, mode=MODES[(MODES.index(self.params.mode) + 1) % len(MODES)])
        self.rebuild()

    def action_stack(self) -> None:
        self.stack = not self.stack
        self.rebuild()

    def action_leave(self) -> None:
        self.app.pop_screen()
