"""A cross-check against PyTorch itself, where it is installed: the same configurations accepted
and refused, and the same numbers out. The loop reference is the main proof; this one catches a
misreading of PyTorch's rules (which configurations it refuses, where 'same' puts the odd cell)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")
functional = torch.nn.functional

from convquest.engine import (  # noqa: E402  (only meaningful once torch is known to be there)
    avg_pool2d,
    conv2d,
    conv_output_size,
    conv_transpose2d,
    max_pool2d,
    pool_output_size,
    transposed_output_size,
)

# PyTorch warns that 'same' with an even kernel copies the input; that is its business, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning")

CHECK = settings(max_examples=200, deadline=None)
# Ranges reach past the valid ones (zero and negative values too) so refusals are compared as well.
sizes, kernels = st.integers(-1, 8), st.integers(-1, 5)
strides, dilations, paddings = st.integers(-1, 3), st.integers(-1, 3), st.integers(-1, 4)


def torch_result(call):
    """(array, None) from PyTorch, or (None, the refusal) if it refuses."""
    try:
        with torch.no_grad():
            return call().numpy(), None
    except (RuntimeError, ValueError) as refusal:
        return None, refusal


def ours(call):
    try:
        return call(), None
    except ValueError as refusal:
        return None, refusal


def assert_agree(theirs, mine, exact=True):
    (expected, their_refusal), (got, my_refusal) = theirs, mine
    assert (their_refusal is None) == (my_refusal is None), f"torch: {their_refusal!r}; ours: {my_refusal!r}"
    if expected is not None:
        (np.testing.assert_array_equal if exact else np.testing.assert_allclose)(got, expected)


def tensor(array):
    return torch.tensor(np.asarray(array))


@CHECK
@given(sizes, kernels, paddings, strides, dilations, st.data())
def test_conv2d_agrees_with_torch(i, k, p, s, d, data):
    channels, out_channels = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))
    x = np.arange(channels * max(i, 0) ** 2).reshape(channels, max(i, 0), max(i, 0)) % 7 - 3
    w = (
        np.arange(out_channels * channels * max(k, 0) ** 2).reshape(out_channels, channels, max(k, 0), max(k, 0)) % 5
        - 2
    )
    theirs = torch_result(lambda: functional.conv2d(tensor(x)[None], tensor(w), stride=s, padding=p, dilation=d)[0])
    assert_agree(theirs, ours(lambda: conv2d(x, w, padding=p, stride=s, dilation=d)))
    if theirs[1] is None:
        assert conv_output_size(i, k, p, s, d) == theirs[0].shape[-1]


@CHECK
@given(sizes, kernels, paddings, strides, dilations, st.integers(-1, 3))
def test_conv_transpose2d_agrees_with_torch(i, k, p, s, d, a):
    x = np.arange(max(i, 0) ** 2).reshape(1, max(i, 0), max(i, 0)) % 7 - 3
    w = np.arange(max(k, 0) ** 2).reshape(1, 1, max(k, 0), max(k, 0)) % 5 - 2
    theirs = torch_result(
        lambda: functional.conv_transpose2d(
            tensor(x)[None], tensor(w), stride=s, padding=p, dilation=d, output_padding=a
        )[0]
    )
    assert_agree(theirs, ours(lambda: conv_transpose2d(x, w, padding=p, stride=s, dilation=d, output_padding=a)))
    if theirs[1] is None:
        assert transposed_output_size(i, k, p, s, d, a) == theirs[0].shape[-1]


@CHECK
@given(sizes, kernels, st.none() | strides, paddings, st.booleans())
def test_pooling_agrees_with_torch(i, k, s, p, use_max):
    x = (np.arange(max(i, 0) ** 2).reshape(1, max(i, 0), max(i, 0)) % 7 - 3).astype(float)
    ours_pool, their_pool = (max_pool2d, functional.max_pool2d) if use_max else (avg_pool2d, functional.avg_pool2d)
    theirs = torch_result(lambda: their_pool(tensor(x)[None], k, stride=s, padding=p)[0])
    assert_agree(theirs, ours(lambda: ours_pool(x, k, stride=s, padding=p)), exact=use_max)
    if theirs[1] is None:
        assert pool_output_size(i, k, s, p) == theirs[0].shape[-1]


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 8), st.integers(1, 4), st.integers(1, 3), st.data())
def test_same_padding_agrees_with_torch(i, k, d, data):
    x = np.arange(i * (i + 1)).reshape(1, i, i + 1) % 7 - 3
    w = np.arange(k * (k + 1)).reshape(1, 1, k, k + 1) % 5 - 2  # even and odd sides both
    theirs = torch_result(lambda: functional.conv2d(tensor(x)[None], tensor(w), padding="same", dilation=d)[0])
    assert_agree(theirs, ours(lambda: conv2d(x, w, padding="same", dilation=d)))
