"""One line of the benchmark table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    name: str
    measured: str  # the figure with its unit, e.g. "3.1 ms"
    baseline: str  # what it was compared with in the same run, or "" for an absolute goal
    ratio: float | None  # measured / baseline, where there is a baseline
    goal: str  # e.g. "<= 1.5x" or ">= 10000/s"
    met: bool | None  # None where there is no goal to meet


def format_table(rows: list[Row]) -> str:
    header = ("benchmark", "measured", "baseline", "ratio", "goal", "met")
    cells = [header] + [
        (
            r.name,
            r.measured,
            r.baseline,
            "" if r.ratio is None else f"{r.ratio:.2f}x",
            r.goal,
            {True: "yes", False: "NO", None: ""}[r.met],
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
