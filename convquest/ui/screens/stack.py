"""Your own network, in the playground (`o`): type a stack as `convquest shapes` reads it and see
each layer's output shape, parameters, multiply-adds and receptive field, and the same stack as
PyTorch code. The report is the engine's (`engine.netspec`); a mistake shows its sentence, which
names the layer and the field. Also the playground's own layer as a PyTorch call (`torch_call`).
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Input, Static

from convquest.engine.arithmetic import padding_for
from convquest.engine.netspec import analyse, format_report, torch_code
from convquest.ui.widgets.answer_input import AnswerInput
from convquest.ui.widgets.key_footer import KeyFooter

DEFAULT_SPEC = "conv 3>64 k7 s2 p3; bn; relu; maxpool k3 s2 p1; conv 64>64 k3 p1; conv 64>128 k3 s2 p1 g4"
DEFAULT_INPUT = "3x224x224"
_SHAPE = re.compile(r"\s*(\d+)\s*[x×X,]\s*(\d+)\s*[x×X,]\s*(\d+)\s*")


def torch_call(op: str, k: int, padding: int | str, s: int, d: int = 1, a: int = 0) -> str:
    """The playground's layer as PyTorch's functional call on x (N, C, H, W) and w (C_out, C_in, k, k),
    arguments at their defaults left out, as one would write it: F.conv2d(x, w, stride=2, padding=1)."""
    if op in ("maxpool", "avgpool"):
        args = [f"kernel_size={k}"] + ([f"stride={s}"] if s != k else [])
        args += [f"padding={padding}"] if padding else []
        return f"F.{'max' if op == 'maxpool' else 'avg'}_pool2d(x, {', '.join(args)})"
    args = [f"stride={s}"] if s != 1 else []
    comment = ""
    if isinstance(padding, str):
        if padding == "full":  # PyTorch names only 'valid' and 'same'; full is d(k−1) on each side
            before, _ = padding_for("full", k, d)
            args.append(f"padding={before}")
            comment = "  # 'full'"
        elif padding == "same":
            args.append("padding='same'")
    elif padding:
        args.append(f"padding={padding}")
    if op == "transposed" and a:
        args.append(f"output_padding={a}")
    if d != 1:
        args.append(f"dilation={d}")
    name = "conv_transpose2d" if op == "transposed" else "conv2d"
    return f"F.{name}(x, w{''.join(', ' + arg for arg in args)}){comment}"


def report_text(spec: str, shape_text: str, width: int = 80) -> str:
    """The report and the PyTorch code, or the engine's sentence for what is wrong."""
    found = _SHAPE.fullmatch(shape_text)
    if found is None:
        return f"! The input must be channels×height×width, like {DEFAULT_INPUT}; could not read {shape_text!r}."
    c, h, w = (int(n) for n in found.groups())
    try:
        report = analyse(spec, (c, h, w))
    except ValueError as error:
        return f"! {error}"
    return f"{format_report(report, width)}\n\n{torch_code(report, width)}"


class StackScreen(Screen[None]):
    """A spec and an input shape to type; Enter in either box shows the report."""

    HELP_NAME = "your own network"
    HELP_EXTRA = (
        ("enter", "show the report for the stack and input typed"),
        ("tab", "between the stack and the input shape"),
        ("", 'layers split by ";": conv 3>64 k7 s2 p3 · dw k3 · pw 128 · maxpool k3 s2 p1 · gap · dense 10'),
        ("", "bn, relu and the other activations; g4 groups; nobias; the syntax: docs/SHAPES.md"),
    )

    DEFAULT_CSS = """
    StackScreen #stack-title { height: 1; text-style: bold; }
    StackScreen #stack-spec, StackScreen #stack-input { height: 3; }
    StackScreen #stack-scroll { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        # Priority: the text boxes would take `?` as a character otherwise.
        Binding("question_mark", "app.help", "Help", priority=True),
    ]

    def __init__(self, spec: str = DEFAULT_SPEC, shape: str = DEFAULT_INPUT) -> None:
        super().__init__()
        self.spec, self.shape = spec, shape

    def compose(self) -> ComposeResult:
        yield Static("Your own network: type a stack and an input (C×H×W), then Enter", id="stack-title", markup=False)
        # `?` stays the help key: no spec or shape has one.
        help_key = frozenset({"?"})
        yield AnswerInput(self.spec, id="stack-spec", placeholder="conv 3>64 k7 s2 p3; …", command_keys=help_key)
        yield AnswerInput(self.shape, id="stack-input", placeholder=DEFAULT_INPUT, command_keys=help_key)
        with VerticalScroll(id="stack-scroll"):
            yield Static("", id="stack-report", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#stack-spec", Input).focus()

    def on_resize(self, event: Resize) -> None:
        self.show_report()

    def show_report(self) -> None:
        # The table fits the screen less the scrollbar and a margin, or it would wrap mid-row.
        width = max(40, self.size.width - 3)
        self.query_one("#stack-report", Static).update(report_text(self.spec, self.shape, width))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.spec = self.query_one("#stack-spec", Input).value
        self.shape = self.query_one("#stack-input", Input).value
        self.show_report()
