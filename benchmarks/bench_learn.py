"""fit_kernel: 100 gradient steps of a 3×3 kernel on a 64×64 photograph (goal ≤ 50 ms).

The baseline, timed in the same run and turn about, is 100 plain 3×3 conv2d calls on the same
picture: what computing the forward pass afresh at every step would cost on its own. fit_kernel
beats it because the loss is quadratic in the kernel: one conv2d call correlates the input with
its own windows and with the target, and each step is then a 9×9 product.
"""

from __future__ import annotations

from benchmarks.bench_engine import _medians, _ms
from benchmarks.row import Row
from convquest.engine import KERNELS, PHOTOS, conv2d, fit_kernel

STEPS = 100
GOAL_SECONDS = 0.050


def run() -> list[Row]:
    x = PHOTOS["camera"].pixels / 255
    w = KERNELS["sobel_x"].weights
    y = conv2d(x, w)

    def plain() -> None:
        for _ in range(STEPS):
            conv2d(x, w)

    fit, baseline = _medians(lambda: fit_kernel(x, y, 3, steps=STEPS), plain)
    return [
        Row(
            f"fit_kernel 3x3, {STEPS} steps, {x.shape[0]}x{x.shape[1]}",
            _ms(fit),
            f"{STEPS} conv2d 3x3 calls {_ms(baseline)}",
            fit / baseline,
            f"<= {GOAL_SECONDS * 1e3:.0f} ms",
            fit <= GOAL_SECONDS,
        )
    ]
