"""Grouped convolution (depthwise, pointwise, grouped) against the loop reference, by hand, and
PyTorch's refusals of channels the groups cannot split."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings

from convquest.engine import conv2d, conv_transpose2d
from tests.engine import reference
from tests.engine.strategies import grouped_transposed_configs, mode_conv_configs
from tests.sweeps import examples

PROPERTY = settings(max_examples=examples(150), deadline=None)


def volume(array, single, extra):
    """The reference's (C, ...) form of an op's operand; `extra` axes added for the single form."""
    array = np.asarray(array)
    return (array.reshape((1,) * extra + array.shape) if single else array).tolist()


@PROPERTY
@given(mode_conv_configs(modes=("zeros",)))
def test_grouped_conv2d_matches_the_loop_reference(config):
    x, w, kwargs, per_axis = config
    single = per_axis["single"]
    expected = reference.grouped_conv2d(
        volume(x, single, 1),
        volume(w, single, 2),
        per_axis["pads"],
        per_axis["stride"],
        per_axis["dilation"],
        None if kwargs["bias"] is None else kwargs["bias"].tolist(),
        per_axis["groups"],
    )
    got = conv2d(x, w, **kwargs)
    np.testing.assert_array_equal(got, np.array(expected)[0] if single else expected)


@PROPERTY
@given(grouped_transposed_configs())
def test_grouped_conv_transpose2d_matches_the_loop_reference(config):
    x, w, kwargs, per_axis = config
    single = per_axis["single"]
    expected = reference.grouped_conv_transpose2d(
        volume(x, single, 1),
        volume(w, single, 2),
        per_axis["padding"],
        per_axis["stride"],
        per_axis["dilation"],
        per_axis["output_padding"],
        None if kwargs["bias"] is None else kwargs["bias"].tolist(),
        per_axis["groups"],
    )
    got = conv_transpose2d(x, w, **kwargs)
    np.testing.assert_array_equal(got, np.array(expected)[0] if single else expected)


def test_depthwise_by_hand():
    # Two channels, groups=2: filter 0 sees only channel 0, filter 1 only channel 1.
    x = np.array([[[1, 2], [3, 4]], [[10, 20], [30, 40]]])
    w = np.array([[[[1, 1], [1, 1]]], [[[1, 0], [0, -1]]]])  # (2, 1, 2, 2)
    assert conv2d(x, w, groups=2, bias=[100, 0]).tolist() == [[[100 + 1 + 2 + 3 + 4]], [[10 - 40]]]


def test_groups_one_sums_every_channel_and_groups_split_them():
    rng = np.random.default_rng(5)
    x, w = rng.integers(-4, 5, (4, 5, 5)), rng.integers(-3, 4, (6, 2, 3, 3))
    grouped = conv2d(x, w, groups=2)
    # Groups 2 is two ordinary convolutions side by side: channels 0-1 → filters 0-2, 2-3 → 3-5.
    np.testing.assert_array_equal(grouped[:3], conv2d(x[:2], w[:3]))
    np.testing.assert_array_equal(grouped[3:], conv2d(x[2:], w[3:]))


def test_pointwise_mixes_channels_only():
    rng = np.random.default_rng(6)
    x, w = rng.integers(-4, 5, (3, 4, 4)), rng.integers(-3, 4, (2, 3, 1, 1))
    np.testing.assert_array_equal(conv2d(x, w), np.einsum("oc,chw->ohw", w[:, :, 0, 0], x))


def test_grouped_transpose_is_the_transpose_of_the_grouped_conv():
    # <conv(x), y> == <x, conv_transpose(y)> with the same weights: the adjoint, group by group.
    rng = np.random.default_rng(7)
    x, w = rng.integers(-4, 5, (4, 6, 6)), rng.integers(-3, 4, (6, 2, 3, 3))
    forward = conv2d(x, w, groups=2, stride=2, padding=1)
    y = rng.integers(-4, 5, forward.shape)
    back = conv_transpose2d(y, w, groups=2, stride=2, padding=1, output_padding=1)
    assert back.shape == x.shape
    assert int((forward * y).sum()) == int((x * back).sum())


GROUP_REFUSALS = [
    (lambda: conv2d(np.zeros((3, 5, 5)), np.ones((4, 1, 3, 3)), groups=2), ["3 input channels", "2 groups"]),
    (lambda: conv2d(np.zeros((4, 5, 5)), np.ones((3, 2, 3, 3)), groups=2), ["3 filters", "2 groups"]),
    (
        lambda: conv2d(np.zeros((4, 5, 5)), np.ones((4, 1, 3, 3)), groups=2),
        ["groups=2", "4 / 2 = 2", "have 1"],
    ),
    (lambda: conv2d(np.zeros((4, 5, 5)), np.ones((4, 4, 3, 3)), groups=0), ["groups must be at least 1", "0"]),
    (lambda: conv2d(np.zeros((5, 5)), np.ones((3, 3)), groups=2), ["x has 1 input channel,", "2 groups"]),
    (lambda: conv_transpose2d(np.zeros((3, 5, 5)), np.ones((3, 2, 3, 3)), groups=2), ["3 input channels", "2 groups"]),
    (lambda: conv_transpose2d(np.zeros((4, 5, 5)), np.ones((2, 2, 3, 3)), groups=2), ["expects 2", "has 4"]),
    (lambda: conv2d(np.zeros((2, 5, 5)), np.ones((2, 2, 3, 3)), groups=1.5), ["groups must be a whole number"]),
]


@pytest.mark.parametrize("call, words", GROUP_REFUSALS)
def test_group_refusals_name_the_numbers(call, words):
    with pytest.raises(ValueError) as refused:
        call()
    for word in words:
        assert re.search(re.escape(word), str(refused.value)), f"{word!r} missing from: {refused.value}"
