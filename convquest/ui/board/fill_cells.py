"""fill-cells levels: type each output cell while the window sits over its patch.

The board is the same one the playground animates, built from the problem's own trace, so the
window the player looks at is the one the engine checks against. Before a cell is tried only the
window shows; a wrong value is struck through and the products are spelled out with "= ?" and
the engine's diagnosis, so the player can redo the sum; a second miss on the same cell shows the
engine's full working. Transposed convolutions can be seen both ways (v): which input cells paint
onto this output cell (scatter, read backwards), or the window over the zero-inserted input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from convquest.engine.problems.fill_cells import FillCells
from convquest.engine.traces import ConvTrace, PoolTrace, TransposedTrace
from convquest.ui.board.render import Scene
from convquest.ui.board.scenes import ConvSweep, PoolSweep, TransposedSweep, fmt
from convquest.ui.board.widget import Board
from convquest.ui.kinds.base import KindPanel
from convquest.ui.widgets.answer_input import LEVEL_COMMAND_KEYS, AnswerInput

if TYPE_CHECKING:
    from convquest.levels.model import Level

VIEW_KEY = "v"


def sweep_for(trace: ConvTrace | PoolTrace | TransposedTrace) -> ConvSweep | PoolSweep | TransposedSweep:
    if isinstance(trace, ConvTrace):
        return ConvSweep(trace)
    if isinstance(trace, PoolTrace):
        return PoolSweep(trace)
    if isinstance(trace, TransposedTrace):
        return TransposedSweep(trace)
    raise TypeError(f"no board for a {type(trace).__name__}")


class FillCellsPanel(KindPanel):
    """One output cell at a time, row by row; enter checks the typed value."""

    BINDINGS = [Binding(VIEW_KEY, "view", "Other view", priority=True)]

    def __init__(self, level: Level, problem: FillCells) -> None:
        super().__init__(level, problem)
        self.sweep = sweep_for(problem.trace)
        self.shape = problem.trace.output.shape
        self.views = ("gather", "equivalent") if isinstance(self.sweep, TransposedSweep) else ("window",)
        self.view = self.views[0]
        self._part = 0
        self.entered: dict[tuple[int, int], str] = {}
        self.misses: dict[int, int] = {}  # part → wrong tries on it
        self.wrong_text: str | None = None  # the last wrong value on the current cell
        self.solved = False

    @property
    def part(self) -> int:
        return self._part

    @property
    def cell(self) -> tuple[int, int]:
        return divmod(self._part, self.shape[1])

    def compose(self) -> ComposeResult:
        yield Static(self.problem.prompt(), id="fc-prompt", classes="panel-prompt", markup=False)
        yield Board(self.scene(), id="fc-board")
        yield Static(self._ask(), id="fc-feedback", markup=False)
        # The box also gives up `v`, which switches the transposed views.
        yield AnswerInput(placeholder="value, then Enter", id="fc-answer", command_keys=LEVEL_COMMAND_KEYS | {VIEW_KEY})

    def on_mount(self) -> None:
        self.query_one("#fc-answer", Input).focus()

    # -- the picture ------------------------------------------------------------------------

    def scene(self) -> Scene:
        r, c = self.cell
        if self.solved:
            products, index = "total", self._part
        else:
            products = "hidden" if self.misses.get(self._part) else "none"
            index = self._part
        entered = dict(self.entered)
        wrong: frozenset[tuple[int, int]] = frozenset()
        if self.wrong_text is not None and not self.solved:
            entered[(r, c)] = self.wrong_text
            wrong = frozenset({(r, c)})
        options: dict[str, Any] = dict(products=products, entered=entered, wrong=wrong)
        if isinstance(self.sweep, TransposedSweep):
            if self.view == "gather":
                return self.sweep.gather_scene(r, c, **options)
            return self.sweep.equivalent_scene(index, **options)
        return self.sweep.scene(index, **options)

    def _redraw(self) -> None:
        self.query_one(Board).show(self.scene())

    def _ask(self) -> str:
        r, c = self.cell
        total = self.shape[0] * self.shape[1]
        views = f" · {VIEW_KEY}: other view" if len(self.views) > 1 else ""
        return f"Output cell ({r}, {c}) — {self._part + 1} of {total}{views}"

    def _feedback(self, text: str, kind: str) -> None:
        box = self.query_one("#fc-feedback", Static)
        box.update(text)
        box.set_classes(f"feedback-{kind}")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view":
            return len(self.views) > 1  # only transposed levels have a second view
        return True

    # -- answers ----------------------------------------------------------------------------

    def action_view(self) -> None:
        if len(self.views) > 1:
            self.view = self.views[(self.views.index(self.view) + 1) % len(self.views)]
            self._redraw()

    def show_slip(self, message: str) -> None:
        self._feedback(f"! {message} (No penalty.)", "slip")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.solved:
            return
        part = self._part
        judged = self.judge(event.value, part)
        if judged is None:
            return
        answer, verdict = judged
        box = self.query_one("#fc-answer", Input)
        box.value = ""
        if not verdict.correct:
            self.misses[part] = self.misses.get(part, 0) + 1
            self.wrong_text = fmt(answer)
            lines = [f"✗ {fmt(answer)} is not it."]
            if verdict.diagnosis:
                lines.append(verdict.diagnosis)
            if self.misses[part] > 1:
                lines.append(verdict.explanation)  # the second miss shows the engine's working
            else:
                lines.append("The products are on the board now: add them up again.")
            self._feedback("\n".join(lines), "wrong")
            self._redraw()
            return
        self.entered[self.cell] = fmt(answer)
        self.wrong_text = None
        if part + 1 >= self.shape[0] * self.shape[1]:
            self.solved = True
            box.disabled = True
            self._feedback(f"✓ All {part + 1} cells right.\n{verdict.explanation}", "right")
            self._redraw()
            self.post_message(self.Solved(verdict))
            return
        self._part += 1
        self._feedback(f"✓ {verdict.explanation}\n{self._ask()}", "right")
        self._redraw()
