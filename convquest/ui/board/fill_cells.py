"""fill-cells levels: type each output cell while the window sits over its patch.

The board is the same one the playground animates, built from the problem's own trace, so the
window the player looks at is the one the engine checks against. Before a cell is tried only the
window shows; a wrong value is struck through and the run's feedback names the slip. The cell's
hint ladder (convquest.play) climbs per cell: which product is off, then the products, then their
values left to add up (the board then spells the products out beside them, ending in "= ?").
Transposed convolutions can be seen both ways (v): which input cells paint onto this output cell
(scatter, read backwards), or the window over the zero-inserted input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from convquest.engine.traces import ConvTrace, PoolTrace, TransposedTrace
from convquest.ui.board.render import Scene
from convquest.ui.board.scenes import ConvSweep, PoolSweep, TransposedSweep, cell_name, fmt
from convquest.ui.board.widget import Board
from convquest.ui.kinds.base import KindPanel, feedback_class, verdict_lines
from convquest.ui.widgets.answer_input import LEVEL_COMMAND_KEYS, AnswerInput

if TYPE_CHECKING:
    from convquest.play.run import Feedback, ProblemRun

VIEW_KEY = "v"
# The feedback box's width at 80 columns (its padding takes the rest).
LINE_WIDTH = 78


def sweep_for(trace: ConvTrace | PoolTrace | TransposedTrace) -> ConvSweep | PoolSweep | TransposedSweep:
    if isinstance(trace, ConvTrace):
        return ConvSweep(trace)
    if isinstance(trace, PoolTrace):
        return PoolSweep(trace)
    if isinstance(trace, TransposedTrace):
        return TransposedSweep(trace)
    raise TypeError(f"no board for a {type(trace).__name__}")


@runtime_checkable
class CellsProblem(Protocol):
    """What the board reads of a fill-cells problem (fill-cells, and the sequence kinds that play here):
    the engine's trace of the layer, the same one the animation uses."""

    @property
    def trace(self) -> ConvTrace | TransposedTrace | PoolTrace: ...


Cell = TypeVar("Cell", bound=tuple[int, ...])


class CellAnswerPanel(KindPanel, Generic[Cell]):
    """What the panels that ask one board cell at a time share (fill-cells here, fill-volume in
    `volume`): the values typed so far, the last wrong one, the feedback and answer boxes.
    Subclasses name their boxes, say which cell is asked and what the board writes in it."""

    ANSWER_ID: ClassVar[str]
    FEEDBACK_ID: ClassVar[str]
    # The rung from which the board spells the asked cell's products out, ending in "= ?".
    PRODUCTS_RUNG: ClassVar[int] = 2

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(run)
        self.entered: dict[Cell, str] = {}
        self.wrong_text: str | None = None  # the last wrong value on the current cell

    @property
    def cell(self) -> Cell:
        raise NotImplementedError(f"{type(self).__name__} must say which cell is asked")

    def right_value(self, cell: Cell) -> str:
        """The value as the board writes it in `cell` once it is answered right."""
        raise NotImplementedError(f"{type(self).__name__} must say what a right cell shows")

    def _ask(self) -> str:
        raise NotImplementedError

    def _redraw(self) -> None:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.query_one(f"#{self.ANSWER_ID}", Input).focus()

    def _marks(self) -> tuple[str, dict[Cell, str], frozenset[Cell]]:
        """What the board shows of the cells: how the asked cell's products show, the values
        typed (with the last wrong one on the asked cell) and which of them are struck through."""
        if self.run.over:
            products = "total"
        else:
            products = "hidden" if self.run.rung_of(self.part) >= self.PRODUCTS_RUNG else "none"
        entered = dict(self.entered)
        wrong: frozenset[Cell] = frozenset()
        if self.wrong_text is not None and not self.run.over:
            entered[self.cell] = self.wrong_text
            wrong = frozenset({self.cell})
        return products, entered, wrong

    def _feedback(self, text: str, kind: str) -> None:
        box = self.query_one(f"#{self.FEEDBACK_ID}", Static)
        box.update(text)
        box.set_classes(f"feedback-{kind}")

    def show_feedback(self, feedback: Feedback) -> None:
        text = "\n".join(verdict_lines(feedback, LINE_WIDTH))
        if feedback.kind == "right" and not self.run.over:
            text += f"\n{self._ask()}"
        elif feedback.kind == "right":
            text = f"✓ All {self.run.part_count} cells right.\n" + "\n".join(feedback.lines[1:])
        self._feedback(text, feedback_class(feedback))
        if self.run.over:
            self.query_one(f"#{self.ANSWER_ID}", Input).disabled = True
        self._redraw()

    def _took_right(self, cell: Cell) -> None:
        self.entered[cell] = self.right_value(cell)
        self.wrong_text = None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.run.over:
            return
        box = self.query_one(f"#{self.ANSWER_ID}", Input)
        cell = self.cell
        text = event.value.strip()
        feedback = self.run.answer(text)
        if feedback.kind in ("right", "wrong", "repeat"):
            box.value = ""
        if feedback.kind == "wrong":
            self.wrong_text = text
        elif feedback.kind == "right":
            self._took_right(cell)
        self.announce(text, feedback)


class FillCellsPanel(CellAnswerPanel[tuple[int, int]]):
    """One output cell at a time, row by row; enter checks the typed value."""

    BINDINGS = [Binding(VIEW_KEY, "view", "Other view", priority=True)]
    ANSWER_ID = "fc-answer"
    FEEDBACK_ID = "fc-feedback"
    # Rung 2's words are the products already; the board adds them from rung 3, beside their values.
    PRODUCTS_RUNG = 3

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(run)
        problem = run.problem
        assert isinstance(problem, CellsProblem), "the kind registry gives this panel problems with a trace"
        self.fill = problem
        self.sweep = sweep_for(problem.trace)
        self.shape = problem.trace.output.shape
        self.views = ("gather", "equivalent") if isinstance(self.sweep, TransposedSweep) else ("window",)
        self.view = self.views[0]

    @property
    def solved(self) -> bool:
        return bool(self.run.solved)

    @property
    def cell(self) -> tuple[int, int]:
        return divmod(self.part, self.shape[1])

    def right_value(self, cell: tuple[int, int]) -> str:
        return fmt(self.fill.trace.output[cell])

    def compose(self) -> ComposeResult:
        yield Static(self.problem.prompt(), id="fc-prompt", classes="panel-prompt", markup=False)
        yield Board(self.scene(), id="fc-board")
        yield Static(self._ask(), id="fc-feedback", markup=False)
        # The box also gives up `v`, which switches the transposed views.
        yield AnswerInput(placeholder="value, then Enter", id="fc-answer", command_keys=LEVEL_COMMAND_KEYS | {VIEW_KEY})

    # -- the picture ------------------------------------------------------------------------

    def scene(self) -> Scene:
        r, c = self.cell
        index = self.part
        products, entered, wrong = self._marks()
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
        return f"Output cell {cell_name(self.fill.trace, r, c)} — {self.part + 1} of {total}{views}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view":
            return len(self.views) > 1  # only transposed levels have a second view
        return True

    # -- answers ----------------------------------------------------------------------------

    def action_view(self) -> None:
        if len(self.views) > 1:
            self.view = self.views[(self.views.index(self.view) + 1) % len(self.views)]
            self._redraw()
