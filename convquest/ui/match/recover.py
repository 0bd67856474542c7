"""LearnKernelPanel: the learn-kernel kind's panel.

The gradient-sign and learning-rate levels are answered as the size levels are (PredictSizePanel:
the board of numbers, one answer box asked part by part). A recover level draws pictures on the
board instead of its params, which name the hidden kernel: the photograph and the feature map
the hidden kernel made of it, then, under them, how the loss went with the last rate tried (a
chart on a log scale, from the engine's fit_kernel steps) and, once a rate has recovered the
kernel, the weights it reached and the map they make beside the target. A wrong rate shows only
its loss: the weights it reached would point at the hidden kernel.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from textual.containers import Horizontal, Vertical
from textual.widget import AwaitMount
from textual.widgets import Static

from convquest.engine.ops import conv2d
from convquest.engine.problems.learn_kernel import RecoverKernel
from convquest.play.judge import Read, read
from convquest.ui.kinds.predict_size import PredictSizePanel
from convquest.ui.screens.learning import loss_chart
from convquest.ui.widgets.picture import Picture

if TYPE_CHECKING:
    from convquest.play.run import Feedback, ProblemRun

CHART_ROWS = 4
MIN_COLUMN = 16  # columns a picture needs to read as a photograph
PICTURE_ROWS = 12  # the most rows a picture takes on a wide board, so the run stays in view


def run_lines(problem: RecoverKernel, rate: float | None, recovered: bool, width: int) -> list[str]:
    """What the board says under the pictures: the last rate's loss chart, and the weights it
    reached once it recovered the kernel."""
    if rate is None:
        return ["No rate tried yet.", "Its loss is charted here."]
    steps = problem.run(rate)
    losses = [s.loss for s in steps]
    end = losses[-1]
    said = f"{end / losses[0]:.2g} × the start" if math.isfinite(end) else "grew without bound"
    lines = [f"rate {rate:.3g}, {problem.steps} steps:", f"loss {said}"]
    lines += loss_chart(losses, len(losses) - 1, max(10, width), CHART_ROWS)
    lines.append(f"log scale, steps 0 to {problem.steps}")
    if recovered:
        lines.append("weights reached:")
        lines += ["".join(f"{v:7.2f}" for v in row) for row in steps[-1].kernel]
    return lines


class LearnKernelPanel(PredictSizePanel):
    DEFAULT_CSS = """
    LearnKernelPanel #lk-pictures { height: auto; }
    LearnKernelPanel .lk-column { width: 1fr; height: auto; margin-right: 1; }
    LearnKernelPanel .lk-column Picture { width: 1fr; }
    LearnKernelPanel .lk-label { height: 1; }
    """

    def __init__(self, run: ProblemRun) -> None:
        super().__init__(run)
        self._rate: float | None = None  # the last rate judged (right or wrong)

    @property
    def recover(self) -> RecoverKernel | None:
        problem = self.problem
        return problem if isinstance(problem, RecoverKernel) else None

    def on_mount(self) -> None:
        super().on_mount()
        problem = self.recover
        if problem is not None:
            # The pictures go on the board above its text, which _show_board fills.
            columns = [
                Vertical(
                    Static(label, classes="lk-label", markup=False),
                    Picture(id=id, signed=signed),
                    classes="lk-column",
                    id=f"{id}-column",
                )
                for id, label, signed in (
                    ("lk-photo", "photo", False),
                    ("lk-target", "its map", True),
                    ("lk-reached", "reached", True),
                )
            ]
            mounting = self.query_one("#ps-board").mount(Horizontal(*columns, id="lk-pictures"), before=0)
            self.call_later(self._draw_when_mounted, mounting)

    async def _draw_when_mounted(self, mounting: AwaitMount) -> None:
        await mounting
        if self.is_attached:  # a level left in the same burst of keys has nothing left to draw
            self._show_board()

    def submit(self, text: str, part: int | None = None) -> Feedback:
        asked = self.part if part is None else part
        feedback = super().submit(text, part)
        if self.recover is not None and asked == 0 and feedback.kind in ("right", "wrong"):
            given = read(self.problem, text, 0)
            assert isinstance(given, Read), "a judged answer was read"
            assert isinstance(given.value, float), "a rate is read as a float"
            self._rate = given.value
            self._show_board()
        return feedback

    @property
    def _recovered(self) -> bool:
        # Part 1 (the rate) is right once the run has moved on to the kernel, or is over solved.
        return self._rate is not None and (self.part > 0 or self.run.solved)

    def _show_board(self) -> None:
        problem = self.recover
        if problem is None:
            super()._show_board()
            return
        if not self.query("#lk-photo"):
            return  # a resize before the pictures are mounted: on_mount draws them
        board = self.query_one("#ps-board")
        width = board.content_size.width or 30
        recovered = self._recovered
        span = float(np.abs(problem.target).max())
        self.query_one("#lk-photo", Picture).show(problem.x, limits=(0.0, 1.0))
        self.query_one("#lk-target", Picture).show(problem.target, signed=True, limits=(-span, span))
        reached = self.query_one("#lk-reached", Picture)
        self.query_one("#lk-reached-column").display = recovered
        if recovered and self._rate is not None:
            made = np.asarray(conv2d(problem.x, problem.run(self._rate)[-1].kernel))
            reached.show(made, signed=True, limits=(-span, span))
        # Three pictures side by side only where each keeps a readable width; else the map and
        # what the weights reached make it, the two to compare, without the photograph.
        three = width // 3 - 1 >= MIN_COLUMN
        self.query_one("#lk-photo-column").display = not recovered or three
        shown = 3 if recovered and three else 2
        # Each picture as tall as its column is wide allows, so photographs keep their shape.
        column = max(4, width // shown - 1)
        height, across = problem.x.shape
        lines = run_lines(problem, self._rate, recovered, width)
        # The run's lines stay in view under the pictures (a label row above them) where there is room.
        room = board.content_size.height - len(lines) - 1 if board.content_size.height else PICTURE_ROWS
        rows = max(3, min(PICTURE_ROWS, room, math.ceil(column * height / across / 2)))
        for picture in self.query(Picture):
            picture.styles.height = rows
        self.query_one("#ps-board-text", Static).update("\n".join(lines))

    def picture(self) -> str:
        problem = self.recover
        if problem is None:
            return super().picture()
        return "\n".join(run_lines(problem, self._rate, self._recovered, 40))
