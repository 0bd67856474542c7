"""What an exam question shows beside its prompt, for kinds whose prompt leaves the data out.

The exam cannot use the kind panels (they say right or wrong at once), so it shows the problem's
own data read-only: the number grids a fill-cells problem gives (input, kernel), or the pictures a
match-kernel problem is about, drawn by the match package's ShadedImage from what its MatchView
reads off the problem. Nothing here computes an answer.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from textual.containers import HorizontalGroup
from textual.widget import Widget
from textual.widgets import Static

from convquest.engine.problems.base import Problem

GAP = "    "


def number_grids(params: dict) -> list[tuple[str, list[list[Any]]]]:
    """(name, rows) for every param that is a grid of numbers, in the params' own order."""
    grids = []
    for name, value in params.items():
        if (
            isinstance(value, list)
            and value
            and all(isinstance(row, list) and row for row in value)
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for row in value for v in row)
        ):
            grids.append((name, value))
    return grids


def grid_block(name: str, rows: list[list[Any]]) -> list[str]:
    width = max(len(_num(v)) for row in rows for v in row)
    lines = [" ".join(f"{_num(v):>{width}}" for v in row) for row in rows]
    label = f"{name} ({len(rows)}×{len(rows[0])})"
    size = max(len(label), max(len(line) for line in lines))
    return [label.ljust(size)] + [line.ljust(size) for line in lines]


def blocks_text(blocks: list[list[str]], width: int = 74) -> str:
    """Grids side by side when they fit in `width`, else one under the other."""
    if not blocks:
        return ""
    if sum(len(b[0]) for b in blocks) + len(GAP) * (len(blocks) - 1) <= width:
        height = max(len(b) for b in blocks)
        padded = [b + [" " * len(b[0])] * (height - len(b)) for b in blocks]
        return "\n".join(GAP.join(parts).rstrip() for parts in zip(*padded))
    return "\n\n".join("\n".join(line.rstrip() for line in b) for b in blocks)


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def figure(problem: Problem, width: int = 74) -> list[Widget]:
    """Widgets showing the question's data; empty when the prompt says it all."""
    if problem.kind == "match-kernel":
        pictures = _match_pictures(problem)
        if pictures:
            return [HorizontalGroup(*pictures, classes="exam-figure")] + _kernel_choices(problem, width)
    text = blocks_text([grid_block(n, rows) for n, rows in number_grids(problem.params())], width)
    return [Static(text, classes="exam-figure", markup=False)] if text else []


def _match_pictures(problem: Problem) -> list[Widget]:
    from convquest.ui.match.shaded import ShadedImage
    from convquest.ui.match.view import MatchView

    view = MatchView(problem)
    variant = problem.params().get("variant")
    if variant == "translation":
        shown: list[tuple[np.ndarray | None, str]] = [
            (view.image, "image"),
            (view.feature_map, "its map"),
            (view.shifted, "moved"),
        ]
    elif variant == "locality":
        r, c = view.changed_pixel
        shown = [(view.image, f"pixel {r},{c} changes")]
    else:
        shown = [(view.image, "image"), (view.target, "target")]
    return [ShadedImage(values, label=label, classes="exam-picture") for values, label in shown if values is not None]


def _kernel_choices(problem: Problem, width: int) -> list[Widget]:
    """The names a palette or two-step answer may use, with what each detects: in the level the
    palette lists them; in the exam this list does."""
    from convquest.ui.match.view import MatchView

    if problem.params().get("variant") not in ("palette", "two-step"):
        return []
    lines = []
    for k in MatchView(problem).palette:
        lines += textwrap.wrap(k.detects, width, initial_indent=f"  {k.name:<12} ", subsequent_indent=" " * 15)
    return [Static("Kernels to choose from:\n" + "\n".join(lines), classes="exam-figure", markup=False)]
