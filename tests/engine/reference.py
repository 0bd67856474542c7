"""Slow, obviously-correct references for the engine's ops, written straight from the definitions
with nested Python loops and no NumPy tricks. The fast ops are tested against these.

Each takes the 3-D/4-D forms (x (C, H, W)) with plain-int parameters already split per axis, so the
loops read like the textbook: out[o][i][j] = bias[o] + sum over c, a, b of
x_padded[c][i*s + a*d][j*s + b*d] * w[o][c][a][b].
"""

from __future__ import annotations

import math


def zeros(*shape):
    if len(shape) == 1:
        return [0] * shape[0]
    return [zeros(*shape[1:]) for _ in range(shape[0])]


def conv2d(x, w, pads, stride, dilation, bias=None):
    """pads = ((top, bottom), (left, right)); stride, dilation = (h, w) pairs."""
    (top, bottom), (left, right) = pads
    (sh, sw), (dh, dw) = stride, dilation
    channels, height, width = len(x), len(x[0]), len(x[0][0])
    out_channels, kh, kw = len(w), len(w[0][0]), len(w[0][0][0])

    def at(c, r, q):  # the zero-padded input, in padded coordinates
        r, q = r - top, q - left
        return x[c][r][q] if 0 <= r < height and 0 <= q < width else 0

    oh = (height + top + bottom - dh * (kh - 1) - 1) // sh + 1
    ow = (width + left + right - dw * (kw - 1) - 1) // sw + 1
    out = zeros(out_channels, oh, ow)
    for o in range(out_channels):
        for i in range(oh):
            for j in range(ow):
                total = 0 if bias is None else bias[o]
                for c in range(channels):
                    for a in range(kh):
                        for b in range(kw):
                            total += at(c, i * sh + a * dh, j * sw + b * dw) * w[o][c][a][b]
                out[o][i][j] = total
    return out


def conv_transpose2d(x, w, padding, stride, dilation, output_padding, bias=None):
    """The scatter definition: input cell (i, j) adds x·w[c][o][a][b] at canvas (i*s + a*d, j*s + b*d);
    the output is the canvas cropped by `padding` from the top/left, of PyTorch's output size."""
    (ph, pw), (sh, sw), (dh, dw), (ah, aw) = padding, stride, dilation, output_padding
    channels, height, width = len(x), len(x[0]), len(x[0][0])
    out_channels, kh, kw = len(w[0]), len(w[0][0]), len(w[0][0][0])
    oh = (height - 1) * sh - 2 * ph + dh * (kh - 1) + ah + 1
    ow = (width - 1) * sw - 2 * pw + dw * (kw - 1) + aw + 1
    out = zeros(out_channels, oh, ow)
    for c in range(channels):
        for i in range(height):
            for j in range(width):
                for o in range(out_channels):
                    for a in range(kh):
                        for b in range(kw):
                            r, q = i * sh + a * dh - ph, j * sw + b * dw - pw
                            if 0 <= r < oh and 0 <= q < ow:
                                out[o][r][q] += x[c][i][j] * w[c][o][a][b]
    if bias is not None:
        for o in range(out_channels):
            for r in range(oh):
                for q in range(ow):
                    out[o][r][q] += bias[o]
    return out


def _pool(x, k, stride, padding, combine):
    (kh, kw), (sh, sw), (ph, pw) = k, stride, padding
    channels, height, width = len(x), len(x[0]), len(x[0][0])
    oh = (height + 2 * ph - kh) // sh + 1
    ow = (width + 2 * pw - kw) // sw + 1
    out = zeros(channels, oh, ow)
    for c in range(channels):
        for i in range(oh):
            for j in range(ow):
                window = []  # None marks a padding cell
                for a in range(kh):
                    for b in range(kw):
                        r, q = i * sh + a - ph, j * sw + b - pw
                        window.append(x[c][r][q] if 0 <= r < height and 0 <= q < width else None)
                out[c][i][j] = combine(window, kh * kw)
    return out


def max_pool2d(x, k, stride, padding):
    """The largest real value in each window; padding cells are never chosen."""
    return _pool(x, k, stride, padding, lambda window, _: max(v for v in window if v is not None))


def avg_pool2d(x, k, stride, padding):
    """The window's sum over k·k, padding cells counting as zero (count_include_pad=True)."""
    return _pool(x, k, stride, padding, lambda window, n: math.fsum(v or 0 for v in window) / n)


# Padding modes, groups, 1-D and pooling's ceil_mode: the same loops, one definition each.


def source(index, size, mode):
    """The input index a cell at `index` (original coordinates) holds, or None for a zero:
    reflect mirrors about the edge cell, replicate repeats it, circular wraps to the other side."""
    if 0 <= index < size:
        return index
    if mode == "zeros":
        return None
    if mode == "reflect":
        return -index if index < 0 else 2 * (size - 1) - index
    if mode == "replicate":
        return 0 if index < 0 else size - 1
    assert mode == "circular"
    return index + size if index < 0 else index - size


