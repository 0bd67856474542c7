"""fill-volume: a conv layer on a 2- or 3-channel input, by hand — each filter's output cells.

Each output cell of filter f is the sum, over the input channels f sees, of that channel's k×k
window times f's slice for it, plus f's bias. Everything is the engine's `conv2d_volume_trace`
(the same trace the volume board draws); the slips are recognised by what they equal: the bias
left off, one channel's sum alone, the bias added once per channel, the other filter's value,
and for grouped layers the window of a channel the filter does not see.

params: input (C grids), filters (O tables: slices, C/groups grids, and bias), groups,
padding, stride. Answers: one whole number per output cell, filter by filter, row-major.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from convquest.engine.problems.answers import parse_whole_number
from convquest.engine.problems.base import Fields, Verdict, check_part
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught
from convquest.engine.traces import VolumeStep, VolumeTrace, conv2d_volume_trace

KIND = "fill-volume"
VARIANTS = ("volume", "depthwise", "grouped")
MAX_CHANNELS = 4
MAX_SIDE = 6
MAX_CELLS = 32

Grid = tuple[tuple[int, ...], ...]


def _grid_text(value: float) -> str:
    number = int(value)
    return f"({number})" if number < 0 else str(number)


@dataclass(frozen=True)
class FillVolume:
    variant: str
    x: tuple[Grid, ...]
    w: tuple[tuple[Grid, ...], ...]
    b: tuple[int, ...]
    groups: int = 1
    padding: int = 0
    stride: int = 1

    kind = KIND

    @property
    def topic(self) -> str:
        return f"{KIND}/{self.variant}"

    @cached_property
    def trace(self) -> VolumeTrace:
        return conv2d_volume_trace(
            np.array(self.x, dtype=np.int64),
            np.array(self.w, dtype=np.int64),
            bias=np.array(self.b, dtype=np.int64),
            groups=self.groups,
            padding=self.padding,
            stride=self.stride,
        )

    @property
    def expected(self) -> np.ndarray:
        return self.trace.output

    def cell(self, part: int) -> tuple[int, int, int]:
        """(filter, row, col) that part `part` asks for."""
        filters, rows, cols = self.expected.shape
        check_part(part, filters * rows * cols)
        filter, rest = divmod(part, rows * cols)
        return (filter, *divmod(rest, cols))

    def step(self, part: int) -> VolumeStep:
        return self.trace.step(*self.cell(part))

    def prompt(self) -> str:
        channels, filters = len(self.x), len(self.w)
        k = len(self.w[0][0])
        seen = (
            "each filter sees every channel"
            if self.groups == 1
            else "depthwise: each filter sees its own channel only"
            if self.groups == channels
            else f"groups {self.groups}: each filter sees its group's channels"
        )
        extra = "".join(
            (f", padding {self.padding}" if self.padding else "", f", stride {self.stride}" if self.stride > 1 else "")
        )
        _, rows, cols = self.expected.shape
        return (
            f"A {channels}-channel input, {filters} filters of {k}×{k}{extra} ({seen}), each with a bias. "
            f"Fill in each filter's {rows}×{cols} map, one cell at a time."
        )

    def parts(self) -> tuple[str, ...]:
        filters, rows, cols = self.expected.shape
        return tuple(f"f{f} ({r},{c})" for f in range(filters) for r in range(rows) for c in range(cols))

    def parse_answer(self, text: str, part: int = 0) -> int:
        self.cell(part)
        return parse_whole_number(text, "-3")

    def channel_line(self, step: VolumeStep, n: int) -> str:
        """ "channel 1: 2·1 + 0·3 + … = 5": one channel's products and their sum."""
        weights = self.trace.weights[step.filter, n]
        terms = " + ".join(
            f"{_grid_text(weights[a, b])}·{_grid_text(step.values[n, a, b])}" for a, b in np.ndindex(*weights.shape)
        )
        return f"channel {step.channels[n]}: {terms} = {int(step.channel_sums[n])}"

    def working(self, part: int) -> str:
        step = self.step(part)
        lines = [self.channel_line(step, n) for n in range(len(step.channels))]
        sums = " + ".join(_grid_text(s) for s in step.channel_sums)
        lines.append(f"sum {sums} = {int(step.total)}, + bias {_grid_text(step.bias)} = {int(step.result)}")
        return "\n".join(lines)

    def _slips(self, part: int) -> list[tuple[str, int, str]]:
        step = self.step(part)
        filter, row, col = self.cell(part)
        total, bias = int(step.total), int(step.bias)
        slips: list[tuple[str, int, str]] = []
        if bias:
            slips.append(
                ("forgot_bias", total, "You left out the bias: each filter adds its one bias to every cell it makes.")
            )
        if len(step.channels) > 1:
            slips += [
                (
                    "forgot_channels",
                    int(channel_sum) + bias,
                    "That is one channel's sum: the filter adds up the products of every channel it sees.",
                )
                for channel_sum in step.channel_sums
            ]
            if bias:
                slips.append(
                    (
                        "bias_per_channel",
                        total + bias * len(step.channels),
                        "The bias is added once per output cell, not once for each channel.",
                    )
                )
        slips += [
            (
                "other_filter",
                int(self.expected[other, row, col]),
                "That is another filter's value at this cell: this map comes from its own filter's weights.",
            )
            for other in range(len(self.w))
            if other != filter
        ]
        if self.groups > 1:
            seen = set(step.channels)
            (top, _), (left, _) = self.trace.pads
            window = self.trace.padded[:, [r + top for r in step.rows]][:, :, [c + left for c in step.cols]]
            weights = self.trace.weights[filter]
            for first in range(0, len(self.x), len(step.channels)):
                group = tuple(range(first, first + len(step.channels)))
                if seen.isdisjoint(group):
                    wrong = int((window[list(group)] * weights).sum()) + bias
                    slips.append(
                        (
                            "wrong_group",
                            wrong,
                            "That window is on a channel this filter does not see: with groups, a filter reads only its own group's channels.",
                        )
                    )
        return slips

    def check(self, answer: int, part: int = 0, *, taught: Taught = ALL_TAUGHT) -> Verdict:
        right = int(self.expected[self.cell(part)])
        explanation = self.working(part)
        if answer == right:
            return Verdict(True, explanation)
        for key, wrong, sentence in self._slips(part):
            if answer == wrong and wrong != right:
                return Verdict(False, explanation, sentence, key)
        return Verdict(False, explanation)

    def rungs(self, part: int, taught: Taught = ALL_TAUGHT) -> Rungs:
        step = self.step(part)
        channels = ", ".join(str(c) for c in step.channels)
        working = self.working(part).splitlines()
        return Rungs(
            nudge=self.hint(),
            formula=(
                f"cell = Σ over channels {channels} of (slice · window) + bias {_grid_text(step.bias)}; "
                f"the window is the same on every channel"
            ),
            # A channel's sum can happen to equal the cell: such a step stays unevaluated.
            steps=tuple(_unevaluated(line, _grid_text(step.result)) for line in working[:-1]),
            solution="\n".join(working),
        )

    def solution(self) -> str:
        return "\n".join(f"{label}:\n{self.working(n)}" for n, label in enumerate(self.parts()))

    def hint(self) -> str:
        return (
            "Put the window on the same place in every channel the filter sees; multiply each by the filter's "
            "slice for it and add; add the channels' sums; then add the bias once."
        )

    def params(self) -> dict[str, object]:
        return {
            "variant": self.variant,
            "input": [[list(r) for r in g] for g in self.x],
            "filters": [{"slices": [[list(r) for r in g] for g in f], "bias": bias} for f, bias in zip(self.w, self.b)],
            "groups": self.groups,
            "padding": self.padding,
            "stride": self.stride,
        }


