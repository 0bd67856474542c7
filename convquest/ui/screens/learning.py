"""Learning the kernel: gradient descent finds Sobel x again from a photograph and its edge map.

The engine's fit_kernel starts from a kernel of zeros and steps against the gradient of the mean
squared error between conv2d(photo, kernel) and the target, conv2d(photo, Sobel x). The screen
plays the steps back: the nine weights moving, the way each moves next (against its gradient's
sign), the loss falling on a chart of plain characters, and the feature map the kernel makes now
beside the target. `r` changes the learning rate: below twice the stable rate the loss falls
(slowly: a photograph's neighbouring pixels are alike, so some weight combinations barely change
the loss and take many steps to find); above it, the loss grows without bound.

Every step is computed by the engine once, when the photograph or rate changes; playing only
moves through them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from convquest.engine import KERNELS, PHOTOS, FitStep, conv2d, fit_kernel, stable_rate
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.picture import Picture

STEPS = 1000
RATES = (0.5, 1.0, 1.9, 2.1)
"""Multiples of the stable rate the player can pick: slow, stable, on the edge, diverging."""
SPEEDS = (1, 5, 10, 25, 50)
"""Steps shown per tick while playing."""
TICK = 0.1
TARGET = "sobel_x"
BARS = " ▁▂▃▄▅▆▇█"


@dataclass(frozen=True, eq=False)
class Run:
    """One run of gradient descent on a photograph: the input (pixels / 255), the target, the
    rate and every step fit_kernel returned."""

    photo: str
    multiple: float
    rate: float
    x: NDArray[np.float64]
    target: NDArray[np.float64]
    steps: list[FitStep]


def make_run(photo: str, multiple: float) -> Run:
    x = PHOTOS[photo].pixels / 255
    target = np.asarray(conv2d(x, KERNELS[TARGET].weights), dtype=np.float64)
    rate = multiple * stable_rate(x, 3)
    return Run(photo, multiple, rate, x, target, fit_kernel(x, target, 3, steps=STEPS, lr=rate))


def loss_chart(losses: list[float], upto: int, width: int, height: int) -> list[str]:
    """The losses on a log scale as columns, `height` rows of `width` characters, the whole run
    across the width (a column for each few steps, showing the last of them) and drawn up to step
    `upto`, so the chart grows as the steps play; a loss too large to draw is a full column with
    ! on top."""
    count = len(losses)
    ends = [min(count, (c + 1) * count // width) - 1 for c in range(width)]
    finite = [v for v in losses if math.isfinite(v) and v > 0]
    top = math.log10(max(finite)) if finite else 0.0
    bottom = min(math.log10(min(finite)) if finite else 0.0, top - 1)  # a flat run is no cliff
    heights: list[int | None] = []  # eighths of a row, None where nothing is drawn yet
    for c, end in enumerate(ends):
        if end < 0 or c * count // width > upto:
            heights.append(None)
            continue
        value = losses[min(end, upto)]
        if not math.isfinite(value):
            heights.append(-1)
        else:
            level = (math.log10(value) - bottom) / (top - bottom) if value > 0 else 0.0
            heights.append(round(min(max(level, 0.0), 1.0) * height * 8))
    rows = []
    for row in range(height):
        floor = (height - 1 - row) * 8  # eighths below this row
        cells = []
        for h in heights:
            if h is None:
                cells.append(" ")
            elif h < 0:
                cells.append("!" if row == 0 else "█")
            else:
                cells.append(BARS[min(max(h - floor, 0), 8)])
        rows.append("".join(cells))
    return rows


def moves(grad: NDArray[np.float64]) -> list[str]:
    """Which way each weight moves on the next step: against its gradient (↑ up, ↓ down, · still)."""
    # Seven characters a weight, as in kernel_lines, the arrow under the weight's units.
    return ["".join(f"{'↑' if g < 0 else '↓' if g > 0 else '·':>5}  " for g in row).rstrip() for row in grad]


def kernel_lines(kernel: NDArray[np.float64], target: NDArray[np.float64]) -> list[str]:
    """The kernel's weights beside the target's, row by row."""
    # A diverging run's weights outgrow two decimals; powers of ten keep the table's columns.
    return [
        "".join(f"{v:7.2f}" if abs(v) < 100 else f"{v:7.0e}" for v in row) + "   " + "".join(f"{v:3g}" for v in goal)
        for row, goal in zip(kernel, target)
    ]


class LearningScreen(Screen[None]):
    """Reached from the photo lab (`l`)."""

    HELP_NAME = "learning the kernel"
    HELP_EXTRA = (
        ("← / →", "one step back / on"),
        ("home / end", "the start / the last step"),
        ("+ / −", "play faster / slower"),
        ("P", "previous photograph"),
        ("", "Each step moves every weight against its gradient: ↑ where the gradient is negative."),
        ("", "The rate r is a multiple of the stable one; above 2× the loss grows."),
    )

    DEFAULT_CSS = """
    LearningScreen #learn-title { height: 2; }
    LearningScreen #learn-top { height: 10; }
    LearningScreen #learn-weights { width: 35; height: 10; }
    LearningScreen #learn-chart { width: 1fr; height: 10; }
    LearningScreen #learn-pictures { height: 1fr; }
    LearningScreen .learn-column { width: 1fr; margin-right: 1; }
    LearningScreen .learn-column Picture { width: 1fr; height: 1fr; }
    LearningScreen .learn-label { height: 1; }
    """

    BINDINGS = [
        Binding("space", "play", "Play/pause"),
        Binding("right,n", "step(1)", "Step", key_display="→"),
        Binding("left", "step(-1)", "Back", key_display="←", show=False),
        Binding("home", "jump(0)", "Start", show=False),
        Binding("end", "jump(-1)", "End", show=False),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+", show=False),
        Binding("minus", "speed(-1)", "Slower", key_display="−", show=False),
        Binding("r", "rate", "Rate"),
        Binding("p", "photo(1)", "Photo"),
        Binding("P", "photo(-1)", "Photo", show=False),
        Binding("c", "network", "A tiny CNN"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, photo: str = "camera") -> None:
        super().__init__()
        self.fit = make_run(photo, 1.0)
        self.at = 0
        self.speed = 2
        self._timer: Timer | None = None

    @property
    def playing(self) -> bool:
        return self._timer is not None

    def compose(self) -> ComposeResult:
        yield Static(id="learn-title", markup=False)
        with Horizontal(id="learn-top"):
            yield Static(id="learn-weights", markup=False)
            yield Static(id="learn-chart", markup=False)
        with Horizontal(id="learn-pictures"):
            with Vertical(classes="learn-column"):
                yield Static("the kernel now makes", classes="learn-label", markup=False)
                yield Picture(id="learn-now", signed=True)
            with Vertical(classes="learn-column"):
                yield Static("the target: Sobel x", classes="learn-label", markup=False)
                yield Picture(id="learn-target", signed=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.rebuild()

    def on_resize(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        run, step = self.fit, self.fit.steps[self.at]
        photo = PHOTOS[run.photo]
        first = run.steps[0].loss
        state = "playing" if self.playing else "paused"
        self.query_one("#learn-title", Static).update(
            f"Learning the kernel · {photo.title} ({photo.credit})\n"
            f"step {self.at} of {STEPS} · {state}, {SPEEDS[self.speed]} a tick · "
            f"rate {run.multiple:g} × stable = {run.rate:.3g}" + (", too large" if step.loss > first else "")
        )
        ratio = step.loss / first if first else 0.0
        weights = [
            f"{'kernel now':<24}{KERNELS[TARGET].title}",
            *kernel_lines(step.kernel, KERNELS[TARGET].weights),
            "next move" if self.at < STEPS else "last step",
            *(moves(step.grad) if self.at < STEPS else []),
        ]
        self.query_one("#learn-weights", Static).update("\n".join(weights))
        chart = self.query_one("#learn-chart", Static)
        width = max(10, chart.size.width or 40)
        loss_line = f"loss {step.loss:.3g} = {ratio:.2g} × the start" if math.isfinite(step.loss) else "loss: ∞"
        rows = loss_chart([s.loss for s in run.steps], self.at, width, 8)
        chart.update("\n".join([loss_line, *rows, f"log scale, steps 0 to {STEPS}"]))
        span = float(np.abs(run.target).max())
        now = np.asarray(conv2d(run.x, step.kernel), dtype=np.float64)
        if not np.all(np.isfinite(now)):
            now = np.nan_to_num(now, nan=0.0, posinf=span, neginf=-span)
        self.query_one("#learn-now", Picture).show(now, signed=True, limits=(-span, span))
        self.query_one("#learn-target", Picture).show(run.target, signed=True, limits=(-span, span))

    def _go(self, at: int) -> None:
        self.at = min(max(at, 0), STEPS)
        if self.at == STEPS:
            self._stop()
        self.rebuild()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _tick(self) -> None:
        self._go(self.at + SPEEDS[self.speed])

    def action_play(self) -> None:
        if self.playing:
            self._stop()
        else:
            if self.at == STEPS:
                self.at = 0
            self._timer = self.set_interval(TICK, self._tick)
        self.rebuild()

    def action_step(self, delta: int) -> None:
        self._stop()
        self._go(self.at + delta)

    def action_jump(self, at: int) -> None:
        self._stop()
        self._go(STEPS if at < 0 else at)

    def action_speed(self, delta: int) -> None:
        self.speed = min(max(self.speed + delta, 0), len(SPEEDS) - 1)
        self.rebuild()

    def _restart(self, photo: str, multiple: float) -> None:
        self._stop()
        self.fit = make_run(photo, multiple)
        self._go(0)

    def action_rate(self) -> None:
        self._restart(self.fit.photo, RATES[(RATES.index(self.fit.multiple) + 1) % len(RATES)])

    def action_photo(self, delta: int) -> None:
        names = tuple(PHOTOS)
        self._restart(names[(names.index(self.fit.photo) + delta) % len(names)], self.fit.multiple)

    def action_network(self) -> None:
        from convquest.ui.screens.network import NetworkScreen

        self._stop()
        self.app.push_screen(NetworkScreen())
