"""Hypothesis strategies for valid engine configurations, shared by the engine tests.

Each draws the parameters first and then an input just large enough (plus a few cells) for the
configuration to be valid, so no example is wasted on a refusal.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

VALUES = st.integers(-5, 5)


def as_arg(draw, pair: tuple[int, int]):
    """An (h, w) pair as the caller may write it: an int where both agree, sometimes a tuple anyway."""
    if pair[0] == pair[1] and draw(st.booleans()):
        return pair[0]
    return pair


def grid(draw, shape, values=VALUES) -> np.ndarray:
    return np.array(draw(st.lists(values, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))).reshape(shape)


@st.composite
def conv_configs(draw, single: bool | None = None, modes=("numbers", "valid", "same", "full")):
    """(x, w, kwargs) for conv2d, with pads resolved in kwargs['_pads'] for the reference."""
    single = draw(st.booleans()) if single is None else single
    channels, out_channels = (1, 1) if single else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    mode = draw(st.sampled_from(modes))
    if mode == "same":
        sh = sw = 1
    else:
        sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if mode == "numbers":
        ph, pw = draw(st.integers(0, 3)), draw(st.integers(0, 3))
        pads = ((ph, ph), (pw, pw))
        padding = as_arg(draw, (ph, pw))
    else:
        reach_h, reach_w = dh * (kh - 1), dw * (kw - 1)
        pads = {
            "valid": ((0, 0), (0, 0)),
            "full": ((reach_h, reach_h), (reach_w, reach_w)),
            "same": ((reach_h // 2, reach_h - reach_h // 2), (reach_w // 2, reach_w - reach_w // 2)),
        }[mode]
        padding = mode
    lowest_h = max(1, dh * (kh - 1) + 1 - sum(pads[0]))
    lowest_w = max(1, dw * (kw - 1) + 1 - sum(pads[1]))
    height, width = draw(st.integers(lowest_h, lowest_h + 5)), draw(st.integers(lowest_w, lowest_w + 5))
    x = grid(draw, (height, width) if single else (channels, height, width))
    w = grid(draw, (kh, kw) if single else (out_channels, channels, kh, kw), st.integers(-3, 3))
    bias = draw(st.none() | st.lists(VALUES, min_size=out_channels, max_size=out_channels).map(np.array))
    kwargs = dict(padding=padding, stride=as_arg(draw, (sh, sw)), dilation=as_arg(draw, (dh, dw)), bias=bias)
    return x, w, kwargs, dict(pads=pads, stride=(sh, sw), dilation=(dh, dw))


@st.composite
def transposed_configs(draw, single: bool | None = None):
    """(x, w, kwargs, per-axis params) for conv_transpose2d; w in (C_in, C_out, kh, kw) layout."""
    single = draw(st.booleans()) if single is None else single
    channels, out_channels = (1, 1) if single else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    ah, aw = draw(st.integers(0, max(sh, dh) - 1)), draw(st.integers(0, max(sw, dw) - 1))
    height, width = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    # Padding may crop at most what leaves one output cell.
    ph = draw(st.integers(0, ((height - 1) * sh + dh * (kh - 1) + ah) // 2))
    pw = draw(st.integers(0, ((width - 1) * sw + dw * (kw - 1) + aw) // 2))
    x = grid(draw, (height, width) if single else (channels, height, width))
    w = grid(draw, (kh, kw) if single else (channels, out_channels, kh, kw), st.integers(-3, 3))
    bias = draw(st.none() | st.lists(VALUES, min_size=out_channels, max_size=out_channels).map(np.array))
    kwargs = dict(
        padding=as_arg(draw, (ph, pw)),
        stride=as_arg(draw, (sh, sw)),
        dilation=as_arg(draw, (dh, dw)),
        output_padding=as_arg(draw, (ah, aw)),
        bias=bias,
    )
    return x, w, kwargs, dict(padding=(ph, pw), stride=(sh, sw), dilation=(dh, dw), output_padding=(ah, aw))


@st.composite
def pool_configs(draw, single: bool | None = None):
    """(x, k, kwargs, per-axis params) for max_pool2d / avg_pool2d."""
    single = draw(st.booleans()) if single is None else single
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    default_stride = draw(st.booleans())
    sh, sw = (kh, kw) if default_stride else (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    ph, pw = draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))
    height = draw(st.integers(max(1, kh - 2 * ph), 9))
    width = draw(st.integers(max(1, kw - 2 * pw), 9))
    channels = 1 if single else draw(st.integers(1, 3))
    x = grid(draw, (height, width) if single else (channels, height, width))
    kwargs = dict(stride=None if default_stride else as_arg(draw, (sh, sw)), padding=as_arg(draw, (ph, pw)))
    return x, as_arg(draw, (kh, kw)), kwargs, dict(k=(kh, kw), stride=(sh, sw), padding=(ph, pw))
