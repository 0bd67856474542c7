"""Problems generated per second for each kind (goal: at least 10,000/s), against the same loop
building a trivial frozen dataclass, measured in the same run, for a ratio."""

from __future__ import annotations

import time
from dataclasses import dataclass

from benchmarks.row import Row
from convquest.engine.problems import KINDS, generate, variants

COUNT = 5_000
REPEATS = 3
GOAL = 10_000


@dataclass(frozen=True)
class _Trivial:
    kind: str
    seed: int
    difficulty: int
    variant: str


def _best_seconds(make, kind: str, kinds_variants: tuple[str, ...]) -> float:
    """The fastest of REPEATS runs of COUNT calls, cycling through variants and difficulties."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        for seed in range(COUNT):
            make(kind, seed, 1 + seed % 3, kinds_variants[seed % len(kinds_variants)])
        best = min(best, time.perf_counter() - start)
    return best


def run() -> list[Row]:
    rows = []
    for kind in KINDS:
        kind_variants = variants(kind)
        for seed in range(30):  # first use imports the kind's module and fills its fixed tables
            generate(kind, seed, 1 + seed % 3, kind_variants[seed % len(kind_variants)])
        seconds = _best_seconds(generate, kind, kind_variants)
        baseline = _best_seconds(_Trivial, kind, kind_variants)
        rate = COUNT / seconds
        rows.append(
            Row(
                name=f"generate {kind}",
                measured=f"{seconds / COUNT * 1e6:.1f} µs ({rate:,.0f}/s)",
                baseline=f"{baseline / COUNT * 1e6:.2f} µs trivial dataclass",
                ratio=seconds / baseline,
                goal=f">= {GOAL:,}/s",
                met=rate >= GOAL,
            )
        )
    return rows
