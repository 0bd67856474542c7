"""The variants the curriculum asked for: answerable locality, the locally connected count, and
translation through a 2×2 max pool. Answers are checked against plain loops, not the engine's code."""

from __future__ import annotations

import pytest

from convquest.engine.problems import from_params, generate


def _windows_covering(n: int, k: int, stride: int, pixel: tuple[int, int]) -> set[tuple[int, int]]:
    out = (n - k) // stride + 1
    return {
        (i, j)
        for i in range(out)
        for j in range(out)
        if stride * i <= pixel[0] < stride * i + k and stride * j <= pixel[1] < stride * j + k
    }


def test_locality_refuses_a_pixel_no_window_reads_by_field() -> None:
    params = {"variant": "locality", "n": 10, "k": 5, "stride": 2, "pixel": [9, 8]}
    assert not _windows_covering(10, 5, 2, (9, 8))
    with pytest.raises(ValueError, match=r"^pixel: .*at most 8"):
        from_params("match-kernel", params)


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_generated_locality_problems_always_have_an_answer(difficulty: int) -> None:
    for seed in range(300):
        problem = generate("match-kernel", seed, difficulty, "locality")
        expected = _windows_covering(problem.n, problem.k, problem.stride, problem.pixel)
        assert expected, problem.params()
        assert problem.check(frozenset(expected)).correct


def test_locally_connected_sits_between_shared_and_dense() -> None:
    problem = from_params(
        "count-params", {"variant": "locally-connected", "c_in": 3, "c_out": 4, "k": 3, "h": 8, "w": 8}
    )
    positions = 6 * 6
    shared = 4 * 3 * 3 * 3 + 4
    local = positions * 4 * 3 * 3 * 3 + positions * 4
    dense = (8 * 8 * 3) * (4 * positions) + 4 * positions
    assert problem.parts() == ("conv layer", "locally connected", "dense layer")
    assert [problem.check(v, part).correct for part, v in enumerate((shared, local, dense))] == [True] * 3
    assert shared < local < dense
    assert problem.check(shared, 1).mistake == "shared_count"
    assert problem.check(dense, 1).mistake == "dense_count"
    assert problem.check(local - positions * 4, 1).mistake == "forgot_bias"
    assert from_params("count-params", problem.params()) == problem


def test_locally_connected_refuses_a_kernel_too_big_by_field() -> None:
    with pytest.raises(ValueError) as error:
        from_params("count-params", {"variant": "locally-connected", "c_in": 1, "c_out": 1, "k": 9, "h": 4, "w": 4})
    assert getattr(error.value, "field", None) == "k" or str(error.value).startswith("k")


def _pooled_peak(n: int, at: tuple[int, int], shift: tuple[int, int]) -> tuple[int, int]:
    # A dot through sharpen (no padding) peaks one cell up-left of the dot; a 2×2 max pool halves that.
    row, col = at[0] + shift[0] - 1, at[1] + shift[1] - 1
    return row // 2, col // 2


@pytest.mark.parametrize(("shift", "moves"), [((0, 1), False), ((0, 2), True), ((1, 0), False), ((2, 2), True)])
def test_pooled_translation_is_invariant_inside_a_block_only(shift: tuple[int, int], moves: bool) -> None:
    params = {"variant": "pooled-translation", "n": 10, "feature": "dot", "at": [3, 3], "shift": list(shift)}
    problem = from_params("match-kernel", params)
    before, after = _pooled_peak(10, (3, 3), (0, 0)), _pooled_peak(10, (3, 3), shift)
    assert problem.peaks == (before, after)
    assert (before != after) == moves
    assert problem.check(after).correct
    wrong = problem.check(before) if moves else problem.check((before[0] + shift[0], before[1] + shift[1]))
    assert not wrong.correct
    assert wrong.mistake == ("did_not_move" if moves else "moved_when_invariant")
    # Naming the slip must not give the answer away: "it does not change" is the answer in words.
    assert "not change" not in wrong.diagnosis and "stays" not in wrong.diagnosis
    assert from_params("match-kernel", problem.params()) == problem


def test_generated_pooled_translations_have_one_peak() -> None:
    for seed in range(100):
        problem = generate("match-kernel", seed, 2, "pooled-translation")
        assert problem.check(problem.answer).correct


@pytest.mark.parametrize("difficulty", [1, 2, 3])
def test_a_max_pool_has_nothing_to_learn_beside_a_conv_with_its_window(difficulty: int) -> None:
    for seed in range(100):
        problem = generate("count-params", seed, difficulty, "pool-vs-conv")
        p = problem.params()
        conv = p["c_out"] * p["c_in"] * p["k"] ** 2 + (p["c_out"] if p["bias"] else 0)
        assert problem.parts() == ("max pool", "conv layer")
        assert problem.check(0, 0).correct and problem.check(conv, 1).correct
        assert not problem.check(p["k"] ** 2, 0).correct
        assert problem.check(p["k"] ** 2, 0).mistake == "pool_weights"
        assert from_params("count-params", p) == problem
