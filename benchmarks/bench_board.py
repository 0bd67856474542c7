"""The board: key → frame in-process, and CPU in a pseudo-terminal while the window plays and idles.

Key → frame: in `App.run_test`, the time from pressing a key until the next frame that Textual
hands to the terminal has been turned into escape codes (the compositor update rendered to
segments); keys are 50 ms apart, like a fast typist's. Measured on the playground (a step of the sweep, and a parameter change that asks the
engine for a new trace) and, in the same run, on a bare app whose one Static shows a counter the
key bumps: the baseline is Textual's own cost for a key and a repaint. Goal: median ≤ 16 ms.

CPU: the playground runs as a child process on a real pseudo-terminal (80×24, animations on, the
default 2 steps/s); the child's user+system time is read from /proc/<pid>/stat over 10 s while it
plays, then 10 s paused. The bare app idling in the same way is the baseline. Goals: ≤ 10 % of
one core playing, ≤ 0.5 % idle.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from benchmarks.row import Row

KEYS = 120  # presses per measurement
PAUSE = 0.05  # seconds between presses (20 keys a second is fast typing)
WINDOW = 10.0  # seconds of CPU sampling
FRAME_GOAL_MS = 16.0
PLAY_GOAL = 10.0  # % of one core
IDLE_GOAL = 0.5

ROOT = Path(__file__).resolve().parent.parent

BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    count = 0
    def compose(self):
        yield Static("0", id="n")
    def on_key(self, event):
        self.count += 1
        self.query_one("#n", Static).update(str(self.count))

if __name__ == "__main__":
    Bare().run()
"""

PLAYGROUND_APP = """
from convquest.ui.board.playground import PlaygroundApp
PlaygroundApp().run()
"""


# -- key → frame, in process ------------------------------------------------------------------


def _frame_clock(app) -> list[float]:
    """Record when each frame has been rendered to terminal output."""
    stamps: list[float] = []
    display = app._display

    def timed(screen, renderable):
        display(screen, renderable)
        if renderable is not None:
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            stamps.append(time.perf_counter())

    app._display = timed
    return stamps


async def _key_to_frame(app, keys: list[str]) -> list[float]:
    latencies = []
    async with app.run_test(size=(80, 24)) as pilot:
        stamps = _frame_clock(app)
        await pilot.pause(0.2)
        for key in keys:
            # A pause between keys, as between a person's key presses: Textual paints on a 60 Hz
            # timer, and a key arriving right after a frame would also measure the wait for the
            # next tick, which says nothing about the board.
            await pilot.pause(PAUSE)
            seen = len(stamps)
            start = time.perf_counter()
            await pilot.press(key)
            deadline = start + 1.0
            while len(stamps) == seen and time.perf_counter() < deadline:
                await asyncio.sleep(0.0005)
            if len(stamps) > seen:
                latencies.append((stamps[seen] - start) * 1000)
    return latencies


def _bare_app():
    namespace: dict = {}
    exec(BARE_APP.replace('if __name__ == "__main__":\n    Bare().run()', ""), namespace)
    return namespace["Bare"]()


def key_to_frame_rows() -> list[Row]:
    from convquest.ui.board.playground import Params, PlaygroundApp

    steps = ["right", "left"] * (KEYS // 2)
    params = ["I", "i"] * (KEYS // 4)
    bare = asyncio.run(_key_to_frame(_bare_app(), ["x"] * KEYS))
    stepped = asyncio.run(_key_to_frame(PlaygroundApp(Params(i=7)), steps))
    tuned = asyncio.run(_key_to_frame(PlaygroundApp(Params(i=7)), params))
    base = statistics.median(bare)
    rows = []
    for name, samples in (("board step (→/←)", stepped), ("board parameter (I/i)", tuned)):
        median = statistics.median(samples)
        rows.append(
            Row(
                name=f"key → frame, {name}",
                measured=f"{median:.1f} ms median, p95 {sorted(samples)[int(len(samples) * 0.95) - 1]:.1f} ms (n={len(samples)})",
                baseline=f"{base:.1f} ms bare Static",
                ratio=median / base,
                goal=f"<= {FRAME_GOAL_MS:g} ms",
                met=median <= FRAME_GOAL_MS,
            )
        )
    return rows


# -- CPU in a pseudo-terminal -------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


class _Child:
    """A Textual app on its own pseudo-terminal, with its output drained so it never blocks."""

    def __init__(self, source: str) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
        env.pop("TEXTUAL_ANIMATIONS", None)
        env.pop("NO_COLOR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-c", source],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env=env,
            cwd=ROOT,
        )
        os.close(slave)
        self.master = master
        self.received = 0
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.received += len(data)

    def started(self, timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.received > 500:
                time.sleep(1.0)  # let start-up work finish before sampling
                return True
            time.sleep(0.05)
        return False

    def press(self, data: bytes) -> None:
        os.write(self.master, data)

    def cpu_percent(self, seconds: float) -> float:
        before = _cpu_seconds(self.process.pid)
        start = time.monotonic()
        time.sleep(seconds)
        used = _cpu_seconds(self.process.pid) - before
        return used / (time.monotonic() - start) * 100

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


def cpu_rows() -> list[Row]:
    bare = _Child(BARE_APP)
    try:
        if not bare.started():
            raise RuntimeError("the bare app did not draw on its pseudo-terminal")
        bare_idle = bare.cpu_percent(WINDOW)
    finally:
        bare.close()
    board = _Child(PLAYGROUND_APP)
    try:
        if not board.started():
            raise RuntimeError("the playground did not draw on its pseudo-terminal")
        board.press(b" ")  # play, at the default speed
        playing = board.cpu_percent(WINDOW)
        board.press(b" ")  # pause
        time.sleep(0.5)
        idle = board.cpu_percent(WINDOW)
    finally:
        board.close()
    floor = max(bare_idle, 0.01)  # a ratio against 0 would say nothing
    return [
        Row(
            "board CPU playing 2 steps/s, 10 s (pty)",
            f"{playing:.2f} % of a core",
            f"{bare_idle:.2f} % bare app idle",
            playing / floor,
            f"<= {PLAY_GOAL:g} %",
            playing <= PLAY_GOAL,
        ),
        Row(
            "board CPU paused, 10 s (pty)",
            f"{idle:.2f} % of a core",
            f"{bare_idle:.2f} % bare app idle",
            idle / floor,
            f"<= {IDLE_GOAL:g} %",
            idle <= IDLE_GOAL,
        ),
    ]


def run() -> list[Row]:
    return key_to_frame_rows() + cpu_rows()


if __name__ == "__main__":
    from benchmarks.row import format_table

    print(format_table(run()))
