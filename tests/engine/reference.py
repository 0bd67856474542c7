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
