"""learn-kernel: the sign of a gradient checked against finite differences of the loss and against
fit_kernel's own gradient; learning rates judged by running fit_kernel; the tutor's rule (a wrong
answer's words and the early rungs never give the answer away); refusals of bad level params."""

from __future__ import annotations

import itertools
import re
import textwrap

import numpy as np
import pytest

from convquest.engine import KERNELS, PHOTOS, conv2d, fit_kernel, stable_rate
from convquest.engine.problems import from_params, generate
from convquest.engine.problems.ladder import rungs
from convquest.engine.problems.learn_kernel import HIDEABLE
from tests.sweeps import seeds

SEEDS = seeds(40)


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


def test_the_rate_ladder_puts_the_growing_overshoot_above_two_over_lambda():
    # At exactly 2/λ the steepest direction swings back as far as it came: it does not grow there.
    problem = generate("learn-kernel", 0, 1, "learning-rate")
    steps = "\n".join(rungs(problem, 0).steps)
    assert "above 2/λ each step overshoots further" in steps and "from 2/λ on" not in steps
    along = problem.losses(2 * stable_rate(np.array(problem.x), problem.k) * 0.999)
    assert along[-1] <= along[0]


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


# -- recover: a hidden kernel found again from a photograph and its feature map ---------------------

LEVEL = {"variant": "recover", "photo": "astronaut", "kernel": "sobel_y", "steps": 300}


def _rows(weights) -> str:
    return "; ".join(" ".join(str(int(v)) for v in row) for row in np.asarray(weights))


def test_the_recover_levels_map_is_the_hidden_kernels_and_its_run_is_fit_kernels():
    problem = from_params("learn-kernel", LEVEL)
    x = PHOTOS["astronaut"].pixels / 255
    np.testing.assert_allclose(problem.target, conv2d(x, KERNELS["sobel_y"].weights))
    rate = 1 / problem.curvature
    fitted = fit_kernel(x, problem.target, 3, steps=300, lr=rate)
    np.testing.assert_allclose(problem.reached(rate), fitted[-1].kernel)
    assert problem.curvature == pytest.approx(1 / stable_rate(x, 3), rel=5e-3)


def test_every_statement_of_the_recover_level_holds_for_the_engine():
    problem = from_params("learn-kernel", LEVEL)
    stable = stable_rate(problem.x, 3)
    # 1/λ recovers every weight to within 0.5 in 300 steps, and the loss never rises on the way.
    losses = [s.loss for s in problem.run(stable)]
    assert problem.recovers(stable) and all(b <= a for a, b in itertools.pairwise(losses))
    assert np.array_equal(np.round(problem.reached(stable)), KERNELS["sobel_y"].weights)
    # Above 2/λ the loss grows; far below 1/λ it falls but the weights stay short.
    diverging = [s.loss for s in problem.run(2.1 * stable)]
    assert diverging[-1] > diverging[-2] > diverging[0]
    creeping = [s.loss for s in problem.run(stable / 5)]
    assert creeping[-1] < creeping[0] and not problem.recovers(stable / 5)
    # The explanation: the loss's lowest point is the hidden kernel (its curvature has no flat
    # direction), and the last tenths of each weight take the most steps.
    errors = [
        float(np.abs(s.kernel - problem.kernel).max()) for s in fit_kernel(problem.x, problem.target, 3, steps=2000)
    ]
    first_within = [next(n for n, e in enumerate(errors) if e < bound) for bound in (0.5, 0.1)]
    assert first_within[1] - first_within[0] > first_within[0]


def test_a_rate_is_judged_by_what_fit_kernel_does_with_it():
    problem = from_params("learn-kernel", LEVEL)
    stable = stable_rate(problem.x, 3)
    right = problem.check(problem.parse_answer("1/4.84", 0), 0)
    assert right.correct and "weights it reached" in right.explanation
    for rate, mistake in ((2.2 * stable, "rate_diverges"), (stable / 5, "rate_too_small")):
        verdict = problem.check(rate, 0)
        assert not verdict.correct and verdict.mistake == mistake
        # A wrong rate says how its loss went, never the weights it reached or the rate to use.
        for text in (verdict.diagnosis, verdict.explanation):
            assert "weights it reached" not in text and not shows(f"{stable:.3g}", text)
            assert _rows(KERNELS["sobel_y"].weights) not in text


