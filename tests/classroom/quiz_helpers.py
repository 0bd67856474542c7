"""Quiz files and right answers for the classroom tests; answers come from the engine, never typed in."""

from __future__ import annotations

from pathlib import Path

from tests.practice.practice_oracle import right_number, wrong_number

# Three one-number questions: a fixed problem, a range drawn per student, one the engine generates.
QUIZ = """
[quiz]
id = "week-3"
title = "Week 3: sizes"
minutes = 20
feedback = "{feedback}"
seed = {seed}

[[question]]
kind = "predict-size"
[question.params]
variant = "conv"
i = 9
k = 3

[[question]]
kind = "predict-size"
[question.params]
variant = "stride"
i = [8, 16]
k = 3
s = 2

[[question]]
kind = "predict-size"
variant = "transposed"
difficulty = 2
"""


def write_quiz(
    folder: Path,
    *,
    feedback: str = "at-end",
    seed: str = '"per-student"',
    name: str = "quiz.toml",
    text: str | None = None,
) -> Path:
    path = folder / name
    path.write_text(text if text is not None else QUIZ.format(feedback=feedback, seed=seed), encoding="utf-8")
    return path


def right(problem, part: int = 0) -> str:
    return str(right_number(problem, part))


def wrong(problem, part: int = 0) -> str:
    return str(wrong_number(problem, part))
