"""fit_kernel: gradient descent on a kernel, checked against direct computations of the loss and
its gradient (conv2d of the input with the error, the trace of that correlation, and finite
differences of the mean squared error), and against the kernels it should recover.

Measured (this machine, 2026-12, step size lr=None): on a 48×48 noise image the named kernels are
recovered to 1e-2 in 1 step, because noise patches are uncorrelated and the loss is a round bowl.
On the photographs (pixels/255, target conv2d(photo, Sobel x)), the steps to cut the loss a
hundredfold are astronaut 106, camera 410, chelsea 503, coffee 302, brick 300: their patches are
strongly correlated, so the bowl is a long narrow valley that plain gradient descent crawls along.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convquest.engine import KERNELS, PHOTOS, conv2d, conv2d_trace, fit_kernel, stable_rate
from tests.sweeps import examples


def _mse(x: np.ndarray, w: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((conv2d(x, w) - y) ** 2))


@pytest.mark.parametrize("name", ["sobel_x", "box_blur", "laplacian"])
def test_recovers_a_named_kernel_from_noise_and_its_feature_map(name):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((48, 48))
    kernel = KERNELS[name].weights
    steps = fit_kernel(x, conv2d(x, kernel), 3, steps=300)
    assert len(steps) == 301
    assert np.all(steps[0].kernel == 0)
    np.testing.assert_allclose(steps[-1].kernel, kernel, atol=1e-2)


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_on_a_photograph_the_loss_falls_a_hundredfold_within_600_steps(name):
    x = PHOTOS[name].pixels / 255
    losses = np.array([s.loss for s in fit_kernel(x, conv2d(x, KERNELS["sobel_x"].weights), 3, steps=600)])
    hundredfold = np.flatnonzero(losses <= losses[0] / 100)
    assert hundredfold.size, f"{name}: the loss fell only to {losses[-1] / losses[0]:.3g} of its start"
    # Slow but real: far more than the noise image's single step (see the module's figures).
    assert hundredfold[0] > 50


def test_each_loss_is_the_mean_squared_error_of_its_kernel():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((9, 11)), rng.standard_normal((7, 9))
    for step in fit_kernel(x, y, 3, steps=5):
        assert step.loss == pytest.approx(_mse(x, step.kernel, y), rel=1e-9)


def test_the_gradient_is_the_input_correlated_with_the_error():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((10, 8)), rng.standard_normal((7, 5))
    for step in fit_kernel(x, y, 4, steps=6):
        error = conv2d(x, step.kernel) - y
        np.testing.assert_allclose(step.grad, 2 / error.size * conv2d(x, error), rtol=1e-9, atol=1e-12)


def test_the_trace_of_that_correlation_reads_each_taps_window_of_the_input():
    """Gradient entry (a, b) is the sum of the input window that tap (a, b) saw, times the error."""
    rng = np.random.default_rng(3)
    x, y = rng.integers(-4, 5, (6, 7)), rng.integers(-9, 10, (4, 5))
    step = fit_kernel(x, y, 3, steps=2, lr=0.01)[-1]
    error = conv2d(x, step.kernel) - y
    trace = conv2d_trace(x, error)
    for a, b in np.ndindex(3, 3):
        cell = trace.step(a, b)
        np.testing.assert_array_equal(cell.values, x[a : a + 4, b : b + 5])
        assert step.grad[a, b] == pytest.approx(2 / error.size * cell.total, rel=1e-9)


def test_the_gradient_agrees_with_finite_differences():
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((12, 12)), rng.standard_normal((10, 10))
    step = fit_kernel(x, y, 3, steps=4)[-1]
    assert np.any(step.kernel != 0)  # away from the start, where a wrong gradient could hide
    h = 1e-6
    numeric = np.zeros((3, 3))
    for a, b in np.ndindex(3, 3):
        bump = np.zeros((3, 3))
        bump[a, b] = h
        numeric[a, b] = (_mse(x, step.kernel + bump, y) - _mse(x, step.kernel - bump, y)) / (2 * h)
    np.testing.assert_allclose(step.grad, numeric, rtol=1e-6, atol=1e-8)


@st.composite
def problems(draw):
    k = draw(st.integers(1, 4))
    h, w = draw(st.integers(k, k + 8)), draw(st.integers(k, k + 8))
    scale = draw(st.sampled_from([1e-3, 1.0, 255.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((h, w)) * scale + draw(st.floats(-2, 2)) * scale
    y = rng.standard_normal((h - k + 1, w - k + 1)) * draw(st.sampled_from([1e-2, 1.0, 1e3]))
    return x, y, k


@settings(max_examples=examples(150), deadline=None)
@given(problems())
def test_with_the_stable_rate_the_loss_never_rises(problem):
    x, y, k = problem
    losses = [s.loss for s in fit_kernel(x, y, k, steps=40)]
    # Rounding in a sum of N squares is ~1e-16 of the start; a real rise would be far larger.
    slack = 1e-10 * losses[0]
    assert all(after <= before + slack for before, after in itertools.pairwise(losses))


def test_the_stable_rate_is_half_the_rate_where_descent_diverges():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((20, 20)) + 3  # a bright mean makes one direction far steeper
    y = conv2d(x, KERNELS["sobel_x"].weights)
    rate = stable_rate(x, 3)
    below = [s.loss for s in fit_kernel(x, y, 3, steps=200, lr=1.9 * rate)]
    above = [s.loss for s in fit_kernel(x, y, 3, steps=200, lr=2.1 * rate)]
    assert below[-1] < below[0]
    assert above[-1] > above[0]


def test_a_blank_input_leaves_the_kernel_at_zero():
    steps = fit_kernel(np.zeros((5, 5)), np.ones((3, 3)), 3, steps=3)
    assert all(np.all(s.kernel == 0) and s.loss == 1.0 for s in steps)


def test_a_diverging_rate_ends_at_an_infinite_loss_without_warnings():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((8, 8))
    with np.errstate(all="raise"):
        losses = [s.loss for s in fit_kernel(x, conv2d(x, np.ones((3, 3))), 3, steps=3000, lr=100.0)]
    assert losses[-1] == np.inf


def test_the_steps_are_read_only():
    step = fit_kernel(np.ones((4, 4)), np.ones((2, 2)), 3, steps=1)[-1]
    with pytest.raises(ValueError):
        step.kernel[0, 0] = 1.0
    with pytest.raises(ValueError):
        step.grad[0, 0] = 1.0


@pytest.mark.parametrize(
    ("x", "y", "k", "kwargs", "words"),
    [
        (np.ones((6, 6)), np.ones((6, 6)), 3, {}, ["(4, 4)", "(6, 6)", "unpadded"]),
        (np.ones((6, 6)), np.ones((4, 4)), 7, {}, ["7×7", "(6, 6)"]),
        (np.ones((6, 6)), np.ones((4, 4)), 0, {}, ["at least 1", "0"]),
        (np.ones((6, 6)), np.ones((4, 4)), 2.5, {}, ["whole number", "2.5"]),
        (np.ones((6, 6)), np.ones((4, 4)), 3, {"steps": -1}, ["steps", "-1"]),
        (np.ones((6, 6)), np.ones((4, 4)), 3, {"lr": 0.0}, ["positive", "0.0"]),
        (np.ones((6, 6)), np.ones((4, 4)), 3, {"lr": float("inf")}, ["positive", "inf"]),
        (np.ones((2, 6, 6)), np.ones((4, 4)), 3, {}, ["(H, W)", "(2, 6, 6)"]),
        (np.full((6, 6), np.nan), np.ones((4, 4)), 3, {}, ["finite"]),
        (np.array([["a"] * 6] * 6), np.ones((4, 4)), 3, {}, ["real numbers"]),
    ],
)
def test_refusals_name_what_is_wrong(x, y, k, kwargs, words):
    with pytest.raises(ValueError) as refusal:
        fit_kernel(x, y, k, **kwargs)
    for word in words:
        assert word in str(refusal.value)
