"""Start-up: launch to first screen of `convquest` and of `convquest quiz --file F` against a
one-widget Textual app, and `convquest --help` against `python -c pass`.

The apps start as children on a real pseudo-terminal (80×24, TERM=xterm-256color) in the same
run, alternating, and the clock stops when the first screen's text has arrived on the PTY: the
home screen's "Progress:" line for the game, the quiz's first instruction under its first question
(the SSH benchmark's quiz), the Static's text for the bare app. The figure is the median of RUNS
launches after one warm-up launch of each (which fills the OS file cache, writes the bytecode of any
module changed since the last run, as any Python does by default, and creates the game's
progress database and the quiz's results). Goal (issue 21): the game within 1.10x of the bare app.
The quiz builds its paper with the engine (NumPy), which the bare app does not import: its row has
no goal, it shows what a quiz's fresh start costs beside the same baseline.

`convquest --help` must not import Textual (DESIGN.md); its baseline is the interpreter starting and
doing nothing. `python -X importtime -m convquest` shows where start-up time goes when the ratio
misses (see `import_profile()`).
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from benchmarks.row import Row

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("CONVQUEST_BENCH_RUNS", "7"))
STARTUP_GOAL = 1.10
SIZE = (80, 24)
DEADLINE = 60.0  # seconds: a launch that has not drawn by then is an error, not a figure
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")

BARE_MARK = "Bare app ready"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static({BARE_MARK!r})

Bare().run()
"""
GAME_MARK = "Progress:"
QUIZ_MARK = "Type your answer"


def game_argv(data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "convquest", "--data-dir", str(data_dir)]


def quiz_argv(data_dir: Path) -> list[str]:
    from benchmarks.bench_ssh import QUIZ

    quiz = data_dir / "bench-quiz.toml"
    if not quiz.exists():
        quiz.write_text(QUIZ, encoding="utf-8")
    command = ["quiz", "--file", str(quiz), "--student", "bench", "--data-dir", str(data_dir)]
    return [sys.executable, "-m", "convquest", *command]


def bare_argv() -> list[str]:
    return [sys.executable, "-c", BARE_APP]


