"""The formula card: every formula taught so far, one line each, in the order the chapters teach them.

Each line uses only the symbols taught up to its concept, as the lessons write them: chapter 2 has
`o = i − k + 1` and nothing else; padding adds `2p`; stride divides and rounds down; and so on. A
concept's chapter may teach more than one formula (groups' chapter counts multiply-adds too).
"""

from __future__ import annotations

from convquest.engine.problems.ladder import CONCEPTS, Taught

BASE = "size: o = i − k + 1 (the window fits i − k + 1 times)"

FORMULAS: dict[str, tuple[str, ...]] = {
    "padding": ("padding: o = i + 2p − k + 1 (p zeros on each side)",),
    "stride": ("stride: o = ⌊(i + 2p − k)/s⌋ + 1 (a window past the edge is dropped: round down)",),
    "dilation": ("dilation: span = d(k − 1) + 1, o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1",),
    "transposed": ("transposed: o = (i − 1)s − 2p + d(k − 1) + 1",),
    "output_padding": ("output padding: o = (i − 1)s − 2p + d(k − 1) + a + 1 (a on one side only)",),
    "channels": ("channels: C_in × H × W → C_out × H′ × W′ (each filter spans every input channel)",),
    "bias": ("conv weights: C_out · C_in · k · k, plus C_out biases",),
    "dense": ("dense layer: (H · W · C_in) · N weights, plus N biases",),
    "receptive_field": ("receptive field: r ← r + (k − 1) · j, then j ← j · s, layer by layer",),
    "pooling": ("pooling: o = ⌊(i + 2p − k)/s⌋ + 1, the stride defaults to k; no weights",),
    "groups": (
        "groups g: C_out · (C_in / g) · k · k weights",
        # As chapter 12 says it: each output cell sums (C_in/g)·k·k products; PyTorch's layer does
        # exactly H′·W′·C_out of those sums, and the papers' tables leave the bias out.
        "multiply-adds (MACs): C_out · H′ · W′ · (C_in / g) · k · k (each output cell is a sum of "
        "(C_in / g) · k · k products; the bias additions are not counted)",
    ),
}


def formula_card(taught: Taught) -> tuple[str, ...]:
    """The card's lines for a player who has met `taught`."""
    return (BASE,) + tuple(line for concept in CONCEPTS if concept in taught for line in FORMULAS[concept])
