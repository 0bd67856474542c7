"""Convolution arithmetic: output sizes, padding modes, solving for a missing parameter,
receptive fields through a stack of layers, and parameter counts.

Sizes follow PyTorch exactly (floor division, `ceil_mode=False` for pooling), and every
configuration PyTorch refuses is refused here with a `ValueError` that names the numbers. The
one-side functions (`conv_output_size`, ...) take ints; the `*_shape` helpers take an int or an
(h, w) pair for each argument and return (h, w).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from convquest.engine.checks import non_negative, pair, positive, whole_number

PaddingMode = Literal["valid", "same", "full"]
PADDING_MODES: tuple[str, ...] = ("valid", "same", "full")

_AXES = ("height", "width")
# How the size of the padded input is described along each axis in messages.
_EXTENT = {None: "across", "height": "high", "width": "wide"}


def _named(name: str, axis: str | None) -> str:
    return name if axis is None else f"{name} ({axis})"


def effective_kernel(k: int, d: int = 1) -> int:
    """Cells a kernel of `k` taps spans when its taps are `d` apart: d(k - 1) + 1."""
    return positive(d, "dilation") * (positive(k, "kernel size") - 1) + 1


def padding_for(mode: str, k: int, d: int = 1) -> tuple[int, int]:
    """(before, after) padding for a named mode along one axis.

    valid pads nothing; full pads d(k-1) on each side so every partial overlap counts; same pads
    d(k-1) in total so a stride-1 convolution keeps the size, with the odd cell (when d(k-1) is
    odd) after, i.e. at the bottom/right, as PyTorch does.
    """
    span = effective_kernel(k, d)
    if mode == "valid":
        return 0, 0
    if mode == "full":
        return span - 1, span - 1
    if mode == "same":
        total = span - 1
        return total // 2, total - total // 2
    raise ValueError(
        f"padding must be a whole number, an (h, w) pair, or one of 'valid', 'same', 'full', but got {mode!r}"
    )


def _check_window_fits(i: int, k: int, d: int, before: int, after: int, axis: str | None, window: str) -> None:
    span = d * (k - 1) + 1
    padded = i + before + after
    if span <= padded:
        return
    spans = f"{window} {k} with dilation {d} spans {span} cells" if d > 1 else f"{window} {k} spans {k} cells"
    raise ValueError(
        f"{spans}, but the padded input is only {padded} cells {_EXTENT[axis]}"
        f" ({i} plus padding {before} + {after}); use more padding or a smaller {window}"
    )


def _checked_sizes(i: int, k: int, s: int, d: int, axis: str | None) -> tuple[int, int, int, int]:
    """Input, kernel, stride and dilation of one side, each checked positive in that order (the
    order decides which refusal a layer with several bad values gets)."""
    return (
        positive(i, _named("input size", axis)),
        positive(k, _named("kernel size", axis)),
        positive(s, _named("stride", axis)),
        positive(d, _named("dilation", axis)),
    )


def _conv_side(i: int, k: int, before: int, after: int, s: int, d: int, axis: str | None) -> int:
    i, k, s, d = _checked_sizes(i, k, s, d, axis)
    before = non_negative(before, _named("padding", axis))
    after = non_negative(after, _named("padding", axis))
    _check_window_fits(i, k, d, before, after, axis, "kernel")
    return (i + before + after - (d * (k - 1) + 1)) // s + 1


def conv_output_size(i: int, k: int, p: int = 0, s: int = 1, d: int = 1) -> int:
    """One side of a convolution's output: floor((i + 2p - d(k-1) - 1) / s) + 1."""
    return _conv_side(i, k, p, p, s, d, None)


def _transposed_side(i: int, k: int, p: int, s: int, d: int, output_padding: int, axis: str | None) -> int:
    i, k, s, d = _checked_sizes(i, k, s, d, axis)
    p = non_negative(p, _named("padding", axis))
    a = non_negative(output_padding, _named("output_padding", axis))
    if a >= max(s, d):
        raise ValueError(
            f"output_padding{'' if axis is None else ' along the ' + axis} ({a}) must be smaller than the stride ({s}) or the dilation ({d}),"
            f" whichever is larger ({max(s, d)}): it only chooses between the output sizes"
            f" that map back to the same input size"
        )
    uncropped = (i - 1) * s + d * (k - 1) + a + 1
    size = uncropped - 2 * p
    if size < 1:
        raise ValueError(
            f"a transposed convolution of input {i} with kernel {k}, stride {s}, dilation {d} and"
            f" output_padding {a} paints {uncropped} cells {_EXTENT[axis]}, and padding {p} crops"
            f" {2 * p} of them, leaving {size}; use padding at most {(uncropped - 1) // 2}"
        )
    return size


