"""WeightEditor: a k×k kernel edited cell by cell (arrows move, digits and minus type, Enter tries it).

The weights are shown as numbers over their shade (orange positive, blue negative), so the pattern
of a kernel (a positive centre against negative neighbours) is seen as well as read.
"""

from __future__ import annotations

import numpy as np
from textual.binding import Binding
from textual.events import Key
from textual.message import Message

from convquest.ui.match.shaded import Cell, ShadedImage
from convquest.ui.match.shading import Scale

MAX_DIGITS = 2  # the engine takes whole-number weights from -99 to 99


class WeightEditor(ShadedImage):
    numbers_fixed = True  # weights are edited as numbers; hiding them would hide what is typed
    BINDINGS = [
        Binding("enter", "submit", "Try kernel"),
        Binding("backspace", "erase", "Erase", show=False),
        Binding("tab", "next_cell", "Next cell", show=False),
        Binding("shift+tab", "previous_cell", "Previous cell", show=False),
    ]

    class Submitted(Message):
        def __init__(self, editor: WeightEditor, weights: np.ndarray) -> None:
            super().__init__()
            self.editor = editor
            self.weights = weights

        @property
        def control(self) -> WeightEditor:
            return self.editor

    def __init__(self, weights: np.ndarray, *, label: str = "kernel", id: str | None = None) -> None:
        weights = np.asarray(weights, dtype=int)
        super().__init__(weights, label=label, pickable=True, id=id)
        self._weights = weights.copy()
        self._digits = ""  # digits typed since the cursor came to this cell
        self._negative = False  # a minus typed in this cell, applied to the digits
        self.set_reactive(ShadedImage.show_numbers, True)

    @property
    def weights(self) -> np.ndarray:
        return self._weights.copy()

    def set_weights(self, weights: np.ndarray) -> None:
        self._weights = np.asarray(weights, dtype=int).copy()
        self._digits, self._negative = "", False
        self._redraw()

    def as_text(self) -> str:
        """The kernel in the engine's answer syntax: rows split by ';', numbers by spaces."""
        return "; ".join(" ".join(str(int(v)) for v in row) for row in self._weights)

    def _redraw(self) -> None:
        # Weights are shaded on a symmetric scale so a kernel's sign pattern reads at a glance.
        m = max(1, int(np.abs(self._weights).max()))
        self.show(self._weights, scale=Scale(-m, m), marks=self.marks)

    def _cell_texts(self) -> dict[Cell, str]:
        # A minus typed before any digit has no number to show yet; show the minus itself.
        if self._negative and not self._digits and self.cursor is not None:
            return {self.cursor: "-"}
        return {}

    def watch_cursor(self) -> None:
        # Typing starts afresh in each cell: the first digit replaces the weight, not extends it.
        self._digits = ""
        self._negative = False
        self.refresh(layout=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter tries the kernel here; picking and marking cells belong to the output grids.
        if action in ("choose", "toggle_cell"):
            return False
        return super().check_action(action, parameters)

    def on_key(self, event: Key) -> None:
        if self.cursor is None:
            return
        char = event.character
        if char is not None and char.isdigit():
            if self._digits in ("", "0") or len(self._digits) >= MAX_DIGITS:
                self._digits = char
            else:
                self._digits += char
        elif char == "-":
            if self._digits:
                self._negative = not self._negative
            else:
                # No digits typed here yet: flip the weight already in the cell (3 becomes -3), and
                # a digit typed next keeps the minus ("-" then "2" gives -2).
                stored = int(self._weights[self.cursor])
                self._negative = not (stored < 0 or (stored == 0 and self._negative))
                if stored:
                    self._weights[self.cursor] = -stored
        else:
            return
        event.stop()
        event.prevent_default()
        self._commit()

    def _commit(self) -> None:
        assert self.cursor is not None
        if self._digits:
            value = int(self._digits)
            self._weights[self.cursor] = -value if self._negative else value
        self._redraw()

    def action_erase(self) -> None:
        if self.cursor is None:
            return
        if self._digits:
            self._digits = self._digits[:-1]
        if not self._digits:
            self._weights[self.cursor] = 0
        self._commit()

    def _step(self, delta: int) -> None:
        if self.cursor is None:
            return
        h, w = self._weights.shape
        index = (self.cursor[0] * w + self.cursor[1] + delta) % (h * w)
        self.cursor = (index // w, index % w)

    def action_next_cell(self) -> None:
        self._step(1)

    def action_previous_cell(self) -> None:
        self._step(-1)

    def action_submit(self) -> None:
        self._digits, self._negative = "", False
        self.refresh(layout=True)
        self.post_message(self.Submitted(self, self.weights))
