"""predict-size and count-params: the layer drawn small, the question, one answer box per part.

Everything judged comes from the run (convquest.play); this panel only shows the layer it was
given and the feedback it gets back. The board draws the layer; why the answer is what it is
(the output worked out) is drawn only once the run is over, never after a wrong answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from convquest.ui.kinds.base import KindPanel, feedback_class
from convquest.ui.kinds.why import why_lines
from convquest.ui.widgets.answer_input import LEVEL_COMMAND_KEYS, AnswerInput
from convquest.ui.widgets.layer_drawing import drawing

if TYPE_CHECKING:  # the run comes built: importing it here would load the engine with the screen
    from convquest.play.run import Feedback, ProblemRun

# How each parameter is named on the board; unknown keys are shown as they are spelled.
PARAM_NAMES = {
    "i": "input i",
    "h": "input height H",
    "w": "input width W",
    "k": "kernel k",
    "p": "padding p",
    "padding": "padding",
    "s": "stride s",
    "d": "dilation d",
    "a": "out padding a",
    "o": "wanted output o",
    "pool": "pooling",
    "c_in": "channels in",
    "c_out": "filters (out)",
    "units": "dense units",
    "bias": "biases",
    "input": "input C×H×W",
}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value):
        return "×".join(str(v) for v in value)
    return str(value)


def _is_grid(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and bool(value)
        and all(isinstance(row, (list, tuple)) and all(isinstance(v, (int, float)) for v in row) for row in value)
    )


def layer_line(layer: dict[str, Any]) -> str:
    """One network layer in a board row: 'conv 5×5 →6 p2 s1' or 'pool 2×2 s2'."""
    k = layer.get("k", "?")
    bits = [f"{layer.get('kind', '?')} {k}×{k}"]
    if "out_channels" in layer:
        bits.append(f"→{layer['out_channels']}")
    for key in ("p", "s", "d"):
        value = layer.get(key)
        if value not in (None, 0) and not (key in ("s", "d") and value == 1):
            bits.append(f"{key}{value}")
    return " ".join(bits)


# A parameter at its default that the chapter has not taught yet is left off the board: chapter 1's
# player has not met padding, stride or dilation, and "stride 1" would only raise the question.
UNTAUGHT_DEFAULTS = (("p", "padding", 0), ("s", "stride", 1), ("d", "dilation", 1), ("a", "output_padding", 0))


def taught_params(params: dict[str, Any], taught: frozenset[str]) -> dict[str, Any]:
    hidden = {
        key for key, concept, default in UNTAUGHT_DEFAULTS if concept not in taught and params.get(key) == default
    }
    return {key: value for key, value in params.items() if key not in hidden}


def param_table(params: dict[str, Any], answers: tuple[str, ...] = ()) -> list[str]:
    """The layer as rows of name and value; a network's layers one per row, each with the shape
    the player has already given for it."""
    lines = []
    for key, value in params.items():
        if key in ("layers", "variant"):  # the variant is the level's name for itself, not the layer's
            continue
        if _is_grid(value):  # an image or a kernel: a row of the board per row of numbers
            lines.append(PARAM_NAMES.get(key, key))
            lines += ["  " + " ".join(f"{v:>3}" for v in row) for row in value]
            continue
        lines.append(f"{PARAM_NAMES.get(key, key):<15} {_show(value)}")
    for number, layer in enumerate(params.get("layers") or (), start=1):
        lines.append(f"{number}. {layer_line(layer)}")
        if number <= len(answers):
            lines.append(f"   ✓ {answers[number - 1]}")
    return lines


class PredictSizePanel(KindPanel):
    """One Input asked part by part: a network's layers in order, count-params conv then dense."""

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(run)
        self._answers: list[str] = []

    def picture(self) -> str:
        return "\n".join(why_lines(dict(self.problem.params())))

    def compose(self) -> ComposeResult:
        with Horizontal(id="ps-body"):
            with VerticalScroll(id="ps-board"):
                yield Static(id="ps-board-text", markup=False)
            with Vertical(id="ps-side"):
                with VerticalScroll(id="ps-question"):
                    yield Static(self.problem.prompt(), id="ps-prompt", markup=False)
                yield Static(id="ps-parts", markup=False)
                yield AnswerInput(
                    placeholder="your answer, then Enter", id="ps-answer", command_keys=LEVEL_COMMAND_KEYS
                )
                with VerticalScroll(id="ps-feedback"):
                    yield Static(id="ps-feedback-text", markup=False)

    def on_mount(self) -> None:
        self._show_board()
        self._show_parts()
        self.query_one("#ps-answer", Input).focus()

    def _show_board(self) -> None:
        params = dict(self.problem.params())
        board = param_table(taught_params(params, self.run.taught), tuple(self._answers))
        room = self.query_one("#ps-board").content_size  # the drawing fits what the board has
        rows = room.height - len(board) - 1 if room.height else 10**6
        picture = (self.run.over and why_lines(params)) or drawing(params, room.width or 26, rows)
        if picture:
            board += [""] + picture
        self.query_one("#ps-board-text", Static).update("\n".join(board))

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        # After the layout the board's size is known; a panel already leaving has none to fit.
        if self.is_attached:
            self._show_board()

    def _labels(self) -> tuple[str, ...]:
        return tuple(self.problem.parts()) or ("",)

    def _show_parts(self) -> None:
        labels = self._labels()
        box = self.query_one("#ps-parts", Static)
        if len(labels) == 1:
            # One answer: the prompt already says what to give.
            box.display = False
            return
        # Only the part being asked: the board lists the answers already given, layer by layer.
        if self.run.solved:
            box.update(f"✓ all {len(labels)} parts right")
        else:
            box.update(f"→ {labels[self.part]}  (part {self.part + 1} of {len(labels)})")

    def _feedback(self, text: str, *, kind: str) -> None:
        box = self.query_one("#ps-feedback-text", Static)
        box.update(text)
        box.set_classes(f"feedback-{kind}")
        self.query_one("#ps-feedback", VerticalScroll).scroll_home(animate=False)

    def show_feedback(self, feedback: Feedback) -> None:
        self._feedback(feedback.text, kind=feedback_class(feedback))
        if self.run.over:
            self.query_one("#ps-answer", Input).disabled = True
            self._show_board()
            self._show_parts()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.run.over:
            return
        feedback = self.submit(event.value)
        answer_box = self.query_one("#ps-answer", Input)
        if feedback.kind != "right":
            # The wrong answer stays in view beside its diagnosis, selected, so the next one typed
            # replaces it rather than being appended to it ("1" then "2" read as 12).
            answer_box.focus()
            answer_box.select_all()
            return
        self._answers.append(event.value.strip())
        answer_box.value = ""
        self._show_board()
        self._show_parts()
