"""The volume board: a conv layer on C input channels with O filters, and the fill-volume panel.

One output cell of one filter is worked in phases: the window on each input channel the filter
sees, with the filter's slice for that channel, then the sum of the channels' sums plus the bias.
Every number comes from the engine's `VolumeTrace` (`conv2d_volume_trace`); this module picks
glyphs and marks only. Where the board is wide the channels stand side by side; at 80 columns
one channel is shown at a time and a cursor line names it. The line "sees" draws which input
channels each filter reads, so a grouped or depthwise layer shows its split.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import Static

from convquest.engine.problems.fill_volume import FillVolume
from convquest.engine.traces import VolumeStep, VolumeTrace
from convquest.ui.board.fill_cells import CellAnswerPanel
from convquest.ui.board.render import Grid, Joiner, Scene, Span, TextLine
from convquest.ui.board.scenes import fmt, output_grid, padded_grid, value_grid, window_marks
from convquest.ui.board.widget import Board
from convquest.ui.widgets.answer_input import LEVEL_COMMAND_KEYS, AnswerInput

if TYPE_CHECKING:
    from convquest.play.run import ProblemRun

RGB = ("R", "G", "B")
# Below this many columns the channels are shown one at a time (3 channels, 3 slices and 2 maps
# side by side need about this much at the smallest scale).
SIDE_BY_SIDE_FROM = 110


def _factor(value: Any) -> str:
    text = fmt(value)
    return f"({text})" if text.startswith("−") else text


@dataclass
class VolumeSweep:
    """Scenes of a VolumeTrace: (filter, output cell, phase); phase n < channels seen is the window
    on the filter's n-th channel, phase = channels seen is the sum."""

    trace: VolumeTrace

    def channel_name(self, channel: int) -> str:
        count = self.trace.input.shape[0]
        return f"ch {channel}" + (f" {RGB[channel]}" if count == 3 else "")

    def phases(self, filter: int) -> int:
        return len(self.trace.step(filter, 0, 0).channels) + 1

    def _input(self, step: VolumeStep, channel: int, marked: bool) -> Grid:
        (top, _), (left, _) = self.trace.pads
        _, h, w = self.trace.input.shape
        marks = window_marks(step.rows, step.cols, (top, left), None) if marked else {}
        title = self.channel_name(channel) + (" (seen)" if marked else "")
        return padded_grid(f"input{channel}", title, self.trace.padded[channel], (top, left), (h, w), marks)

    def _slice(self, step: VolumeStep, n: int) -> Grid:
        return value_grid(f"slice{n}", f"f{step.filter}·ch {step.channels[n]}", self.trace.weights[step.filter, n])

    def _maps(
        self, filter: int, index: int, entered: dict[tuple[int, int, int], str] | None, wrong: frozenset
    ) -> list[Grid]:
        maps = []
        for f in range(self.trace.output.shape[0]):
            mine = None if entered is None else {(r, c): v for (g, r, c), v in entered.items() if g == f}
            done = index if f == filter else (self.trace.output[f].size if f < filter and entered is None else -1)
            grid = output_grid(
                self.trace.output[f],
                done,
                entered=mine,
                wrong=frozenset((r, c) for g, r, c in wrong if g == f),
                title=f"f{f} (b {fmt(self.trace.bias[f])})",
            )
            maps.append(replace(grid, id=f"map{f}"))
        return maps

    def given_scenes(self) -> tuple[Scene, Scene]:
        """What the layer is given, unmarked, for a sitting's figure (no window, no output): each
        input channel as its own grid; then each filter's slices, titled by filter and channel,
        with a line of the filters' biases."""
        channels = range(self.trace.input.shape[0])
        inputs = tuple(value_grid(f"input{c}", self.channel_name(c), self.trace.input[c]) for c in channels)
        slices: list[Grid | Joiner] = []
        biases: list[Span] = [Span("bias: ", "dim")]
        for f in range(self.trace.output.shape[0]):
            step = self.trace.step(f, 0, 0)
            slices += [self._slice(step, n) for n in range(len(step.channels))]
            biases += [Span(" · ", "dim")] * bool(f) + [Span(f"f{f} {fmt(self.trace.bias[f])}")]
        return Scene(inputs), Scene(tuple(slices), (tuple(biases),))

    def sees_line(self, filter: int) -> TextLine:
        """Which channels each filter reads: "▶f0 ← ch 0 R, ch 1 G, ch 2 B · f1 ← …"."""
        spans: list[Span] = [Span("sees: ", "dim")]
        for f in range(self.trace.output.shape[0]):
            if f:
                spans.append(Span(" · ", "dim"))
            channels = self.trace.step(f, 0, 0).channels
            names = ", ".join(str(c) for c in channels)
            spans.append(Span(f"{'▶' if f == filter else ''}f{f} ← ch {names}", "sum" if f == filter else "text"))
        return tuple(spans)

    def cursor_line(self, step: VolumeStep, phase: int) -> TextLine:
        """The channel cursor: every channel of the filter, the current one in brackets, then the sum."""
        spans: list[Span] = [Span("steps: ", "dim")]
        for n, channel in enumerate(step.channels):
            name = self.channel_name(channel)
            spans.append(Span(f"[{name}]" if n == phase else f" {name} ", "sum" if n == phase else "text"))
            spans.append(Span(" + ", "dim"))
        last = phase == len(step.channels)
        spans.append(Span("[Σ + bias]" if last else " Σ + bias ", "sum" if last else "text"))
        return tuple(spans)

    def products_line(self, step: VolumeStep, n: int, hide: bool) -> TextLine:
        weights = self.trace.weights[step.filter, n]
        spans: list[Span] = [Span(f"{self.channel_name(step.channels[n])}: ", "dim")]
        kh, kw = weights.shape
        for a in range(kh):
            for b in range(kw):
                if a or b:
                    spans.append(Span(" + ", "dim"))
                role = "pad" if step.in_padding[a, b] else "product"
                spans.append(Span(f"{_factor(weights[a, b])}·{_factor(step.values[n, a, b])}", role))
        spans += [Span(" = ", "dim"), Span("?" if hide else fmt(step.channel_sums[n]), "sum")]
        return tuple(spans)

    def sum_line(self, step: VolumeStep, hide: bool) -> TextLine:
        spans: list[Span] = []
        for n, channel in enumerate(step.channels):
            if n:
                spans.append(Span(" + ", "dim"))
            spans.append(Span(f"ch{channel} ", "dim"))
            spans.append(Span("?" if hide else _factor(step.channel_sums[n]), "product"))
        spans += [Span(" + bias ", "dim"), Span(_factor(step.bias)), Span(" = ", "dim")]
        spans.append(Span("?" if hide else fmt(step.result), "sum"))
        return tuple(spans)

    def scene(
        self,
        filter: int,
        row: int,
        col: int,
        phase: int,
        *,
        products: str = "total",
        together: bool = False,
        entered: dict[tuple[int, int, int], str] | None = None,
        wrong: frozenset[tuple[int, int, int]] = frozenset(),
    ) -> Scene:
        """`products`: "total" spells the sums out, "hidden" ends them in "?", "none" leaves the
        products off (a fill-volume cell before its first try). `together`: every channel side by side."""
        step = self.trace.step(filter, row, col)
        seen = len(step.channels)
        phase = max(0, min(phase, seen))
        shown = min(phase, seen - 1)  # the sum keeps the last channel's window on the board
        index = row * self.trace.output.shape[2] + col
        if together:
            channels = range(self.trace.input.shape[0])
            blocks: list[Grid | Joiner] = [self._input(step, c, c in step.channels) for c in channels]
            blocks.append(Joiner("∗"))
            blocks += [self._slice(step, n) for n in range(seen)]
        else:
            blocks = [self._input(step, step.channels[shown], True), Joiner("∗"), self._slice(step, shown)]
        blocks.append(Joiner("→"))
        blocks += self._maps(filter, index, entered, wrong)
        lines: list[TextLine] = [self.sees_line(filter), self.cursor_line(step, phase)]
        if products != "none":
            hide = products == "hidden"
            if phase < seen:
                lines.append(self.products_line(step, phase, hide))
            else:
                lines.append(self.sum_line(step, hide))
        (top, _), (left, _) = self.trace.pads
        focus = (
            f"input{step.channels[shown]}",
            step.rows[0] + top,
            step.cols[0] + left,
            step.rows[-1] + top,
            step.cols[-1] + left,
        )
        return Scene(tuple(blocks), tuple(lines), focus=focus)


