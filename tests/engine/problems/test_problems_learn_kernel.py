"""learn-kernel: the sign of a gradient checked against finite differences of the loss and against
fit_kernel's own gradient; learning rates judged by running fit_kernel; the tutor's rule (a wrong
answer's words and the early rungs never give the answer away); refusals of bad level params."""

from __future__ import annotations

import re

import numpy as np
import pytest

from convquest.engine import conv2d, fit_kernel, stable_rate
from convquest.engine.problems import from_params, generate
from convquest.engine.problems.ladder import rungs

SEEDS = range(40)


def shows(number: str, text: str) -> bool:
    """Whether `number` stands in `text` as a number of its own (not the start of 0.199 for 0.1)."""
    return re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text) is not None


def _mse(x, w, y) -> float:
    return float(np.mean((conv2d(np.array(x, dtype=float), w) - np.array(y)) ** 2))


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_the_sign_is_the_opposite_of_the_losss_slope_along_the_weight(difficulty):
    for seed in SEEDS:
        problem = generate("learn-kernel", seed, difficulty, "gradient-sign")
        a, b = problem.tap
        w = np.array(problem.w, dtype=float)
        bump = np.zeros_like(w)
        bump[a, b] = 1e-6
        slope = (_mse(problem.x, w + bump, problem.y) - _mse(problem.x, w - bump, problem.y)) / 2e-6
        assert problem.gradient == pytest.approx(slope, rel=1e-5, abs=1e-8)
        assert problem.answer == ("up" if slope < 0 else "down")
        assert problem.check(problem.answer).correct
        assert not problem.check("down" if problem.answer == "up" else "up").correct


def test_from_zeros_the_gradient_is_fit_kernels_first_gradient():
    for seed in SEEDS:
        problem = generate("learn-kernel", seed, 1, "gradient-sign")
        first = fit_kernel(np.array(problem.x), np.array(problem.y), len(problem.w), steps=0)[0]
        assert first.grad[problem.tap] == pytest.approx(problem.gradient)


@pytest.mark.parametrize(
    ("text", "read"), [("up", "up"), (" Down ", "down"), ("+", "up"), ("−", "down"), ("rises", "up")]
)
def test_up_and_down_are_read_in_several_spellings(text, read):
    assert generate("learn-kernel", 0, 1, "gradient-sign").parse_answer(text) == read


@pytest.mark.parametrize("text", ["", "sideways", "0.5", "upp"])
def test_anything_else_is_a_slip_with_a_sentence(text):
    with pytest.raises(ValueError, match=r"^Type up or down"):
        generate("learn-kernel", 0, 1, "gradient-sign").parse_answer(text)


def test_a_wrong_sign_names_the_mistake_without_the_answer():
    for seed in SEEDS:
        problem = generate("learn-kernel", seed, 2, "gradient-sign")
        wrong = "down" if problem.answer == "up" else "up"
        verdict = problem.check(wrong)
        assert verdict.mistake == "followed_gradient" and verdict.diagnosis
        for text in (verdict.diagnosis, verdict.explanation):
            assert " up" not in text and " down" not in text
            assert f"= {problem.gradient:.3g}" not in text
        ladder = rungs(problem)
        early = [ladder.nudge, ladder.formula, *ladder.steps]
        assert all(problem.answer not in line.split() for line in early)
        assert all("∂L/∂w =" not in line for line in early)  # the evaluated gradient is the solution's
        assert ladder.solution.endswith(f"goes {problem.answer}.")


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_the_stable_rate_is_right_and_the_solution_says_so(difficulty):
    for seed in range(15):
        problem = generate("learn-kernel", seed, difficulty, "learning-rate")
        assert problem.curvature == pytest.approx(1 / stable_rate(np.array(problem.x), problem.k), rel=5e-3)
        assert problem.check(problem.parse_answer(f"1/{problem.curvature:g}")).correct
        assert f"{1 / problem.curvature:.3g}" in problem.solution()


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_wrong_rates_are_told_apart_by_what_they_do(difficulty):
    for seed in range(15):
        problem = generate("learn-kernel", seed, difficulty, "learning-rate")
        stable = stable_rate(np.array(problem.x), problem.k)
        diverges = problem.check(2.2 * stable)
        assert not diverges.correct and diverges.mistake == "rate_diverges"
        losses = problem.losses(2.2 * stable)
        assert losses[-1] > losses[-2]  # along the steepest direction it is growing
        crawls = problem.check(stable / 1000)
        assert not crawls.correct and crawls.mistake == "rate_too_small"
        zigzag = problem.check(1.99 * stable)
        assert zigzag.correct or zigzag.mistake == "rate_too_large"
        for verdict in (diverges, crawls, zigzag):
            if not verdict.correct:
                for text in (verdict.diagnosis, verdict.explanation):
                    assert not shows(f"{1 / problem.curvature:.3g}", text) and not shows(f"{stable:.3g}", text)


@pytest.mark.parametrize(("text", "value"), [("0.05", 0.05), ("1/20", 0.05), (".5", 0.5), ("1e-2", 0.01)])
def test_rates_are_read_as_decimals_or_fractions(text, value):
    assert generate("learn-kernel", 0, 1, "learning-rate").parse_answer(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["0", "-1", "fast", "1/0", "inf"])
def test_impossible_rates_are_slips(text):
    with pytest.raises(ValueError) as slip:
        generate("learn-kernel", 0, 1, "learning-rate").parse_answer(text)
    assert str(slip.value)[0].isupper()


@pytest.mark.parametrize(
    ("changes", "start"),
    [
        ({"target": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]}, "target: y must have the shape"),
        ({"row": 2}, "row: a 2×2 kernel's weights are numbered 0 to 1, got 2"),
        ({"col": -1}, "col: must be at least 0"),
        ({"kernel": [[1, 0, 1], [0, 1, 0]]}, "kernel: the kernel must be square"),
    ],
)
def test_bad_gradient_sign_params_are_refused_by_field(changes, start):
    params = generate("learn-kernel", 0, 1, "gradient-sign").params() | changes
    with pytest.raises(ValueError) as refusal:
        from_params("learn-kernel", params)
    assert str(refusal.value).startswith(start)


def test_a_tap_that_does_not_move_is_refused():
    # The kernel already makes the target: no error, so no gradient.
    params = {
        "variant": "gradient-sign",
        "image": [[1, 2], [3, 4]],
        "kernel": [[1]],
        "target": [[1, 2], [3, 4]],
        "row": 0,
        "col": 0,
    }
    with pytest.raises(ValueError, match=r"^row: the gradient of w\[0\]\[0\] is 0"):
        from_params("learn-kernel", params)


def test_a_step_count_too_short_even_for_the_best_rate_is_refused():
    params = generate("learn-kernel", 0, 3, "learning-rate").params() | {"steps": 1}
    with pytest.raises(ValueError, match=r"^steps: even a rate of 1/λ"):
        from_params("learn-kernel", params)
