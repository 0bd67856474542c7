"""Stars as text: filled and hollow glyphs read the same with or without colour (NO_COLOR)."""

from __future__ import annotations

MAX_STARS = 3


def star_text(stars: int, of: int = MAX_STARS) -> str:
    stars = max(0, min(stars, of))
    return "★" * stars + "☆" * (of - stars)


def star_words(stars: int, of: int = MAX_STARS) -> str:
    return f"{star_text(stars, of)}  {stars} of {of} star{'s' if of != 1 else ''}"
