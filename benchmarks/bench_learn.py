"""fit_kernel: 100 gradient steps of a 3×3 kernel on a 64×64 photograph (goal ≤ 50 ms); and the
tiny CNN's training time on one core (goal ≤ 10 s) with its accuracy on held-out shapes (≥ 90 %).

fit_kernel's baseline, timed in the same run and turn about, is 100 plain 3×3 conv2d calls on the
same picture: what computing the forward pass afresh at every step would cost on its own.
fit_kernel beats it because the loss is quadratic in the kernel: one conv2d call correlates the
input with its own windows and with the target, and each step is then a 9×9 product.

The tiny CNN's baselines come from the same child process on the same core: for the training
time, the forward passes alone over the same batches and epochs (so the ratio is what
backpropagation and the updates add to them); for the accuracy, the same network before any
training, on the same held-out pictures (chance is one in four).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from benchmarks.bench_engine import _medians, _ms
from benchmarks.row import Row
from convquest.engine import KERNELS, PHOTOS, conv2d, fit_kernel

STEPS = 100
GOAL_SECONDS = 0.050
TRAIN_GOAL_SECONDS = 10.0
ACCURACY_GOAL = 0.90

# One core: BLAS reads its thread count when NumPy is imported, so training runs in a child.
_TRAIN = """
import inspect, json, time
import numpy as np
from convquest.engine.tiny_net import TinyNet, shapes, train

start = time.perf_counter()
trained = train()
seconds = time.perf_counter() - start
# The batches train() runs on, by its own defaults, each passed forward once an epoch.
given = {n: p.default for n, p in inspect.signature(train).parameters.items()}
x, _ = shapes(given["train_count"], given["seed"])
test_x, test_labels = shapes(given["test_count"], given["seed"] + 1)
untrained = TinyNet.start(given["seed"])
start = time.perf_counter()
for _ in range(given["epochs"]):
    for i in range(0, given["train_count"], given["batch"]):
        untrained.layers(x[i : i + given["batch"]])
forward = time.perf_counter() - start
chance = float(np.mean(untrained.predict(test_x) == test_labels))
print(json.dumps([seconds, forward, trained.test_accuracy, chance]))
"""
_ONE_CORE = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), "1")


def tiny_net_rows() -> list[Row]:
    child = subprocess.run(
        [sys.executable, "-c", _TRAIN], env=os.environ | _ONE_CORE, capture_output=True, text=True, check=True
    )
    seconds, forward, accuracy, untrained = json.loads(child.stdout)
    return [
        Row(
            "tiny CNN training, one core",
            f"{seconds:.2f} s",
            f"its forward passes alone {forward:.2f} s",
            seconds / forward,
            f"<= {TRAIN_GOAL_SECONDS:g} s",
            seconds <= TRAIN_GOAL_SECONDS,
        ),
        Row(
            "tiny CNN held-out accuracy",
            f"{accuracy:.1%}",
            f"untrained {untrained:.1%}",
            accuracy / untrained if untrained else None,
            f">= {ACCURACY_GOAL:.0%}",
            accuracy >= ACCURACY_GOAL,
        ),
    ]


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
        ),
        *tiny_net_rows(),
    ]
