"""Every relationship in Dumoulin & Visin, "A guide to convolution arithmetic for deep learning"
(2016), with the parameters of its figures, through the public functions and the ops.

The guide numbers 15 relationships: 1–6 convolution, 7 pooling, 8–14 transposed convolution,
15 dilation. Each test checks the guide's formula for the figure, that our size function gives
the same number, and that the op really produces an array of that size; the general forms are
also checked over a grid of parameters.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convquest.engine import (
    conv2d,
    conv_output_size,
    conv_transpose2d,
    max_pool2d,
    pool_output_size,
    transposed_output_size,
)
from convquest.engine.traces import conv_transpose2d_trace


def conv_side(i, k, p=0, s=1, d=1, padding=None):
    """The side of a real conv2d output on an i×i input."""
    return conv2d(
        np.ones((i, i), dtype=int),
        np.ones((k, k), dtype=int),
        padding=p if padding is None else padding,
        stride=s,
        dilation=d,
    ).shape[0]


@pytest.mark.parametrize(
    "relationship, i, k, p, s, formula, padding_mode",
    [
        (1, 4, 3, 0, 1, lambda i, k, p, s: (i - k) + 1, None),  # no padding, unit strides → 2
        (2, 5, 4, 2, 1, lambda i, k, p, s: (i - k) + 2 * p + 1, None),  # arbitrary padding → 6
        (3, 5, 3, 1, 1, lambda i, k, p, s: i, "same"),  # half padding p = k // 2 → 5
        (4, 5, 3, 2, 1, lambda i, k, p, s: i + (k - 1), "full"),  # full padding p = k - 1 → 7
        (5, 5, 3, 0, 2, lambda i, k, p, s: (i - k) // s + 1, None),  # no padding, strides → 2
        (6, 5, 3, 1, 2, lambda i, k, p, s: (i + 2 * p - k) // s + 1, None),  # padding + strides → 3
        (6, 6, 3, 1, 2, lambda i, k, p, s: (i + 2 * p - k) // s + 1, None),  # the odd figure → 3 too
    ],
)
def test_convolution_relationships_with_the_figures(relationship, i, k, p, s, formula, padding_mode):
    expected = {1: 2, 2: 6, 3: 5, 4: 7, 5: 2, 6: 3}[relationship]
    assert formula(i, k, p, s) == expected
    assert conv_output_size(i, k, p, s) == expected
    assert conv_side(i, k, p, s) == expected
    if padding_mode is not None:
        assert conv_side(i, k, s=s, padding=padding_mode) == expected


def test_convolution_relationships_in_general():
    for i, k, p, s in itertools.product(range(1, 10), range(1, 6), range(4), range(1, 4)):
        if i + 2 * p < k:
            continue
        o = conv_output_size(i, k, p, s)
        assert o == (i + 2 * p - k) // s + 1  # relationship 6, of which 1–5 are special cases
        if s == 1:
            assert o == (i - k) + 2 * p + 1  # relationship 2
        if s == 1 and p == k - 1:
            assert o == i + (k - 1)  # relationship 4
        if s == 1 and k % 2 == 1 and p == k // 2:
            assert o == i  # relationship 3


def test_relationship_6_odd_figure_leaves_the_last_row_uncovered():
    # i = 6, k = 3, s = 2, p = 1: windows start at padded 0, 2, 4 and cover up to padded row 6;
    # the padded input has 8 rows, so padded row 7 (the bottom padding) is never read.
    assert conv_output_size(6, 3, 1, 2) == conv_output_size(5, 3, 1, 2) == 3


def test_relationship_7_pooling():
    # The guide's pooling figures: 3×3 windows on a 5×5 input, stride 1 → 3.
    assert pool_output_size(5, 3, 1) == (5 - 3) // 1 + 1 == 3
    assert max_pool2d(np.zeros((5, 5)), 3, stride=1).shape == (3, 3)
    for i, k, s in itertools.product(range(1, 10), range(1, 5), range(1, 4)):
        if i >= k:
            assert pool_output_size(i, k, s) == (i - k) // s + 1


# Transposed relationships: the convolution (i, k, p, s) and its transpose, which takes the
# convolution's output size i' back to i; the equivalent direct convolution pads the stretched
# input by p' = k - p - 1 (plus a extra at the bottom/right).
TRANSPOSED_FIGURES = [
    # relationship, i, k, p, s, i', o' by the guide's formula, p', stretched size, a
    (8, 4, 3, 0, 1, 2, lambda i2, k, p, s, a: i2 + (k - 1), 2, 2, 0),
    (9, 5, 4, 2, 1, 6, lambda i2, k, p, s, a: i2 + (k - 1) - 2 * p, 1, 6, 0),
    (10, 5, 3, 1, 1, 5, lambda i2, k, p, s, a: i2, 1, 5, 0),
    (11, 5, 3, 2, 1, 7, lambda i2, k, p, s, a: i2 - (k - 1), 0, 7, 0),
    (12, 5, 3, 0, 2, 2, lambda i2, k, p, s, a: s * (i2 - 1) + k, 2, 3, 0),
    (13, 5, 3, 1, 2, 3, lambda i2, k, p, s, a: s * (i2 - 1) + k - 2 * p, 1, 5, 0),
    (14, 6, 3, 1, 2, 3, lambda i2, k, p, s, a: s * (i2 - 1) + a + k - 2 * p, 1, 5, 1),
]


@pytest.mark.parametrize("relationship, i, k, p, s, i2, formula, p2, stretched, a", TRANSPOSED_FIGURES)
def test_transposed_relationships_with_the_figures(relationship, i, k, p, s, i2, formula, p2, stretched, a):
    assert conv_output_size(i, k, p, s) == i2  # the convolution whose transpose this is
    assert a == (i + 2 * p - k) % s
    assert formula(i2, k, p, s, a) == i
    assert transposed_output_size(i2, k, p, s, output_padding=a) == i
    rng = np.random.default_rng(relationship)
    x, w = rng.integers(-4, 5, (i2, i2)), rng.integers(-3, 4, (k, k))
    out = conv_transpose2d(x, w, padding=p, stride=s, output_padding=a)
    assert out.shape == (i, i)
    # The guide's equivalent direct convolution: stretch by s, pad by p' (and a), flip the kernel.
    trace = conv_transpose2d_trace(x, w, padding=p, stride=s, output_padding=a)
    assert trace.zero_inserted.shape == (stretched, stretched)
    assert trace.equivalent_pads == ((p2, p2 + a), (p2, p2 + a))
    direct = conv2d(np.pad(trace.zero_inserted, ((p2, p2 + a), (p2, p2 + a))), w[::-1, ::-1])
    np.testing.assert_array_equal(direct, out)


def test_transposed_relationships_in_general():
    # Relationship 14 (with 8–13 as special cases): for any conv (i, k, p, s), a = (i + 2p - k) mod s
    # and o' = s(i' - 1) + a + k - 2p gives back i.
    for i, k, p, s in itertools.product(range(1, 10), range(1, 6), range(4), range(1, 4)):
        if i + 2 * p < k:
            continue
        i2, a = conv_output_size(i, k, p, s), (i + 2 * p - k) % s
        assert transposed_output_size(i2, k, p, s, output_padding=a) == s * (i2 - 1) + a + k - 2 * p == i


def test_relationship_14_output_padding_picks_between_the_sizes_sharing_an_output():
    # i = 5 and i = 6 both give 3 under k = 3, s = 2, p = 1; a = 0 recovers 5 and a = 1 recovers 6.
    assert conv_output_size(5, 3, 1, 2) == conv_output_size(6, 3, 1, 2) == 3
    assert transposed_output_size(3, 3, 1, 2, output_padding=0) == 5
    assert transposed_output_size(3, 3, 1, 2, output_padding=1) == 6


def test_relationship_15_dilation():
    # The figure: i = 7, k = 3, d = 2 (effective kernel 5), s = 1, p = 0 → 3.
    i, k, d, s, p = 7, 3, 2, 1, 0
    assert (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1 == 3
    assert conv_output_size(i, k, p, s, d) == 3
    assert conv_side(i, k, p, s, d) == 3
    for i, k, p, s, d in itertools.product(range(1, 12), range(1, 5), range(3), range(1, 4), range(1, 4)):
        if i + 2 * p >= k + (k - 1) * (d - 1):
            assert conv_output_size(i, k, p, s, d) == (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1