def transposed_output_size(i: int, k: int, p: int = 0, s: int = 1, d: int = 1, output_padding: int = 0) -> int:
    """One side of a transposed convolution's output: (i-1)s - 2p + d(k-1) + output_padding + 1."""
    return _transposed_side(i, k, p, s, d, output_padding, None)


def _pool_side(i: int, k: int, s: int | None, p: int, d: int, ceil_mode: bool, axis: str | None) -> int:
    k = positive(k, _named("pooling window", axis))
    s = k if s is None else positive(s, _named("stride", axis))
    p = non_negative(p, _named("padding", axis))
    i = positive(i, _named("input size", axis))
    d = positive(d, _named("dilation", axis))
    if not isinstance(ceil_mode, bool):
        raise ValueError(f"ceil_mode must be True or False, but got {ceil_mode!r}")
    # PyTorch checks both pad <= k // 2 and pad <= d(k-1)+1 // 2; the first is the stricter one.
    if p > k // 2:
        raise ValueError(
            f"{_named('pooling padding', axis)} {p} is more than half the pooling window {k};"
            f" use padding at most {k // 2}"
        )
    room = i + 2 * p - (d * (k - 1) + 1)
    if not ceil_mode:
        _check_window_fits(i, k, d, p, p, axis, "pooling window")
        return room // s + 1
    # Rounding up counts a last window that runs past the padding, but PyTorch drops it when it
    # would start in the right padding (it would see no input cell, or only cells already seen).
    size = -(-room // s) + 1
    if (size - 1) * s >= i + p:
        size -= 1
    if size < 1:
        _check_window_fits(i, k, d, p, p, axis, "pooling window")
    return size


def pool_output_size(i: int, k: int, s: int | None = None, p: int = 0, d: int = 1, ceil_mode: bool = False) -> int:
    """One side of a pooling output; stride defaults to k. floor((i + 2p - d(k-1) - 1) / s) + 1, or
    with ceil_mode rounded up, less one if that last window would start in the right padding."""
    return _pool_side(i, k, s, p, d, ceil_mode, None)


def conv_padding(
    padding: int | tuple[int, int] | str,
    k: int | tuple[int, int],
    s: int | tuple[int, int] = 1,
    d: int | tuple[int, int] = 1,
) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) for conv2d's `padding` argument: an int, a pair, or a mode."""
    ks, ss, ds = pair(k, "kernel size"), pair(s, "stride"), pair(d, "dilation")
    if isinstance(padding, str):
        if padding == "same" and ss != (1, 1):
            raise ValueError(
                f"padding='same' keeps the size only with stride 1, but the stride is {_show(ss)};"
                f" give the padding as a number instead"
            )
        top_bottom, left_right = (padding_for(padding, kk, dd) for kk, dd in zip(ks, ds))
        return top_bottom, left_right
    ph, pw = pair(padding, "padding")
    return (ph, ph), (pw, pw)


def _show(values: tuple[int, int]) -> str:
    return str(values[0]) if values[0] == values[1] else str(values)


def conv_output_shape(
    hw: int | tuple[int, int],
    k: int | tuple[int, int],
    p: int | tuple[int, int] | str = 0,
    s: int | tuple[int, int] = 1,
    d: int | tuple[int, int] = 1,
) -> tuple[int, int]:
    """(H', W') of a 2-D convolution; `p` may also be 'valid', 'same' or 'full'."""
    sizes, ks, ss, ds = pair(hw, "input size"), pair(k, "kernel size"), pair(s, "stride"), pair(d, "dilation")
    pads = conv_padding(p, ks, ss, ds)
    h, w = (
        _conv_side(i, kk, pb, pa, st, dd, axis) for i, kk, (pb, pa), st, dd, axis in zip(sizes, ks, pads, ss, ds, _AXES)
    )
    return h, w


