"""`SweepPlayer`: the board plus the controls that move the window (step, play, speed, jump).

The player owns a step number and nothing else; what the board shows at that step comes from the
`Sweep` (built from engine traces in `scenes.py`). Playing runs one interval timer; pausing,
reaching the end or leaving the screen stops it, so a paused board costs no CPU. With
`TEXTUAL_ANIMATIONS=none` (or the "off" speed setting) nothing is timer-driven: space jumps
straight to the finished picture and the arrows still step.
"""

from __future__ import annotations

import textwrap
from typing import Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.geometry import Size
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from convquest.ui.board.render import Scene
from convquest.ui.board.widget import Board

#: Steps per second the player can run at; the settings' speed picks the starting one.
SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
SETTING_SPEED = {"slow": 1.0, "normal": 2.0, "fast": 4.0}


class Sweep(Protocol):
    """A finished computation seen one step at a time."""

    @property
    def views(self) -> tuple[str, ...]: ...  # e.g. ("scatter", "equivalent"); one for most ops

    def count(self, view: str) -> int: ...  # number of steps; the last one is the finished picture

    def scene(self, step: int, view: str) -> Scene: ...

    def step_for(self, grid: str, row: int, col: int, view: str) -> int | None: ...  # a clicked cell

    def describe(self, step: int, view: str) -> str: ...  # one line: what happens at this step


class TextLines(Static):
    """A fixed number of lines of plain text, cut with "…" when too long; with `wrap`, each line
    instead wraps at words onto as many rows as it needs (at least `lines` rows in all).

    `Static.update` re-lays-out the whole screen; these lines only repaint themselves, which is
    most of what a step or a parameter change costs otherwise, and re-lay-out only when `wrap`
    changes how many rows they take. (A Static, for its auto height.)"""

    text: reactive[str] = reactive("", layout=False)

    def __init__(
        self, text: str = "", *, lines: int = 1, wrap: bool = False, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self._lines = lines
        self._wrap = wrap
        self.set_reactive(TextLines.text, text)

    def _rows(self, width: int, text: str | None = None) -> list[str]:
        rows = (self.text if text is None else text).split("\n")[: self._lines]
        if not self._wrap or width <= 0:
            return rows
        wrapped = [part for row in rows for part in (textwrap.wrap(row, width, subsequent_indent="  ") or [""])]
        return wrapped + [""] * (self._lines - len(wrapped))

    def watch_text(self, old: str, new: str) -> None:
        width = self.content_size.width
        if self._wrap and len(self._rows(width, old)) != len(self._rows(width, new)):
            self.refresh(layout=True)

    def render(self) -> Text:
        rows = self._rows(self.content_size.width)
        return Text("\n".join(rows), no_wrap=True, overflow="ellipsis", end="")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows(width))


