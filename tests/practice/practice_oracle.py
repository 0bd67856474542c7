"""A clock the test moves by hand, and an oracle that finds a right answer by asking the engine
(so no answer is written into a test). Imported by tests/practice and tests/ui/practice."""

from __future__ import annotations

# Single-layer size questions: their answers are whole numbers the oracle can search for.
NUMERIC_TOPICS = ["predict-size/conv", "predict-size/stride", "predict-size/transposed", "predict-size/pool"]


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def right_number(problem, part: int = 0, limit: int = 400) -> int:
    """The whole number the engine accepts for this part, found by trying them all."""
    for n in sorted(range(-limit, limit), key=abs):
        if problem.check(n, part).correct:
            return n
    raise AssertionError(f"no whole number below {limit} answers {problem.prompt()!r}")


def wrong_number(problem, part: int = 0) -> int:
    right = right_number(problem, part)
    return right + 1 if not problem.check(right + 1, part).correct else right + 2
