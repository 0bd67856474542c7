"""A tiny CNN trained here, in NumPy: two conv layers with max pooling and a dense layer, on
generated pictures of four shapes (so there is no data set to license: every picture is drawn from
a seed).

    14×14 → conv 3×3, 4 filters, ReLU → 4×12×12 → max pool 2 → 4×6×6
          → conv 3×3, 8 filters, ReLU → 8×4×4  → max pool 2 → 8×2×2 → dense 32 → 4 classes

The layers compute what the engine's conv2d and max_pool2d compute (a test checks them against
each other), but on a whole batch at once; backpropagation is written out by hand: the gradient of
a conv layer's weights is its input correlated with the error, as in fit_kernel, and the error
passed down is the error painted back through the kernel (conv_transpose2d).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Labels = NDArray[np.int64]

SIDE = 14
CLASSES = ("vertical line", "horizontal line", "diagonal line", "square outline")
FILTERS = (4, 8)
K = 3


def draw_shape(rng: np.random.Generator, label: int) -> Floats:
    """One SIDE×SIDE picture of shape `label`, at a random place and size, with noise."""
    picture = np.zeros((SIDE, SIDE))
    length = int(rng.integers(6, 11))
    top, left = (int(v) for v in rng.integers(0, SIDE - length + 1, size=2))
    if label == 0:
        picture[top : top + length, left + length // 2] = 1
    elif label == 1:
        picture[top + length // 2, left : left + length] = 1
    elif label == 2:
        rows = np.arange(length)
        cols = rows if rng.random() < 0.5 else length - 1 - rows
        picture[top + rows, left + cols] = 1
    else:
        picture[top : top + length, [left, left + length - 1]] = 1
        picture[[top, top + length - 1], left : left + length] = 1
    return picture + rng.normal(0, 0.15, picture.shape)


def shapes(count: int, seed: int) -> tuple[Floats, Labels]:
    """`count` pictures (count, 1, SIDE, SIDE) with their labels, the classes taking turns."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % len(CLASSES)
    rng.shuffle(labels)
    pictures = np.stack([draw_shape(rng, int(label)) for label in labels])[:, np.newaxis]
    return pictures, labels.astype(np.int64)


# -- the layers, on a batch (B, C, H, W) --------------------------------------------------------


def conv_forward(x: Floats, w: Floats, b: Floats) -> Floats:
    """Valid cross-correlation of each picture with each filter: (B, C, H, W), (O, C, k, k) → (B, O, H', W')."""
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))  # (B, C, H', W', k, k)
    out: Floats = np.einsum("bchwij,ocij->bohw", windows, w, optimize=True) + b[:, np.newaxis, np.newaxis]
    return out


def conv_backward(x: Floats, w: Floats, grad_out: Floats) -> tuple[Floats, Floats, Floats]:
    """Gradients of a conv layer's weights (the input correlated with the error), bias, and input
    (the error painted back through the kernel, tap by tap)."""
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))
    grad_w: Floats = np.einsum("bchwij,bohw->ocij", windows, grad_out, optimize=True)
    grad_b: Floats = grad_out.sum(axis=(0, 2, 3))
    grad_x = np.zeros_like(x)
    oh, ow = grad_out.shape[2:]
    for i, j in np.ndindex(*w.shape[2:]):
        grad_x[:, :, i : i + oh, j : j + ow] += np.einsum("bohw,oc->bchw", grad_out, w[:, :, i, j])
    return grad_w, grad_b, grad_x


