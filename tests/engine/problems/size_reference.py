"""The textbook size formulas and their mistaken versions, written out here independently of the
engine, so the problems' answers and diagnoses are checked against a second derivation."""

from __future__ import annotations


def conv_size(i, k, p=0, s=1, d=1):
    return (i + 2 * p - d * (k - 1) - 1) // s + 1


def transposed_size(i, k, p=0, s=1, d=1, a=0):
    return (i - 1) * s - 2 * p + d * (k - 1) + a + 1


def layer_size(params):
    """The answer to a predict-size one-layer problem from its params alone."""
    i, k, d = params["i"], params["k"], params.get("d", 1)
    variant = params["variant"]
    if variant == "transposed":
        return transposed_size(i, k, params["p"], params["s"], d, params["a"])
    if variant == "pool":
        return conv_size(i, k, params["p"], params.get("s", k), d)
    if variant == "padding":
        p = {"valid": 0, "same": d * (k - 1) // 2, "full": d * (k - 1)}[params["padding"]]
        return conv_size(i, k, p, 1, d)
    return conv_size(i, k, params["p"], params["s"], d)


def conv_mistakes(i, k, p, s, d, *, pool_default_stride=False):
    """key -> the size a student making that mistake computes (conv or pooling)."""
    n = i + 2 * p - d * (k - 1) - 1
    wrong = {
        "forgot_plus_one": n // s,
        "ignored_padding": conv_size(i, k, 0, s, d),
        "padded_one_side": (i + p - d * (k - 1) - 1) // s + 1,
        "ignored_floor": -(-n // s) + 1,
        "ignored_dilation": conv_size(i, k, p, s, 1),
    }
    if pool_default_stride:
        wrong["pool_stride_one"] = conv_size(i, k, p, 1, d)
    else:
        wrong["ignored_stride"] = conv_size(i, k, p, 1, d)
    wrong["used_transposed_formula"] = transposed_size(i, k, p, s, d)
    return wrong


def transposed_mistakes(i, k, p, s, d, a):
    return {
        "forgot_plus_one": transposed_size(i, k, p, s, d, a) - 1,
        "ignored_padding": transposed_size(i, k, 0, s, d, a),
        "padded_one_side": transposed_size(i, k, p, s, d, a) + p,
        "ignored_stride": transposed_size(i, k, p, 1, d, a),
        "ignored_dilation": transposed_size(i, k, p, s, 1, a),
        "used_conv_formula": conv_size(i, k, p, s, d),
        "forgot_output_padding": transposed_size(i, k, p, s, d, 0),
        "used_i_times_s": transposed_size(i, k, p, s, d, a) + s,
    }


def layer_mistakes(params):
    i, k, d = params["i"], params["k"], params.get("d", 1)
    variant = params["variant"]
    if variant == "transposed":
        return transposed_mistakes(i, k, params["p"], params["s"], d, params["a"])
    if variant == "pool":
        wrong = conv_mistakes(i, k, params["p"], params.get("s", k), d, pool_default_stride="s" not in params)
        wrong.pop("used_transposed_formula", None)
        return wrong
    if variant == "padding":
        p = {"valid": 0, "same": d * (k - 1) // 2, "full": d * (k - 1)}[params["padding"]]
        return conv_mistakes(i, k, p, 1, d)
    return conv_mistakes(i, k, params["p"], params["s"], d)