PREVIOUS_KEY, NEXT_KEY = "[", "]"


class VolumePanel(CellAnswerPanel[tuple[int, int, int]]):
    """fill-volume: one output cell at a time, filter by filter; `[` and `]` step the window
    through the channels and the sum; Enter checks the typed value."""

    BINDINGS = [
        Binding("left_square_bracket", "phase(-1)", "Prev ch", priority=True),
        Binding("right_square_bracket", "phase(1)", "Next ch", priority=True),
    ]
    ANSWER_ID = "vol-answer"
    FEEDBACK_ID = "vol-feedback"

    DEFAULT_CSS = """
    VolumePanel #vol-board { height: 1fr; min-height: 8; }
    VolumePanel #vol-prompt { height: auto; padding: 0 1; }
    VolumePanel #vol-feedback { height: auto; max-height: 7; padding: 0 1; }
    """

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(run)
        problem = run.problem
        assert isinstance(problem, FillVolume), "the kind registry gives this panel fill-volume runs"
        self.volume = problem
        self.sweep = VolumeSweep(problem.trace)
        self.phase = 0
        self.together = False

    @property
    def cell(self) -> tuple[int, int, int]:
        return self.volume.cell(self.part)

    def right_value(self, cell: tuple[int, int, int]) -> str:
        return fmt(self.volume.expected[cell])

    def compose(self) -> ComposeResult:
        yield Static(self.problem.prompt(), id="vol-prompt", classes="panel-prompt", markup=False)
        yield Board(self.scene(), id="vol-board")
        yield Static(self._ask(), id="vol-feedback", markup=False)
        yield AnswerInput(
            placeholder="value, then Enter ([ ] step channels)",
            id="vol-answer",
            command_keys=LEVEL_COMMAND_KEYS | {PREVIOUS_KEY, NEXT_KEY},
        )

    def on_resize(self, event: Resize) -> None:
        together = event.size.width >= SIDE_BY_SIDE_FROM
        if together != self.together:
            self.together = together
            self._redraw()

    def scene(self) -> Scene:
        filter, row, col = self.cell
        products, entered, wrong = self._marks()
        return self.sweep.scene(
            filter, row, col, self.phase, products=products, together=self.together, entered=entered, wrong=wrong
        )

    def _redraw(self) -> None:
        if self.is_mounted:
            self.query_one(Board).show(self.scene())

    def _ask(self) -> str:
        filter, row, col = self.cell
        total = len(self.problem.parts())
        return f"Filter f{filter}, cell ({row}, {col}) — {self.part + 1} of {total} · [ ]: step channels, then the sum"

    def action_phase(self, delta: int) -> None:
        filter, _, _ = self.cell
        self.phase = max(0, min(self.phase + delta, self.sweep.phases(filter) - 1))
        self._redraw()

    def _took_right(self, cell: tuple[int, int, int]) -> None:
        super()._took_right(cell)
        self.phase = 0  # the next cell starts on its first channel
