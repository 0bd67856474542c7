"""The 1-D ops: conv1d, conv_transpose1d, max_pool1d, avg_pool1d, as PyTorch's.

Each is its 2-D twin's core run on a one-row input (`ops` inserts the row axis and takes it out
again), so 1-D and 2-D cannot drift apart. Shapes: `x` (L,) with `w` (k,), or `x` (C, L) with `w`
(O, C/groups, k) for conv1d and (C_in, O/groups, k) for conv_transpose1d.

conv1d's `padding` is also "valid", "same", "full" or "causal". Causal is ConvQuest's name, not a
PyTorch option: d(k-1) zeros on the left only, so output t sees inputs t and before, never the
future; it takes any stride, and zeros only.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from convquest.engine.arithmetic import effective_kernel, padding_for
from convquest.engine.checks import non_negative, whole_number
from convquest.engine.ops import (
    AXES_1D,
    Operands,
    Pads,
    avg_pool_core,
    conv_core,
    conv_operands,
    finish,
    max_pool_core,
    pool_windows,
    transpose_core,
)

PADDING_NAMES_1D: tuple[str, ...] = ("valid", "same", "full", "causal")


def padding_1d(padding: int | str, k: int, stride: int, dilation: int, padding_mode: str) -> tuple[int, int]:
    """(left, right) padding for conv1d's `padding`: a whole number or one of PADDING_NAMES_1D."""
    if not isinstance(padding, str):
        amount = non_negative(padding, "padding")
        return amount, amount
    if padding not in PADDING_NAMES_1D:
        names = ", ".join(repr(name) for name in PADDING_NAMES_1D)
        raise ValueError(f"padding must be a whole number or one of {names}, but got {padding!r}")
    if padding == "causal":
        if padding_mode != "zeros":
            raise ValueError(
                f"causal padding pads with zeros only (the past before the sequence starts is silence),"
                f" so it takes padding_mode='zeros', not {padding_mode!r}"
            )
        return effective_kernel(k, dilation) - 1, 0
    if padding == "same" and stride != 1:
        raise ValueError(
            f"padding='same' keeps the size only with stride 1, but the stride is {stride};"
            f" give the padding as a number, or use 'causal'"
        )
    return padding_for(padding, k, dilation)


def conv_args_1d(
    ops: Operands, padding: int | str, stride: int, dilation: int, padding_mode: str
) -> tuple[Pads, tuple[int, int], tuple[int, int]]:
    """conv1d's padding, stride and dilation checked and as the 2-D core's (pads, stride, dilation)
    over one row; the 1-D traces read their arguments through this too."""
    s, d = whole_number(stride, "stride"), whole_number(dilation, "dilation")
    return ((0, 0), padding_1d(padding, ops.w.shape[3], s, d, padding_mode)), (1, s), (1, d)


def conv1d(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: int | str = 0,
    stride: int = 1,
    dilation: int = 1,
    bias: npt.ArrayLike | None = None,
    groups: int = 1,
    padding_mode: str = "zeros",
) -> np.ndarray:
    """1-D cross-correlation, as torch.nn.functional.conv1d / nn.Conv1d, with `padding` also
    'valid' | 'same' | 'full' | 'causal'."""
    ops = conv_operands(x, w, bias, transposed=False, groups=groups, spatial=1)
    pads, stride2, dilation2 = conv_args_1d(ops, padding, stride, dilation, padding_mode)
    out = conv_core(ops, pads, stride2, dilation2, padding_mode, AXES_1D)
    return finish(out, ops.bias, ops.single, 1)


def conv_transpose1d(
    x: npt.ArrayLike,
    w: npt.ArrayLike,
    *,
    padding: int = 0,
    stride: int = 1,
    dilation: int = 1,
    output_padding: int = 0,
    bias: npt.ArrayLike | None = None,
    groups: int = 1,
) -> np.ndarray:
    """The transpose of conv1d, as torch.nn.functional.conv_transpose1d."""
    ops = conv_operands(x, w, bias, transposed=True, groups=groups, spatial=1)
    out = transpose_core(
        ops,
        (0, whole_number(padding, "padding")),
        (1, whole_number(stride, "stride")),
        (1, whole_number(dilation, "dilation")),
        (0, whole_number(output_padding, "output_padding")),
        AXES_1D,
    )
    return finish(out, ops.bias, ops.single, 1)


def max_pool1d(
    x: npt.ArrayLike,
    k: int,
    *,
    stride: int | None = None,
    padding: int = 0,
    dilation: int = 1,
    ceil_mode: bool = False,
) -> np.ndarray:
    """The largest value in each window of k cells along the sequence (stride defaults to k)."""
    return max_pool_core(x, lambda v: pool_windows(v, k, stride, padding, dilation, ceil_mode, 1), 1)


def avg_pool1d(
    x: npt.ArrayLike,
    k: int,
    *,
    stride: int | None = None,
    padding: int = 0,
    ceil_mode: bool = False,
) -> np.ndarray:
    """The mean of each window of k cells (stride defaults to k), divisor as avg_pool2d's."""
    return avg_pool_core(x, lambda v: pool_windows(v, k, stride, padding, 1, ceil_mode, 1), 1)