def _grids(fields: Fields, name: str, raw: object, count_name: str) -> tuple[Grid, ...]:
    if not isinstance(raw, (list, tuple)) or not 1 <= len(raw) <= MAX_CHANNELS:
        raise ValueError(f"{name}: expected a list of 1 to {MAX_CHANNELS} {count_name}, each a grid of whole numbers.")
    grids = []
    for n, grid in enumerate(raw):
        label = f"{name}[{n}]"
        grids.append(Fields({label: grid}, fields.kind).grid(label, low=-9, high=9, max_side=MAX_SIDE))
    return tuple(grids)


def from_params(fields: Fields, variant: str) -> FillVolume:
    x = _grids(fields, "input", fields.raw("input"), "channels")
    raw_filters = fields.raw("filters")
    if not isinstance(raw_filters, (list, tuple)) or not 1 <= len(raw_filters) <= MAX_CHANNELS:
        raise ValueError(f"filters: expected a list of 1 to {MAX_CHANNELS} filters, each a table with slices and bias.")
    slices, biases = [], []
    for n, table in enumerate(raw_filters):
        if not isinstance(table, dict):
            raise ValueError(f"filters[{n}]: expected a table with slices (one grid per channel it sees) and bias.")
        sub = Fields(table, KIND)
        slices.append(_grids(sub, f"filters[{n}].slices", sub.raw("slices"), "slices"))
        biases.append(sub.int("bias", 0))
        sub.refuse_unread(f"filters[{n}]")
    w, b = tuple(slices), tuple(biases)
    groups = fields.int("groups", {"depthwise": len(x), "grouped": 2}.get(variant, 1), minimum=1)
    problem = FillVolume(
        variant, x, w, b, groups, fields.int("padding", 0, minimum=0), fields.int("stride", 1, minimum=1)
    )
    if len({(len(g), len(g[0])) for g in x}) != 1:
        raise ValueError("input: every channel must have the same height and width.")
    if len({(len(g), len(g[0])) for f in w for g in f}) != 1:
        raise ValueError("filters: every slice of every filter must have the same size.")
    try:
        cells = problem.expected.size
    except ValueError as error:
        message = str(error)
        # The engine names the kernel first when it does not fit, so that is checked first.
        field = next(
            (
                f
                for word, f in (
                    ("kernel", "filters"),
                    ("group", "groups"),
                    ("stride", "stride"),
                    ("padding", "padding"),
                )
                if message.startswith(word) or f" {word}" in message[:30]
            ),
            "filters",
        )
        raise ValueError(f"{field}: {message}") from None
    if cells > MAX_CELLS:
        raise ValueError(f"input: the output has {cells} cells; at most {MAX_CELLS} fit a level.")
    return problem


