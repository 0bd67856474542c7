"""Level kind → the panel that plays it.

A panel is a `convquest.ui.kinds.base.KindPanel` subclass built as `Panel(run)`. It
owns the middle of the level screen and tells the screen what happened with two messages:
`KindPanel.Judged` the moment an answer is checked (the screen saves it and counts it) and
`KindPanel.Solved` when every part is right (the screen scores the level). Hints live in the
level screen, not the panel. Adding a kind is one line here; its module is imported only when a
level of that kind is opened.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from convquest.ui.kinds.base import KindPanel

PANELS: dict[str, str] = {
    "predict-size": "convquest.ui.kinds.predict_size:PredictSizePanel",
    "count-params": "convquest.ui.kinds.predict_size:PredictSizePanel",
    "learn-kernel": "convquest.ui.match.recover:LearnKernelPanel",
    "receptive-field": "convquest.ui.board.receptive:ReceptiveFieldPanel",
    "fill-cells": "convquest.ui.board.fill_cells:FillCellsPanel",
    "match-kernel": "convquest.ui.match.panel:MatchKernelPanel",
    "sequence-size": "convquest.ui.board.sequence:SequenceSizePanel",
    "sequence-fill": "convquest.ui.board.sequence:SequenceFillPanel",
    "dilated-stack": "convquest.ui.board.sequence:DilatedStackPanel",
    "volume": "convquest.ui.kinds.predict_size:PredictSizePanel",
    "count-macs": "convquest.ui.kinds.predict_size:PredictSizePanel",
    "fill-volume": "convquest.ui.board.volume:VolumePanel",
}


def panel_for(kind: str) -> type[KindPanel]:
    """The panel class for `kind`; KeyError names a kind no panel plays."""
    try:
        target = PANELS[kind]
    except KeyError:
        raise KeyError(f"no panel plays level kind {kind!r}") from None
    return _load(target)


def _load(target: str) -> type[KindPanel]:
    from convquest.ui.kinds.base import KindPanel

    module, _, name = target.partition(":")
    panel = getattr(import_module(module), name)
    if not (isinstance(panel, type) and issubclass(panel, KindPanel)):
        raise TypeError(f"{target} is not a KindPanel")
    return panel
