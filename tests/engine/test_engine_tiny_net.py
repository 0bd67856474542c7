"""The tiny CNN: its batched layers agree with the engine's conv2d and max_pool2d, its hand-written
backpropagation agrees with finite differences, and trained on generated shapes it recognises
pictures it never saw."""

from __future__ import annotations

import numpy as np
import pytest

from convquest.engine import conv2d, max_pool2d
from convquest.engine.tiny_net import (
    CLASSES,
    SIDE,
    TinyNet,
    conv_backward,
    conv_forward,
    pool_backward,
    pool_forward,
    shapes,
    train,
)


def test_the_batched_conv_is_the_engines_conv2d_on_each_picture():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(3, 2, 7, 6)), rng.normal(size=(4, 2, 3, 3)), rng.normal(size=4)
    out = conv_forward(x, w, b)
    for picture, mine in zip(x, out):
        np.testing.assert_allclose(mine, conv2d(picture, w, bias=b), rtol=1e-12, atol=1e-12)


def test_the_batched_pool_is_the_engines_max_pool2d_on_each_picture():
    x = np.random.default_rng(1).normal(size=(2, 3, 7, 6))
    out, _ = pool_forward(x)
    for picture, mine in zip(x, out):
        np.testing.assert_array_equal(mine, max_pool2d(picture, 2))


def _numeric(f, array: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        keep = array[index]
        array[index] = keep + h
        up = f()
        array[index] = keep - h
        down = f()
        array[index] = keep
        grad[index] = (up - down) / (2 * h)
    return grad


def test_the_conv_layers_gradients_agree_with_finite_differences():
    rng = np.random.default_rng(2)
    x, w, b = rng.normal(size=(2, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    weights = rng.normal(size=(2, 3, 3, 3))  # the loss: a fixed weighted sum of the outputs
    loss = lambda: float(np.sum(conv_forward(x, w, b) * weights))  # noqa: E731
    grad_w, grad_b, grad_x = conv_backward(x, w, weights)
    np.testing.assert_allclose(grad_w, _numeric(loss, w), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(grad_b, _numeric(loss, b), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(grad_x, _numeric(loss, x), rtol=1e-6, atol=1e-7)


def test_the_pools_gradient_goes_to_each_windows_maximum():
    rng = np.random.default_rng(3)
    x = rng.permutation(2 * 2 * 5 * 4).reshape(2, 2, 5, 4).astype(float)  # distinct values: one maximum each
    weights = rng.normal(size=(2, 2, 2, 2))
    _, first = pool_forward(x)
    grad = pool_backward(weights, first, x.shape)
    np.testing.assert_allclose(grad, _numeric(lambda: float(np.sum(pool_forward(x)[0] * weights)), x), atol=1e-6)
    assert np.all(grad[:, :, 4] == 0)  # the odd last row is in no window


@pytest.mark.slow
def test_the_networks_gradients_agree_with_finite_differences():
    x, labels = shapes(6, seed=4)
    net = TinyNet.start(5)
    _, grads = net.gradients(x, labels)
    for name in ("w1", "b1", "w2", "b3"):
        numeric = _numeric(lambda: net.gradients(x, labels)[0], getattr(net, name))
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-4, atol=1e-7)


def test_the_shapes_are_drawn_from_a_seed_with_every_class_alike():
    x, labels = shapes(40, seed=6)
    again, same = shapes(40, seed=6)
    np.testing.assert_array_equal(x, again)
    np.testing.assert_array_equal(labels, same)
    assert x.shape == (40, 1, SIDE, SIDE)
    assert np.bincount(labels).tolist() == [10] * len(CLASSES)
    assert not np.array_equal(shapes(40, seed=7)[0], x)


@pytest.fixture(scope="module")
def trained():
    return train()


@pytest.mark.slow
def test_trained_on_shapes_it_recognises_ninety_percent_of_new_ones(trained):
    assert trained.test_accuracy >= 0.9
    assert trained.losses[-1] < trained.losses[0] / 10


@pytest.mark.slow
def test_its_layers_have_the_shapes_the_size_formula_gives(trained):
    layers = trained.net.layers(shapes(2, seed=8)[0])
    assert {name: value.shape[1:] for name, value in layers.items()} == {
        "conv1": (4, 12, 12),
        "pool1": (4, 6, 6),
        "conv2": (8, 4, 4),
        "pool2": (8, 2, 2),
        "scores": (len(CLASSES),),
    }
