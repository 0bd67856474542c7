"""padding_mode (zeros, reflect, replicate, circular) as nn.Conv2d / nn.Conv1d: against the loop
reference, by hand, PyTorch's refusals, and what the traces say each padding cell copies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convquest.engine import conv1d, conv1d_trace, conv2d, conv2d_trace, conv2d_volume_trace, pad_sources
from tests.engine import reference
from tests.engine.strategies import MODES, mode_conv_configs
from tests.sweeps import examples

PROPERTY = settings(max_examples=examples(150), deadline=None)


def as_volume(array, single, extra):
    array = np.asarray(array)
    return (array.reshape((1,) * extra + array.shape) if single else array).tolist()


@PROPERTY
@given(mode_conv_configs())
def test_conv2d_with_every_padding_mode_matches_the_loop_reference(config):
    x, w, kwargs, per_axis = config
    single = per_axis["single"]
    expected = reference.grouped_conv2d(
        as_volume(x, single, 1),
        as_volume(w, single, 2),
        per_axis["pads"],
        per_axis["stride"],
        per_axis["dilation"],
        None if kwargs["bias"] is None else kwargs["bias"].tolist(),
        per_axis["groups"],
        per_axis["mode"],
    )
    np.testing.assert_array_equal(conv2d(x, w, **kwargs), np.array(expected)[0] if single else expected)


@PROPERTY
@given(st.integers(1, 6), st.integers(0, 6), st.integers(0, 6), st.sampled_from(MODES))
def test_pad_sources_follow_the_definitions(size, before, after, mode):
    allowed = mode in ("zeros", "replicate") or (
        max(before, after) < size if mode == "reflect" else max(before, after) <= size
    )
    if not allowed:
        with pytest.raises(ValueError, match=f"{mode} padding {max(before, after)} must be"):
            pad_sources(size, before, after, mode)
        return
    sources = pad_sources(size, before, after, mode).tolist()
    expected = [reference.source(index, size, mode) for index in range(-before, size + after)]
    assert sources == [-1 if s is None else s for s in expected]


def test_padding_modes_by_hand():
    # [1, 2, 3] padded by 2 on each side, read through a 1-tap kernel so the output is the padding.
    x, w = np.array([1, 2, 3]), np.array([1])
    assert conv1d(x, w, padding=2, padding_mode="zeros").tolist() == [0, 0, 1, 2, 3, 0, 0]
    assert conv1d(x, w, padding=2, padding_mode="reflect").tolist() == [3, 2, 1, 2, 3, 2, 1]
    assert conv1d(x, w, padding=2, padding_mode="replicate").tolist() == [1, 1, 1, 2, 3, 3, 3]
    assert conv1d(x, w, padding=3, padding_mode="circular").tolist() == [1, 2, 3, 1, 2, 3, 1, 2, 3]


def test_same_padding_takes_a_padding_mode_as_pytorch_does():
    # A 2×2 kernel under 'same' pads 0 before and 1 after; reflect fills that with the row before.
    x = np.arange(9).reshape(3, 3)
    got = conv2d(x, np.array([[0, 0], [0, 1]]), padding="same", padding_mode="reflect")
    assert got.tolist() == [[4, 5, 4], [7, 8, 7], [4, 5, 4]]


@pytest.mark.parametrize(
    "call, words",
    [
        (
            lambda: conv2d(np.zeros((3, 3)), np.ones((3, 3)), padding=3, padding_mode="reflect"),
            ["reflect padding (height) 3", "smaller than the input side (3)"],
        ),
        (
            lambda: conv1d(np.zeros(3), np.ones(3), padding=3, padding_mode="reflect"),
            ["reflect padding 3", "smaller than the input side (3)"],
        ),
        (
            lambda: conv2d(np.zeros((3, 3)), np.ones((3, 3)), padding=4, padding_mode="circular"),
            ["circular padding (height) 4", "no larger than the input side (3)"],
        ),
        (
            lambda: conv2d(np.zeros((3, 3)), np.ones((3, 3)), padding=1, padding_mode="mirror"),
            ["padding_mode must be one of", "'mirror'"],
        ),
        (
            lambda: conv1d(np.zeros(5), np.ones(3), padding="causal", padding_mode="reflect"),
            ["causal padding pads with zeros only", "'reflect'"],
        ),
    ],
)
def test_padding_mode_refusals_name_the_numbers(call, words):
    with pytest.raises(ValueError) as refused:
        call()
    for word in words:
        assert word in str(refused.value), f"{word!r} missing from: {refused.value}"


def test_replicate_takes_any_padding():
    assert conv1d([5, 7], [1], padding=4, padding_mode="replicate").tolist() == [5] * 5 + [7] * 5


@PROPERTY
@given(mode_conv_configs())
def test_traces_say_which_input_cell_each_padding_cell_copies(config):
    x, w, kwargs, per_axis = config
    if per_axis["single"]:
        kwargs.pop("groups")
        bias = kwargs["bias"]
        kwargs["bias"] = None if bias is None else int(bias[0])
        trace = conv2d_trace(x, w, **kwargs)
        maps = np.asarray(x)[None]
        padded = trace.padded[None]
    else:
        trace = conv2d_volume_trace(x, w, **kwargs)
        maps, padded = np.asarray(x), trace.padded
    np.testing.assert_array_equal(trace.output, conv2d(x, w, **kwargs))
    (top, bottom), (left, right) = trace.pads
    height, width = maps.shape[1:]
    mode = per_axis["mode"]
    for r in range(-top, height + bottom):
        for c in range(-left, width + right):
            expected = reference.source(r, height, mode), reference.source(c, width, mode)
            copied = trace.source(r, c)
            if None in expected:
                assert copied is None and not padded[:, r + top, c + left].any()
            else:
                assert copied == expected
                np.testing.assert_array_equal(padded[:, r + top, c + left], maps[:, copied[0], copied[1]])
    for step in trace.steps:
        for a, r in enumerate(step.rows):
            for b, c in enumerate(step.cols):
                assert step.in_padding[a, b] == (not (0 <= r < height and 0 <= c < width))
                held = padded[:, r + top, c + left]
                if step.values.ndim == 3:  # a volume step: the channels its filter sees
                    np.testing.assert_array_equal(step.values[:, a, b], held[list(step.channels)])
                else:
                    assert step.values[a, b] == held[0]


def test_a_1d_trace_shows_reflect_padding():
    trace = conv1d_trace([1, 2, 3, 4], [1, 1], padding=1, padding_mode="reflect")
    assert trace.padded.tolist() == [[2, 1, 2, 3, 4, 3]]
    assert trace.source(0, -1) == (0, 1) and trace.source(0, 4) == (0, 2)
    assert trace.output.tolist() == [[3, 3, 5, 7, 7]]
