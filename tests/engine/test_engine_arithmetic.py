"""Output sizes, padding modes, solvers, receptive fields and parameter counts."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convquest.engine import (
    Layer,
    avg_pool2d,
    conv2d,
    conv_output_shape,
    conv_output_size,
    conv_params,
    dense_params,
    effective_kernel,
    padding_for,
    pool_output_shape,
    pool_output_size,
    receptive_cells,
    receptive_field,
    shapes_through,
    solve_padding,
    solve_stride,
    transposed_output_shape,
    transposed_output_size,
)
from tests.sweeps import examples

PROPERTY = settings(max_examples=examples(200), deadline=None)
small = st.integers(1, 12)


def window_positions(i: int, k: int, p: int, s: int, d: int) -> int:
    """Count where a window of span d(k-1)+1 fits in the padded input, stepping by s."""
    span, padded = d * (k - 1) + 1, i + 2 * p
    return sum(1 for start in range(0, padded, s) if start + span <= padded)


@PROPERTY
@given(small, st.integers(1, 6), st.integers(0, 4), st.integers(1, 4), st.integers(1, 3))
def test_conv_output_size_counts_window_positions(i, k, p, s, d):
    positions = window_positions(i, k, p, s, d)
    if positions == 0:
        with pytest.raises(ValueError):
            conv_output_size(i, k, p, s, d)
    else:
        assert conv_output_size(i, k, p, s, d) == positions


@PROPERTY
@given(small, st.integers(1, 6), st.integers(0, 3), st.integers(1, 4))
def test_pool_output_size_counts_window_positions_and_defaults_stride_to_the_window(i, k, p, s):
    if p > k // 2 or window_positions(i, k, p, s, 1) == 0:
        with pytest.raises(ValueError):
            pool_output_size(i, k, s, p)
        return
    assert pool_output_size(i, k, s, p) == window_positions(i, k, p, s, 1)
    if window_positions(i, k, p, k, 1):
        assert pool_output_size(i, k, p=p) == window_positions(i, k, p, k, 1)


@PROPERTY
@given(small, st.integers(1, 6), st.integers(0, 4), st.integers(1, 4), st.integers(1, 3))
def test_transposed_output_size_recovers_the_convolution_input(i, k, p, s, d):
    # The transposed convolution maps the output size back to the input size; output_padding
    # picks which of the s input sizes that share this output size.
    if window_positions(i, k, p, s, d) == 0:
        return
    o = conv_output_size(i, k, p, s, d)
    leftover = (i + 2 * p - effective_kernel(k, d)) % s
    assert transposed_output_size(o, k, p, s, d, output_padding=leftover) == i


@PROPERTY
@given(small, st.integers(1, 6), st.integers(1, 3))
def test_padding_modes(i, k, d):
    span = effective_kernel(k, d)
    assert span == d * (k - 1) + 1
    assert padding_for("valid", k, d) == (0, 0)
    before, after = padding_for("same", k, d)
    assert before + after == span - 1 and after - before in (0, 1)
    assert conv_output_shape((i, i), k, "same", 1, d) == (i, i)
    assert padding_for("full", k, d) == (span - 1, span - 1)
    assert conv_output_shape((i, i), k, "full", 1, d) == (i + span - 1,) * 2
    if i >= span:
        assert conv_output_shape((i, i), k, "valid", 1, d) == (i - span + 1,) * 2


def test_shape_helpers_work_per_axis():
    assert conv_output_shape((7, 9), (3, 5), (1, 0), (2, 1), (1, 2)) == (
        conv_output_size(7, 3, 1, 2, 1),
        conv_output_size(9, 5, 0, 1, 2),
    )
    assert transposed_output_shape((3, 4), (3, 2), (1, 0), (2, 3), 1, (1, 2)) == (
        transposed_output_size(3, 3, 1, 2, 1, 1),
        transposed_output_size(4, 2, 0, 3, 1, 2),
    )
    assert pool_output_shape((8, 6), (2, 3)) == (4, 2)
    # The helpers agree with the ops on the shape of a real result: (7 + 2 - 3)//2 + 1 = 4 rows,
    # 9 - (2·4 + 1) + 1 = 1 column.
    assert conv2d(np.zeros((7, 9)), np.zeros((3, 5)), padding=(1, 0), stride=(2, 1), dilation=(1, 2)).shape == (4, 1)


@PROPERTY
@given(small, st.integers(1, 5), st.integers(1, 14), st.integers(1, 4), st.integers(1, 3))
def test_solve_padding_finds_every_padding_and_no_other(i, k, o, s, d):
    # Any padding beyond i + o·s + span cannot shrink the output back to o, so this range is exhaustive.
    limit = i + o * s + effective_kernel(k, d)
    brute = [p for p in range(limit) if window_positions(i, k, p, s, d) == o]
    assert solve_padding(i, k, o, s, d) == brute


@PROPERTY
@given(small, st.integers(1, 5), st.integers(1, 8), st.integers(0, 3), st.integers(1, 3))
def test_solve_stride_finds_every_stride_up_to_the_padded_input(i, k, o, p, d):
    brute = [s for s in range(1, i + 2 * p + 1) if window_positions(i, k, p, s, d) == o]
    assert solve_stride(i, k, o, p, d) == brute


def test_solvers_by_hand():
    # Keep 5 with a 3-kernel: (5 + 2p - 3) + 1 = 5 → p = 1.
    assert solve_padding(5, 3, 5) == [1]
    # Stride 2, want 3 from 6: floor((6 + 2p - 3)/2) + 1 = 3 → 2p + 3 ∈ {4, 5} → p = 1.
    assert solve_padding(6, 3, 3, s=2) == [1]
    # Stride 3, want 3 from 7 with k 3: 2p + 4 ∈ {6, 7, 8} → p ∈ {1, 2}.
    assert solve_padding(7, 3, 3, s=3) == [1, 2]
    # A 3-kernel can never make 5 into 6 at stride 1 without... p: 2p + 3 = 6 has no whole solution.
    assert solve_padding(5, 3, 6) == []
    # Halve 8 with k 2: floor((8 - 2)/s) + 1 = 4 → s = 2.
    assert solve_stride(8, 2, 4) == [2]
    assert solve_stride(4, 3, 5) == []


def test_receptive_field_by_hand():
    # Two 3×3 convs: each adds 2 cells at jump 1 → 3, then 5.
    assert [(r.size, r.jump) for r in receptive_field([Layer("conv", 3), Layer("conv", 3)])] == [(3, 1), (5, 1)]
    # conv 3 → pool 2/2 → conv 3 (pad 1): sizes 3, 3 + 1·1 = 4, 4 + 2·2 = 8; jumps 1, 2, 2.
    # Centres: 0 + 1 = 1; 1 + (0.5 - 0)·1 = 1.5; 1.5 + (1 - 1)·2 = 1.5.
    infos = receptive_field([Layer("conv", 3), Layer("pool", 2, s=2), Layer("conv", 3, p=1)])
    assert [(r.size, r.jump, r.start) for r in infos] == [(3, 1, 1.0), (4, 2, 1.5), (8, 2, 1.5)]
    assert infos[-1].span(0) == (-2, 5)  # 8 cells centred on 1.5, two of them in padding
    # Two padded 3×3 convs on 4 cells: output 0 reads layer-1 cells -1, 0, 1, but -1 is padding
    # (a constant 0), so only layer-1 cells 0 and 1 pass anything on: input -1..2, -1 being padding.
    padded = [Layer("conv", 3, p=1), Layer("conv", 3, p=1)]
    assert receptive_cells(padded, 0, input_size=4) == [-1, 0, 1, 2]
    assert receptive_cells(padded, 0) == [-2, -1, 0, 1, 2]  # the unbounded formula's field
    # Dilation 2 on a 3-kernel spans 5.
    assert receptive_field([Layer("conv", 3, d=2)])[0].size == 5


layers_strategy = st.lists(
    st.one_of(
        st.builds(Layer, st.just("conv"), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2), st.integers(1, 3)),
        st.integers(1, 4).flatmap(
            lambda k: st.builds(Layer, st.just("pool"), st.just(k), st.integers(1, 3), st.integers(0, k // 2))
        ),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=examples(100), deadline=None)
@given(layers_strategy, st.integers(0, 3))
def test_receptive_field_agrees_with_the_exact_cells(layers, index):
    info = receptive_field(layers)[-1]
    cells = receptive_cells(layers, index)
    first, last = info.span(index)
    assert (first, last) == (cells[0], cells[-1])
    assert info.size == last - first + 1
    assert receptive_cells(layers, index + 1)[0] - cells[0] == info.jump


@settings(max_examples=examples(100), deadline=None)
@given(layers_strategy, st.data())
def test_receptive_cells_are_the_inputs_an_output_depends_on(layers, data):
    # Run the stack for real on a 1-row strip: all-ones kernels and average pooling only ever
    # add positive amounts, so output cell 0 moves exactly when a cell it reads is lit.
    square = [_with_channels(layer) for layer in layers]  # Layer kernels are square
    length = next(n for n in range(1, 200) if _fits(square, n))
    widths = [shape[2] for shape in shapes_through(square, (1, length, length))]
    index = data.draw(st.integers(0, widths[-1] - 1))
    cells = set(receptive_cells(layers, index, input_size=length))
    for lit in range(length):
        strip = np.zeros((1, length))
        strip[0, lit] = 1.0
        for layer in layers:
            if layer.kind == "conv":
                strip = conv2d(
                    strip, np.ones((1, layer.k)), padding=(0, layer.p), stride=(1, layer.s), dilation=(1, layer.d)
                )
            else:
                strip = avg_pool2d(strip, (1, layer.k), stride=(1, layer.s), padding=(0, layer.p))
        assert (strip[0, index] > 0) == (lit in cells)


def _fits(layers: list[Layer], length: int) -> bool:
    try:
        shapes_through(layers, (1, length, length))
    except ValueError:
        return False
    return True


def _with_channels(layer: Layer) -> Layer:
    return Layer(layer.kind, layer.k, layer.s, layer.p, layer.d, 1 if layer.kind == "conv" else None)


def test_shapes_through_a_small_network():
    layers = [Layer("conv", 3, p=1, out_channels=16), Layer("pool", 2, s=2), Layer("conv", 5, out_channels=32)]
    # 32 → same-size conv → 32; pool 2/2 → 16; 5-kernel valid → 12.
    assert shapes_through(layers, (3, 32, 32)) == [(16, 32, 32), (16, 16, 16), (32, 12, 12)]


def test_shapes_through_names_the_layer_that_does_not_fit():
    with pytest.raises(ValueError, match=r"layer 2 \(conv\): kernel 5 spans 5 cells, but the padded input is only 4"):
        shapes_through([Layer("pool", 2, s=2), Layer("conv", 5, out_channels=1)], (1, 8, 8))


def test_parameter_counts():
    # 16 filters of 3·3·3 weights plus 16 biases.
    assert conv_params(3, 16, 3) == 16 * 27 + 16 == 448
    assert conv_params(3, 16, (3, 5), bias=False) == 16 * 3 * 15
    # A dense layer from a 3×32×32 image to 10 classes: 3072·10 weights + 10 biases.
    assert dense_params(3 * 32 * 32, 10) == 30730
    assert dense_params(4, 2, bias=False) == 8
