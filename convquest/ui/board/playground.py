"""The playground: a free visualizer. Set i, k, p, s, d, the operation and the kernel with single
keys and watch the window sweep; the output-size formula follows every change.

Every number on screen comes from the engine: the sweep from its traces, the size from its
formulas, and an impossible setting shows the engine's own `ValueError` sentence instead of a
board, so the player learns *why* (e.g. the dilated kernel spans more than the padded input).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from convquest.engine.arithmetic import conv_output_shape, conv_padding, pool_output_size, transposed_output_size
from convquest.engine.images import IMAGES
from convquest.engine.kernels import KERNELS, Kernel
from convquest.engine.traces import avg_pool2d_trace, conv2d_trace, conv_transpose2d_trace, max_pool2d_trace
from convquest.ui.app import ConvQuestApp
from convquest.ui.board import scenes
from convquest.ui.board.player import SweepPlayer, TextLines
from convquest.ui.screens.stack import StackScreen, torch_call
from convquest.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from convquest.store import Store

OPS = ("conv", "transposed", "maxpool", "avgpool")
OP_TITLES = {
    "conv": "convolution",
    "transposed": "transposed convolution",
    "maxpool": "max pooling",
    "avgpool": "average pooling",
}
PAD_MODES = (None, "valid", "same", "full")  # None: the number p
KERNEL_NAMES = tuple(KERNELS)
IMAGE_NAMES = tuple(IMAGES)
LIBRARY_SIDE = 3  # every library kernel is 3×3; other sizes use a kernel of ones

# How far each key may push a value. The lower ends go one past what the engine accepts so the
# player can see the refusal and its reason; the upper ends keep the board on a screen.
LIMITS = {"i": (0, 24), "k": (0, 9), "p": (-1, 9), "s": (0, 9), "d": (0, 6), "a": (-1, 8)}


@dataclass(frozen=True)
class Params:
    op: str = "conv"
    i: int = 5
    k: int = 3
    p: int = 1
    mode: str | None = None  # a named padding (convolution only); None uses p
    s: int = 1
    d: int = 1
    a: int = 0  # output padding (transposed only)
    kernel: str = "sobel_x"  # a library kernel, used while k is 3
    image: str = "ramp"

    @property
    def padding(self) -> int | str:
        return self.mode if self.mode is not None and self.op == "conv" else self.p

    def summary(self) -> str:
        parts = [OP_TITLES[self.op], f"i={self.i}", f"k={self.k}", f"p={self.padding}", f"s={self.s}"]
        if self.op in ("conv", "transposed"):
            parts.append(f"d={self.d}")
        if self.op == "transposed":
            parts.append(f"a={self.a}")
        return "  ".join(parts)


def input_for(params: Params) -> np.ndarray:
    """The input: the centre of a built-in 10×10 image, or the image repeated when i is larger."""
    pixels = IMAGES[params.image].pixels
    side = pixels.shape[0]
    if params.i <= side:
        start = (side - max(params.i, 0)) // 2
        return pixels[start : start + max(params.i, 0), start : start + max(params.i, 0)]
    return np.pad(pixels, (0, params.i - side), mode="wrap")


def library_kernel(params: Params) -> Kernel | None:
    """The library kernel in use, or None when k is not the library's size (or pooling)."""
    if params.k == LIBRARY_SIDE and params.op in ("conv", "transposed"):
        return KERNELS[params.kernel]
    return None


def kernel_for(params: Params) -> tuple[np.ndarray, str, str]:
    """(weights, title, what it does): a library kernel at 3×3, else k×k ones."""
    kernel = library_kernel(params)
    if kernel is not None:
        return kernel.weights, kernel.title, kernel.detects
    k = max(params.k, 0)
    return np.ones((k, k), dtype=np.int64), "ones", "Ones add up the window (no library kernel has this size)."


class TooBig(ValueError):
    """Settings the engine accepts but the board cannot draw (nor keep every step of)."""


