"""How to type an answer to a problem, in the engine's own words."""

from __future__ import annotations


def answer_format(problem, part: int) -> str:
    """How to type this part, in the engine's own words: the sentence its parser gives for text
    that is no answer at all ("Type a whole number, like 5."). Shown before the first try: in an
    exam a refused answer costs time, and in practice a guess at the format teaches nothing."""
    try:
        problem.parse_answer("?", part)
    except ValueError as exc:
        return str(exc).split(" — could not read", 1)[0].strip()
    return ""
