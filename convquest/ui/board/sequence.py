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
from typing import Any

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from convquest.engine.arithmetic import receptive_field
from convquest.engine.ops1d import padding_1d
from convquest.engine.problems.dilated_stack import DilatedStack
from convquest.engine.problems.sequence_fill import SequenceFill
from convquest.engine.traces import ConvTrace, conv1d_trace
from convquest.ui.board.fill_cells import FillCellsPanel
from convquest.ui.board.player import SweepPlayer, TextLines
from convquest.ui.board.render import Cell, Grid, Scene, Span
from convquest.ui.board.scenes import ConvSweep, fmt
from convquest.ui.board.widget import Board
from convquest.ui.kinds.base import KindPanel
from convquest.ui.widgets.answer_input import LEVEL_COMMAND_KEYS, AnswerInput

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
                title += f", {trace.padding_mode} pad {left}"
            elif left and not right:
                title += f", causal pad {left} (left: the past)"
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


def stack_scene(stack: DilatedStack, top: int, *, lit: bool = True, length: int | None = None) -> Scene:
    """The stack as rows (the output of layer `top` at the top, the input at the bottom); with
    `lit`, every cell that output sees is bracketed, else only the output cell is."""
    fields = stack.fields()
    length = length or fields[-1]
    seen = stack.seen(top, length)
    rows = []
    for row in range(len(stack.dilations), -1, -1):
        cells = []
        for t in range(length):
            if row > top:
                cells.append(Cell(" ", "blank"))
                continue
            on = t in seen[row] and (lit or row == top)
            marks: tuple[str, ...] = ("current",) if row == top and on else ("tap",) if on else ()
            cells.append(Cell(LIT if on else UNSEEN, "value" if on else "dim", marks))
        rows.append(tuple(cells))
    k = stack.k
    grid = Grid("stack", f"causal stack, k={k}: top row = layer {len(stack.dilations)}, bottom = input", tuple(rows))
    lines = []
    for row in range(len(stack.dilations), 0, -1):
        d = stack.dilations[row - 1]
        label = f"layer {row} (d={d})"
        if lit and row <= top:
            label += f": one output sees {fields[row - 1]} input cells"
        lines.append((Span(label, "text"),))
    lines.append((Span("input (time → right; the output sees only the past)", "dim"),))
    return Scene((grid,), tuple(lines), focus=("stack", 0, length - 1))


class SequenceFillPanel(FillCellsPanel):
    """fill-cells on a sequence (or a grid with copied borders): the board names the row a
    sequence and hides what the border copies until the player has tried the cell."""

    def __init__(self, level: Any, problem: SequenceFill) -> None:
        super().__init__(level, problem)  # type: ignore[arg-type]
        self.sweep = SequenceSweep(problem.trace, reveal=False)

    def scene(self) -> Scene:
        assert isinstance(self.sweep, SequenceSweep)
        # Once the player has tried a cell (or finished) the products show, so the copies may too.
        self.sweep.reveal = self.solved or bool(self.misses.get(self._part))
        return super().scene()


class DilatedStackPanel(KindPanel):
    """The field after each layer, asked layer by layer; each right answer lights that layer's
    output's field on the stack."""

    DEFAULT_CSS = """
    DilatedStackPanel { height: 1fr; }
    DilatedStackPanel #ds-board { height: 1fr; min-height: 8; }
    DilatedStackPanel #ds-feedback { height: auto; max-height: 6; }
    """

    def __init__(self, level: Any, problem: DilatedStack) -> None:
        super().__init__(level, problem)
        self._part = 0
        self.solved = False

    @property
    def part(self) -> int:
        return self._part

    def compose(self) -> ComposeResult:
        yield Static(self.problem.prompt(), id="ds-prompt", classes="panel-prompt", markup=False)
        yield Board(self.scene(), id="ds-board")
        yield Static(self._ask(), id="ds-feedback", markup=False)
        yield AnswerInput(placeholder="cells, then Enter", id="ds-answer", command_keys=LEVEL_COMMAND_KEYS)

    def on_mount(self) -> None:
        self.query_one("#ds-answer", Input).focus()

    def scene(self) -> Scene:
        if self.solved:
            return stack_scene(self.problem, len(self.problem.dilations))
        if self._part == 0:
            return stack_scene(self.problem, 1, lit=False)
        return stack_scene(self.problem, self._part)

    def picture(self) -> str:
        return stack_scene(self.problem, len(self.problem.dilations)).text()

    def _ask(self) -> str:
        parts = self.problem.parts()
        return f"→ {parts[self._part]}  (part {self._part + 1} of {len(parts)})"

    def _feedback(self, text: str, kind: str) -> None:
        box = self.query_one("#ds-feedback", Static)
        box.update(text)
        box.set_classes(f"feedback-{kind}")

    def show_slip(self, message: str) -> None:
        self._feedback(f"! {message} (No penalty.)", "slip")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.solved:
            return
        judged = self.judge(event.value, self._part)
        if judged is None:
            return
        _, verdict = judged
        box = self.query_one("#ds-answer", Input)
        box.value = ""
        if not verdict.correct:
            lines = ["✗ Not it."]
            if verdict.diagnosis:
                lines.append(verdict.diagnosis)
            lines.append("Try again, or press h for a hint.")
            self._feedback("\n".join(lines), "wrong")
            return
        if self._part + 1 >= len(self.problem.dilations):
            self.solved = True
            box.disabled = True
            self._feedback(f"✓ {verdict.explanation}", "right")
            self.query_one(Board).show(self.scene())
            self.post_message(self.Solved(verdict))
            return
        self._part += 1
        self.query_one(Board).show(self.scene())
        self._feedback(f"✓ {verdict.explanation}\n{self._ask()}", "right")


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
    BINDINGS = [
        Binding("i", "nudge('i', -1)", "i−", show=False, priority=True),
        Binding("I", "nudge('i', 1)", "i+", show=False, priority=True),
        Binding("k", "nudge('k', -1)", "k−", show=False, priority=True),
        Binding("K", "nudge('k', 1)", "k+", show=False, priority=True),
        Binding("s", "nudge('s', -1)", "s−", show=False, priority=True),
        Binding("S", "nudge('s', 1)", "s+", show=False, priority=True),
        Binding("d", "nudge('d', -1)", "d−", show=False, priority=True),
        Binding("D", "nudge('d', 1)", "d+", show=False, priority=True),
        Binding("m", "padding", "Padding", show=False, priority=True),
        Binding("b", "mode", "Border", show=False, priority=True),
        Binding("w", "stack", "Stack", show=False, priority=True),
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
        yield Footer()

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
