"""Learning a kernel: gradient descent on the mean squared error between conv2d(x, w) and y.

The loss is L(w) = (1/N) Σ (conv2d(x, w) − y)² over the N cells of the valid output. Its gradient
with respect to the kernel is the input correlated with the error, (2/N) · conv2d(x, e) with
e = conv2d(x, w) − y: kernel tap (a, b) touched input cell (i + a, j + b) for every output cell
(i, j), so its share of the error is that window of x times e, summed: a correlation of x with e.

That correlation has a kernel as large as the output, so evaluating it afresh every step would
cost one pass per output cell. conv2d is linear in its kernel, though, so
conv2d(x, e) = conv2d(x, conv2d(x, w)) − conv2d(x, y) = G·w − b, where b = conv2d(x, y) and column
(a, b) of G is conv2d(x, the window of x under tap (a, b)): G is the Gram matrix of x's patches.
Both come from one call of the engine's own conv2d before the first step; every step is then a
k²×k² product, and the loss a quadratic form in the same numbers. G also fixes the step size:
the loss's curvature is (2/N)·G, and a rate of 1/λ, λ its largest eigenvalue, never makes the loss rise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from convquest.engine.ops import conv2d

Floats = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class FitStep:
    """The kernel after some number of gradient steps, its loss, and the gradient there (the
    direction the next step moves against). kernel and grad are (k, k), read-only."""

    kernel: Floats
    loss: float
    grad: Floats


@dataclass(frozen=True, eq=False)
class _Quadratic:
    """L(w) = (w·Gw − 2 b·w + c) / N for the flattened kernel w."""

    gram: Floats  # (k², k²)
    cross: Floats  # (k²,)
    target_energy: float  # c = Σ y²
    cells: int  # N


def _float_image(values: object, name: str) -> Floats:
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, but its values are of type {array.dtype}")
    array = array.astype(np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name} must be one picture of shape (H, W), but it has shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds a value that is not a finite number (inf or nan)")
    return array


def _check_side(x: Floats, k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise ValueError(f"the kernel side k must be a whole number, but it is {k!r}")
    side = int(k)
    if side < 1:
        raise ValueError(f"the kernel side k must be at least 1, but it is {side}")
    if side > min(x.shape):
        raise ValueError(f"a {side}×{side} kernel does not fit in the input of shape {x.shape}")
    return side


def _quadratic(x: Floats, side: int, y: Floats | None) -> _Quadratic:
    oh, ow = x.shape[0] - side + 1, x.shape[1] - side + 1
    # Each tap's window of x, plus the target: correlated with x in one conv2d call (O kernels).
    windows = [x[a : a + oh, b : b + ow] for a, b in np.ndindex(side, side)]
    kernels = np.stack(windows + ([] if y is None else [y]))[:, np.newaxis]
    correlations = conv2d(x[np.newaxis], kernels).reshape(len(kernels), side * side)
    gram = correlations[: side * side]
    gram = (gram + gram.T) / 2  # exact in theory; rounding must not make the eigenvalues complex
    cross = correlations[side * side] if y is not None else np.zeros(side * side)
    energy = float(np.sum(y * y)) if y is not None else 0.0
    return _Quadratic(gram, cross, energy, oh * ow)


def _rate(quadratic: _Quadratic) -> float:
    curvature = float(np.linalg.eigvalsh(quadratic.gram)[-1]) * 2 / quadratic.cells
    # A blank input gives a flat loss: every gradient is zero and any rate leaves the kernel alone.
    return 1.0 / curvature if curvature > 0 else 1.0


def stable_rate(x: object, k: int) -> float:
    """The rate fit_kernel picks when lr=None: 1/λ with λ the largest eigenvalue of the loss's
    curvature (2/N)·G, G the Gram matrix of x's k×k patches. Any rate below 2/λ converges; above
    it, the loss grows without bound."""
    image = _float_image(x, "x")
    return _rate(_quadratic(image, _check_side(image, k), None))


def _frozen(array: Floats) -> Floats:
    array.setflags(write=False)
    return array


def fit_kernel(x: object, y: object, k: int, *, steps: int = 100, lr: float | None = None) -> list[FitStep]:
    """Gradient descent from the zero kernel on the mean squared error between conv2d(x, w) and y.

    x: (H, W); y: (H − k + 1, W − k + 1), the shape of the unpadded (valid) output. Returns
    steps + 1 FitSteps: the start (all zeros) and the kernel after each step, each with its loss and
    gradient. lr=None picks `stable_rate(x, k)`, so the loss never rises; a rate too large is
    allowed (to show it diverge), and its losses may overflow to inf.
    """
    image, target = _float_image(x, "x"), _float_image(y, "y")
    side = _check_side(image, k)
    valid = (image.shape[0] - side + 1, image.shape[1] - side + 1)
    if target.shape != valid:
        raise ValueError(
            f"y must have the shape of the unpadded output of a {side}×{side} kernel on x of shape"
            f" {image.shape}, which is {valid}, but y has shape {target.shape}"
        )
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be a whole number, 0 or more, but it is {steps!r}")
    quadratic = _quadratic(image, side, target)
    if lr is None:
        rate = _rate(quadratic)
    elif not (isinstance(lr, int | float | np.floating) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"the learning rate lr must be a positive number, but it is {lr!r}")
    else:
        rate = float(lr)
    gram, cross, cells = quadratic.gram, quadratic.cross, quadratic.cells
    kernel = np.zeros(side * side)
    fitted: list[FitStep] = []
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging rate is shown, not an error
        for step in range(steps + 1):
            pulled = gram @ kernel
            grad = (pulled - cross) * (2 / cells)
            expanded = float(kernel @ pulled - 2 * cross @ kernel + quadratic.target_energy) / cells
            # Rounding in the expanded square can dip a hair below zero; a diverged one is inf − inf.
            loss = math.inf if math.isnan(expanded) else max(0.0, expanded)
            fitted.append(FitStep(_frozen(kernel.reshape(side, side).copy()), loss, _frozen(grad.reshape(side, side))))
            if step < steps:
                kernel = kernel - rate * grad
    return fitted
