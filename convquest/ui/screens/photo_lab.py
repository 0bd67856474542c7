"""The photo lab: a kernel, or two in a row, applied to a real photograph, the feature maps beside it.

The player picks a photograph and a named kernel from the library, or edits the 3×3 weights one
at a time, and sees at once what the engine's conv2d makes of the picture: a blur, an edge map
in the signed colour map, or a blur and then an edge map. From here `l` opens "Learning the
kernel", where gradient descent finds Sobel x again from a photograph and its edge map.

It is reached from the playground and from a match-kernel level, which opens it with the
kernel (or the two in a row) the player has chosen or typed there (`lab_with`).

`Lab` is the whole state as plain data, changed by pure functions, so it is tested without an
App; the screen only draws what `maps` computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from convquest.engine import KERNELS, PHOTOS, conv2d
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.picture import Picture

PHOTO_NAMES = tuple(PHOTOS)
KERNEL_NAMES = tuple(name for name, kernel in KERNELS.items() if kernel.weights.shape == (3, 3))
WEIGHT_LIMIT = 9
"""Edited weights stay within ±9 (over the divisor): enough for every library kernel, and a
range a player can step through with + and −."""

Ints = NDArray[np.int64]


@dataclass(frozen=True)
class Slot:
    """One kernel: whole-number weights over a divisor (box blur is 1/9 × ones), and its name,
    or "edited" once a weight has been changed by hand."""

    name: str
    numerators: tuple[tuple[int, ...], ...]
    divisor: int = 1

    @property
    def weights(self) -> NDArray[np.float64]:
        return np.array(self.numerators, dtype=np.float64) / self.divisor

    @property
    def title(self) -> str:
        return KERNELS[self.name].title if self.name in KERNELS else "edited kernel"


def library_slot(name: str) -> Slot:
    kernel = KERNELS[name]
    return Slot(name, tuple(tuple(int(v) for v in row) for row in kernel.numerators), kernel.divisor)


def weights_slot(weights: NDArray[np.int64]) -> Slot:
    """Whole-number weights as typed: the library kernel they equal keeps its name (a kernel loaded
    and left alone is still Sobel x), any other is an edited kernel."""
    numerators = tuple(tuple(int(v) for v in row) for row in np.asarray(weights))
    for name, kernel in KERNELS.items():
        if kernel.divisor == 1 and np.array_equal(kernel.numerators, numerators):
            return Slot(name, numerators)
    return Slot("edited", numerators)


@dataclass(frozen=True)
class Lab:
    photo: str = "camera"
    first: Slot = field(default_factory=lambda: library_slot("box_blur"))
    second: Slot = field(default_factory=lambda: library_slot("sobel_x"))
    two: bool = False
    """Whether the second kernel is applied to the first one's output."""
    editing: int = 0
    """Which slot the keys change: 0 the first kernel, 1 the second."""
    cursor: tuple[int, int] = (1, 1)

    @property
    def slot(self) -> Slot:
        return self.second if self.editing else self.first

    def with_slot(self, slot: Slot) -> Lab:
        return replace(self, second=slot) if self.editing else replace(self, first=slot)


def lab_with(slots: Sequence[Slot]) -> Lab:
    """A lab showing one kernel, or two in a row (the first then the second)."""
    if not 1 <= len(slots) <= 2:
        raise ValueError(f"the photo lab applies one or two kernels in a row, not {len(slots)}")
    if len(slots) == 1:
        return Lab(first=slots[0])
    return Lab(first=slots[0], second=slots[1], two=True)


def next_photo(lab: Lab, delta: int) -> Lab:
    return replace(lab, photo=PHOTO_NAMES[(PHOTO_NAMES.index(lab.photo) + delta) % len(PHOTO_NAMES)])


def next_kernel(lab: Lab, delta: int) -> Lab:
    """The next library kernel in the slot being edited; an edited kernel goes on from the start."""
    name = lab.slot.name
    index = KERNEL_NAMES.index(name) + delta if name in KERNEL_NAMES else (0 if delta > 0 else -1)
    return lab.with_slot(library_slot(KERNEL_NAMES[index % len(KERNEL_NAMES)]))


def nudge_weight(lab: Lab, delta: int) -> Lab:
    """The weight under the cursor one up or down (in numerators: over the slot's divisor)."""
    r, c = lab.cursor
    rows = [list(row) for row in lab.slot.numerators]
    rows[r][c] = max(-WEIGHT_LIMIT, min(rows[r][c] + delta, WEIGHT_LIMIT))
    return lab.with_slot(Slot("edited", tuple(tuple(row) for row in rows), lab.slot.divisor))


def zero_weight(lab: Lab) -> Lab:
    r, c = lab.cursor
    return nudge_weight(lab, -lab.slot.numerators[r][c])


def move_cursor(lab: Lab, dr: int, dc: int) -> Lab:
    r, c = lab.cursor
    rows, cols = len(lab.slot.numerators), len(lab.slot.numerators[0])
    return replace(lab, cursor=(min(max(r + dr, 0), rows - 1), min(max(c + dc, 0), cols - 1)))


def maps(lab: Lab) -> list[NDArray[np.float64]]:
    """The photograph and what each kernel in use makes of it, in order (valid: no padding)."""
    pictures = [PHOTOS[lab.photo].pixels.astype(np.float64)]
    for slot in (lab.first, lab.second)[: 2 if lab.two else 1]:
        pictures.append(np.asarray(conv2d(pictures[-1], slot.weights), dtype=np.float64))
    return pictures


