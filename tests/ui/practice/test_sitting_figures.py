"""Every question a practice exam or a quiz can draw can be answered from what the sitting screen
shows: each number the problem's params give the student (inputs, kernels, slices, biases, sizes)
is in the prompt or the figure, in the order it is read; for picture kinds, the pictures are there.

The check reads the params, not the prompt: a number is found as a token of the shown text (signs as
"−" or "-", negatives in brackets or not), and a run of numbers (a grid row, a sequence, a shape)
as consecutive tokens of one line, so a grid drawn with a row missing or out of order fails."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from textual.widgets import Static

from convquest.engine import problems
from convquest.practice.topics import all_topics, split_topic
from convquest.ui.practice.answer_format import answer_parts, question_text
from convquest.ui.practice.figure import figure

#: Values a prompt leaves out because they change nothing (no padding, stride 1, …).
NEUTRAL = {"p": 0, "padding": 0, "s": 1, "stride": 1, "d": 1, "dilation": 1, "a": 0, "output_padding": 0, "groups": 1}
#: Kinds whose data is a picture: the figure must hold the pictures the level shows.
PICTURE_KINDS = {"match-kernel"}
SEEDS = range(4)
TOKEN = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")

Number = int | float


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def needed(value: object, key: str | None = None) -> Iterator[list[Number]]:
    """Each run of numbers the params give, in reading order: a scalar alone, a flat list whole."""
    if _is_number(value):
        if NEUTRAL.get(key or "") != value:
            yield [value]  # type: ignore[list-item]
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from needed(item, name)
    elif isinstance(value, list) and value:
        if all(_is_number(v) for v in value):
            if not all(NEUTRAL.get(key or "") == v for v in value):
                yield list(value)
        else:
            for item in value:
                yield from needed(item, key)


def tokens(line: str) -> list[float]:
    return [float(t) for t in TOKEN.findall(line.replace("−", "-"))]


def has_run(lines: list[list[float]], run: list[Number]) -> bool:
    want = [float(v) for v in run]
    if len(set(want)) == 1:
        want = want[:1]  # the same on both axes is said once ("padding 1")
    return any(line[i : i + len(want)] == want for line in lines for i in range(len(line) - len(want) + 1))


def shown_text(problem) -> str:
    """The prompt and the figure's text, from the functions the sitting screen calls (the Pilot test
    in test_sitting_figure_screen.py reads the mounted screen, pictures too)."""
    labels, grid = answer_parts(problem)
    texts = [question_text(problem, 1, labels, grid)]
    texts += [str(w.content) for w in figure(problem, width=72, compact=True) if isinstance(w, Static)]
    return "\n".join(texts)


def drawn() -> list[tuple[str, int]]:
    return [(topic, difficulty) for topic in all_topics() for difficulty in (1, 2, 3)]


@pytest.mark.slow
@pytest.mark.parametrize(("topic", "difficulty"), [d for d in drawn() if split_topic(d[0])[0] not in PICTURE_KINDS])
def test_every_number_a_question_gives_is_on_the_sitting_screen(topic, difficulty):
    # Picture kinds: test_sitting_figure_screen.py finds their pictures on the mounted screen.
    kind, variant = split_topic(topic)
    for seed in SEEDS:
        problem = problems.generate(kind, seed, difficulty, variant)
        text = shown_text(problem)
        lines = [tokens(line) for line in text.splitlines()]
        missing = [run for run in needed(problem.params()) if not has_run(lines, run)]
        assert not missing, f"{topic} d{difficulty} seed {seed}: {missing} not shown in:\n{text}"


@pytest.mark.parametrize("variant", problems.variants("fill-volume"))
@pytest.mark.parametrize("difficulty", [1, 3])
def test_a_fill_volume_figure_labels_each_channel_each_slice_and_each_bias(variant, difficulty):
    from convquest.ui.practice.figure import volume_text

    problem = problems.generate("fill-volume", 5, difficulty, variant)
    params = problem.params()
    text = volume_text(problem, 72)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 72
    titles = " ".join(lines)
    channels = len(params["input"])
    for c in range(channels):
        assert f"ch {c}" in titles
    groups = params["groups"]
    for f, table in enumerate(params["filters"]):
        seen = len(table["slices"])
        first = (f * groups // len(params["filters"])) * seen  # the group's first channel
        for n in range(seen):
            assert f"f{f}·ch {first + n}" in titles, f"filter {f}'s slice for channel {first + n} is not labelled"
        bias = str(table["bias"]).replace("-", "−")
        assert re.search(rf"\bf{f} {bias}(?!\d)", lines[-1]), lines[-1]
    # A small layer is one line of arithmetic, input ∗ slices; a big one puts the filters under the input.
    bands = text.count("\n\n")  # a blank line after each band of grids
    assert bands == (1 if "∗" in text else 2)
    if variant == "volume":
        assert ("∗" in text) == (difficulty == 1)
