"""Channels, groups and multiply-adds: conv_params, conv_macs and Layer on grouped, depthwise,
pointwise (1×1) layers and bottlenecks, against hand-worked numbers from the papers and against
plain counts that share no code with the engine."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convquest.engine import Layer, conv_macs, conv_params, receptive_cells, receptive_field, shapes_through
from tests.sweeps import examples

CHECK = settings(max_examples=examples(150), deadline=None)


def plain_side(i: int, k: int, p: int, s: int, d: int) -> int:
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def connected_pairs(c_in: int, c_out: int, groups: int) -> int:
    """How many (filter, input channel) pairs are wired: filter o sees channel c when they fall in
    the same group, counted one pair at a time."""
    per_in, per_out = c_in // groups, c_out // groups
    return sum(1 for o in range(c_out) for c in range(c_in) if o // per_out == c // per_in)


# Worked examples -------------------------------------------------------------------------------


def test_alexnet_conv1():
    # 227×227×3, 96 filters 11×11, stride 4: (227 − 11)/4 + 1 = 55; (11·11·3 + 1)·96 = 34,944.
    conv1 = Layer("conv", 11, 4, out_channels=96)
    assert shapes_through([conv1], (3, 227, 227)) == [(96, 55, 55)]
    assert conv_params(3, 96, 11) == conv1.params(3) == 34_944
    # Each of the 96·55·55 outputs sums 11·11·3 = 363 products.
    assert conv_macs(3, 96, 11, 55) == conv1.macs((3, 227, 227)) == 96 * 55 * 55 * 363 == 105_415_200


def test_resnet_stem():
    # 7×7, stride 2, padding 3: (224 + 6 − 7)/2 + 1 = 112; then 3×3 max pool, stride 2, padding 1 → 56.
    stem = [Layer("conv", 7, 2, 3, out_channels=64, bias=False), Layer("pool", 3, 2, 1)]
    assert shapes_through(stem, (3, 224, 224)) == [(64, 112, 112), (64, 56, 56)]
    assert stem[0].params(3) == 64 * 3 * 49 == 9_408
    assert [(rf.size, rf.jump) for rf in receptive_field(stem)] == [(7, 2), (11, 4)]


def test_pointwise_convolution_mixes_channels():
    # A 1×1 convolution 256 → 64: C_in·C_out weights + C_out biases, and the size is kept.
    pointwise = Layer("conv", 1, out_channels=64)
    assert conv_params(256, 64, 1) == pointwise.params(256) == 256 * 64 + 64 == 16_448
    assert shapes_through([pointwise], (256, 56, 56)) == [(64, 56, 56)]
    assert pointwise.macs((256, 56, 56)) == 64 * 56 * 56 * 256


def test_grouped_convolution_divides_the_weights_by_the_groups():
    # 64 → 128 in 4 groups: each filter reads 64/4 = 16 channels.
    assert conv_params(64, 128, 3, groups=4) == 128 * 16 * 9 + 128 == 18_560
    assert conv_params(64, 128, 3, groups=4, bias=False) * 4 == conv_params(64, 128, 3, bias=False)
    assert conv_macs(64, 128, 3, (56, 28), groups=4) == 128 * 56 * 28 * 16 * 9


def test_mobilenet_block_depthwise_separable_against_standard():
    # MobileNet-v1's 512-channel block at 14×14: depthwise 3×3 then pointwise 1×1, no biases (BN follows).
    depthwise = Layer("conv", 3, 1, 1, out_channels=512, groups=512, bias=False)
    pointwise = Layer("conv", 1, out_channels=512, bias=False)
    standard = Layer("conv", 3, 1, 1, out_channels=512, bias=False)
    shape = (512, 14, 14)
    assert shapes_through([depthwise, pointwise], shape) == [shape, shape]
    assert depthwise.params(512) == 512 * 9 == 4_608
    assert pointwise.params(512) == 512 * 512 == 262_144
    assert standard.params(512) == 512 * 512 * 9 == 2_359_296
    separable = depthwise.macs(shape) + pointwise.macs(shape)
    assert separable == 14 * 14 * (512 * 9 + 512 * 512) == 52_283_392
    assert Fraction(separable, standard.macs(shape)) == Fraction(1, 512) + Fraction(1, 9)


@given(c_in=st.integers(1, 64), c_out=st.integers(1, 64), k=st.integers(1, 7), side=st.integers(1, 40))
@CHECK
def test_separable_ratio_is_one_over_c_out_plus_one_over_k_squared(c_in, c_out, k, side):
    separable = conv_macs(c_in, c_in, k, side, groups=c_in) + conv_macs(c_in, c_out, 1, side)
    assert Fraction(separable, conv_macs(c_in, c_out, k, side)) == Fraction(1, c_out) + Fraction(1, k * k)


def test_resnet_bottleneck_block():
    # ResNet-50's first bottleneck at 56×56: 1×1 256→64, 3×3 64→64, 1×1 64→256, no biases.
    block = [
        Layer("conv", 1, out_channels=64, in_channels=256, bias=False),
        Layer("conv", 3, p=1, out_channels=64, bias=False),
        Layer("conv", 1, out_channels=256, bias=False),
    ]
    shapes = shapes_through(block, (256, 56, 56))
    assert shapes == [(64, 56, 56), (64, 56, 56), (256, 56, 56)]
    ins = [256, 64, 64]
    assert [layer.params(c) for layer, c in zip(block, ins)] == [16_384, 36_864, 16_384]  # 69,632 in all
    # Against one 3×3 layer 256 → 256: the bottleneck needs 69,632 / 589,824 ≈ 12% of the weights.
    assert conv_params(256, 256, 3, bias=False) == 589_824
    inputs = [(256, 56, 56), *shapes[:-1]]
    assert sum(layer.macs(shape) for layer, shape in zip(block, inputs)) == 69_632 * 56 * 56


# Against plain counts ----------------------------------------------------------------------------


@st.composite
def grouped_channels(draw):
    groups = draw(st.integers(1, 6))
    return groups * draw(st.integers(1, 5)), groups * draw(st.integers(1, 5)), groups


@given(grouped_channels(), st.integers(1, 5), st.integers(1, 5), st.booleans())
@CHECK
def test_conv_params_counts_every_wired_weight(channels, kh, kw, bias):
    c_in, c_out, groups = channels
    expected = connected_pairs(c_in, c_out, groups) * kh * kw + (c_out if bias else 0)
    assert conv_params(c_in, c_out, (kh, kw), bias, groups) == expected
    if kh == kw:
        assert conv_params(c_in, c_out, kh, bias=bias, groups=groups) == expected


@given(grouped_channels(), st.integers(1, 5), st.integers(1, 5), st.integers(1, 9), st.integers(1, 9))
@CHECK
def test_conv_macs_counts_every_product(channels, kh, kw, oh, ow):
    c_in, c_out, groups = channels
    assert (
        conv_macs(c_in, c_out, (kh, kw), (oh, ow), groups) == connected_pairs(c_in, c_out, groups) * kh * kw * oh * ow
    )


@st.composite
def stacks(draw):
    """A stack of conv and pool layers, some grouped or depthwise, and an input it fits."""
    channels = draw(st.integers(1, 4)) * 2
    layers, c = [], channels
    for _ in range(draw(st.integers(1, 4))):
        k, s, d = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
        if draw(st.booleans()):
            layers.append(Layer("pool", k, draw(st.none() | st.just(s)), draw(st.integers(0, k // 2)), d))
        else:
            groups = draw(st.sampled_from([1, c, 2] if c % 2 == 0 else [1, c]))
            c = groups * draw(st.integers(1, 3))
            layers.append(Layer("conv", k, s, draw(st.integers(0, 2)), d, out_channels=c, groups=groups))
    return layers, (channels, draw(st.integers(12, 40)), draw(st.integers(12, 40)))


@given(stacks())
@CHECK
def test_shapes_through_follows_the_size_formula_layer_by_layer(stack):
    layers, shape = stack
    try:
        shapes = shapes_through(layers, shape)
    except ValueError:
        # Refused only where the plain formula gives no output cell somewhere along the stack.
        c, h, w = shape
        for layer in layers:
            h, w = plain_side(h, layer.k, layer.p, layer.s, layer.d), plain_side(w, layer.k, layer.p, layer.s, layer.d)
            if h < 1 or w < 1:
                return
        raise
    c, h, w = shape
    for layer, got in zip(layers, shapes):
        h, w = plain_side(h, layer.k, layer.p, layer.s, layer.d), plain_side(w, layer.k, layer.p, layer.s, layer.d)
        c = layer.out_channels if layer.kind == "conv" else c
        assert got == (c, h, w)


@given(stacks())
@CHECK
def test_layer_macs_are_outputs_times_products_per_output(stack):
    layers, shape = stack
    try:
        shapes = shapes_through(layers, shape)
    except ValueError:
        return
    for layer, before, after in zip(layers, [shape, *shapes], shapes):
        if layer.kind == "pool":
            assert layer.macs(before) == layer.params(before[0]) == 0
            continue
        per_output = before[0] // layer.groups * layer.k * layer.k
        assert layer.macs(before) == after[0] * after[1] * after[2] * per_output


# Layer's defaults and options ------------------------------------------------------------------


def test_pooling_stride_defaults_to_the_window_and_conv_stride_to_one():
    assert Layer("pool", 3).s == 3
    assert Layer("pool", 3, 1).s == 1
    assert Layer("conv", 3).s == 1
    # 3×3 max pool with padding 1 and no stride given, as nn.MaxPool2d(3, padding=1): (56 + 2 − 3)/3 + 1 = 19.
    assert shapes_through([Layer("pool", 3, p=1)], (8, 56, 56)) == [(8, 19, 19)]


def test_same_padding_keeps_the_size_and_puts_the_odd_cell_after():
    layer = Layer("conv", 4, p="same", out_channels=2)
    assert layer.pads == (1, 2)
    assert shapes_through([layer], (1, 9, 7)) == [(2, 9, 7)]
    # The field of output 0 is input cells −1..2: one padding cell before, as PyTorch pads.
    assert receptive_cells([layer], 0) == [-1, 0, 1, 2]
    assert receptive_field([layer])[0].span(0) == (-1, 2)


def test_in_channels_is_checked_against_what_arrives():
    layer = Layer("conv", 3, out_channels=8, in_channels=4)
    assert layer.params() == 8 * 4 * 9 + 8
    with pytest.raises(ValueError, match=r"layer 2 \(conv\): the layer takes 4 input channels \(in_channels\), but 6"):
        shapes_through([Layer("conv", 1, out_channels=6), layer], (3, 8, 8))


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: conv_params(64, 128, 3, groups=5), ["input channels (64)", "groups (5)"]),
        (lambda: conv_params(64, 30, 3, groups=4), ["output channels (30)", "groups (4)"]),
        (lambda: conv_params(0, 8, 3), ["input channels", "at least 1", "0"]),
        (lambda: conv_params(3, 8, 3, groups=0), ["groups", "0"]),
        (lambda: conv_params(3, 8, (3, 0)), ["kernel size (width)", "0"]),
        (lambda: conv_macs(3, 8, 3, (4, 0)), ["output size (width)", "0"]),
        (lambda: conv_macs(6, 8, 3, 4, groups=4), ["input channels (6)", "groups (4)"]),
        (lambda: Layer("conv", 3, out_channels=10, groups=4), ["output channels (10)", "groups (4)"]),
        (lambda: Layer("conv", 3, in_channels=6, groups=4), ["input channels (6)", "groups (4)"]),
        (lambda: Layer("conv", 3, 2, "same"), ["'same'", "stride 1", "2"]),
        (lambda: Layer("pool", 2, groups=2), ["pooling", "groups"]),
        (lambda: Layer("pool", 2, p="same"), ["padding", "'same'"]),
        (lambda: shapes_through([Layer("conv", 3, out_channels=8, groups=4)], (6, 8, 8)), ["layer 1", "(6)", "(4)"]),
    ],
)
def test_refusals_name_the_numbers(call, words):
    with pytest.raises(ValueError) as refusal:
        call()
    for word in words:
        assert word in str(refusal.value)


@pytest.mark.slow
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 4), st.integers(1, 5), st.booleans())
@settings(max_examples=examples(100), deadline=None)
def test_conv_params_and_refusals_match_pytorch(c_in, c_out, groups, k, bias):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle only where it is installed")
    try:
        with torch.device("meta"):
            module = torch.nn.Conv2d(c_in, c_out, k, groups=groups, bias=bias)
    except ValueError:
        with pytest.raises(ValueError, match="divisible by groups"):
            conv_params(c_in, c_out, k, bias, groups)
        return
    assert conv_params(c_in, c_out, k, bias, groups) == sum(p.numel() for p in module.parameters())
