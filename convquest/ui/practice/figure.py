"""What a sitting question shows beside its prompt, for kinds whose prompt leaves the data out.

A sitting (exam, quiz) cannot use the kind panels (they say right or wrong at once), so it shows
the problem's own data read-only: the number grids a fill-cells or learn-kernel problem gives, the
channels, slices and biases of a fill-volume layer (the volume board's own grids, as text), or the
pictures a match-kernel problem is about, drawn by the match package's ShadedImage from what its
MatchView reads off the problem, with the kernel names beside them. Nothing here computes an answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from textual.containers import HorizontalGroup
from textual.widget import Widget
from textual.widgets import Static

from convquest.engine.problems.base import Problem
from convquest.engine.problems.fill_volume import FillVolume

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


def figure(problem: Problem, width: int = 74, *, compact: bool = False) -> list[Widget]:
    """Widgets showing the question's data; empty when the prompt says it all. `compact` draws a
    picture two pixel rows a line (colour only: without it a half-block is on or off, and the
    shades a blur leaves would be lost)."""
    if problem.kind == "match-kernel":
        pictures = _match_pictures(problem, compact)
        if pictures:
            return [HorizontalGroup(*pictures, *_kernel_choices(problem), classes="exam-figure")]
    text = figure_text(problem, width)
    return [Static(text, classes="exam-figure", markup=False)] if text else []


def figure_text(problem: Problem, width: int = 74) -> str:
    """The numbers a question gives that its prompt leaves out, as plain text ("" for none): a
    volume's channels, slices and biases; else every grid of its params. Pictures are widgets."""
    if isinstance(problem, FillVolume):
        return volume_text(problem, width)
    return blocks_text([grid_block(n, rows) for n, rows in number_grids(problem.params())], width)


def volume_text(problem: FillVolume, width: int) -> str:
    """The volume board's picture of what the layer is given (each channel, each filter's slices,
    the biases) as plain text, at the board's smallest scale (no scale fits a height of 0): on one
    band, input ∗ slices, when it fits the width, else the input above the filters."""
    from convquest.ui.board.render import Joiner, Scene, fallback_styler, render_scene
    from convquest.ui.board.volume import VolumeSweep

    inputs, filters = VolumeSweep(problem.trace).given_scenes()
    together = Scene(inputs.blocks + (Joiner("∗"),) + filters.blocks, filters.lines)
    if render_scene(together, 10 * width, 0, fallback_styler).width <= width:
        scenes = [together]
    else:
        scenes = [inputs, filters]
    lines = [line.rstrip() for scene in scenes for line in render_scene(scene, width, 0, fallback_styler).plain()]
    return "\n".join(lines).rstrip()


def _match_pictures(problem: Problem, compact: bool) -> list[Widget]:
    from convquest.ui.match.shaded import ShadedImage
    from convquest.ui.match.view import MatchView

    view = MatchView(problem)
    # The view's variant: a pooled translation is a translation with a pool after the kernel.
    if view.variant == "translation":
        shown: list[tuple[np.ndarray | None, str]] = [
            (view.image, "image"),
            (view.feature_map, "its map"),
            (view.shifted, "moved"),
        ]
    elif view.variant == "locality":
        r, c = view.changed_pixel
        shown = [(view.image, f"pixel {r},{c} changes")]
    else:
        shown = [(view.image, "image"), (view.target, "target")]
    pictures: list[Widget] = []
    for values, label in shown:
        if values is not None:
            picture = ShadedImage(values, label=label, classes="exam-picture")
            picture.compact = compact
            pictures.append(picture)
    return pictures


def _kernel_choices(problem: Problem) -> list[Widget]:
    """The names a palette or two-step answer may use, beside the pictures: in columns no taller
    than a picture, so the question, its pictures and the answer box fit one 80×24 screen."""
    from convquest.ui.match.view import MatchView

    if problem.params().get("variant") not in ("palette", "two-step"):
        return []
    view = MatchView(problem)
    names = [k.name for k in view.palette]
    rows = max(3, (view.image.shape[0] + 1) // 2)  # a compact picture's height, its label aside
    size = max(len(n) for n in names)
    columns = [names[i : i + rows] for i in range(0, len(names), rows)]
    lines = ["  ".join(col[r].ljust(size) for col in columns if r < len(col)).rstrip() for r in range(rows)]
    return [Static("kernels:\n" + "\n".join(line for line in lines if line), classes="exam-choices", markup=False)]
