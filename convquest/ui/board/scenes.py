"""Engine traces → scenes, one step at a time.

A sweep wraps one trace from `convquest.engine.traces` and answers "what does the board show at
step n?". Every value, coordinate, product and sum shown comes from the trace; this module only
chooses glyphs and marks (which cells are taps, which are padding, which output cell is being
written) and spells the products out. The output-size formulas are written with the numbers
substituted and end in the engine's own result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from convquest.engine.arithmetic import (
    conv_output_shape,
    conv_padding,
    pool_output_size,
    transposed_output_size,
)
from convquest.engine.traces import ConvStep, ConvTrace, PoolTrace, TransposedTrace, conv2d_trace
from convquest.ui.board.render import Cell, Grid, Joiner, Scene, Span, TextLine

# A cell's role on the padded grid from its (row, col) there: "value", "pad", …
RoleOf = Callable[[int, int], str]

PAD = "·"
PENDING = "."
MINUS = "−"  # U+2212: a real minus reads better than a hyphen beside digits

# Beyond this many taps the products line drops zero weights, or it fills the screen.
ALL_TERMS_UP_TO = 9


def fmt(value: Any) -> str:
    """A board number: integers as integers, other values with at most two decimals."""
    number = float(value)
    if number.is_integer():
        text = str(int(number))
    else:
        text = f"{number:.2f}".rstrip("0").rstrip(".")
    if text in ("-0", "-0.0"):
        text = "0"
    return text.replace("-", MINUS)


def _factor(value: Any) -> str:
    text = fmt(value)
    return f"({text})" if text.startswith(MINUS) else text


def _span_text(values: tuple[int, ...]) -> str:
    """ "−1 to 1": padding rows have negative numbers, so a dash would read as a minus."""
    first, last = (str(v).replace("-", MINUS) for v in (values[0], values[-1]))
    return f"{first} to {last}" if len(values) > 1 else first


# -- formulas ---------------------------------------------------------------------------------


def conv_formula(i: int, k: int, padding: int | str, s: int, d: int) -> TextLine:
    """The output side with the numbers in; `padding` may be a mode ("same" pads d(k−1) in
    total, the odd cell after), so the two sides are written out separately."""
    (before, after), _ = conv_padding(padding, k, s, d)
    o = conv_output_shape(i, k, padding, s, d)[0]
    return (
        Span("o = ⌊(i + p + p − d·(k−1) − 1) / s⌋ + 1 = ", "formula"),
        Span(f"⌊({i} + {before} + {after} − {d}·({k}−1) − 1) / {s}⌋ + 1 = ", "formula"),
        Span(str(o), "sum"),
    )


def transposed_formula(i: int, k: int, p: int, s: int, d: int, a: int) -> TextLine:
    o = transposed_output_size(i, k, p, s, d, a)
    return (
        Span("o = (i−1)·s − 2p + d·(k−1) + a + 1 = ", "formula"),
        Span(f"({i}−1)·{s} − 2·{p} + {d}·({k}−1) + {a} + 1 = ", "formula"),
        Span(str(o), "sum"),
    )


def pool_formula(i: int, k: int, p: int, s: int) -> TextLine:
    o = pool_output_size(i, k, s, p)
    return (
        Span("o = ⌊(i + 2p − k) / s⌋ + 1 = ", "formula"),
        Span(f"⌊({i} + 2·{p} − {k}) / {s}⌋ + 1 = ", "formula"),
        Span(str(o), "sum"),
    )


# -- grids ------------------------------------------------------------------------------------


def value_grid(
    grid_id: str, title: str, values: np.ndarray, marks: dict[tuple[int, int], tuple[str, ...]] | None = None
) -> Grid:
    marks = marks or {}
    rows = tuple(
        tuple(Cell(fmt(values[r, c]), "value", marks.get((r, c), ())) for c in range(values.shape[1]))
        for r in range(values.shape[0])
    )
    return Grid(grid_id, title, rows)


def _add(marks: dict[tuple[int, int], tuple[str, ...]], cell: tuple[int, int], mark: str) -> None:
    marks[cell] = marks.get(cell, ()) + (mark,)


def output_grid(
    values: np.ndarray,
    done: int,
    *,
    entered: dict[tuple[int, int], str] | None = None,
    wrong: frozenset[tuple[int, int]] = frozenset(),
    title: str = "output",
) -> Grid:
    """The output with cells before `done` written, cell `done` being written, the rest pending.

    `entered` replaces written values with what a player typed (fill-cells), `wrong` marks them.
    """
    oh, ow = values.shape
    rows = []
    for r in range(oh):
        row = []
        for c in range(ow):
            index = r * ow + c
            if entered is not None:
                typed = entered.get((r, c))
                marks: tuple[str, ...] = ("current",) if index == done else ()
                if typed is None:
                    row.append(Cell("?" if index == done else PENDING, "pending", marks))
                else:
                    marks += ("wrong",) if (r, c) in wrong else ("right",)
                    row.append(Cell(typed, "value", marks))
            elif index < done:
                row.append(Cell(fmt(values[r, c])))
            elif index == done:
                row.append(Cell(fmt(values[r, c]), "value", ("current",)))
            else:
                row.append(Cell(PENDING, "pending"))
        rows.append(tuple(row))
    return Grid("output", f"{title} {oh}×{ow}", tuple(rows))


def window_marks(
    rows: tuple[int, ...],
    cols: tuple[int, ...],
    offset: tuple[int, int],
    previous: tuple[tuple[int, ...], tuple[int, ...]] | None,
) -> dict[tuple[int, int], tuple[str, ...]]:
    """Marks on a padded grid: the window's taps, the cells between dilated taps, and the taps
    of the previous step that the window has left (so the stride's jump can be seen)."""
    top, left = offset
    marks: dict[tuple[int, int], tuple[str, ...]] = {}
    taps = {(r + top, c + left) for r in rows for c in cols}
    for cell in taps:
        _add(marks, cell, "tap")
    for r in range(rows[0], rows[-1] + 1):
        for c in range(cols[0], cols[-1] + 1):
            if (r + top, c + left) not in taps:
                _add(marks, (r + top, c + left), "gap")
    if previous is not None:
        for r in previous[0]:
            for c in previous[1]:
                if (r + top, c + left) not in taps:
                    _add(marks, (r + top, c + left), "prev")
    return marks


def padded_grid(
    grid_id: str,
    title: str,
    padded: np.ndarray,
    offset: tuple[int, int],
    shape: tuple[int, int],
    marks: dict[tuple[int, int], tuple[str, ...]],
    *,
    role_of: RoleOf | None = None,
) -> Grid:
    """A padded input: cells outside the original `shape` (placed at `offset`) are padding."""
    top, left = offset
    h, w = shape
    rows = []
    for R in range(padded.shape[0]):
        row = []
        for C in range(padded.shape[1]):
            r, c = R - top, C - left
            role = "value" if 0 <= r < h and 0 <= c < w else "pad"
            if role_of is not None:
                role = role_of(R, C)
            text = PAD if role == "pad" else fmt(padded[R, C])
            row.append(Cell(text, role, marks.get((R, C), ())))
        rows.append(tuple(row))
    return Grid(grid_id, title, tuple(rows))


def products_line(
    step: ConvStep,
    kernel: np.ndarray,
    bias: Any,
    *,
    hide_total: bool = False,
    scaled: tuple[np.ndarray, int] | None = None,
) -> TextLine:
    """ "1·2 + 0·0 + (−1)·3 … = −1": kernel weight · input value for every tap (the order the
    engine's explanations use), then the sum (or "?" while a player still has to work it out).

    `scaled` = (numerators, divisor) for an averaging kernel such as 1/16 × Gaussian: the terms
    use the whole numerators and the divisor is written once, "(1·2 + 2·3 + …) / 16 = 2.5",
    rather than every weight rounded to two decimals."""
    shown = kernel if scaled is None else scaled[0]
    kh, kw = shown.shape
    skip_zeros = kh * kw > ALL_TERMS_UP_TO
    spans: list[Span] = [Span("(", "dim")] if scaled is not None else []
    skipped = 0
    for a in range(kh):
        for b in range(kw):
            if skip_zeros and shown[a, b] == 0:
                skipped += 1
                continue
            if len(spans) > (scaled is not None):
                spans.append(Span(" + ", "dim"))
            role = "pad" if step.in_padding[a, b] else "product"
            spans.append(Span(f"{_factor(shown[a, b])}·{_factor(step.values[a, b])}", role))
    if scaled is not None:
        spans.append(Span(f") / {scaled[1]}", "dim"))
    spans.append(Span(" = ", "dim"))
    spans.append(Span("?" if hide_total else fmt(step.total), "sum"))
    if bias and not hide_total:
        spans += [Span(" + bias ", "dim"), Span(fmt(bias)), Span(" = ", "dim"), Span(fmt(step.result), "sum")]
    if skipped:
        spans.append(Span(f"  ({skipped} taps with weight 0 left out)", "note"))
    return tuple(spans)


def cell_name(trace: ConvTrace | PoolTrace | TransposedTrace, r: int, c: int) -> str:
    """How the board names output cell (r, c): y[c] on a sequence (the 1-D traces are one-row
    inputs), as the sequences chapter writes it, else (r, c)."""
    return f"y[{c}]" if trace.input.shape[0] == 1 else f"({r}, {c})"


# -- sweeps -----------------------------------------------------------------------------------


class _CellSweep:
    """What a sweep with one step per output cell shares (ConvSweep, PoolSweep): how many steps,
    the step a click on an output cell goes to, and the formula as plain text. The dataclasses
    below give it `trace` and `formula_line`."""

    trace: ConvTrace | PoolTrace
    formula_line: TextLine

    def count(self, view: str) -> int:
        return len(self.trace.steps)

    @property
    def formula(self) -> str:
        return "".join(s.text for s in self.formula_line)

    def step_for(self, grid: str, row: int, col: int, view: str = "window") -> int | None:
        oh, ow = self.trace.output.shape
        if grid == "output" and 0 <= row < oh and 0 <= col < ow:
            return row * ow + col
        return None


def _window_focus(current: Any, top: int, left: int) -> tuple[str, int, int, int, int]:
    """The padded input's rectangle under the step's window (the board scrolls to keep it seen)."""
    return ("input", current.rows[0] + top, current.cols[0] + left, current.rows[-1] + top, current.cols[-1] + left)


@dataclass
class ConvSweep(_CellSweep):
    """An ordinary convolution: one step per output cell."""

    trace: ConvTrace
    formula_line: TextLine = ()
    views: tuple[str, ...] = ("window",)
    kernel_title: str = "kernel"
    #: (numerators, divisor) when the kernel is whole numbers over a divisor (Kernel.divisor).
    scaled: tuple[np.ndarray, int] | None = None

    @property
    def offset(self) -> tuple[int, int]:
        (top, _), (left, _) = self.trace.pads
        return top, left

    def input_grid(self, step: int | None, *, role_of: RoleOf | None = None, title: str | None = None) -> Grid:
        trace = self.trace
        marks: dict[tuple[int, int], tuple[str, ...]] = {}
        if step is not None:
            current = trace.steps[step]
            previous = trace.steps[step - 1] if step > 0 else None
            marks = window_marks(
                current.rows, current.cols, self.offset, None if previous is None else (previous.rows, previous.cols)
            )
        h, w = trace.input.shape
        (top, bottom), (left, right) = trace.pads
        if title is None:
            title = f"input {h}×{w}"
            if top == bottom == left == right and top:
                title += f", pad {top}"
            elif not top == bottom == left == right:
                title += f", pad {top}/{bottom}"
        return padded_grid("input", title, trace.padded, self.offset, (h, w), marks, role_of=role_of)

    def kernel_grid(self) -> Grid:
        kh, kw = self.trace.kernel.shape
        dh, _ = self.trace.dilation
        title = f"{self.kernel_title} {kh}×{kw}" + (f", d={dh}" if dh > 1 else "")
        if self.scaled is not None:
            numerators, divisor = self.scaled
            return value_grid("kernel", f"{title} ÷{divisor}", numerators)
        return value_grid("kernel", title, self.trace.kernel)

    def scene(self, step: int, view: str = "window", *, products: str = "total", **output_options: Any) -> Scene:
        """`products`: "total" spells the sum out, "hidden" ends it in "?", "none" leaves it off
        (fill-cells levels show it only once the player has tried)."""
        trace = self.trace
        current = trace.steps[step]
        blocks = (
            self.input_grid(step),
            Joiner("∗"),
            self.kernel_grid(),
            Joiner("="),
            output_grid(trace.output, step, **output_options),
        )
        top, left = self.offset
        r, c = current.cell
        lines: tuple[TextLine, ...] = ()
        if products != "none":
            lines += (
                (Span(f"output {cell_name(trace, r, c)} = ", "dim"),)
                + products_line(current, trace.kernel, trace.bias, hide_total=products == "hidden", scaled=self.scaled),
            )
        if self.formula_line:
            lines += (self.formula_line,)
        return Scene(blocks, lines, focus=_window_focus(current, top, left))

    def describe(self, step: int, view: str = "window") -> str:
        steps = self.trace.steps
        current = steps[step]
        where = f"window rows {_span_text(current.rows)}, cols {_span_text(current.cols)} → output {current.cell}"
        if step == 0:
            return where
        sh, sw = self.trace.stride
        if steps[step - 1].cell[0] == current.cell[0]:
            return f"{where} · moved {sw} right (stride {sw})"
        return f"{where} · moved {sh} down, back to the left (stride {sh})"


@dataclass
class PoolSweep(_CellSweep):
    trace: PoolTrace
    formula_line: TextLine = ()
    views: tuple[str, ...] = ("window",)

    def input_grid(self, step: int | None) -> Grid:
        trace = self.trace
        ph, pw = trace.padding
        padded = np.pad(trace.input, ((ph, ph), (pw, pw)))
        marks: dict[tuple[int, int], tuple[str, ...]] = {}
        if step is not None:
            current = trace.steps[step]
            previous = trace.steps[step - 1] if step > 0 else None
            marks = window_marks(
                current.rows, current.cols, (ph, pw), None if previous is None else (previous.rows, previous.cols)
            )
            if current.chosen is not None:
                _add(marks, (current.chosen[0] + ph, current.chosen[1] + pw), "chosen")
        h, w = trace.input.shape
        title = f"input {h}×{w}" + (f", pad {ph}" if ph or pw else "")
        return padded_grid("input", title, padded, (ph, pw), (h, w), marks)

    def result_line(self, step: int, *, hide_total: bool = False) -> TextLine:
        trace = self.trace
        current = trace.steps[step]
        terms = [
            (fmt(current.values[a, b]), "pad" if current.in_padding[a, b] else "product")
            for a in range(current.values.shape[0])
            for b in range(current.values.shape[1])
            if trace.kind == "avg" or not current.in_padding[a, b]  # padding never wins a max
        ]
        spans: list[Span] = [
            Span(f"output {cell_name(trace, *current.cell)} = ", "dim"),
            Span("max(" if trace.kind == "max" else "(", "dim"),
        ]
        for n, (text, role) in enumerate(terms):
            if n:
                spans.append(Span(", " if trace.kind == "max" else " + ", "dim"))
            spans.append(Span(text, role))
        kh, kw = trace.window
        spans.append(Span(")" if trace.kind == "max" else f") / ({kh}×{kw})", "dim"))
        spans += [Span(" = ", "dim"), Span("?" if hide_total else fmt(current.result), "sum")]
        return tuple(spans)

    def scene(self, step: int, view: str = "window", *, products: str = "total", **output_options: Any) -> Scene:
        trace = self.trace
        current = trace.steps[step]
        kh, kw = trace.window
        name = "max" if trace.kind == "max" else "average"
        blocks = (
            self.input_grid(step),
            Joiner(f"{name} {kh}×{kw} →"),
            output_grid(trace.output, step, **output_options),
        )
        lines: tuple[TextLine, ...] = ()
        if products != "none":
            lines += (self.result_line(step, hide_total=products == "hidden"),)
        if self.formula_line:
            lines += (self.formula_line,)
        return Scene(blocks, lines, focus=_window_focus(current, *trace.padding))

    def describe(self, step: int, view: str = "window") -> str:
        current = self.trace.steps[step]
        text = f"window rows {_span_text(current.rows)}, cols {_span_text(current.cols)} → output {current.cell}"
        if current.chosen is not None:
            text += f" · the largest is input {current.chosen}"
        return text


@dataclass
class TransposedSweep:
    """A transposed convolution seen two ways: "scatter" (each input cell paints value × kernel
    onto the canvas, overlaps add, the padding is cropped off the edges) and "equivalent" (zeros
    inserted between the input cells, padded, and an ordinary convolution with the flipped
    kernel)."""

    trace: TransposedTrace
    formula_line: TextLine = ()
    views: tuple[str, ...] = ("scatter", "equivalent")

    @property
    def formula(self) -> str:
        return "".join(s.text for s in self.formula_line)

    @cached_property
    def equivalent(self) -> ConvSweep:
        trace = self.trace
        conv = conv2d_trace(trace.equivalent_input, trace.flipped_kernel, dilation=trace.dilation, bias=trace.bias)
        return ConvSweep(conv, self.formula_line, kernel_title="flipped kernel")

    def count(self, view: str) -> int:
        return len(self.trace.paints) if view == "scatter" else self.equivalent.count(view)

    # -- scatter ----------------------------------------------------------------------------

    def painted_by(self, step: int) -> set[tuple[int, int]]:
        cells: set[tuple[int, int]] = set()
        for paint in self.trace.paints[: step + 1]:
            cells.update((r, c) for r in paint.rows for c in paint.cols)
        return cells

    def canvas_grid(
        self,
        step: int,
        *,
        entered: dict[tuple[int, int], str] | None = None,
        wrong: frozenset[tuple[int, int]] = frozenset(),
    ) -> Grid:
        trace = self.trace
        paint = trace.paints[step]
        canvas = paint.canvas_after
        top, left = trace.crop
        oh, ow = trace.output.shape
        patch = {(r, c) for r in paint.rows for c in paint.cols}
        painted = self.painted_by(step)
        rows = []
        for r in range(canvas.shape[0]):
            row = []
            for c in range(canvas.shape[1]):
                inside = top <= r < top + oh and left <= c < left + ow
                marks: tuple[str, ...] = ("patch",) if (r, c) in patch else ()
                role = "value" if inside else "cropped"
                if entered is not None and (r, c) in patch:
                    typed = entered.get((r, c))
                    if typed is None:
                        row.append(Cell("?", "pending", marks))
                    else:
                        row.append(Cell(typed, role, marks + (("wrong",) if (r, c) in wrong else ("right",))))
                elif (r, c) in painted:
                    row.append(Cell(fmt(canvas[r, c]), role, marks))
                else:
                    row.append(Cell(PENDING, "pending" if inside else "cropped", marks))
            rows.append(tuple(row))
        h, w = canvas.shape
        title = f"canvas {h}×{w}" + (f", crop {top} → {oh}×{ow}" if top or left else "")
        return Grid("canvas", title, tuple(rows))

    def scatter_scene(self, step: int, **canvas_options: Any) -> Scene:
        trace = self.trace
        paint = trace.paints[step]
        marks: dict[tuple[int, int], tuple[str, ...]] = {paint.cell: ("current",)}
        for earlier in trace.paints[:step]:
            marks.setdefault(earlier.cell, ("painted",))
        h, w = trace.input.shape
        kh, kw = trace.kernel.shape
        blocks = (
            value_grid("input", f"input {h}×{w}", trace.input, marks),
            Joiner("×"),
            value_grid(
                "kernel",
                f"kernel {kh}×{kw}" + (f", d={trace.dilation[0]}" if trace.dilation[0] > 1 else ""),
                trace.kernel,
            ),
            Joiner("→"),
            self.canvas_grid(step, **canvas_options),
        )
        patch = [fmt(v) for v in paint.patch.flatten()]
        r, c = paint.cell
        lines: tuple[TextLine, ...] = (
            (
                Span(f"input ({r}, {c}) = ", "dim"),
                Span(fmt(paint.value), "sum"),
                Span(" paints value × kernel = ", "dim"),
                Span(" ".join(patch)),
                Span(
                    f" onto canvas rows {_span_text(paint.rows)}, cols {_span_text(paint.cols)}; overlaps add up", "dim"
                ),
            ),
        )
        if self.formula_line:
            lines += (self.formula_line,)
        focus = ("canvas", paint.rows[0], paint.cols[0], paint.rows[-1], paint.cols[-1])
        return Scene(blocks, lines, focus=focus)

    # -- one output cell, seen from the scatter side (fill-cells) ----------------------------

    def contributions(self, r: int, c: int) -> list[tuple[Any, int, int]]:
        """(paint, a, b) for every paint whose kernel tap (a, b) lands on output cell (r, c)."""
        top, left = self.trace.crop
        R, C = r + top, c + left
        return [
            (paint, paint.rows.index(R), paint.cols.index(C))
            for paint in self.trace.paints
            if R in paint.rows and C in paint.cols
        ]

    def gather_scene(self, r: int, c: int, *, products: str = "total", **output_options: Any) -> Scene:
        """Output cell (r, c) and every input cell whose patch lands on it, with the kernel tap
        that carries it there: the scatter read backwards, one cell at a time."""
        trace = self.trace
        found = self.contributions(r, c)
        inputs: dict[tuple[int, int], tuple[str, ...]] = {}
        taps: dict[tuple[int, int], tuple[str, ...]] = {}
        for paint, a, b in found:
            inputs[paint.cell] = ("tap",)
            taps[(a, b)] = ("tap",)
        h, w = trace.input.shape
        kh, kw = trace.kernel.shape
        ow = trace.output.shape[1]
        blocks = (
            value_grid("input", f"input {h}×{w}", trace.input, inputs),
            Joiner("×"),
            value_grid("kernel", f"kernel {kh}×{kw}", trace.kernel, taps),
            Joiner("→"),
            output_grid(trace.output, r * ow + c, **output_options),
        )
        lines: tuple[TextLine, ...] = ()
        if products != "none":
            spans: list[Span] = [Span(f"output {cell_name(trace, r, c)} = ", "dim")]
            for n, (paint, a, b) in enumerate(found):
                if n:
                    spans.append(Span(" + ", "dim"))
                spans.append(Span(f"{_factor(paint.value)}·{_factor(trace.kernel[a, b])}", "product"))
            if not found:
                spans.append(Span("no patch lands here: 0", "note"))
            else:
                spans += [Span(" = ", "dim"), Span("?" if products == "hidden" else fmt(trace.output[r, c]), "sum")]
            lines += (tuple(spans),)
        painters = f"{len(found)} input cell paints" if len(found) == 1 else f"{len(found)} input cells paint"
        lines += ((Span(f"{painters} onto this output cell; overlapping patches add up", "note"),),)
        if self.formula_line:
            lines += (self.formula_line,)
        return Scene(blocks, lines, focus=("output", r, c))

    # -- the equivalent convolution ---------------------------------------------------------

    def equivalent_role(self, R: int, C: int) -> str:
        """What a cell of the equivalent input is: an input value, an inserted zero, or padding."""
        trace = self.trace
        (top, _), (left, _) = trace.equivalent_pads
        r, c = R - top, C - left  # position in the zero-inserted input (negative pads crop)
        zh, zw = trace.zero_inserted.shape
        if not (0 <= r < zh and 0 <= c < zw):
            return "pad"
        sh, sw = trace.stride
        return "value" if r % sh == 0 and c % sw == 0 else "inserted"

    def equivalent_scene(self, step: int, *, products: str = "total", **output_options: Any) -> Scene:
        sweep = self.equivalent
        trace = self.trace
        (top, bottom), (_left, _right) = trace.equivalent_pads
        sh = trace.stride[0]
        title = f"zero-inserted, pad {top}" + (f"/{bottom}" if bottom != top else "")
        base = sweep.scene(step, products=products, **output_options)
        blocks = (sweep.input_grid(step, role_of=self.equivalent_role, title=title),) + base.blocks[1:]
        note = (
            Span(f"stride {sh}: zeros go between the input cells; " if sh > 1 else "stride 1: no zeros to insert; "),
            Span("padding d·(k−1) − p = "),
            Span(str(top), "sum"),
            Span(
                " on each side"
                + (f", +{trace.output_padding[0]} output padding" if trace.output_padding[0] else "")
                + "; "
            ),
            Span("the kernel is flipped", "dim"),
        )
        split = 0 if products == "none" else 1  # the note goes under the products line
        return Scene(blocks, base.lines[:split] + (note,) + base.lines[split:], focus=base.focus)

    def scene(self, step: int, view: str = "scatter", **options: Any) -> Scene:
        if view == "scatter":
            return self.scatter_scene(step, **options)
        return self.equivalent_scene(step, **options)

    def step_for(self, grid: str, row: int, col: int, view: str = "scatter") -> int | None:
        if view == "scatter":
            h, w = self.trace.input.shape
            return row * w + col if grid == "input" and 0 <= row < h and 0 <= col < w else None
        return self.equivalent.step_for(grid, row, col)

    def describe(self, step: int, view: str = "scatter") -> str:
        if view == "scatter":
            paint = self.trace.paints[step]
            return f"input {paint.cell} → canvas rows {_span_text(paint.rows)}, cols {_span_text(paint.cols)}"
        return self.equivalent.describe(step)