def transposed_output_shape(
    hw: int | tuple[int, int],
    k: int | tuple[int, int],
    p: int | tuple[int, int] = 0,
    s: int | tuple[int, int] = 1,
    d: int | tuple[int, int] = 1,
    output_padding: int | tuple[int, int] = 0,
) -> tuple[int, int]:
    """(H', W') of a 2-D transposed convolution."""
    (h, w), (kh, kw), (ph, pw) = pair(hw, "input size"), pair(k, "kernel size"), pair(p, "padding")
    (sh, sw), (dh, dw), (ah, aw) = pair(s, "stride"), pair(d, "dilation"), pair(output_padding, "output_padding")
    return _transposed_side(h, kh, ph, sh, dh, ah, "height"), _transposed_side(w, kw, pw, sw, dw, aw, "width")


def pool_output_shape(
    hw: int | tuple[int, int],
    k: int | tuple[int, int],
    s: int | tuple[int, int] | None = None,
    p: int | tuple[int, int] = 0,
    d: int | tuple[int, int] = 1,
    ceil_mode: bool = False,
) -> tuple[int, int]:
    """(H', W') of 2-D pooling; stride defaults to the window."""
    (h, w), (kh, kw) = pair(hw, "input size"), pair(k, "pooling window")
    (sh, sw), (ph, pw), (dh, dw) = (kh, kw) if s is None else pair(s, "stride"), pair(p, "padding"), pair(d, "dilation")
    return _pool_side(h, kh, sh, ph, dh, ceil_mode, "height"), _pool_side(w, kw, sw, pw, dw, ceil_mode, "width")