#: The widest grid the board draws: 40 cells is 120 columns at the smallest scale. A transposed
#: convolution keeps a canvas per paint, so this also bounds the memory a trace takes.
MAX_SIDE = 40


def playground_sweep(params: Params) -> scenes.ConvSweep | scenes.TransposedSweep | scenes.PoolSweep:
    """The sweep for these settings; the engine's ValueError passes through untouched."""
    # The engine's own size check first, so an impossible setting gets its reason, not ours.
    if params.op == "transposed":
        transposed_output_size(params.i, params.k, params.p, params.s, params.d, params.a)
        side, what = transposed_output_size(params.i, params.k, 0, params.s, params.d, params.a), "canvas"
    elif params.op == "conv":
        conv_output_shape(params.i, params.k, params.padding, params.s, params.d)
        (before, after), _ = conv_padding(params.padding, params.k, params.s, params.d)
        side, what = params.i + before + after, "padded input"
    else:
        pool_output_size(params.i, params.k, params.s, params.p)
        side, what = params.i + 2 * params.p, "padded input"
    if side > MAX_SIDE:
        raise TooBig(
            f"the {what} would be {side}×{side} cells, more than the {MAX_SIDE}×{MAX_SIDE} the board draws; "
            f"make i, k, p, s or d smaller"
        )
    x = input_for(params)
    if params.op == "conv":
        w, _, _ = kernel_for(params)  # its name is on the line above the board
        trace = conv2d_trace(x, w, padding=params.padding, stride=params.s, dilation=params.d)
        formula = scenes.conv_formula(params.i, params.k, params.padding, params.s, params.d)
        kernel = library_kernel(params)
        scaled = (kernel.numerators, kernel.divisor) if kernel is not None and kernel.divisor != 1 else None
        return scenes.ConvSweep(trace, formula, scaled=scaled)
    if params.op == "transposed":
        w, _, _ = kernel_for(params)
        scatter = conv_transpose2d_trace(
            x, w, padding=params.p, stride=params.s, dilation=params.d, output_padding=params.a
        )
        formula = scenes.transposed_formula(params.i, params.k, params.p, params.s, params.d, params.a)
        return scenes.TransposedSweep(scatter, formula)
    pool = max_pool2d_trace if params.op == "maxpool" else avg_pool2d_trace
    pooled = pool(x, params.k, stride=params.s, padding=params.p)
    return scenes.PoolSweep(pooled, scenes.pool_formula(params.i, params.k, params.p, params.s))


def formula_text(params: Params) -> str:
    """The size formula with the numbers in, for when the engine refuses the settings."""
    p = params.padding
    if params.op == "conv":
        return (
            f"o = ⌊(i + 2p − d·(k−1) − 1) / s⌋ + 1 with i={params.i}, k={params.k}, p={p}, s={params.s}, d={params.d}"
        )
    if params.op == "transposed":
        return (
            f"o = (i−1)·s − 2p + d·(k−1) + a + 1 with i={params.i}, k={params.k}, p={p}, s={params.s}, "
            f"d={params.d}, a={params.a}"
        )
    return f"o = ⌊(i + 2p − k) / s⌋ + 1 with i={params.i}, k={params.k}, p={p}, s={params.s}"


def keys_line(params: Params) -> str:
    """The parameter keys that change something for this operation (the rest are in the help)."""
    nudged = "i/I k/K p/P s/S" + {"conv": " d/D", "transposed": " d/D a/A"}.get(params.op, "")
    keys = [f"{nudged}: −/+"]
    if params.op == "conv":
        keys.append("m pad mode")
    keys.append("t op")
    if params.op in ("conv", "transposed"):
        keys.append("c kernel")
    keys.append("x image")
    if params.op == "transposed":
        keys.append("v view")  # scatter or zero-insertion: only a transposed sweep has two views
    keys.append("f photos")
    return " · ".join(keys)