def grouped_conv2d(x, w, pads, stride, dilation, bias=None, groups=1, mode="zeros"):
    """out[o][i][j] = bias[o] + sum over the channels c of o's group and taps (a, b) of
    x[c][src(i*s + a*d - top)][src(j*s + b*d - left)] * w[o][c - first][a][b]."""
    (top, bottom), (left, right) = pads
    (sh, sw), (dh, dw) = stride, dilation
    height, width = len(x[0]), len(x[0][0])
    out_channels, per_group, kh, kw = len(w), len(w[0]), len(w[0][0]), len(w[0][0][0])
    filters_per_group = out_channels // groups
    oh = (height + top + bottom - dh * (kh - 1) - 1) // sh + 1
    ow = (width + left + right - dw * (kw - 1) - 1) // sw + 1
    out = zeros(out_channels, oh, ow)
    for o in range(out_channels):
        first = o // filters_per_group * per_group
        for i in range(oh):
            for j in range(ow):
                total = 0 if bias is None else bias[o]
                for c in range(per_group):
                    for a in range(kh):
                        for b in range(kw):
                            r = source(i * sh + a * dh - top, height, mode)
                            q = source(j * sw + b * dw - left, width, mode)
                            if r is not None and q is not None:
                                total += x[first + c][r][q] * w[o][c][a][b]
                out[o][i][j] = total
    return out


def grouped_conv_transpose2d(x, w, padding, stride, dilation, output_padding, bias=None, groups=1):
    """The scatter definition with groups: input channel c of group g paints onto output channels
    g·(O/groups) + o with w[c][o]."""
    (ph, pw), (sh, sw), (dh, dw), (ah, aw) = padding, stride, dilation, output_padding
    channels, height, width = len(x), len(x[0]), len(x[0][0])
    filters, kh, kw = len(w[0]), len(w[0][0]), len(w[0][0][0])
    per_group = channels // groups
    oh = (height - 1) * sh - 2 * ph + dh * (kh - 1) + ah + 1
    ow = (width - 1) * sw - 2 * pw + dw * (kw - 1) + aw + 1
    out = zeros(filters * groups, oh, ow)
    for c in range(channels):
        for i in range(height):
            for j in range(width):
                for o in range(filters):
                    for a in range(kh):
                        for b in range(kw):
                            r, q = i * sh + a * dh - ph, j * sw + b * dw - pw
                            if 0 <= r < oh and 0 <= q < ow:
                                out[c // per_group * filters + o][r][q] += x[c][i][j] * w[c][o][a][b]
    if bias is not None:
        for o in range(filters * groups):
            for r in range(oh):
                for q in range(ow):
                    out[o][r][q] += bias[o]
    return out


def conv1d(x, w, pads, stride, dilation, bias=None, groups=1, mode="zeros"):
    """x (C, L), w (O, C/groups, k), pads (left, right): out[o][t] = bias[o] + sum over c and a of
    x[c][src(t*s + a*d - left)] * w[o][c][a]."""
    left, right = pads
    length = len(x[0])
    out_channels, per_group, k = len(w), len(w[0]), len(w[0][0])
    filters_per_group = out_channels // groups
    size = (length + left + right - dilation * (k - 1) - 1) // stride + 1
    out = zeros(out_channels, size)
    for o in range(out_channels):
        first = o // filters_per_group * per_group
        for t in range(size):
            total = 0 if bias is None else bias[o]
            for c in range(per_group):
                for a in range(k):
                    q = source(t * stride + a * dilation - left, length, mode)
                    if q is not None:
                        total += x[first + c][q] * w[o][c][a]
            out[o][t] = total
    return out


def conv_transpose1d(x, w, padding, stride, dilation, output_padding, bias=None, groups=1):
    """x (C, L), w (C, O/groups, k): input cell t of channel c adds x·w[c][o][a] at t*s + a*d - p."""
    channels, length, filters, k = len(x), len(x[0]), len(w[0]), len(w[0][0])
    per_group = channels // groups
    size = (length - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    out = zeros(filters * groups, size)
    for c in range(channels):
        for t in range(length):
            for o in range(filters):
                for a in range(k):
                    q = t * stride + a * dilation - padding
                    if 0 <= q < size:
                        out[c // per_group * filters + o][q] += x[c][t] * w[c][o][a]
    for o in range(filters * groups):
        for q in range(size):
            out[o][q] += 0 if bias is None else bias[o]
    return out


def pool_starts(i, k, s, p, d=1, ceil_mode=False):
    """Where each pooling window starts (original coordinates). Floor: every window that fits in
    the padded input. Ceil: one more window while the one before it (for the first, the one a
    stride before it) ended short of the padded input's last cell, provided it starts inside the
    input or the left padding."""
    span = d * (k - 1) + 1
    starts, start = [], -p
    while True:
        if ceil_mode:
            keep = (start - s) + span < i + p and start < i
        else:
            keep = start + span <= i + p
        if not keep:
            return starts
        starts.append(start)
        start += s


def pool2d(x, k, stride, padding, dilation=(1, 1), ceil_mode=False, kind="max"):
    """Max: the largest input value in each window (None if it holds none, i.e. only padding).
    Average: the window's input values summed, over the count of its cells inside input + padding."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = k, stride, padding, dilation
    channels, height, width = len(x), len(x[0]), len(x[0][0])
    rows = pool_starts(height, kh, sh, ph, dh, ceil_mode)
    cols = pool_starts(width, kw, sw, pw, dw, ceil_mode)
    out = zeros(channels, len(rows), len(cols))
    for c in range(channels):
        for i, top in enumerate(rows):
            for j, left in enumerate(cols):
                real, counted = [], 0
                for a in range(kh):
                    for b in range(kw):
                        r, q = top + a * dh, left + b * dw
                        if 0 <= r < height and 0 <= q < width:
                            real.append(x[c][r][q])
                        if r < height + ph and q < width + pw:
                            counted += 1
                if kind == "max":
                    out[c][i][j] = max(real) if real else None
                else:
                    out[c][i][j] = math.fsum(real) / counted
    return out
