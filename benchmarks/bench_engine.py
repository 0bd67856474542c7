"""The engine's ops on a 256×256 float64 image.

The goal row: a 3×3 conv2d with padding="same" against scipy.ndimage.correlate with
mode="constant" (zeros outside), which computes exactly the same 256×256 array, timed in the same
run, turn and turn about so both see the same machine load; the ratio is of the medians. SciPy is
imported here only: the engine never uses it. The transposed convolution and max pooling rows are
measured for reference, with no baseline.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

from benchmarks.row import Row
from convquest.engine import conv1d, conv2d, conv_transpose2d, max_pool2d

SIDE = 256
SAMPLES = 31  # timed samples per contender; the median of these is compared
CALLS_PER_SAMPLE = 10  # calls per sample, so one sample is well above the timer's resolution
RATIO_GOAL = 1.5
CHANNELS = 32  # of the depthwise row


def _sample(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(CALLS_PER_SAMPLE):
        call()
    return (time.perf_counter() - start) / CALLS_PER_SAMPLE


def _medians(*calls: Callable[[], object]) -> list[float]:
    """Median seconds per call of each contender, sampled alternately."""
    for call in calls:
        call()  # warm-up: first-call allocation and import costs are not what is measured
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(SAMPLES):
        for timings, call in zip(samples, calls):
            timings.append(_sample(call))
    return [statistics.median(timings) for timings in samples]


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"


def run() -> list[Row]:
    from scipy.ndimage import correlate

    rng = np.random.default_rng(0)
    image = rng.standard_normal((SIDE, SIDE))
    kernel = rng.standard_normal((3, 3))

    ours = lambda: conv2d(image, kernel, padding="same")  # noqa: E731
    scipy = lambda: correlate(image, kernel, mode="constant", cval=0.0)  # noqa: E731
    # Like with like: the same numbers over the same region, or the comparison means nothing.
    np.testing.assert_allclose(ours(), scipy(), rtol=1e-12, atol=1e-12)
    ours_median, scipy_median = _medians(ours, scipy)
    ratio = ours_median / scipy_median
    rows = [
        Row(
            f"conv2d 3x3 same, {SIDE}x{SIDE} float64",
            _ms(ours_median),
            f"scipy.ndimage.correlate {_ms(scipy_median)}",
            ratio,
            f"<= {RATIO_GOAL}x",
            ratio <= RATIO_GOAL,
        )
    ]

    transposed = lambda: conv_transpose2d(image, kernel, stride=2, padding=1, output_padding=1)  # noqa: E731
    pooled = lambda: max_pool2d(image, 2)  # noqa: E731
    transposed_median, pooled_median = _medians(transposed, pooled)
    rows.append(
        Row(
            f"conv_transpose2d 3x3 stride 2, {SIDE}x{SIDE} -> {2 * SIDE}x{2 * SIDE}",
            _ms(transposed_median),
            "",
            None,
            "",
            None,
        )
    )
    rows.append(Row(f"max_pool2d 2x2, {SIDE}x{SIDE}", _ms(pooled_median), "", None, "", None))

    # Depthwise (one filter per channel) and a dilated causal 1-D layer, as in a MobileNet block
    # and a WaveNet stack: the grouped and 1-D paths through the same core.
    volume = rng.standard_normal((CHANNELS, SIDE // 4, SIDE // 4))
    depthwise_kernels = rng.standard_normal((CHANNELS, 1, 3, 3))
    sequence, taps = rng.standard_normal(SIDE * SIDE), rng.standard_normal(3)
    depthwise = lambda: conv2d(volume, depthwise_kernels, padding=1, groups=CHANNELS)  # noqa: E731
    causal = lambda: conv1d(sequence, taps, padding="causal", dilation=4)  # noqa: E731
    depthwise_median, causal_median = _medians(depthwise, causal)
    side = SIDE // 4
    rows.append(Row(f"conv2d depthwise 3x3, {CHANNELS}x{side}x{side}", _ms(depthwise_median), "", None, "", None))
    rows.append(Row(f"conv1d causal k3 d4, {SIDE * SIDE}", _ms(causal_median), "", None, "", None))
    return rows
