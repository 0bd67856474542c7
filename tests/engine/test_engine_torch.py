"""A cross-check against PyTorch itself, where it is installed: the same configurations accepted
and refused, and the same numbers out. The loop reference is the main proof; this one catches a
misreading of PyTorch's rules (which configurations it refuses, where 'same' puts the odd cell)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from convquest.engine import (
    avg_pool1d,
    avg_pool2d,
    conv1d,
    conv2d,
    conv_output_size,
    conv_transpose1d,
    conv_transpose2d,
    max_pool1d,
    max_pool2d,
    pool_output_size,
    transposed_output_size,
)
from tests.sweeps import examples

# PyTorch warns that 'same' with an even kernel copies the input; that is its business, not ours.
# Building a module with a zero-sized kernel (a refused case) warns too. PyTorch is an extra oracle
# beside the loop references (which the quick suite runs): these are slow.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning"),
    pytest.mark.filterwarnings("ignore:Initializing zero-element tensors:UserWarning"),
]

torch = functional = nn = None  # set by _pytorch below: importing PyTorch costs 2 s, so collecting this file does not


@pytest.fixture(autouse=True, scope="module")
def _pytorch():
    global torch, functional, nn
    torch = pytest.importorskip("torch")
    functional, nn = torch.nn.functional, torch.nn


CHECK = settings(max_examples=examples(200), deadline=None)


def mostly(valid, invalid):
    """Values from `valid`, and one time in eight from `invalid`, so that both the accepted and
    the refused configurations are compared (most draws of several wide ranges are refused)."""
    return st.integers(0, 7).flatmap(lambda roll: invalid if roll == 0 else valid)


# Ranges reach past the valid ones (zero and negative values too) so refusals are compared as well.
sizes, kernels = mostly(st.integers(1, 8), st.integers(-1, 0)), mostly(st.integers(1, 5), st.integers(-1, 0))
strides, dilations = mostly(st.integers(1, 3), st.integers(-1, 0)), mostly(st.integers(1, 3), st.integers(-1, 0))
paddings = mostly(st.integers(0, 3), st.integers(-1, -1) | st.integers(4, 6))


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
    event("both accepted" if their_refusal is None else "both refused")  # --hypothesis-show-statistics
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


@settings(max_examples=examples(100), deadline=None)
@given(st.integers(1, 8), st.integers(1, 4), st.integers(1, 3), st.data())
def test_same_padding_agrees_with_torch(i, k, d, data):
    x = np.arange(i * (i + 1)).reshape(1, i, i + 1) % 7 - 3
    w = np.arange(k * (k + 1)).reshape(1, 1, k, k + 1) % 5 - 2  # even and odd sides both
    theirs = torch_result(lambda: functional.conv2d(tensor(x)[None], tensor(w), padding="same", dilation=d)[0])
    assert_agree(theirs, ours(lambda: conv2d(x, w, padding="same", dilation=d)))


# Groups, padding modes, 1-D, causal padding, pooling's ceil_mode and dilation: each compared
# with PyTorch's own module or function, over ranges that reach into what it refuses.
MODES = ("zeros", "reflect", "replicate", "circular")
group_counts = mostly(st.integers(1, 3), st.integers(-1, 0))


def channels_for(data, groups):
    """A channel count the groups usually divide."""
    return data.draw(mostly(st.integers(1, 2).map(lambda n: n * max(groups, 1)), st.integers(1, 4)))


def spatial_array(channels, side, spatial, modulus, shift):
    shape = (channels,) + (max(side, 0),) * spatial
    return (np.arange(int(np.prod(shape))).reshape(shape) % modulus - shift).astype(float)


@settings(max_examples=examples(800), deadline=None)
@given(
    st.sampled_from([1, 2]),
    sizes,
    kernels,
    st.one_of(paddings, st.sampled_from(["same", "valid"])),
    strides,
    dilations,
    group_counts,
    st.sampled_from(MODES),
    st.booleans(),
    st.data(),
)
def test_conv_with_groups_and_padding_modes_agrees_with_nn_conv(spatial, i, k, p, s, d, g, mode, bias, data):
    c, o = channels_for(data, g), channels_for(data, g)
    x = spatial_array(c, i, spatial, 7, 3)
    per_group = max(1, c // max(g, 1))
    w = spatial_array(o, k, spatial, 5, 2).reshape(o, 1, *(max(k, 0),) * spatial).repeat(per_group, axis=1)
    b = np.arange(o, dtype=float) - 1 if bias else None
    module_type = nn.Conv1d if spatial == 1 else nn.Conv2d

    def theirs_call():
        module = module_type(
            c, o, k, stride=s, padding=p, dilation=d, groups=g, bias=bias, padding_mode=mode, dtype=torch.float64
        )
        module.weight.data = tensor(w)
        if bias:
            module.bias.data = tensor(b)
        return module(tensor(x)[None])[0]

    ours_op = conv1d if spatial == 1 else conv2d
    mine = ours(lambda: ours_op(x, w, padding=p, stride=s, dilation=d, bias=b, groups=g, padding_mode=mode))
    if mode != "zeros" and isinstance(p, int) and p < 0:
        # PyTorch pads through F.pad here, which crops for a negative amount; ConvQuest refuses
        # negative padding in every mode, as PyTorch does for zeros.
        assert mine[1] is not None
        return
    assert_agree(torch_result(theirs_call), mine)


@settings(max_examples=examples(500), deadline=None)
@given(
    st.sampled_from([1, 2]),
    sizes,
    kernels,
    paddings,
    strides,
    dilations,
    mostly(st.integers(0, 2), st.integers(-1, 3)),
    st.integers(1, 3),
    group_counts,
    st.data(),
)
def test_conv_transpose_with_groups_agrees_with_torch(spatial, i, k, p, s, d, a, o_per_group, g, data):
    c = channels_for(data, g)
    x = spatial_array(c, i, spatial, 7, 3)
    w = spatial_array(c * o_per_group, k, spatial, 5, 2).reshape(c, o_per_group, *(max(k, 0),) * spatial)
    their_op, ours_op = (
        (functional.conv_transpose1d, conv_transpose1d)
        if spatial == 1
        else (functional.conv_transpose2d, conv_transpose2d)
    )
    theirs = torch_result(
        lambda: their_op(tensor(x)[None], tensor(w), stride=s, padding=p, dilation=d, output_padding=a, groups=g)[0]
    )
    mine = ours(lambda: ours_op(x, w, padding=p, stride=s, dilation=d, output_padding=a, groups=g))
    assert_agree(theirs, mine)


@settings(max_examples=examples(600), deadline=None)
@given(
    st.sampled_from([1, 2]),
    sizes,
    kernels,
    st.none() | strides,
    paddings,
    dilations,
    st.booleans(),
    st.booleans(),
)
def test_pooling_with_ceil_mode_and_dilation_agrees_with_torch(spatial, i, k, s, p, d, ceil_mode, use_max):
    x = spatial_array(2, i, spatial, 7, 3)
    if spatial == 1:
        ours_pool, their_pool = (max_pool1d, functional.max_pool1d) if use_max else (avg_pool1d, functional.avg_pool1d)
    else:
        ours_pool, their_pool = (max_pool2d, functional.max_pool2d) if use_max else (avg_pool2d, functional.avg_pool2d)
    options = dict(stride=s, padding=p, ceil_mode=ceil_mode)
    if use_max:
        options["dilation"] = d
    theirs = torch_result(lambda: their_pool(tensor(x)[None], k, **options)[0])
    assert_agree(theirs, ours(lambda: ours_pool(x, k, **options)), exact=use_max)
    if theirs[1] is None:
        size = pool_output_size(i, k, s, p, d if use_max else 1, ceil_mode)
        assert size == theirs[0].shape[-1]


@settings(max_examples=examples(200), deadline=None)
@given(st.integers(1, 9), st.integers(1, 4), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3))
def test_causal_padding_is_left_zero_padding_in_torch(length, k, s, d, c):
    x = spatial_array(c, length, 1, 7, 3)
    w = spatial_array(2, k, 1, 5, 2).reshape(2, 1, k).repeat(c, axis=1)
    theirs = torch_result(
        lambda: functional.conv1d(functional.pad(tensor(x)[None], (d * (k - 1), 0)), tensor(w), stride=s, dilation=d)[0]
    )
    assert_agree(theirs, ours(lambda: conv1d(x, w, padding="causal", stride=s, dilation=d)))
