"""A tiny network, trained here: the engine's TinyNet learns four shapes in a few seconds, then
shows its first layer's kernels and one picture's feature maps through both conv layers.

Training runs in a worker thread so the screen stays responsive; what the kernels look like is
whatever this run learned, so the screen names what it shows and claims nothing about it.
"""

from __future__ import annotations

import time

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from convquest.engine.tiny_net import CLASSES, FILTERS, Trained, shapes, train
from convquest.ui.widgets.key_footer import KeyFooter
from convquest.ui.widgets.picture import Picture

SHOWN = 40
"""Held-out pictures the player can step through."""


class NetworkScreen(Screen[None]):
    """Reached from "Learning the kernel" (`c`)."""

    HELP_NAME = "a tiny network"
    HELP_EXTRA = (
        ("", "Kernels and feature maps: grey is 0, blue below, orange above."),
        ("", "The network: conv 3×3 ×4, max pool 2, conv 3×3 ×8, max pool 2, dense → 4 shapes."),
    )

    DEFAULT_CSS = """
    NetworkScreen #net-status { height: 2; }
    NetworkScreen .net-label { height: 1; }
    NetworkScreen #net-kernels, NetworkScreen #net-conv2 { height: 4; }
    NetworkScreen #net-conv1 { height: 7; }
    NetworkScreen .net-row Picture { width: 9; height: 100%; margin-right: 1; }
    NetworkScreen #net-conv1 Picture { width: 13; }
    NetworkScreen #net-input { width: 15; height: 7; margin-right: 2; }
    NetworkScreen #net-verdict { height: 2; }
    """

    BINDINGS = [
        Binding("n", "picture(1)", "Next picture"),
        Binding("p", "picture(-1)", "Previous"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.trained: Trained | None = None
        self.pictures, self.labels = shapes(SHOWN, seed=1)  # the held-out set's first pictures
        self.at = 0

    def compose(self) -> ComposeResult:
        yield Static("Training a tiny network on 1200 generated shapes…", id="net-status", markup=False)
        yield Static("its first layer's 4 kernels, 3×3", classes="net-label", markup=False)
        with Horizontal(id="net-kernels", classes="net-row"):
            for n in range(FILTERS[0]):
                yield Picture(id=f"net-kernel-{n}", signed=True)
        yield Static("a picture it never saw, and what each conv1 filter makes of it (12×12)", classes="net-label")
        with Horizontal(id="net-conv1", classes="net-row"):
            yield Picture(id="net-input")
            for n in range(FILTERS[0]):
                yield Picture(id=f"net-conv1-{n}", signed=True)
        yield Static("conv2's 8 feature maps (4×4), from the pooled conv1 maps", classes="net-label", markup=False)
        with Horizontal(id="net-conv2", classes="net-row"):
            for n in range(FILTERS[1]):
                yield Picture(id=f"net-conv2-{n}", signed=True)
        with Vertical():
            yield Static(id="net-verdict", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#net-input", Picture).show(self.pictures[0, 0])
        self.run_training()

    @work(thread=True, exclusive=True)
    def run_training(self) -> None:
        start = time.perf_counter()
        trained = train()
        seconds = time.perf_counter() - start
        self.app.call_from_thread(self.trained_in, trained, seconds)

    def trained_in(self, trained: Trained, seconds: float) -> None:
        self.trained = trained
        self.query_one("#net-status", Static).update(
            f"Trained here in {seconds:.1f} s: {len(trained.losses)} passes over 1200 generated shapes, "
            f"loss {trained.losses[0]:.2f} → {trained.losses[-1]:.3f}. "
            f"Right on {trained.test_accuracy:.1%} of 400 shapes it never saw."
        )
        for n, kernel in enumerate(trained.net.w1[:, 0]):
            self.query_one(f"#net-kernel-{n}", Picture).show(kernel, signed=True)
        self.rebuild()

    def rebuild(self) -> None:
        picture = self.pictures[self.at : self.at + 1]
        self.query_one("#net-input", Picture).show(picture[0, 0])
        if self.trained is None:
            return
        layers = self.trained.net.layers(picture)
        conv1, conv2 = layers["conv1"][0], layers["conv2"][0]
        # One scale per layer, so the maps of a layer can be compared with each other.
        for name, maps in (("conv1", conv1), ("conv2", conv2)):
            span = float(np.abs(maps).max()) or 1.0
            for n, feature_map in enumerate(maps):
                self.query_one(f"#net-{name}-{n}", Picture).show(feature_map, signed=True, limits=(-span, span))
        scores = layers["scores"][0]
        chances = np.exp(scores - scores.max())
        chances /= chances.sum()
        guess, truth = int(scores.argmax()), int(self.labels[self.at])
        mark = "✓" if guess == truth else "✗"
        self.query_one("#net-verdict", Static).update(
            f"picture {self.at + 1} of {SHOWN}: a {CLASSES[truth]}. {mark} The network says {CLASSES[guess]} "
            f"({chances[guess]:.0%}).\nAfter ReLU, maps are 0 or above. conv1's key: "
            + self.query_one("#net-conv1-0", Picture).legend()
        )

    def action_picture(self, delta: int) -> None:
        self.at = (self.at + delta) % SHOWN
        self.rebuild()