def weight_lines(slot: Slot, cursor: tuple[int, int] | None) -> list[str]:
    """The slot's weights as a small table, the cursor's weight in brackets (NO_COLOR-proof)."""
    front = f"1/{slot.divisor} ×" if slot.divisor != 1 else ""
    lines = [front]
    for r, row in enumerate(slot.numerators):
        cells = [f"[{v:>2}]" if (r, c) == cursor else f" {v:>2} " for c, v in enumerate(row)]
        lines.append("".join(cells))
    return lines


def shape_text(values: NDArray[np.float64]) -> str:
    return f"{values.shape[0]}×{values.shape[1]}"


class PhotoLabScreen(Screen[None]):
    """Reached from the playground (`f`) and from a match-kernel level (`p`); Escape goes back."""

    HELP_NAME = "photo lab"
    HELP_EXTRA = (
        ("← → ↑ ↓", "choose a weight of the kernel being edited"),
        ("+ / −", "that weight one up / down (over the divisor shown)"),
        ("0", "that weight to zero"),
        ("P / K", "previous photograph / previous kernel"),
        ("", "Feature maps in colour: grey is 0, blue below, orange above."),
    )

    DEFAULT_CSS = """
    PhotoLabScreen #lab-title { height: 1; }
    PhotoLabScreen #lab-pictures { height: 1fr; }
    PhotoLabScreen .lab-column { width: 1fr; margin-right: 1; }
    PhotoLabScreen .lab-column Picture { width: 1fr; height: 1fr; }
    PhotoLabScreen .lab-label { height: 2; }
    PhotoLabScreen #lab-kernels { height: 5; }
    PhotoLabScreen .lab-kernel { width: 1fr; height: 5; }
    PhotoLabScreen .lab-kernel.editing { text-style: bold; }
    """

    BINDINGS = [
        Binding("p", "photo(1)", "Photo"),
        Binding("P", "photo(-1)", "Photo", show=False),
        Binding("k", "kernel(1)", "Kernel"),
        Binding("K", "kernel(-1)", "Kernel", show=False),
        Binding("t", "two", "Two in a row"),
        Binding("tab", "switch", "Edit other"),
        Binding("l", "learn", "Learn it"),
        Binding("up", "move(-1, 0)", "Up", show=False),
        Binding("down", "move(1, 0)", "Down", show=False),
        Binding("left", "move(0, -1)", "Left", show=False),
        Binding("right", "move(0, 1)", "Right", show=False),
        Binding("plus,equals_sign", "weight(1)", "Weight+", key_display="+", show=False),
        Binding("minus", "weight(-1)", "Weight−", key_display="−", show=False),
        Binding("0", "zero", "Zero", show=False),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, lab: Lab | None = None) -> None:
        super().__init__()
        self.lab = lab or Lab()

    def compose(self) -> ComposeResult:
        yield Static(id="lab-title", markup=False)
        with Horizontal(id="lab-pictures"):
            for n in range(3):
                with Vertical(classes="lab-column", id=f"lab-column-{n}"):
                    yield Picture(id=f"lab-picture-{n}")
                    yield Static(classes="lab-label", id=f"lab-label-{n}", markup=False)
        with Horizontal(id="lab-kernels"):
            for n in range(2):
                yield Static(classes="lab-kernel", id=f"lab-kernel-{n}", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        lab = self.lab
        photo = PHOTOS[lab.photo]
        self.query_one("#lab-title", Static).update(f"Photo lab · {photo.title} ({photo.credit})")
        pictures = maps(lab)
        slots = (lab.first, lab.second)
        for n in range(3):
            column = self.query_one(f"#lab-column-{n}")
            column.display = n < len(pictures)
            if n >= len(pictures):
                continue
            values = pictures[n]
            picture = self.query_one(f"#lab-picture-{n}", Picture)
            if n == 0:
                picture.show(values, limits=(0, 255))
                label = f"photograph {shape_text(values)}\n{picture.legend()}"
            else:
                signed = bool(values.min() < 0)
                # Unsigned maps keep the photograph's black and white unless they go past them.
                picture.show(values, signed=signed, limits=None if signed else (0, max(255.0, values.max())))
                label = f"⋆ {slots[n - 1].title} → {shape_text(values)}\n{picture.legend()}"
            self.query_one(f"#lab-label-{n}", Static).update(label)
        for n, slot in enumerate(slots):
            box = self.query_one(f"#lab-kernel-{n}", Static)
            editing = n == lab.editing
            box.set_class(editing, "editing")
            used = n == 0 or lab.two
            head = f"{'▸ ' if editing else '  '}{'first' if n == 0 else 'then'}: {slot.title}"
            if not used:
                head += " (t: use it)"
            lines = weight_lines(slot, lab.cursor if editing else None)
            box.update("\n".join([head + "  " + lines[0], *lines[1:]]))

    def _change(self, lab: Lab) -> None:
        self.lab = lab
        self.rebuild()

    def action_photo(self, delta: int) -> None:
        self._change(next_photo(self.lab, delta))

    def action_kernel(self, delta: int) -> None:
        self._change(next_kernel(self.lab, delta))

    def action_two(self) -> None:
        self._change(replace(self.lab, two=not self.lab.two))

    def action_switch(self) -> None:
        self._change(replace(self.lab, editing=1 - self.lab.editing))

    def action_move(self, dr: int, dc: int) -> None:
        self._change(move_cursor(self.lab, dr, dc))

    def action_weight(self, delta: int) -> None:
        self._change(nudge_weight(self.lab, delta))

    def action_zero(self) -> None:
        self._change(zero_weight(self.lab))

    def action_learn(self) -> None:
        from convquest.ui.screens.learning import LearningScreen

        self.app.push_screen(LearningScreen(self.lab.photo))
