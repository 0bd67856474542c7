"""The star rule shared by levels, practice and exams."""

from __future__ import annotations


def stars(wrong_attempts: int, hints_used: int) -> int:
    """3 for right first time without a hint; each wrong try or hint costs a star; never below 1.

    Only call this once the problem is solved: an unsolved problem earns no stars at all.
    """
    for name, value in (("wrong_attempts", wrong_attempts), ("hints_used", hints_used)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of at least 0, got {value!r}.")
    return max(1, 3 - wrong_attempts - hints_used)
