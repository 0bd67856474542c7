"""The star rule shared by levels, practice and exams: stars follow the hint rung reached."""

from __future__ import annotations

TOP_RUNG = 3  # the worked steps short of the last: the highest rung `h` or wrong answers reach
SHOWN = 4  # "show me": the whole solution, which earns nothing


def stars(rung: int) -> int:
    """Stars for a problem solved at `rung`: none reached 3, the first 2, the second or third 1,
    the solution shown (SHOWN) 0.

    Only call this once the problem is solved or shown: an unsolved problem earns no stars at all.
    """
    if isinstance(rung, bool) or not isinstance(rung, int) or not 0 <= rung <= SHOWN:
        raise ValueError(f"rung must be a whole number from 0 to {SHOWN}, got {rung!r}.")
    return (3, 2, 1, 1, 0)[rung]
