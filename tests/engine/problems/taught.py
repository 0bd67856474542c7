"""The words that name each idea, for the tests that check no feedback names an idea before the
player has met it. What each chapter teaches is the curriculum's own (`teaches` in each chapter's
file, `Curriculum.taught`): a level's taught set is everything its chapter and those before teach.
"""

from __future__ import annotations

import re

from convquest.engine.problems.ladder import Taught

# The words that name each idea (lower case; matched anywhere in a word).
VOCABULARY: dict[str, tuple[str, ...]] = {
    "padding": ("padding", "padded", "pads "),
    "stride": ("stride", "strided"),
    "dilation": ("dilat", " tap"),
    "transposed": ("transpos",),
    "output_padding": ("output padding", "output_padding"),
    "channels": ("channel",),
    "bias": ("bias",),
    "dense": ("dense", "fully connected"),
    "receptive_field": ("receptive field",),
    "pooling": ("pool",),
    "groups": ("group",),
}


def named(text: str) -> set[str]:
    """The ideas `text` names."""
    lower = text.lower()
    return {concept for concept, words in VOCABULARY.items() if any(word in lower for word in words)}


def untaught(text: str, taught: Taught, prompt: str) -> set[str]:
    """Ideas `text` names that the player has neither been taught nor been told by the prompt
    (a problem that says "padding 1" has put padding in front of the player)."""
    return named(text) - set(taught) - named(prompt)


def results(text: str) -> list[int]:
    """Every number a computation in `text` ends in: after "=" and not carried on by an operator."""
    found = re.findall(r"=\s*(−?\d+)(?![\d.])(?!\s*[+\-−·×/*^⌋)])", text)
    return [int(n.replace("−", "-")) for n in found]
