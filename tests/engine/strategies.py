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


MODES = ("zeros", "reflect", "replicate", "circular")


def _axis(draw, kind: str, mode: str, stride: int | None = None):
    """(k, s, d, (before, after), size) along one axis, the size just large enough for the
    configuration (the window fits; reflect padding below the side, circular no larger)."""
    k, d = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    s = 1 if kind == "same" else (draw(st.integers(1, 3)) if stride is None else stride)
    reach = d * (k - 1)
    pads = {
        "valid": (0, 0),
        "full": (reach, reach),
        "same": (reach // 2, reach - reach // 2),
        "causal": (reach, 0),
    }.get(kind)
    if pads is None:
        p = draw(st.integers(0, 3))
        pads = (p, p)
    lowest = max(1, reach + 1 - sum(pads))
    if mode == "reflect":
        lowest = max(lowest, max(pads) + 1)
    elif mode == "circular":
        lowest = max(lowest, max(pads))
    return k, s, d, pads, draw(st.integers(lowest, lowest + 4))


def _channels(draw, single: bool):
    if single:
        return 1, 1, 1
    groups = draw(st.integers(1, 3))
    return groups, groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))


@st.composite
def mode_conv_configs(draw, spatial: int = 2, modes=MODES):
    """(x, w, kwargs, per-axis params) for conv2d (spatial 2) or conv1d (spatial 1) with groups
    and padding modes; per-axis params hold pads, stride, dilation, groups and mode."""
    single = draw(st.booleans())
    groups, channels, out_channels = _channels(draw, single)
    mode = draw(st.sampled_from(modes))
    kinds = ["numbers", "valid", "same", "full"] + (["causal"] if spatial == 1 and mode == "zeros" else [])
    kind = draw(st.sampled_from(kinds))
    axes = [_axis(draw, kind, mode) for _ in range(spatial)]
    ks, ss, ds, pads, sizes = (tuple(values) for values in zip(*axes))
    per_group = channels // groups
    x = grid(draw, sizes if single else (channels, *sizes))
    w = grid(draw, ks if single else (out_channels, per_group, *ks), st.integers(-3, 3))
    bias = draw(st.none() | st.lists(VALUES, min_size=out_channels, max_size=out_channels).map(np.array))
    if spatial == 1:
        padding = pads[0][0] if kind == "numbers" else kind
        kwargs = dict(padding=padding, stride=ss[0], dilation=ds[0])
    else:
        padding = as_arg(draw, (pads[0][0], pads[1][0])) if kind == "numbers" else kind
        kwargs = dict(padding=padding, stride=as_arg(draw, ss), dilation=as_arg(draw, ds))
    kwargs.update(bias=bias, groups=groups, padding_mode=mode)
    return x, w, kwargs, dict(pads=pads, stride=ss, dilation=ds, groups=groups, mode=mode, single=single)


@st.composite
def grouped_transposed_configs(draw, spatial: int = 2):
    """(x, w, kwargs, per-axis params) for conv_transpose2d / conv_transpose1d with groups."""
    single = draw(st.booleans())
    groups, channels, out_channels = _channels(draw, single)
    axes = []
    for _ in range(spatial):
        k, s, d = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
        a, size = draw(st.integers(0, max(s, d) - 1)), draw(st.integers(1, 5))
        p = draw(st.integers(0, ((size - 1) * s + d * (k - 1) + a) // 2))
        axes.append((k, s, d, a, p, size))
    ks, ss, ds, outs, ps, sizes = (tuple(values) for values in zip(*axes))
    x = grid(draw, sizes if single else (channels, *sizes))
    w = grid(draw, ks if single else (channels, out_channels // groups, *ks), st.integers(-3, 3))
    bias = draw(st.none() | st.lists(VALUES, min_size=out_channels, max_size=out_channels).map(np.array))
    if spatial == 1:
        kwargs = dict(padding=ps[0], stride=ss[0], dilation=ds[0], output_padding=outs[0])
    else:
        kwargs = dict(padding=as_arg(draw, ps), stride=as_arg(draw, ss), dilation=as_arg(draw, ds))
        kwargs["output_padding"] = as_arg(draw, outs)
    kwargs.update(bias=bias, groups=groups)
    return x, w, kwargs, dict(padding=ps, stride=ss, dilation=ds, output_padding=outs, groups=groups, single=single)


@st.composite
def ceil_pool_configs(draw, spatial: int = 2, dilated: bool = True):
    """(x, k, kwargs, per-axis params) for pooling with ceil_mode and (for max) dilation."""
    single = draw(st.booleans())
    default_stride = draw(st.booleans())
    ceil_mode = draw(st.booleans())
    axes = []
    for _ in range(spatial):
        k = draw(st.integers(1, 4))
        s = k if default_stride else draw(st.integers(1, 4))
        d = draw(st.integers(1, 3)) if dilated else 1
        p = draw(st.integers(0, k // 2))
        span = d * (k - 1) + 1
        # ceil_mode accepts a window that overhangs by less than a stride.
        lowest = max(1, span - 2 * p - ((s - 1) if ceil_mode else 0))
        axes.append((k, s, d, p, draw(st.integers(lowest, lowest + 6))))
    ks, ss, ds, ps, sizes = (tuple(values) for values in zip(*axes))
    x = grid(draw, sizes if single else (draw(st.integers(1, 3)), *sizes))
    one = spatial == 1
    kwargs = dict(
        stride=None if default_stride else (ss[0] if one else as_arg(draw, ss)),
        padding=ps[0] if one else as_arg(draw, ps),
        ceil_mode=ceil_mode,
    )
    if dilated:
        kwargs["dilation"] = ds[0] if one else as_arg(draw, ds)
    k_arg = ks[0] if one else as_arg(draw, ks)
    return x, k_arg, kwargs, dict(k=ks, stride=ss, padding=ps, dilation=ds, ceil_mode=ceil_mode, single=single)
