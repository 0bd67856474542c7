"""predict-size and count-params: the layer drawn small, the question, one answer box per part.

Everything judged comes from the run (convquest.play); this panel only shows the layer it was
given and the feedback it gets back. The board draws the layer; why the answer is what it is
(the output worked out) is drawn only once the run is over, never after a wrong answer.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from convquest.ui.kinds.base import KindPanel, feedback_class
from convquest.ui.kinds.why import param_pair, why_lines
from convquest.ui.widgets.answer_input import LEVEL_COMMAND_KEYS, AnswerInput

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

# The drawing is skipped when the padded input would not fit the board's column.
MAX_DRAWN = 11
BOARD_WIDTH = 26  # inside #ps-board's border and padding (convquest.tcss)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value):
        return "×".join(str(v) for v in value)
    return str(value)


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


def param_table(params: dict[str, Any], answers: tuple[str, ...] = ()) -> list[str]:
    """The layer as rows of name and value; a network's layers one per row, each with the shape
    the player has already given for it."""
    lines = []
    for key, value in params.items():
        if key in ("layers", "variant"):  # the variant is the level's name for itself, not the layer's
            continue
        lines.append(f"{PARAM_NAMES.get(key, key):<15} {_show(value)}")
    for number, layer in enumerate(params.get("layers") or (), start=1):
        lines.append(f"{number}. {layer_line(layer)}")
        if number <= len(answers):
            lines.append(f"   ✓ {answers[number - 1]}")
    return lines


def drawing(params: dict[str, Any]) -> list[str]:
    """The input (with its padding ring) and the kernel's taps, as characters: '■' input cell,
    '·' padding, '◆' kernel tap, '∘' the gap a dilation leaves. Only single layers are drawn:
    a network or a parameter count has no one picture, and a big input would not fit."""
    if params.get("variant") in ("network", "conv-vs-dense") or "layers" in params:
        return []
    size = param_pair(params.get("i"))
    kernel = param_pair(params.get("k"))
    if size is None or kernel is None:
        return []
    # In a transposed convolution p crops the output rather than padding the input.
    ring = params.get("variant") != "transposed"
    pad = (param_pair(params.get("p", 0)) or (0, 0)) if ring else (0, 0)
    dil = param_pair(params.get("d", 1)) or (1, 1)
    rows, cols = size[0] + 2 * pad[0], size[1] + 2 * pad[1]
    lines: list[str] = []
    if rows > MAX_DRAWN or cols > MAX_DRAWN:
        lines.append(f"(a {size[0]}×{size[1]} input is too big to draw)")
    else:
        lines.append("input" + (" + pad ·" if any(pad) else ""))
        for r in range(rows):
            lines.append(
                " ".join(
                    "■" if pad[0] <= r < pad[0] + size[0] and pad[1] <= c < pad[1] + size[1] else "·"
                    for c in range(cols)
                )
            )
    span = ((kernel[0] - 1) * dil[0] + 1, (kernel[1] - 1) * dil[1] + 1)
    taps: list[str] = []
    if max(span) <= MAX_DRAWN:
        name = "window" if params.get("variant") == "pool" else "kernel"
        taps.append(name + (" (∘ skipped)" if max(dil) > 1 else ""))
        for r in range(span[0]):
            taps.append(" ".join("◆" if r % dil[0] == 0 and c % dil[1] == 0 else "∘" for c in range(span[1])))
    width = max((len(line) for line in lines), default=0)
    if lines and taps and width + 2 + max(len(t) for t in taps) <= BOARD_WIDTH:
        # Side by side where they fit: the level screen has few rows at 80×24.
        rows_needed = max(len(lines), len(taps))
        lines += [""] * (rows_needed - len(lines))
        taps += [""] * (rows_needed - len(taps))
        return [f"{left:<{width}}  {right}".rstrip() for left, right in zip(lines, taps)]
    return lines + taps


class PredictSizePanel(KindPanel):
    """One Input asked part by part: a network's layers in order, count-params conv then dense."""

    def __init__(self, run: Any) -> None:
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
        board = param_table(params, tuple(self._answers))
        picture = (self.run.over and why_lines(params)) or drawing(params)
        if picture:
            board += [""] + picture
        self.query_one("#ps-board-text", Static).update("\n".join(board))

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

    def show_feedback(self, feedback: Any) -> None:
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
            answer_box.focus()
            return
        self._answers.append(event.value.strip())
        answer_box.value = ""
        self._show_board()
        self._show_parts()