@pytest.mark.parametrize(
    ("answer", "mistake"),
    [
        ("sobel_x", "kernel_transposed"),
        ("1 2 1; 0 0 0; -1 -2 -1", "kernel_sign_flipped"),
        ("laplacian", "kernel_differs"),
        ("-1 -2 -1; 0 0 0; 1 2 2", "kernel_differs"),
        ("box blur", "kernel_differs"),
    ],
)
def test_a_wrong_kernel_is_named_by_what_it_is_to_the_hidden_one_without_giving_it(answer, mistake):
    problem = from_params("learn-kernel", LEVEL)
    verdict = problem.check(problem.parse_answer(answer, 1), 1)
    assert not verdict.correct and verdict.mistake == mistake
    for text in (verdict.diagnosis, verdict.explanation):
        assert "Sobel y" not in text and "sobel_y" not in text and _rows(KERNELS["sobel_y"].weights) not in text
    assert verdict.diagnosis[0].isupper()


@pytest.mark.parametrize("answer", ["sobel_y", "Sobel y", "-1 -2 -1; 0 0 0; 1 2 1", "-1,-2,-1\n0,0,0\n1,2,1"])
def test_the_hidden_kernel_is_right_by_name_or_by_its_weights(answer):
    problem = from_params("learn-kernel", LEVEL)
    verdict = problem.check(problem.parse_answer(answer, 1), 1)
    assert verdict.correct and "Sobel y" in verdict.explanation


@pytest.mark.parametrize("text", ["", "0.5 1", "1 2; 3 4", "-1.2 -1.7 -1.2; 0 0 0; 1.2 1.7 1.2", "sideways"])
def test_what_is_no_kernel_is_a_slip_with_a_sentence(text):
    with pytest.raises(ValueError) as slip:
        from_params("learn-kernel", LEVEL).parse_answer(text, 1)
    assert str(slip.value)[0].isupper()


def test_the_recover_ladder_keeps_each_parts_answer_for_its_solution():
    problem = from_params("learn-kernel", LEVEL)
    rate, kernel = rungs(problem, 0), rungs(problem, 1)
    for line in (rate.nudge, *rate.steps):
        assert "0.207" not in line
    for line in (kernel.nudge, kernel.formula, *kernel.steps):
        assert "Sobel y" not in line and _rows(KERNELS["sobel_y"].weights) not in line
    assert _rows(KERNELS["sobel_y"].weights) in kernel.solution and "0.207" in rate.solution


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_drawn_recover_problems_are_recovered_by_one_over_lambda(difficulty):
    for seed in range(4):
        problem = generate("learn-kernel", seed, difficulty, "recover")
        assert problem.hidden in HIDEABLE and problem.recovers(1 / problem.curvature)
        assert from_params("learn-kernel", problem.params()) == problem


@pytest.mark.parametrize(
    ("changes", "start"),
    [
        ({"photo": "moon"}, "photo:"),
        ({"kernel": "laplacian"}, "kernel:"),
        ({"steps": 20}, "steps: even a rate of 1/λ does not bring every weight within 0.5"),
        ({"steps": 5000}, "steps: at most"),
    ],
)
def test_bad_recover_params_are_refused_by_field(changes, start):
    with pytest.raises(ValueError) as refusal:
        from_params("learn-kernel", LEVEL | changes)
    assert str(refusal.value).startswith(start)


def test_the_recover_levels_kernel_steps_fit_beside_the_diagnosis_at_80x24():
    # The level's answer panel is 47 columns wide; under its prompt and a three-line diagnosis four
    # lines are left for rung 3 (a longer second step was scrolled out of sight).
    problem = from_params("learn-kernel", LEVEL)
    steps = rungs(problem, 1).steps
    assert sum(len(textwrap.wrap(step, 47)) for step in steps) <= 4
