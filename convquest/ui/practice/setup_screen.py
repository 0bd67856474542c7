"""Choosing what to practise, or how long an exam is, before starting it from the home screen.

The command line says the same with --topic/--questions/--minutes; this screen only collects the
choices and hands them to open_practice/open_exam, which check them like the CLI does.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalGroup, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, SelectionList, Static

from convquest.ui.game import game
from convquest.ui.widgets.key_footer import KeyFooter

KIND_NAMES = {
    "predict-size": "predict-size — output sizes: padding, stride, dilation, transposed",
    "fill-cells": "fill-cells — feature-map values by hand",
    "match-kernel": "match-kernel — which kernel makes the target",
    "receptive-field": "receptive-field — which inputs an output sees",
    "count-params": "count-params — conv layer vs dense layer",
    "sequence-size": "sequence-size — 1-D lengths: causal, transposed, ceil_mode",
    "sequence-fill": "sequence-fill — causal windows, reflect borders, upsampling",
    "dilated-stack": "dilated-stack — WaveNet's receptive field, layer by layer",
    "volume": "volume — channels: shapes, 1×1, groups, depthwise, separable",
    "count-macs": "count-macs — multiply-adds of a layer and a network",
    "fill-volume": "fill-volume — a 2- or 3-channel layer by hand",
    "learn-kernel": "learn-kernel — gradient descent: downhill, the rate, a hidden kernel",
}


class SetupScreen(Screen[None]):
    HELP_NAME = "practice setup"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+s", "start", "Start", priority=True),
    ]

    def __init__(self, mode: str) -> None:
        super().__init__()
        if mode not in ("practice", "exam"):
            raise ValueError(f"mode must be 'practice' or 'exam', not {mode!r}")
        self.mode = mode

    def compose(self) -> ComposeResult:
        from convquest.engine.problems import KINDS

        title = (
            "Practice: problems without end, what you miss comes back sooner"
            if self.mode == "practice"
            else "Mock exam: a timed paper, marked when you hand it in"
        )
        yield Static(title, id="setup-title", markup=False)
        with VerticalScroll(id="setup-body"):
            yield Static("Topics (space turns one on or off):", markup=False)
            yield SelectionList[str](*[(KIND_NAMES.get(k, k), k, True) for k in KINDS], id="setup-kinds")
            if self.mode == "exam":
                with HorizontalGroup(classes="setup-row"):
                    yield Static("Questions ", classes="setup-label", markup=False)
                    yield Input("10", id="setup-questions", type="integer")
                with HorizontalGroup(classes="setup-row"):
                    yield Static("Minutes   ", classes="setup-label", markup=False)
                    yield Input("20", id="setup-minutes", type="number")
            with VerticalGroup():
                yield Static(id="setup-error", markup=False)
                yield Button("Start (ctrl+s)", id="setup-start", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#setup-kinds", SelectionList).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def _error(self, text: str) -> None:
        self.query_one("#setup-error", Static).update(f"! {text}")

    def action_start(self) -> None:
        from convquest.ui.practice import open_exam, open_practice

        kinds = list(self.query_one("#setup-kinds", SelectionList).selected)
        if not kinds:
            self._error("Choose at least one topic.")
            return
        if self.mode == "practice":
            self.app.pop_screen()
            open_practice(game(self), kinds)
            return
        try:
            questions = int(self.query_one("#setup-questions", Input).value)
            minutes = float(self.query_one("#setup-minutes", Input).value)
        except ValueError:
            self._error("Questions is a whole number and minutes a number, like 10 and 20.")
            return
        if minutes <= 0:
            self._error("The exam needs more than 0 minutes.")
            return
        try:
            from convquest.practice.exam import make_paper
            from convquest.practice.topics import fresh_seed

            paper = make_paper(fresh_seed(), questions, kinds)
        except ValueError as exc:
            self._error(str(exc))
            return
        self.app.pop_screen()
        open_exam(game(self), paper=paper, minutes=minutes)
