"""The 1-D ops against their own plain loops, by hand (causal padding), and consistent with the
2-D ops on a one-row input; the 1-D traces reproduce them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convquest.engine import (
    avg_pool1d,
    avg_pool1d_trace,
    avg_pool2d,
    conv1d,
    conv1d_trace,
    conv1d_volume_trace,
    conv2d,
    conv_transpose1d,
    conv_transpose1d_trace,
    conv_transpose2d,
    max_pool1d,
    max_pool1d_trace,
    max_pool2d,
)
from tests.engine import reference
from tests.engine.strategies import ceil_pool_configs, grouped_transposed_configs, mode_conv_configs
from tests.sweeps import examples

PROPERTY = settings(max_examples=examples(150), deadline=None)


def as_volume(array, single, extra):
    array = np.asarray(array)
    return (array.reshape((1,) * extra + array.shape) if single else array).tolist()


def bias_list(kwargs):
    return None if kwargs["bias"] is None else kwargs["bias"].tolist()


@PROPERTY
@given(mode_conv_configs(spatial=1))
def test_conv1d_matches_the_loop_reference(config):
    x, w, kwargs, per_axis = config
    single = per_axis["single"]
    expected = reference.conv1d(
        as_volume(x, single, 1),
        as_volume(w, single, 2),
        per_axis["pads"][0],
        per_axis["stride"][0],
        per_axis["dilation"][0],
        bias_list(kwargs),
        per_axis["groups"],
        per_axis["mode"],
    )
    np.testing.assert_array_equal(conv1d(x, w, **kwargs), np.array(expected)[0] if single else expected)


@PROPERTY
@given(mode_conv_configs(spatial=1))
def test_conv1d_is_conv2d_on_one_row(config):
    x, w, kwargs, _ = config
    if kwargs["padding"] == "causal":
        return  # not a 2-D padding; the reference test covers it
    x, w = np.asarray(x), np.asarray(w)
    rows = dict(kwargs, stride=(1, kwargs["stride"]), dilation=(1, kwargs["dilation"]))
    if isinstance(kwargs["padding"], int):
        rows["padding"] = (0, kwargs["padding"])
    one_row = conv2d(x[..., None, :], w[..., None, :], **rows)
    np.testing.assert_array_equal(conv1d(x, w, **kwargs), one_row[..., 0, :])


@PROPERTY
@given(grouped_transposed_configs(spatial=1))
def test_conv_transpose1d_matches_the_loop_reference(config):
    x, w, kwargs, per_axis = config
    single = per_axis["single"]
    expected = reference.conv_transpose1d(
        as_volume(x, single, 1),
        as_volume(w, single, 2),
        per_axis["padding"][0],
        per_axis["stride"][0],
        per_axis["dilation"][0],
        per_axis["output_padding"][0],
        bias_list(kwargs),
        per_axis["groups"],
    )
    np.testing.assert_array_equal(conv_transpose1d(x, w, **kwargs), np.array(expected)[0] if single else expected)
    x, w = np.asarray(x), np.asarray(w)
    two = {name: (0 if name in ("padding", "output_padding") else 1, value) for name, value in kwargs.items()}
    two.update(bias=kwargs["bias"], groups=kwargs["groups"])
    np.testing.assert_array_equal(
        conv_transpose1d(x, w, **kwargs), conv_transpose2d(x[..., None, :], w[..., None, :], **two)[..., 0, :]
    )


@PROPERTY
@given(ceil_pool_configs(spatial=1), st.booleans())
def test_pool1d_matches_the_loop_reference_and_the_2d_pool(config, use_max):
    x, k, kwargs, per_axis = config
    if not use_max:
        kwargs.pop("dilation")
    ours = (max_pool1d if use_max else avg_pool1d)(x, k, **kwargs)
    expected = reference.pool2d(
        as_volume(np.asarray(x)[..., None, :], per_axis["single"], 1),
        (1, per_axis["k"][0]),
        (1, per_axis["stride"][0]),
        (0, per_axis["padding"][0]),
        (1, per_axis["dilation"][0] if use_max else 1),
        per_axis["ceil_mode"],
        "max" if use_max else "avg",
    )
    lowest = np.iinfo(np.int64).min
    expected = np.array([[[lowest if v is None else v for v in row] for row in c] for c in expected])[..., 0, :]
    np.testing.assert_allclose(ours, expected[0] if per_axis["single"] else expected, rtol=1e-12)
    two = {name: value if name == "ceil_mode" or value is None else (1, value) for name, value in kwargs.items()}
    if "padding" in two:
        two["padding"] = (0, kwargs["padding"])
    flat = (max_pool2d if use_max else avg_pool2d)(np.asarray(x)[..., None, :], (1, k), **two)[..., 0, :]
    np.testing.assert_array_equal(ours, flat)
    trace = (max_pool1d_trace if use_max else avg_pool1d_trace)(np.asarray(x).reshape(-1, x.shape[-1])[0], k, **kwargs)
    np.testing.assert_array_equal(trace.output[0], np.asarray(ours).reshape(-1, np.shape(ours)[-1])[0])


def test_causal_padding_by_hand():
    # Kernel 2 with dilation 2 spans 3 cells, so causal pads d(k-1) = 2 zeros on the left only:
    # output t = w0·x[t-2] + w1·x[t].
    x = np.array([1, 2, 3, 4, 5])
    assert conv1d(x, [10, 1], padding="causal", dilation=2).tolist() == [1, 2, 13, 24, 35]
    assert conv1d(x, [10, 1], padding="causal", dilation=2, stride=2).tolist() == [1, 13, 35]
    trace = conv1d_trace(x, [10, 1], padding="causal", dilation=2)
    assert trace.pads == ((0, 0), (2, 0))
    assert trace.padded.tolist() == [[0, 0, 1, 2, 3, 4, 5]]
    assert trace.step(0, 2).cols == (0, 2) and trace.step(0, 0).in_padding.tolist() == [[True, False]]


@PROPERTY
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=12), st.integers(1, 4), st.integers(1, 3), st.data())
def test_causal_output_never_sees_the_future(values, k, d, data):
    x = np.array(values)
    w = np.array(data.draw(st.lists(st.integers(-3, 3), min_size=k, max_size=k)))
    out = conv1d(x, w, padding="causal", dilation=d)
    assert out.shape == x.shape  # stride 1 keeps the length
    t = data.draw(st.integers(0, len(x) - 1))
    changed = x.copy()
    changed[t:] += 7  # change the present and future only
    np.testing.assert_array_equal(conv1d(changed, w, padding="causal", dilation=d)[:t], out[:t])


@PROPERTY
@given(mode_conv_configs(spatial=1))
def test_1d_traces_reproduce_conv1d(config):
    x, w, kwargs, per_axis = config
    if per_axis["single"]:
        kwargs.pop("groups")
        kwargs["bias"] = None if kwargs["bias"] is None else int(kwargs["bias"][0])
        trace = conv1d_trace(x, w, **kwargs)
        np.testing.assert_array_equal(trace.output[0], conv1d(x, w, **kwargs))
        assert all(step.rows == (0,) for step in trace.steps)
    else:
        trace = conv1d_volume_trace(x, w, **kwargs)
        np.testing.assert_array_equal(trace.output[:, 0], conv1d(x, w, **kwargs))


def test_transposed_1d_trace_by_hand():
    trace = conv_transpose1d_trace([1, 2], [1, 1], stride=2)
    assert [p.canvas_after.tolist() for p in trace.paints] == [[[1, 1, 0, 0]], [[1, 1, 2, 2]]]
    assert trace.output.tolist() == [[1, 1, 2, 2]]


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: conv1d(np.zeros(5), np.ones(3), padding="same", stride=2), ["'same'", "stride is 2"]),
        (lambda: conv1d(np.zeros(5), np.ones(3), padding="wide"), ["'causal'", "'wide'"]),
        (lambda: conv1d(np.zeros(2), np.ones(3)), ["kernel 3 spans 3 cells", "only 2 cells across"]),
        (lambda: conv1d(np.zeros((2, 5)), np.ones((5, 3))), ["(C, L)", "(O, C/groups, k)", "(5, 3)"]),
        (lambda: conv1d(np.zeros(5), np.ones(3), stride=0), ["stride must be at least 1", "0"]),
        (lambda: conv_transpose1d(np.zeros(3), np.ones(3), stride=2, output_padding=2), ["output_padding (2)"]),
        (lambda: max_pool1d(np.zeros(5), 3, padding=2), ["pooling padding 2", "at most 1"]),
        (lambda: avg_pool1d(np.zeros((2, 2, 5)), 2), ["(L,) or (C, L)", "(2, 2, 5)"]),
    ],
)
def test_1d_refusals_name_the_numbers(call, words):
    with pytest.raises(ValueError) as refused:
        call()
    for word in words:
        assert word in str(refused.value), f"{word!r} missing from: {refused.value}"


@PROPERTY
@given(grouped_transposed_configs(spatial=1))
def test_transposed_1d_trace_reproduces_conv_transpose1d(config):
    x, w, kwargs, per_axis = config
    if not per_axis["single"]:
        x, w = np.asarray(x)[0], np.asarray(w)[0, 0]
    kwargs = dict(kwargs, groups=1, bias=None if kwargs["bias"] is None else int(kwargs["bias"][0]))
    trace = conv_transpose1d_trace(x, w, **{name: value for name, value in kwargs.items() if name != "groups"})
    np.testing.assert_array_equal(trace.output[0], conv_transpose1d(x, w, **kwargs))
    for paint, t in zip(trace.paints, range(len(x)), strict=True):
        assert paint.rows == (0,) and paint.cols == tuple(
            t * kwargs["stride"] + a * kwargs["dilation"] for a in range(len(w))
        )