class SweepPlayer(Vertical, can_focus=True):
    """The board, a status line, and the keys that drive the sweep."""

    DEFAULT_CSS = """
    SweepPlayer {
        height: 1fr;
    }
    SweepPlayer > Board {
        height: 1fr;
    }
    SweepPlayer > .board-status {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    SweepPlayer:focus > .board-status {
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("right,n", "step(1)", "Step", key_display="→"),
        Binding("left,p", "step(-1)", "Back", key_display="←"),
        Binding("space", "play", "Play/pause"),
        Binding("plus,equals_sign", "speed(1)", "Faster", key_display="+"),
        Binding("minus", "speed(-1)", "Slower", key_display="−"),
        Binding("home", "jump(0)", "Start", show=False),
        Binding("end", "jump(-1)", "End", show=False),
        Binding("v", "view", "View", show=False),
        Binding("g", "goto", "Go to cell", show=False),
    ]

    def __init__(self, sweep: Sweep | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._sweep = sweep
        self.step = 0
        self.view = sweep.views[0] if sweep is not None else ""
        self.speed = 2.0
        self._timer: Timer | None = None
        self._goto: str | None = None  # digits typed after `g`, or None when not asking
        self._ready = False  # set in on_mount; `is_mounted` only turns true after it returns

    def compose(self) -> ComposeResult:
        # The status line is the board's caption: step, speed and what the window just did.
        yield TextLines(id="board-status", classes="board-status")
        yield Board(id="board", classes="board")

    @property
    def board(self) -> Board:
        return self.query_one(Board)

    @property
    def sweep(self) -> Sweep | None:
        return self._sweep

    @property
    def playing(self) -> bool:
        return self._timer is not None

    @property
    def animations_off(self) -> bool:
        return self.app.animation_level == "none"

    def on_mount(self) -> None:
        setting = getattr(self.app, "animation_speed", "normal")
        self.speed = SETTING_SPEED.get(setting, 2.0)
        self._ready = True
        self._draw()

    def on_unmount(self) -> None:
        self._stop()

    # -- what to show -----------------------------------------------------------------------

    def load(self, sweep: Sweep | None, *, keep_step: bool = True) -> None:
        """Show another sweep (the playground calls this on every parameter change); the step
        is kept where it still exists so the window stays put while a parameter is tuned."""
        self._sweep = sweep
        if sweep is None:
            self._stop()
            self.step = 0
        else:
            if self.view not in sweep.views:
                self.view = sweep.views[0]
            self.step = min(self.step, sweep.count(self.view) - 1) if keep_step else 0
        self._draw()

    def _draw(self) -> None:
        if not self._ready:
            return
        sweep = self._sweep
        if sweep is None:
            self.board.show(Scene(()))
            self._status("")
            return
        self.board.show(sweep.scene(self.step, self.view))
        self._status(self._status_text())

    def _status_text(self) -> str:
        sweep = self._sweep
        assert sweep is not None
        if self._goto is not None:
            return f"go to cell (row,col): {self._goto}_   enter to jump, escape to cancel"
        if self.animations_off:
            mode = "(animations off)"
        elif self.playing:
            mode = f"▶ {self.speed:g}/s"
        else:
            mode = f"‖ {self.speed:g}/s"
        views = f" · {self.view} (v)" if len(sweep.views) > 1 else ""
        total = sweep.count(self.view)
        return f"step {self.step + 1}/{total} {mode}{views} · {sweep.describe(self.step, self.view)}"

    def _status(self, text: str) -> None:
        self.query_one("#board-status", TextLines).text = text

    # -- actions ----------------------------------------------------------------------------

    def go(self, step: int) -> None:
        if self._sweep is None:
            return
        self.step = max(0, min(step, self._sweep.count(self.view) - 1))
        self._draw()

    def action_step(self, delta: int) -> None:
        self._stop()
        self.go(self.step + delta)

    def action_jump(self, where: int) -> None:
        self._stop()
        if self._sweep is not None:
            self.go(where if where >= 0 else self._sweep.count(self.view) + where)

    def action_play(self) -> None:
        sweep = self._sweep
        if sweep is None:
            return
        if self.playing:
            self._stop()
            self._draw()
            return
        if self.animations_off:
            self.go(sweep.count(self.view) - 1)
            return
        if self.step >= sweep.count(self.view) - 1:
            self.step = 0  # play from the start again rather than doing nothing
        self._start()
        self._draw()

    def action_speed(self, delta: int) -> None:
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.speed))
        self.speed = SPEEDS[max(0, min(index + delta, len(SPEEDS) - 1))]
        if self.playing:
            self._stop()
            self._start()
        self._draw()

    def action_view(self) -> None:
        sweep = self._sweep
        if sweep is None or len(sweep.views) < 2:
            return
        self.view = sweep.views[(sweep.views.index(self.view) + 1) % len(sweep.views)]
        self.step = min(self.step, sweep.count(self.view) - 1)
        self._draw()

    def action_goto(self) -> None:
        self._stop()
        self._goto = ""
        self._draw()

    def on_key(self, event: Key) -> None:
        if self._goto is None:
            return
        event.stop()
        event.prevent_default()
        if event.key == "escape":
            self._goto = None
        elif event.key == "enter":
            self._finish_goto(self._goto)
            self._goto = None
        elif event.key == "backspace":
            self._goto = self._goto[:-1]
        elif event.character and (event.character.isdigit() or event.character in ", "):
            self._goto += event.character
        self._draw()

    def _finish_goto(self, typed: str) -> None:
        parts = [p for p in typed.replace(",", " ").split() if p]
        if len(parts) != 2 or self._sweep is None:
            self.app.bell()
            return
        row, col = int(parts[0]), int(parts[1])
        # "output" for a sweep over output cells; the scatter view walks input cells instead.
        target = self._sweep.step_for("output", row, col, self.view)
        if target is None:
            target = self._sweep.step_for("input", row, col, self.view)
        if target is None:
            self.app.bell()
        else:
            self.step = target

    def on_board_cell_clicked(self, event: Board.CellClicked) -> None:
        if self._sweep is None:
            return
        target = self._sweep.step_for(event.grid, event.row, event.col, self.view)
        if target is not None:
            self._stop()
            self.go(target)

    # -- the timer --------------------------------------------------------------------------

    def _start(self) -> None:
        self._timer = self.set_interval(1 / self.speed, self._tick, name="board-play")

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _tick(self) -> None:
        sweep = self._sweep
        if sweep is None or self.step >= sweep.count(self.view) - 1:
            self._stop()
            self._draw()
            return
        self.step += 1
        if self.step >= sweep.count(self.view) - 1:
            self._stop()  # the last frame is drawn, then nothing runs until a key
        self._draw()