def pool_forward(x: Floats) -> tuple[Floats, NDArray[np.bool_]]:
    """2×2 max pooling, stride 2 (odd edges dropped, as PyTorch), and where each maximum was."""
    b, c, h, w = x.shape
    blocks = x[:, :, : h // 2 * 2, : w // 2 * 2].reshape(b, c, h // 2, 2, w // 2, 2)
    out = blocks.max(axis=(3, 5))
    # Only the first maximum of a block takes the gradient, as PyTorch's max_pool2d does.
    flat = blocks.transpose(0, 1, 2, 4, 3, 5).reshape(b, c, h // 2, w // 2, 4)
    first = np.eye(4, dtype=bool)[flat.argmax(axis=-1)]
    return out, first


def pool_backward(grad_out: Floats, first: NDArray[np.bool_], shape: tuple[int, ...]) -> Floats:
    b, c, h, w = shape
    spread = first * grad_out[..., np.newaxis]  # (B, C, h/2, w/2, 4)
    blocks = spread.reshape(b, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    grad = np.zeros(shape)
    grad[:, :, : h // 2 * 2, : w // 2 * 2] = blocks.reshape(b, c, h // 2 * 2, w // 2 * 2)
    return grad


@dataclass
class TinyNet:
    """The weights: conv1 (4, 1, 3, 3), conv2 (8, 4, 3, 3), dense (4, 32), and their biases."""

    w1: Floats
    b1: Floats
    w2: Floats
    b2: Floats
    w3: Floats
    b3: Floats

    @classmethod
    def start(cls, seed: int) -> TinyNet:
        """He initialisation: weights scaled to keep each layer's output variance near its input's."""
        rng = np.random.default_rng(seed)
        c1, c2 = FILTERS
        dense_in = c2 * 2 * 2

        def he(*shape: int) -> Floats:
            fan_in = int(np.prod(shape[1:]))
            return rng.normal(0, np.sqrt(2 / fan_in), shape)

        return cls(
            he(c1, 1, K, K),
            np.zeros(c1),
            he(c2, c1, K, K),
            np.zeros(c2),
            he(len(CLASSES), dense_in),
            np.zeros(len(CLASSES)),
        )

    def layers(self, x: Floats) -> dict[str, Floats]:
        """Every stage's output for a batch: conv1 (after ReLU), pool1, conv2, pool2, scores."""
        conv1 = np.maximum(conv_forward(x, self.w1, self.b1), 0)
        pool1, _ = pool_forward(conv1)
        conv2 = np.maximum(conv_forward(pool1, self.w2, self.b2), 0)
        pool2, _ = pool_forward(conv2)
        scores = pool2.reshape(len(x), -1) @ self.w3.T + self.b3
        return {"conv1": conv1, "pool1": pool1, "conv2": conv2, "pool2": pool2, "scores": scores}

    def predict(self, x: Floats) -> Labels:
        labels: Labels = self.layers(x)["scores"].argmax(axis=1)
        return labels

    def gradients(self, x: Floats, labels: Labels) -> tuple[float, dict[str, Floats]]:
        """The batch's mean cross-entropy and its gradient with respect to every weight."""
        pre1 = conv_forward(x, self.w1, self.b1)
        conv1 = np.maximum(pre1, 0)
        pool1, first1 = pool_forward(conv1)
        pre2 = conv_forward(pool1, self.w2, self.b2)
        conv2 = np.maximum(pre2, 0)
        pool2, first2 = pool_forward(conv2)
        flat = pool2.reshape(len(x), -1)
        scores = flat @ self.w3.T + self.b3
        scores -= scores.max(axis=1, keepdims=True)  # the same softmax, without overflow
        probs = np.exp(scores)
        probs /= probs.sum(axis=1, keepdims=True)
        rows = np.arange(len(x))
        loss = float(-np.mean(np.log(probs[rows, labels])))

        grad_scores = probs
        grad_scores[rows, labels] -= 1
        grad_scores /= len(x)
        grad_pool2 = (grad_scores @ self.w3).reshape(pool2.shape)
        grad_pre2 = pool_backward(grad_pool2, first2, conv2.shape) * (pre2 > 0)
        grad_w2, grad_b2, grad_pool1 = conv_backward(pool1, self.w2, grad_pre2)
        grad_pre1 = pool_backward(grad_pool1, first1, conv1.shape) * (pre1 > 0)
        grad_w1, grad_b1, _ = conv_backward(x, self.w1, grad_pre1)
        grads = {"w1": grad_w1, "b1": grad_b1, "w2": grad_w2, "b2": grad_b2}
        return loss, grads | {"w3": grad_scores.T @ flat, "b3": grad_scores.sum(axis=0)}

    def step(self, x: Floats, labels: Labels, rate: float) -> float:
        """One step of gradient descent on the batch's mean cross-entropy; returns that loss."""
        loss, grads = self.gradients(x, labels)
        for name, grad in grads.items():
            setattr(self, name, getattr(self, name) - rate * grad)
        return loss


@dataclass(frozen=True)
class Trained:
    net: TinyNet
    losses: tuple[float, ...]  # the mean loss of each epoch
    train_accuracy: float
    test_accuracy: float


def train(
    *,
    seed: int = 0,
    train_count: int = 1200,
    test_count: int = 400,
    epochs: int = 6,
    batch: int = 32,
    rate: float = 0.2,
) -> Trained:
    """Train a TinyNet on generated shapes (plain minibatch gradient descent) and measure it on
    pictures it never saw, drawn from another seed."""
    x, labels = shapes(train_count, seed)
    test_x, test_labels = shapes(test_count, seed + 1)
    net = TinyNet.start(seed)
    rng = np.random.default_rng(seed + 2)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(train_count)
        epoch = [
            net.step(x[order[i : i + batch]], labels[order[i : i + batch]], rate) for i in range(0, train_count, batch)
        ]
        losses.append(float(np.mean(epoch)))
    return Trained(
        net,
        tuple(losses),
        float(np.mean(net.predict(x) == labels)),
        float(np.mean(net.predict(test_x) == test_labels)),
    )
