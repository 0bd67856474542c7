"""Argument checks shared by the engine.

Every failure is a `ValueError` whose message is a sentence a student can act on: it names the
argument and the number it got. Students type these values, so a bool or a float where a whole
number belongs is refused rather than silently truncated.
"""

from __future__ import annotations

import numpy as np


def whole_number(value: object, name: str) -> int:
    """`value` as a Python int, refusing bools, floats and anything else that is not an integer."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, but got {value!r}")
    return int(value)


def positive(value: object, name: str) -> int:
    number = whole_number(value, name)
    if number < 1:
        raise ValueError(f"{name} must be at least 1, but got {number}")
    return number


def non_negative(value: object, name: str) -> int:
    number = whole_number(value, name)
    if number < 0:
        raise ValueError(f"{name} cannot be negative, but got {number}")
    return number


def pair(value: object, name: str) -> tuple[int, int]:
    """An int or an (h, w) pair of ints, as the (h, w) pair; range checks are the caller's."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be a whole number or an (h, w) pair, but got {len(value)} values {tuple(value)!r}"
            )
        return whole_number(value[0], f"{name} (height)"), whole_number(value[1], f"{name} (width)")
    number = whole_number(value, name)
    return number, number
