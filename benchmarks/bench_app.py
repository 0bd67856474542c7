"""The whole game as a process: peak memory against a one-widget Textual app, CPU while idle on
the home screen, and CPU while the playground's sweep plays at its default speed.

Every figure comes from a child on a real pseudo-terminal (80×24, xterm-256color, animations as a
player has them), started the way `convquest` starts. CPU is the child's utime+stime from
/proc/<pid>/stat over WINDOW seconds, as a share of one core; memory is the child's ru_maxrss from
wait4 once it has quit. The bare app of bench_startup, idling the same way, is the baseline.
Goals: idle ≤ 0.5 % of a core (a class of 60 idle students must not cost a core), playing ≤ 10 %.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_startup import BARE_MARK, GAME_MARK, PtyChild, bare_argv, game_argv
from benchmarks.row import Row

WINDOW = float(os.environ.get("CONVQUEST_BENCH_WINDOW", "10"))
IDLE_GOAL = 0.5  # % of one core
PLAY_GOAL = 10.0
SETTLE = 1.0  # seconds after the screen appears before sampling, so start-up work is not counted
PLAYGROUND_MARK = "pad mode"  # the playground's key line


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", "rb") as stat:
        fields = stat.read().rsplit(b")", 1)[1].split()
    # After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_percent(child: PtyChild, seconds: float = WINDOW) -> float:
    before = cpu_seconds(child.process.pid)
    child.idle_for(seconds)
    return 100 * (cpu_seconds(child.process.pid) - before) / seconds


def idle_and_memory(argv: list[str], mark: str) -> tuple[float, int]:
    """(idle CPU %, peak KiB) of a child that shows its first screen and is left alone."""
    child = PtyChild(argv)
    child.wait_for(mark)
    child.idle_for(SETTLE)
    idle = cpu_percent(child)
    usage = child.quit()
    return idle, usage.ru_maxrss


def playground(data_dir: Path) -> tuple[float, int]:
    """(CPU % while the sweep plays, peak KiB) of the game: home → g (playground) → space (play)."""
    child = PtyChild(game_argv(data_dir))
    child.wait_for(GAME_MARK)
    start = len(child.output)
    child.send(b"g")
    deadline = time.monotonic() + 30
    while PLAYGROUND_MARK.encode() not in child.output[start:]:
        if time.monotonic() > deadline or (not child.drain(1.0) and child.process.poll() is not None):
            child.quit()
            raise RuntimeError("g did not open the playground")
    child.idle_for(SETTLE)
    child.send(b" ")
    child.idle_for(SETTLE)
    drawn = len(child.output)
    playing = cpu_percent(child)
    drawn = len(child.output) - drawn
    usage = child.quit()
    # A sweep that is not playing would idle and pass the goal for the wrong reason: at 2 steps a
    # second the window moves ~20 times in the window, each a repaint of the board.
    if drawn < 1000:
        raise RuntimeError(f"the sweep did not play: only {drawn} bytes drawn in {WINDOW:.0f} s")
    return playing, usage.ru_maxrss


def run() -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        idle_and_memory(game_argv(data), GAME_MARK)  # warm-up: creates the progress database
        game_idle, game_kib = idle_and_memory(game_argv(data), GAME_MARK)
        bare_idle, bare_kib = idle_and_memory(bare_argv(), BARE_MARK)
        try:
            playing, played_kib = playground(data)
        except RuntimeError as exc:  # a game without a playground key still gets its other figures
            print(f"bench_app: playground not measured: {exc}", file=sys.stderr)
            playing = played_kib = None
    rows = [
        Row(
            "peak memory, home screen (ru_maxrss)",
            f"{game_kib / 1024:.0f} MB",
            f"{bare_kib / 1024:.0f} MB one-widget app",
            game_kib / bare_kib,
            "",
            None,
        ),
        Row(
            f"idle CPU on the home screen ({WINDOW:.0f} s)",
            f"{game_idle:.2f} %",
            f"{bare_idle:.2f} % one-widget app",
            None,
            f"<= {IDLE_GOAL} %",
            game_idle <= IDLE_GOAL,
        ),
    ]
    if playing is not None:
        rows += [
            Row(
                f"playground sweep playing, default speed ({WINDOW:.0f} s)",
                f"{playing:.1f} %",
                "",
                None,
                f"<= {PLAY_GOAL:.0f} %",
                playing <= PLAY_GOAL,
            ),
            Row(
                "peak memory after the playground played",
                f"{played_kib / 1024:.0f} MB",
                f"{bare_kib / 1024:.0f} MB one-widget app",
                played_kib / bare_kib,
                "",
                None,
            ),
        ]
    return rows


if __name__ == "__main__":
    from benchmarks.row import format_table

    print(format_table(run()))