def next_kernel(params: Params, delta: int) -> Params:
    """The next library kernel; choosing one brings k back to the library's size."""
    index = (KERNEL_NAMES.index(params.kernel) + delta) % len(KERNEL_NAMES)
    return replace(params, kernel=KERNEL_NAMES[index], k=LIBRARY_SIDE)


def next_image(params: Params, delta: int) -> Params:
    index = (IMAGE_NAMES.index(params.image) + delta) % len(IMAGE_NAMES)
    return replace(params, image=IMAGE_NAMES[index])


class PlaygroundPlayer(SweepPlayer):
    """The sweep player whose `p` is the playground's padding (← still steps back): the focused
    player's bindings come before the screen's."""

    BINDINGS = [Binding("p", "screen.nudge('p', -1)", "p−", show=False)]


class PlaygroundScreen(Screen[None]):
    """Reachable from the home screen and `convquest playground`."""

    TITLE = "Playground"
    HELP_NAME = "playground"
    # The parameter keys stay out of the footer (twelve of them would crowd it); the help lists them.
    HELP_EXTRA = (
        ("i / I", "input smaller / larger"),
        ("k / K", "kernel smaller / larger"),
        ("p / P", "padding less / more"),
        ("m", "padding mode: number, valid, same, full"),
        ("s / S", "stride smaller / larger"),
        ("d / D", "dilation smaller / larger"),
        ("a / A", "output padding (transposed) less / more"),
        ("t", "operation: conv, transposed, max pool, avg pool"),
        ("c / C", "next / previous kernel from the library"),
        ("x / X", "next / previous image"),
        ("→ / ←", "step the window (n steps too; p is padding here)"),
        ("home / end", "first / last step"),
        ("g", "go to an output cell: type row,col then enter"),
        ("v", "transposed: scatter or zero-insertion view"),
        ("f", "Photo lab: a kernel on a photograph, and learning one"),
        ("1", "1-D: a sequence, causal padding, a dilated stack"),
        ("o", "your own network: type a stack, see every layer's shape, params, multiply-adds"),
        ("q / esc", "leave the playground"),
        ("click", "a cell of the output jumps there"),
    )

    # Not priority: a priority key runs as it arrives, before the keys typed ahead of it (`end I`
    # in one read tuned i before the window went to the end), and even while `g` takes digits. No
    # text box is focused here; the player's one clashing key, `p`, it hands to the screen.
    BINDINGS = [
        Binding("i", "nudge('i', -1)", "i−", show=False),
        Binding("I", "nudge('i', 1)", "i+", show=False),
        Binding("k", "nudge('k', -1)", "k−", show=False),
        Binding("K", "nudge('k', 1)", "k+", show=False),
        Binding("p", "nudge('p', -1)", "p−", show=False),
        Binding("P", "nudge('p', 1)", "p+", show=False),
        Binding("s", "nudge('s', -1)", "s−", show=False),
        Binding("S", "nudge('s', 1)", "s+", show=False),
        Binding("d", "nudge('d', -1)", "d−", show=False),
        Binding("D", "nudge('d', 1)", "d+", show=False),
        Binding("a", "nudge('a', -1)", "a−", show=False),
        Binding("A", "nudge('a', 1)", "a+", show=False),
        # m, t, c and x are on the key line above the footer, which has room only for the
        # player's keys, leaving and help at 80 columns.
        Binding("m", "pad_mode", "Pad mode", show=False),
        Binding("t", "op", "Operation", show=False),
        Binding("c", "kernel(1)", "Kernel", show=False),
        Binding("C", "kernel(-1)", "Kernel", show=False),
        Binding("x", "image(1)", "Image", show=False),
        Binding("X", "image(-1)", "Image", show=False),
        Binding("f", "photo_lab", "Photo lab", show=False),
        Binding("1", "sequences", "1-D", show=False),
        Binding("o", "stack", "Own network", show=False),
        # q leaves this screen, as on the lesson and level screens, rather than the whole game.
        Binding("escape,q", "leave", "Leave", key_display="esc"),
    ]

    def __init__(self, params: Params | None = None) -> None:
        super().__init__()
        self.params = params or Params()
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        yield TextLines(id="pg-params", lines=3, wrap=True)
        error = Static("", id="pg-error", markup=False)
        error.display = False
        yield error
        yield PlaygroundPlayer(id="pg-player")
        yield TextLines(id="pg-keys")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(SweepPlayer).focus()
        self.rebuild()

    # -- state → screen ---------------------------------------------------------------------

    def rebuild(self) -> None:
        params = self.params
        player = self.query_one(SweepPlayer)
        error = self.query_one("#pg-error", Static)
        line = params.summary()
        if params.op != "conv" and params.mode is not None:
            line += f" (pad mode {params.mode} is for convolution)"
        _, kernel_title, detects = kernel_for(params)
        line += f"  · image {IMAGES[params.image].title}"
        second = f"kernel {kernel_title}: {detects}" if params.op in ("conv", "transposed") else ""
        call = torch_call(params.op, params.k, params.padding, params.s, params.d, params.a)
        self.query_one("#pg-params", TextLines).text = f"{line}\n{second}\nPyTorch: {call} · o: your own network"
        self.query_one("#pg-keys", TextLines).text = keys_line(params)
        try:
            sweep = playground_sweep(params)
        except ValueError as exc:
            # The engine refused: its sentence is the lesson, so it replaces the board.
            self.error = str(exc)
            lead = "Too big to draw" if isinstance(exc, TooBig) else "Not possible"
            error.update(f"{lead}: {exc}\n\n{formula_text(params)}\n\nChange a value to get a board back.")
            if not error.display:  # changing `display` re-lays-out the screen: only when it flips
                error.display, player.display = True, False
            player.load(None)
            return
        self.error = None
        if error.display:
            error.display, player.display = False, True
        player.load(sweep)
        if self.focused is None:
            player.focus()

    # -- actions ----------------------------------------------------------------------------

    def action_nudge(self, name: str, delta: int) -> None:
        lo, hi = LIMITS[name]
        value = max(lo, min(getattr(self.params, name) + delta, hi))
        changes: dict[str, Any] = {name: value}
        if name == "p":
            changes["mode"] = None  # typing a number leaves the named modes
        self.params = replace(self.params, **changes)
        self.rebuild()

    def action_pad_mode(self) -> None:
        modes = PAD_MODES
        self.params = replace(self.params, mode=modes[(modes.index(self.params.mode) + 1) % len(modes)])
        self.rebuild()

    def action_op(self) -> None:
        self.params = replace(self.params, op=OPS[(OPS.index(self.params.op) + 1) % len(OPS)])
        self.rebuild()

    def action_kernel(self, delta: int) -> None:
        self.params = next_kernel(self.params, delta)
        self.rebuild()

    def action_image(self, delta: int) -> None:
        self.params = next_image(self.params, delta)
        self.rebuild()

    def action_photo_lab(self) -> None:
        from convquest.ui.screens.photo_lab import PhotoLabScreen

        self.app.push_screen(PhotoLabScreen())

    def action_sequences(self) -> None:
        from convquest.ui.board.sequence import SequencePlaygroundScreen

        self.app.push_screen(SequencePlaygroundScreen())

    def action_stack(self) -> None:
        self.app.push_screen(StackScreen())

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()


class PlaygroundApp(ConvQuestApp):
    """The playground on its own (`convquest playground`): the game's help, settings, too-small
    guard and lock-down, with no levels. Without a store, settings live for this run only."""

    TITLE = "ConvQuest playground"

    def __init__(self, params: Params | None = None, *, store: Store | None = None) -> None:
        from convquest.levels.model import Curriculum
        from convquest.store import Store

        super().__init__(curriculum=Curriculum(chapters=()), store=store or Store.in_memory())
        self._params = params

    def get_default_screen(self) -> PlaygroundScreen:
        return PlaygroundScreen(self._params)
