"""match-kernel: palette, edit, two-step, translation and locality, answered from the ops here."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from convquest.engine.images import IMAGES
from convquest.engine.kernels import KERNELS
from convquest.engine.ops import conv2d
from convquest.engine.problems import from_params, generate, variants
from tests.sweeps import seeds

# Each check runs a convolution, so 1,000 seeds per variant and difficulty (15,000 problems, about
# 60,000 checks) keeps this file near 15 s; generation alone is benchmarked at 10,000+/s.
SEEDS = seeds(1_000)
DIFFICULTIES = (1, 2, 3)


@functools.cache
def library(image_name, kernel_name):
    """conv2d of a built-in image with a library kernel (both fixed tables, so computed once)."""
    return conv2d(IMAGES[image_name].pixels, KERNELS[kernel_name].weights)


def is_multiple(out, target):
    at = np.unravel_index(np.abs(target).argmax(), target.shape)
    return target[at] != 0 and np.allclose(out, out[at] / target[at] * target)


def test_variants():
    assert variants("match-kernel") == ("palette", "edit", "two-step", "translation", "locality", "pooled-translation")


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_palette(difficulty):
    for seed in SEEDS:
        problem = generate("match-kernel", seed, difficulty, "palette")
        params = problem.params()
        target = library(params["image"], params["kernels"][0])
        assert np.allclose(problem.target, target) and target.shape == (8, 8)
        assert problem.check(problem.parse_answer(KERNELS[params["kernels"][0]].title)).correct
        for name in params["palette"]:
            out = library(params["image"], name)
            verdict = problem.check(name)
            assert verdict.correct == bool(np.allclose(out, target))
            if np.array_equal(KERNELS[name].weights.T, KERNELS[params["kernels"][0]].weights) and not verdict.correct:
                assert verdict.mistake == "transposed_kernel"
            if not verdict.correct:
                differ = int((~np.isclose(out, target)).sum())
                assert f"{differ} of 64 cells differ" in verdict.explanation
                assert KERNELS[name].detects in verdict.explanation


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_edit(difficulty):
    for seed in SEEDS:
        problem = generate("match-kernel", seed, difficulty, "edit")
        params = problem.params()
        image, weights = IMAGES[params["image"]].pixels, np.array(params["weights"])
        target = conv2d(image, weights)
        assert np.array_equal(problem.target, target) and np.ptp(target) > 0
        assert not any(np.allclose(library(params["image"], name), target) for name in KERNELS)
        assert problem.check(weights).correct
        text = "; ".join(" ".join(map(str, row)) for row in weights.tolist())
        assert problem.check(problem.parse_answer(text)).correct
        ways = [
            ("opposite_sign", -weights),
            ("wrong_scale", 3 * weights),
            ("transposed_kernel", weights.T),
            ("flipped_kernel", weights[::-1, ::-1]),
        ]
        seen = [target]
        for key, wrong in ways:
            out = conv2d(image, wrong)
            # Sign and scale are judged first, on the output; a later slip is expected only where no
            # earlier one already explains the same output.
            earlier = any(np.array_equal(out, s) for s in seen) or (
                key not in ("opposite_sign", "wrong_scale") and is_multiple(out, target)
            )
            if not earlier:
                assert problem.check(wrong).mistake == key, (params, key)
            seen.append(out)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_two_step(difficulty):
    for seed in SEEDS:
        problem = generate("match-kernel", seed, difficulty, "two-step")
        blur, edge = problem.params()["kernels"]
        image = IMAGES[problem.params()["image"]].pixels
        target = conv2d(conv2d(image, KERNELS[blur].weights), KERNELS[edge].weights)
        assert np.allclose(problem.target, target)
        assert problem.check(problem.parse_answer(f"{blur}, {edge}")).correct
        assert problem.check((edge, blur)).correct  # stacked cross-correlations commute
        other_edge = next(e for e in ("sobel_x", "sobel_y", "laplacian") if e != edge)
        out = conv2d(conv2d(image, KERNELS[blur].weights), KERNELS[other_edge].weights)
        if not np.allclose(out, target) and not np.allclose(out, -target):
            assert problem.check((blur, other_edge)).mistake == "one_step_wrong"


def test_one_step_wrong_does_not_say_which_step_is_right():
    """kernels-6: there are two blurs, so confirming the edge detector would give the blur away."""
    problem = from_params(
        "match-kernel", {"variant": "two-step", "image": "square", "kernels": ["gaussian", "sobel_x"]}
    )
    wrong_blur = problem.check(("box_blur", "sobel_x"))
    wrong_edge = problem.check(("gaussian", "sobel_y"))
    assert wrong_blur.mistake == wrong_edge.mistake == "one_step_wrong"
    assert wrong_blur.diagnosis == wrong_edge.diagnosis
    named = [k.title for k in KERNELS.values()] + list(KERNELS)
    assert not [name for name in named if name.lower() in wrong_blur.diagnosis.lower()], wrong_blur.diagnosis


def moved_image(params, moved):
    from convquest.engine.problems.why_conv import FEATURES

    pattern = np.array(FEATURES[params["feature"]][0])
    top, left = params["at"]
    if moved:
        top, left = top + params["shift"][0], left + params["shift"][1]
    image = np.zeros((params["n"], params["n"]), dtype=int)
    image[top : top + pattern.shape[0], left : left + pattern.shape[1]] = pattern
    return image, KERNELS[FEATURES[params["feature"]][1]].weights


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_translation(difficulty):
    for seed in SEEDS:
        problem = generate("match-kernel", seed, difficulty, "translation")
        params = problem.params()
        peaks = []
        for moved in (False, True):
            out = conv2d(*moved_image(params, moved))
            assert (out == out.max()).sum() == 1
            peaks.append(tuple(int(v) for v in np.unravel_index(out.argmax(), out.shape)))
        before, after = peaks
        assert after == (before[0] + params["shift"][0], before[1] + params["shift"][1])
        assert problem.check(problem.parse_answer(f"{after[0]},{after[1]}")).correct
        assert problem.check(before).mistake == "did_not_move"
        opposite = (before[0] - params["shift"][0], before[1] - params["shift"][1])
        assert problem.check(opposite).mistake == "moved_opposite"
        if after[::-1] not in (after, before, opposite):
            assert problem.check(after[::-1]).mistake in ("swapped_row_col", "input_coordinates")


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_locality(difficulty):
    for seed in SEEDS:
        problem = generate("match-kernel", seed, difficulty, "locality")
        p = problem.params()
        n, k, s, (r, c) = p["n"], p["k"], p["stride"], p["pixel"]
        side = (n - k) // s + 1
        covers = (
            [i for i in range(side) if s * i <= r <= s * i + k - 1],
            [j for j in range(side) if s * j <= c <= s * j + k - 1],
        )
        right = frozenset((i, j) for i in covers[0] for j in covers[1])
        if not right:
            assert problem.check(frozenset()).correct  # a pixel no window reaches changes nothing
            continue
        assert problem.check(right).correct
        every = frozenset((i, j) for i in range(side) for j in range(side))
        if every != right:
            assert problem.check(every).mistake == "whole_output"
        if len(right) > 1:
            assert problem.check(frozenset([min(right)])).mistake == "one_cell"


def test_locality_worked_example():
    problem = from_params("match-kernel", {"variant": "locality", "n": 6, "k": 3, "stride": 1, "pixel": [2, 3]})
    assert problem.check(problem.parse_answer("0..2, 1..3")).correct
    assert problem.check(problem.parse_answer("1..3, 2..3")).mistake == "centred_on_pixel"


@pytest.mark.parametrize(
    "text,name", [("sobel_x", "sobel_x"), ("Sobel X", "sobel_x"), ("2", "box_blur"), ("box blur", "box_blur")]
)
def test_palette_reads_names_titles_and_numbers(text, name):
    problem = from_params(
        "match-kernel",
        {
            "variant": "palette",
            "image": "square",
            "kernels": ["sobel_x"],
            "palette": ["identity", "box_blur", "sobel_x", "sobel_y"],
        },
    )
    assert problem.parse_answer(text) == name


@pytest.mark.parametrize(
    "variant,text",
    [
        ("palette", "nonsense"),
        ("palette", "9"),
        ("edit", "1 2; 3"),
        ("edit", "1 2 3; 4 5 6"),
        ("two-step", "gaussian"),
        ("edit", "a b c"),
    ],
)
def test_parse_answer_rejects_garbage(variant, text):
    with pytest.raises(ValueError):
        generate("match-kernel", 0, 1, variant).parse_answer(text)


@pytest.mark.parametrize(
    "params,field",
    [
        ({"variant": "palette", "image": "mona_lisa", "kernels": ["sobel_x"]}, "image"),
        ({"variant": "palette", "image": "square", "kernels": ["sobel_z"]}, "kernels"),
        ({"variant": "edit", "image": "square", "weights": [[1, 0], [0, 1]]}, "weights"),
        ({"variant": "two-step", "image": "square", "kernels": ["sobel_x", "gaussian"]}, "kernels"),
        ({"variant": "translation", "n": 8, "feature": "dot", "at": [7, 7], "shift": [1, 0]}, "shift"),
        ({"variant": "locality", "n": 6, "k": 3, "pixel": [6, 0]}, "pixel"),
    ],
)
def test_from_params_names_the_field(params, field):
    with pytest.raises(ValueError, match=rf"^{field}: "):
        from_params("match-kernel", params)
