"""Every configuration PyTorch refuses is refused with a ValueError naming the numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest

from convquest.engine import (
    Layer,
    avg_pool2d,
    conv2d,
    conv_output_shape,
    conv_output_size,
    conv_params,
    conv_transpose2d,
    max_pool2d,
    padding_for,
    pool_output_size,
    receptive_cells,
    shapes_through,
    transposed_output_size,
)
from convquest.engine.traces import conv2d_trace

REFUSALS = [
    # (what is refused, the call, words the message must contain)
    (
        "kernel spans more than the padded input",
        lambda: conv_output_size(5, 5, 1, 1, 2),
        ["kernel 5 with dilation 2 spans 9 cells", "padded input is only 7 cells", "5 plus padding 1 + 1"],
    ),
    ("kernel larger than the input", lambda: conv_output_size(3, 5), ["kernel 5 spans 5 cells", "only 3 cells"]),
    (
        "kernel larger along one axis of a 2-D input",
        lambda: conv_output_shape((8, 3), (3, 4)),
        ["kernel 4 spans 4 cells", "only 3 cells wide"],
    ),
    ("non-integer size", lambda: conv_output_size(5.0, 3), ["input size must be a whole number", "5.0"]),
    ("bool as a size", lambda: conv_output_size(5, True), ["kernel size must be a whole number", "True"]),
    ("zero input", lambda: conv_output_size(0, 1), ["input size must be at least 1", "got 0"]),
    ("zero kernel", lambda: conv_output_size(4, 0), ["kernel size must be at least 1", "got 0"]),
    ("negative kernel", lambda: conv_output_size(4, -2), ["kernel size must be at least 1", "got -2"]),
    ("zero stride", lambda: conv_output_size(4, 3, 0, 0), ["stride must be at least 1", "got 0"]),
    ("zero dilation", lambda: conv_output_size(4, 3, 0, 1, 0), ["dilation must be at least 1", "got 0"]),
    ("negative padding", lambda: conv_output_size(4, 3, -1), ["padding cannot be negative", "got -1"]),
    (
        "output_padding as large as the stride",
        lambda: transposed_output_size(3, 3, 1, 2, output_padding=2),
        ["output_padding (2) must be smaller", "stride (2)", "dilation (1)", "whichever is larger (2)"],
    ),
    (
        "output_padding as large as stride and dilation",
        lambda: transposed_output_size(3, 3, 0, 1, 2, output_padding=2),
        ["output_padding (2)", "stride (1)", "dilation (2)", "whichever is larger (2)"],
    ),
    (
        "negative output_padding",
        lambda: transposed_output_size(3, 3, output_padding=-1),
        ["output_padding cannot be negative", "-1"],
    ),
    (
        "transposed output below 1",
        lambda: transposed_output_size(1, 1, 1),
        ["paints 1 cells", "padding 1 crops 2", "leaving -1", "at most 0"],
    ),
    (
        "pooling padding over half the window",
        lambda: pool_output_size(5, 3, p=2),
        ["pooling padding 2 is more than half the pooling window 3", "at most 1"],
    ),
    (
        "pooling window larger than the input",
        lambda: pool_output_size(2, 3, 2),
        ["pooling window 3 spans 3 cells", "only 2 cells"],
    ),
    (
        "same padding with a stride",
        lambda: conv2d(np.zeros((5, 5)), np.ones((3, 3)), padding="same", stride=2),
        ["padding='same'", "stride 1", "stride is 2"],
    ),
    ("unknown padding mode", lambda: padding_for("half", 3), ["'valid', 'same', 'full'", "'half'"]),
    (
        "a pair with three values",
        lambda: conv2d(np.zeros((5, 5)), np.ones((3, 3)), stride=(1, 2, 3)),
        ["stride must be a whole number or an (h, w) pair", "3 values"],
    ),
    (
        "channels that do not match",
        lambda: conv2d(np.zeros((2, 5, 5)), np.ones((4, 3, 3, 3))),
        ["expects 3 input channels", "has 2"],
    ),
    (
        "mixing 2-D input with 4-D weights",
        lambda: conv2d(np.zeros((5, 5)), np.ones((1, 1, 3, 3))),
        ["(H, W) goes with w of shape (kh, kw)", "(5, 5)"],
    ),
    (
        "bias of the wrong length",
        lambda: conv2d(np.zeros((1, 5, 5)), np.ones((2, 1, 3, 3)), bias=[1, 2, 3]),
        ["one value per output channel, 2 in all", "(3,)"],
    ),
    (
        "transposed channels that do not match",
        lambda: conv_transpose2d(np.zeros((3, 2, 2)), np.ones((2, 1, 3, 3))),
        ["expects 2 input channels", "has 3"],
    ),
    ("text where numbers belong", lambda: conv2d([["a"]], [[1]]), ["x must hold real numbers"]),
    (
        "max pool with too much padding",
        lambda: max_pool2d(np.zeros((4, 4)), 2, padding=2),
        ["pooling padding (height) 2 is more than half the pooling window 2", "at most 1"],
    ),
    ("avg pool on a 4-D input", lambda: avg_pool2d(np.zeros((1, 1, 4, 4)), 2), ["(H, W) or (C, H, W)", "(1, 1, 4, 4)"]),
    ("a layer of an unknown kind", lambda: Layer("dense", 3), ["'conv' or 'pool'", "'dense'"]),
    ("a pooling layer with channels", lambda: Layer("pool", 2, out_channels=4), ["takes no out_channels", "4"]),
    (
        "a conv layer without channels in a shape walk",
        lambda: shapes_through([Layer("conv", 3)], (1, 8, 8)),
        ["layer 1 (conv)", "needs out_channels"],
    ),
    (
        "an output index past the last layer",
        lambda: receptive_cells([Layer("conv", 3)], 5, input_size=5),
        ["output index 5", "3 cells"],
    ),
    ("zero channels in a parameter count", lambda: conv_params(0, 4, 3), ["input channels must be at least 1", "0"]),
    (
        "a multi-channel trace",
        lambda: conv2d_trace(np.zeros((2, 4, 4)), np.ones((1, 2, 3, 3))),
        ["traces show one channel", "(2, 4, 4)"],
    ),
]


@pytest.mark.parametrize(
    "call, words", [(call, words) for _, call, words in REFUSALS], ids=[name for name, _, _ in REFUSALS]
)
def test_refusal_names_the_numbers(call, words):
    with pytest.raises(ValueError) as refused:
        call()
    for word in words:
        assert word in str(refused.value), f"{word!r} missing from: {refused.value}"


def test_refusals_from_the_ops_match_the_size_functions():
    # The ops refuse through the same checks, so a student sees the same sentence either way.
    with pytest.raises(ValueError, match=re.escape("kernel 5 with dilation 2 spans 9 cells")):
        conv2d(np.zeros((5, 5)), np.ones((5, 5)), padding=1, dilation=2)
    with pytest.raises(
        ValueError, match=re.escape("output_padding along the height (2) must be smaller than the stride (2)")
    ):
        conv_transpose2d(np.zeros((3, 3)), np.ones((3, 3)), stride=2, output_padding=2)


def test_pytorch_allows_padding_wider_than_the_kernel():
    # Not a refusal: PyTorch accepts it, and every extra ring of padding adds an output of zeros.
    assert conv_output_size(3, 3, 5) == 11
    assert conv2d(np.ones((3, 3)), np.ones((3, 3)), padding=5)[0, 0] == 0
