"""The kernel library and the built-in images."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convquest.engine import conv2d
from convquest.engine.images import IMAGES
from convquest.engine.kernels import KERNELS

REQUIRED_KERNELS = {
    "identity",
    "box_blur",
    "gaussian",
    "sharpen",
    "sobel_x",
    "sobel_y",
    "laplacian",
    "emboss",
    "horizontal_line",
    "vertical_line",
}
BLURS = {"box_blur", "gaussian"}
EDGE_DETECTORS = {"sobel_x", "sobel_y", "laplacian", "horizontal_line", "vertical_line"}


def test_the_required_kernels_are_there_under_their_own_names():
    assert set(KERNELS) >= REQUIRED_KERNELS
    for name, kernel in KERNELS.items():
        assert kernel.name == name and kernel.title
        assert kernel.detects.strip() and "\n" not in kernel.detects
        assert kernel.weights.shape == (3, 3)
        assert not kernel.weights.flags.writeable


def test_whole_number_kernels_are_integers_and_averages_are_exact_fractions():
    for kernel in KERNELS.values():
        if kernel.divisor == 1:
            assert kernel.weights.dtype == np.int64
        np.testing.assert_array_equal(kernel.numerators / kernel.divisor, kernel.weights)
        assert kernel.numerators.dtype == np.int64


def test_blurs_keep_brightness_and_edge_detectors_ignore_flat_areas():
    for name in BLURS:
        assert KERNELS[name].numerators.sum() == KERNELS[name].divisor
    for name in EDGE_DETECTORS:
        assert KERNELS[name].weights.sum() == 0
    flat = np.full((5, 5), 7)
    assert not conv2d(flat, KERNELS["laplacian"].weights).any()


def test_sobel_signs_follow_the_descriptions():
    # Brightness rising to the right: Sobel x positive, Sobel y zero.
    ramp = IMAGES["ramp"].pixels
    assert (conv2d(ramp, KERNELS["sobel_x"].weights) > 0).all()
    assert not conv2d(ramp, KERNELS["sobel_y"].weights).any()
    assert (conv2d(ramp.T, KERNELS["sobel_y"].weights) > 0).all()


def test_line_detectors_prefer_their_own_direction():
    vertical, horizontal = IMAGES["vertical_stripe"].pixels, IMAGES["horizontal_stripe"].pixels
    assert (
        conv2d(vertical, KERNELS["vertical_line"].weights).max()
        > conv2d(vertical, KERNELS["horizontal_line"].weights).max()
    )
    assert (
        conv2d(horizontal, KERNELS["horizontal_line"].weights).max()
        > conv2d(horizontal, KERNELS["vertical_line"].weights).max()
    )


def test_images_are_small_whole_number_pictures():
    assert {"square", "plus", "diagonal_edge", "vertical_stripe", "blob", "seven"} <= set(IMAGES)
    for name, image in IMAGES.items():
        assert image.name == name and image.title
        assert image.pixels.dtype == np.int64 and not image.pixels.flags.writeable
        assert min(image.pixels.shape) >= 8 and max(image.pixels.shape) <= 12
        assert image.pixels.min() >= 0 and image.pixels.max() <= 9
        assert image.pixels.min() < image.pixels.max()


@pytest.mark.parametrize("image", list(IMAGES.values()), ids=list(IMAGES))
def test_every_kernel_does_something_different_to_every_image(image):
    # A match-kernel level shows the image and the result and asks which kernel: the answer must
    # be unique, so no two kernels may give the same result, and only identity may leave it alone.
    results = {name: conv2d(image.pixels, kernel.weights, padding="same") for name, kernel in KERNELS.items()}
    np.testing.assert_array_equal(results["identity"], image.pixels)
    for (name_a, a), (name_b, b) in itertools.combinations(results.items(), 2):
        assert not np.allclose(a, b), f"{name_a} and {name_b} look the same on {image.name}"
