"""KernelPalette: the engine's named kernels to choose from, with the highlighted one's weights and
the one line saying what it detects.

Highlighting only previews a kernel (its weights and what it is for); Enter picks it, and a pick is
an answer: the panel checks it with the engine and shows what that kernel makes of the image.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from convquest.ui.match.shaded import ShadedImage

if TYPE_CHECKING:
    from convquest.engine.kernels import Kernel
from convquest.ui.match.shading import Scale


class KernelPalette(Vertical):
    """`kernels` are the engine's Kernel objects (name, title, weights, detects), in palette order."""

    DEFAULT_CSS = """
    KernelPalette {
        height: auto;
    }
    KernelPalette > OptionList {
        height: auto;
        max-height: 10;
    }
    KernelPalette > Horizontal {
        height: auto;
    }
    KernelPalette Static {
        width: 1fr;
        height: auto;
    }
    KernelPalette .palette-detects {
        padding-left: 1;
        text-style: italic;
    }
    """

    class Picked(Message):
        def __init__(self, palette: KernelPalette, name: str) -> None:
            super().__init__()
            self.palette = palette
            self.name = name

        @property
        def control(self) -> KernelPalette:
            return self.palette

    def __init__(self, kernels: Sequence[Kernel], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.kernels = {k.name: k for k in kernels}
        self._picked: list[str] = []

    def compose(self) -> ComposeResult:
        yield OptionList(*(Option(k.title, id=k.name) for k in self.kernels.values()), id="palette-list")
        # Weights and what they detect side by side: rows are what an 80×24 screen lacks.
        with Horizontal(id="palette-detail"):
            weights = ShadedImage(label="weights", id="palette-weights")
            weights.numbers_fixed = True  # a kernel is read by its numbers; n must not hide them
            yield weights
            yield Static("", id="palette-detects", classes="palette-detects", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0
            self._preview(options.get_option_at_index(0).id)

    @property
    def highlighted(self) -> str | None:
        option = self.query_one(OptionList).highlighted_option
        return None if option is None else option.id

    def focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def mark_tried(self, name: str, right: bool) -> None:
        """Tick or cross a kernel already tried, so the player sees what is ruled out."""
        kernel = self.kernels[name]
        self.query_one(OptionList).replace_option_prompt(name, f"{'✓' if right else '✗'} {kernel.title}")

    def _preview(self, name: str | None) -> None:
        if name is None:
            return
        kernel = self.kernels[name]
        # Averaging kernels are shown as small whole numbers and the fraction in front (1/9 each
        # reads as "1 ÷9", not as 0.1), as the engine keeps them.
        weights = np.asarray(getattr(kernel, "numerators", kernel.weights))
        divisor = getattr(kernel, "divisor", 1)
        m = float(np.abs(weights).max()) or 1.0
        image = self.query_one("#palette-weights", ShadedImage)
        image.set_reactive(ShadedImage.show_numbers, True)
        label = f"weights ÷{divisor}" if divisor != 1 else "weights"
        image.show(weights, label=label, scale=Scale(-m, m))
        self.query_one("#palette-detects", Static).update(kernel.detects)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._preview(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Picked(self, event.option.id))