def solve_padding(i: int, k: int, o: int, s: int = 1, d: int = 1) -> list[int]:
    """Every padding p >= 0 for which conv_output_size(i, k, p, s, d) == o, smallest first.

    From (o-1)s <= i + 2p - d(k-1) - 1 <= (o-1)s + s - 1, 2p lies in a window of s values, so
    there are at most ceil(s / 2) answers (and none when the window holds no even number >= 0).
    """
    i, s = positive(i, "input size"), positive(s, "stride")
    span, o = effective_kernel(k, d), whole_number(o, "output size")
    if o < 1:
        return []
    lowest_twice = (o - 1) * s + span - i
    highest_twice = lowest_twice + s - 1
    return list(range(max(0, -(-lowest_twice // 2)), highest_twice // 2 + 1))


def solve_stride(i: int, k: int, o: int, p: int = 0, d: int = 1) -> list[int]:
    """Every stride s >= 1 for which conv_output_size(i, k, p, s, d) == o, smallest first.

    With n = i + 2p - d(k-1) - 1 the room the window can move, o windows need (o-1)s <= n < os.
    For o == 1 every stride above n works; the list stops at the padded input size i + 2p,
    since a step longer than the whole padded input is never a sensible answer.
    """
    i, p = positive(i, "input size"), non_negative(p, "padding")
    span, o = effective_kernel(k, d), whole_number(o, "output size")
    room = i + 2 * p - span
    if o < 1 or room < 0:
        return []
    if o == 1:
        return list(range(room + 1, i + 2 * p + 1))
    return list(range(room // o + 1, room // (o - 1) + 1))


@dataclass(frozen=True)
class Layer:
    """One layer of a stack, with a square kernel: a convolution or a pooling.

    A conv layer needs `out_channels` for `shapes_through`; a pool layer keeps its channels and
    takes none. Unlike `pool_output_size`, the stride here defaults to 1 for pooling too: give it.
    """

    kind: Literal["conv", "pool"]
    k: int
    s: int = 1
    p: int = 0
    d: int = 1
    out_channels: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("conv", "pool"):
            raise ValueError(f"a layer's kind must be 'conv' or 'pool', but got {self.kind!r}")
        positive(self.k, "kernel size")
        positive(self.s, "stride")
        non_negative(self.p, "padding")
        positive(self.d, "dilation")
        if self.kind == "pool":
            if self.out_channels is not None:
                raise ValueError(
                    f"a pooling layer keeps its input's channels, so it takes no out_channels (got {self.out_channels})"
                )
            if self.p > self.k // 2:
                raise ValueError(
                    f"pooling padding {self.p} is more than half the pooling window {self.k}; use padding at most {self.k // 2}"
                )
        elif self.out_channels is not None:
            positive(self.out_channels, "out_channels")


@dataclass(frozen=True)
class RFInfo:
    """What one output cell of a layer sees of the network's input, along one axis.

    size: how many input cells its receptive field spans (dilation gaps included).
    jump: how many input cells apart neighbouring output cells' fields are (the product of strides).
    start: the input index of the centre of output cell 0's field; input cell 0 is at 0, so a
        negative start (or a field reaching below 0) lies in padding; even sizes give .5 centres.
    """

    size: int
    jump: int
    start: float

    def span(self, index: int) -> tuple[int, int]:
        """First and last input index (padding may be outside 0..i-1) of output cell `index`'s field."""
        centre = self.start + index * self.jump
        half = (self.size - 1) / 2
        return int(centre - half), int(centre + half)


def receptive_field(layers: Sequence[Layer]) -> list[RFInfo]:
    """The receptive field after each layer (Dumoulin & Visin; Araujo et al.):
    r_out = r_in + (k_eff - 1)·j_in, j_out = j_in·s, start_out = start_in + ((k_eff - 1)/2 - p)·j_in,
    starting from the input itself (r = 1, j = 1, start = 0)."""
    size, jump, start = 1, 1, 0.0
    infos = []
    for layer in layers:
        span = effective_kernel(layer.k, layer.d)
        size += (span - 1) * jump
        start += ((span - 1) / 2 - layer.p) * jump
        jump *= layer.s
        infos.append(RFInfo(size, jump, start))
    return infos


def receptive_cells(layers: Sequence[Layer], index: int, input_size: int | None = None) -> list[int]:
    """Exactly which input indices (along one axis) output cell `index` of the last layer reads,
    sorted; dilation can leave gaps, and indices below 0 or from `input_size` on are the input's
    padding.

    Given `input_size`, a padding cell of an intermediate layer contributes a constant 0, not
    anything from the input, so it is dropped: this is the true dependency an output cell has.
    Without it, every layer is treated as unbounded, matching `receptive_field`'s formula.
    """
    index = non_negative(index, "output index")
    sizes: list[int | None] = [None] * len(layers)
    if input_size is not None:
        size = positive(input_size, "input size")
        for number, layer in enumerate(layers):
            if layer.kind == "conv":
                size = conv_output_size(size, layer.k, layer.p, layer.s, layer.d)
            else:
                size = pool_output_size(size, layer.k, layer.s, layer.p, layer.d)
            sizes[number] = size
        if index >= size:
            raise ValueError(f"output index {index} is past the last layer's {size} cells")
    cells = {index}
    for number in range(len(layers) - 1, -1, -1):
        layer = layers[number]
        cells = {o * layer.s - layer.p + t * layer.d for o in cells for t in range(layer.k)}
        below = sizes[number - 1] if number > 0 else None
        if below is not None:
            cells = {c for c in cells if 0 <= c < below}
    return sorted(cells)


def shapes_through(layers: Sequence[Layer], in_shape: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """(C, H, W) after each layer; conv layers set C to their out_channels, pools keep it."""
    if not isinstance(in_shape, (tuple, list)) or len(in_shape) != 3:
        raise ValueError(f"the input shape must be (channels, height, width), but got {in_shape!r}")
    channels = positive(in_shape[0], "input channels")
    hw = (in_shape[1], in_shape[2])
    shapes = []
    for number, layer in enumerate(layers, start=1):
        try:
            if layer.kind == "conv":
                if layer.out_channels is None:
                    raise ValueError("a conv layer needs out_channels to give a shape")
                channels = layer.out_channels
                hw = conv_output_shape(hw, layer.k, layer.p, layer.s, layer.d)
            else:
                hw = pool_output_shape(hw, layer.k, layer.s, layer.p, layer.d)
        except ValueError as error:
            raise ValueError(f"layer {number} ({layer.kind}): {error}") from None
        shapes.append((channels, *hw))
    return shapes


def conv_params(c_in: int, c_out: int, k: int | tuple[int, int], bias: bool = True) -> int:
    """Learned numbers in a conv layer: c_out · c_in · kh · kw weights, plus c_out biases."""
    c_in, c_out = positive(c_in, "input channels"), positive(c_out, "output channels")
    kh, kw = pair(k, "kernel size")
    positive(kh, "kernel size (height)"), positive(kw, "kernel size (width)")
    return c_out * c_in * kh * kw + (c_out if bias else 0)


def dense_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """Learned numbers in a fully connected layer: in · out weights, plus out biases."""
    n_in, n_out = positive(in_features, "input features"), positive(out_features, "output features")
    return n_in * n_out + (n_out if bias else 0)