def _grid(rng: random.Random, side: int, low: int, high: int) -> Grid:
    return tuple(tuple(rng.randint(low, high) for _ in range(side)) for _ in range(side))


def _slice(rng: random.Random, side: int) -> Grid:
    while True:  # an all-zero slice hides its channel
        grid = tuple(tuple(rng.choice((-1, 0, 0, 1, 1, 2)) for _ in range(side)) for _ in range(side))
        if any(any(row) for row in grid):
            return grid


def generate(rng: random.Random, variant: str, difficulty: int) -> FillVolume:
    # A grouped layer needs two channels per group to show the split; the others grow with difficulty.
    channels = 4 if variant == "grouped" else 2 if difficulty == 1 else 3
    filters, groups = {"depthwise": (channels, channels), "grouped": (2, 2)}.get(variant, (2, 1))
    k = 2 if difficulty < 3 else 3
    side = k + 1  # a 2×2 map per filter keeps a level to a handful of cells
    x = tuple(_grid(rng, side, 0, 4 + difficulty) for _ in range(channels))
    w = tuple(tuple(_slice(rng, k) for _ in range(channels // groups)) for _ in range(filters))
    b = tuple(rng.randint(-3, 3) or 1 for _ in range(filters))
    return FillVolume(variant, x, w, b, groups)


def _unevaluated(step: str, answer: str) -> str:
    """The step without its value where that value is the answer ("… = 1" → "… = ?")."""
    head, sep, value = step.rpartition(" = ")
    return f"{head} = ?" if sep and value.strip() == answer else step