def launch_env() -> dict[str, str]:
    """This environment as a player's launch has it. Python writes each module's bytecode on its
    first import unless told not to; under PYTHONDONTWRITEBYTECODE (some sandboxes set it) every
    launch would compile the modules changed since the last cache, which no player's second launch
    does. The warm-up launch writes them."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


class PtyChild:
    """A child on its own pseudo-terminal; `output` keeps everything it drew."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        master, slave = os.openpty()
        cols, rows = SIZE
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {**launch_env(), "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows), **(env or {})}
        full_env.pop("NO_COLOR", None)
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            cwd=ROOT,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.output = b""

    def drain(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return False
        self.output += chunk
        return bool(chunk)

    def wait_for(self, text: str, deadline: float = DEADLINE) -> float:
        """Seconds from launch until `text` has been drawn (escape sequences removed)."""
        end = time.monotonic() + deadline
        wanted = text.encode()
        while time.monotonic() < end:
            if wanted in self.output and wanted in ESCAPES.sub(b"", self.output):
                return time.perf_counter() - self.started_at
            if not self.drain(0.05) and self.process.poll() is not None:
                break
        tail = ESCAPES.sub(b"", self.output)[-800:].decode("utf-8", "replace")
        raise RuntimeError(f"{text!r} never appeared (exit {self.process.poll()}): {tail!r}")

    def idle_for(self, seconds: float) -> None:
        """Keep reading the PTY for `seconds`, so the child never blocks on a full buffer."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.drain(min(left, 0.2))

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def quit(self, timeout: float = 20.0):
        """ctrl+q, then reap the child; returns its resource usage (os.wait4), killing it if needed."""
        self.send(b"\x11")
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.process.returncode = os.waitstatus_to_exitcode(status)
                os.close(self.master)
                return usage
            self.drain(0.05)
        os.killpg(self.process.pid, signal.SIGKILL)
        _, status, usage = os.wait4(self.process.pid, 0)
        self.process.returncode = os.waitstatus_to_exitcode(status)
        os.close(self.master)
        return usage


def launch_time(argv: list[str], mark: str) -> float:
    child = PtyChild(argv)
    try:
        return child.wait_for(mark)
    finally:
        child.quit()


def startup_rows(runs: int = RUNS) -> list[Row]:
    # An installed game runs from bytecode; a checkout run with PYTHONDONTWRITEBYTECODE would
    # otherwise compile the game's modules at every launch (the bare app's are Textual's, compiled).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "convquest")], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as folder:
        launches = {
            "game": (game_argv(Path(folder)), GAME_MARK),
            "bare": (bare_argv(), BARE_MARK),
            "quiz": (quiz_argv(Path(folder)), QUIZ_MARK),
        }
        for argv, mark in launches.values():  # warm-up: caches, the game's database, the quiz's results
            launch_time(argv, mark)
        times: dict[str, list[float]] = {name: [] for name in launches}
        for _ in range(runs):  # alternating, so a busy spell on the machine hits all three
            for name, (argv, mark) in launches.items():
                times[name].append(launch_time(argv, mark))
    game_ms, bare_ms, quiz_ms = (statistics.median(times[name]) * 1000 for name in ("game", "bare", "quiz"))
    ratio = game_ms / bare_ms
    return [
        Row(
            f"start-up to first screen (median of {runs})",
            f"{game_ms:.0f} ms",
            f"{bare_ms:.0f} ms one-widget app",
            ratio,
            f"<= {STARTUP_GOAL}x",
            ratio <= STARTUP_GOAL,
        ),
        Row(
            f"quiz start-up to first question (median of {runs})",
            f"{quiz_ms:.0f} ms",
            f"{bare_ms:.0f} ms one-widget app",
            quiz_ms / bare_ms,
            "",
            None,
        ),
    ]


def run_time(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
    return time.perf_counter() - started


def help_rows(runs: int = RUNS) -> list[Row]:
    helped = [sys.executable, "-m", "convquest", "--help"]
    nothing = [sys.executable, "-c", "pass"]
    run_time(helped), run_time(nothing)
    help_times, pass_times = [], []
    for _ in range(runs):
        help_times.append(run_time(helped))
        pass_times.append(run_time(nothing))
    help_ms, pass_ms = statistics.median(help_times) * 1000, statistics.median(pass_times) * 1000
    loads_textual = subprocess.run(
        [sys.executable, "-c", "import sys, convquest.cli as c; c.build_parser(); print('textual' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    return [
        Row(
            f"convquest --help (median of {runs})",
            f"{help_ms:.0f} ms",
            f"{pass_ms:.0f} ms python -c pass",
            help_ms / pass_ms,
            "",
            None,
        ),
        Row("convquest --help imports Textual", loads_textual.lower() or "?", "", None, "no", loads_textual == "False"),
    ]


PHASES = """
import asyncio, json, pathlib, sys, time
folder = pathlib.Path(sys.argv[1])  # the data dir, as a launch's: the parsed level files kept there
marks = [("start", time.perf_counter())]
def mark(name):
    marks.append((name, time.perf_counter()))
import textual.app, textual.widgets
mark("import Textual (the bare app pays this too)")
import convquest.cli
convquest.cli._parse_play(["--data-dir", str(folder)])
mark("import convquest.cli, read a plain launch's options")
import convquest.levels
curriculum = convquest.levels.load_curriculum(cache_dir=folder)
numpy = "NumPy loaded" if "numpy" in sys.modules else "no NumPy"
mark(f"load_curriculum: {len(curriculum.levels)} levels ({numpy})")
from convquest.store import Store
store = Store.open(folder)
mark("open the progress database")
import convquest.ui.app, convquest.ui.screens.home
mark("import the app and home screen")

async def first_screen(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()

class Bare(textual.app.App):
    def compose(self):
        yield textual.widgets.Static("x")

asyncio.run(first_screen(Bare()))  # warms Textual's own first-use costs for both
mark("(not counted: a bare app mounted once to warm Textual)")
asyncio.run(first_screen(Bare()))
mark("bare app: mount and first paint, headless")
asyncio.run(first_screen(convquest.ui.app.ConvQuestApp(curriculum=curriculum, store=store)))
mark("game: stylesheet, home screen mount and first paint, headless")
print(json.dumps([(name, 1000 * (t - marks[n][1])) for n, (name, t) in enumerate(marks[1:])
                  if not name.startswith("(")]))
"""


def phase_rows() -> list[Row]:
    """Where the game's start-up goes, phase by phase, in a fresh interpreter (median of RUNS)."""
    import json

    def phases(folder: str) -> list[tuple[str, float]]:
        argv = [sys.executable, "-c", PHASES, folder]
        run = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=True, env=launch_env())
        return json.loads(run.stdout)

    with tempfile.TemporaryDirectory() as folder:
        phases(folder)  # warm-up, as in startup_rows: the database and the parsed level files
        runs = [phases(folder) for _ in range(RUNS)]
    return [
        Row(f"  start-up phase: {name}", f"{statistics.median(run[n][1] for run in runs):.0f} ms", "", None, "", None)
        for n, (name, _) in enumerate(runs[0])
    ]


def import_profile(top: int = 15) -> list[tuple[float, str]]:
    """(cumulative ms, module) of the costliest imports up to the home screen, from -X importtime,
    two levels deep (a package and what it imports directly)."""
    code = (
        "import convquest.cli, convquest.levels, convquest.store, convquest.ui.app, "
        "convquest.ui.screens.home; convquest.levels.load_curriculum()"
    )
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, cwd=ROOT)
    costs = []
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            depth = len(parts[2]) - len(parts[2].lstrip()) - 1
            if depth <= 2:
                costs.append((int(parts[1]) / 1000, "  " * depth + parts[2].strip()))
    return sorted(costs, reverse=True)[:top]


def run() -> list[Row]:
    rows = startup_rows()
    if rows[0].met is False:
        rows += phase_rows()
        print("start-up misses its goal; the costliest imports (cumulative ms):", file=sys.stderr)
        for ms, name in import_profile():
            print(f"  {ms:8.1f}  {name}", file=sys.stderr)
    return rows + help_rows()


if __name__ == "__main__":
    from benchmarks.row import format_table

    print(format_table(run()))
