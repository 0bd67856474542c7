"""Every slip the engine names: its stable key, a line of advice, a short phrase for "the same
number also comes from …", where it can happen and which ideas it takes to name it.

The key is what a `Verdict.mistake` carries and what reports and the learner model count; the
advice is the general form of the diagnosis (the diagnosis itself speaks about one problem). A slip
whose `needs` are not all taught is never named: chapter 2 knows nothing of transposed convolution,
so an answer of i + k − 1 there is "counted positions where the kernel hangs off the edge".
"""

from __future__ import annotations

from dataclasses import dataclass

from convquest.engine.problems.ladder import Taught


@dataclass(frozen=True)
class Slip:
    key: str
    advice: str  # one line for a report: what went wrong and what to do instead
    also: str  # a phrase finishing "the same number also comes from …"
    topics: tuple[str, ...]  # "kind/variant" topics where the slip can happen
    needs: frozenset[str] = frozenset()  # concepts the player must have met for it to be named

    def nameable(self, taught: Taught) -> bool:
        return self.needs <= taught


_SIZE = "predict-size/"
_CONV_SIZES = tuple(_SIZE + v for v in ("conv", "padding", "stride", "dilation", "non-square", "network"))
_POOL = (_SIZE + "pool",)
_TRANSPOSED = (_SIZE + "transposed",)
_SOLVE = (_SIZE + "solve-padding", _SIZE + "solve-stride")
_ALL_SIZES = _CONV_SIZES + _POOL + _TRANSPOSED + _SOLVE
_CONV_CELLS = tuple(f"fill-cells/{v}" for v in ("valid", "same", "full", "strided", "dilated"))
_FIELDS = ("receptive-field/one-layer", "receptive-field/stack")
_COUNT = ("count-params/conv-vs-dense",)


def _slip(key: str, advice: str, also: str, topics: tuple[str, ...], *needs: str) -> Slip:
    return Slip(key, advice, also, topics, frozenset(needs))


_TABLE: tuple[Slip, ...] = (
    # -- output sizes ------------------------------------------------------------------------------
    _slip(
        "forgot_plus_one",
        "Forgot the +1: the window's first position counts too.",
        "forgetting the +1",
        _ALL_SIZES + ("volume/shape",),
    ),
    _slip(
        "off_by_one",
        "Off by one: count the window's positions again, first and last included.",
        "a miscount by one",
        _ALL_SIZES,
    ),
    _slip(
        "full_count",
        "Counted positions where the kernel hangs off the edge: every weight must land on a cell.",
        "counting positions where the kernel hangs off the edge",
        _CONV_SIZES,
    ),
    _slip(
        "ignored_padding",
        "Left the padding out of the size: the window slides over the padded input.",
        "leaving out the padding",
        _CONV_SIZES + _POOL + _TRANSPOSED,
        "padding",
    ),
    _slip(
        "padded_one_side",
        "Padded one side only: padding adds p cells on each side, 2p in all.",
        "padding only one side",
        _CONV_SIZES + _POOL + _TRANSPOSED + _SOLVE,
        "padding",
    ),
    _slip(
        "added_padding_transposed",
        "Added the padding to a transposed convolution's output: there it trims p cells from each side.",
        "adding the padding where a transposed convolution trims it",
        _TRANSPOSED,
        "padding",
        "transposed",
    ),
    _slip(
        "ignored_stride",
        "Ignored the stride: the window jumps s cells at a time.",
        "ignoring the stride",
        _CONV_SIZES + _POOL + _TRANSPOSED + (_SIZE + "solve-padding", "receptive-field/stack"),
        "stride",
    ),
    _slip(
        "stride_one_axis",
        "Used the stride on one side only: it applies to the height and the width.",
        "using the stride on one side only",
        (_SIZE + "non-square",),
        "stride",
    ),
    _slip(
        "ignored_floor",
        "Rounded up: a window that would run past the edge is dropped, so the division rounds down.",
        "rounding up",
        _CONV_SIZES + _POOL + _SOLVE,
        "stride",
    ),
    _slip(
        "ignored_dilation",
        "Ignored the dilation: the taps sit d cells apart, so the kernel spans d(k − 1) + 1 cells.",
        "ignoring the dilation",
        _CONV_SIZES + _TRANSPOSED + _SOLVE + ("fill-cells/dilated",) + _FIELDS,
        "dilation",
    ),
    _slip(
        "span_d_times_k",
        "Took the dilated span as d·k: k taps stand d cells apart, k − 1 steps from first to last, so the span is d(k − 1) + 1.",
        "taking the span as d·k",
        _CONV_SIZES + _TRANSPOSED + _SOLVE,
        "dilation",
    ),
    _slip(
        "span_d_times_k_plus_one",
        "Took the dilated span as d·k + 1: k taps stand d cells apart, k − 1 steps from first to last, so the span is d(k − 1) + 1.",
        "taking the span as d·k + 1",
        _CONV_SIZES + _TRANSPOSED + _SOLVE,
        "dilation",
    ),
    _slip(
        "pool_stride_one",
        "Used stride 1 for pooling: with no stride given it equals the window size.",
        "pooling with stride 1",
        _POOL,
        "pooling",
    ),
    _slip(
        "used_transposed_formula",
        "Used the transposed-convolution formula for an ordinary convolution.",
        "the transposed-convolution formula",
        _CONV_SIZES,
        "transposed",
    ),
    _slip(
        "used_conv_formula",
        "Used the ordinary convolution formula for a transposed convolution: a transposed one grows.",
        "the ordinary convolution formula",
        _TRANSPOSED,
        "transposed",
    ),
    _slip(
        "used_i_times_s",
        "Used i·s for a transposed convolution: the i input cells are only i − 1 strides apart.",
        "using i·s in place of (i − 1)·s",
        _TRANSPOSED,
        "transposed",
    ),
    _slip(
        "used_i_times_s_minus_2p",
        "Used i·s − 2p for a transposed convolution: it leaves out how far the last patch reaches.",
        "the shortcut i·s − 2p, plus any output padding",
        _TRANSPOSED,
        "transposed",
    ),
    _slip(
        "forgot_output_padding",
        "Forgot the output padding of a transposed convolution: it adds a cells on one side.",
        "forgetting the output padding",
        _TRANSPOSED,
        "output_padding",
    ),
    _slip(
        "output_padding_twice",
        "Added the output padding on both sides: it goes on one side only, a cells, not 2a.",
        "adding the output padding twice",
        _TRANSPOSED,
        "output_padding",
    ),
    _slip(
        "swapped_height_width",
        "Swapped height and width: write the height first.",
        "swapping height and width",
        (_SIZE + "non-square",),
    ),
    _slip(
        "impossible_value",
        "Gave a padding or stride no layer can have.",
        "an impossible value",
        _SOLVE,
    ),
    _slip(
        "swapped_input_output",
        "Swapped the input and output sizes when solving for p or s.",
        "swapping input and output",
        _SOLVE,
    ),
    _slip(
        "wrong_channels",
        "Gave the wrong number of channels.",
        "a wrong channel count",
        (_SIZE + "network",),
        "channels",
    ),
    _slip(
        "conv_kept_channels",
        "Kept the input's channels after a conv: it has one channel per filter.",
        "keeping the input's channels",
        (_SIZE + "network",),
        "channels",
    ),
    _slip(
        "pool_changed_channels",
        "Changed the channels in a pooling layer: pooling keeps them.",
        "changing the channels in pooling",
        (_SIZE + "network",),
        "channels",
        "pooling",
    ),
    # -- parameters -------------------------------------------------------------------------------
    _slip(
        "forgot_bias",
        "Forgot the biases: one per filter (or per output unit).",
        "forgetting the biases",
        _COUNT,
        "bias",
    ),
    _slip(
        "forgot_input_channels",
        "Counted a filter as flat: each filter spans every input channel.",
        "counting a filter as flat",
        _COUNT,
        "channels",
    ),
    _slip(
        "counted_per_position",
        "Counted the weights once per position: the same filters are reused everywhere.",
        "counting the weights at every position",
        _COUNT,
    ),
    # -- receptive fields -------------------------------------------------------------------------
    _slip(
        "padding_shift",
        "Forgot that padding shifts the window: output cell 0 starts p cells before input cell 0.",
        "forgetting the padding's shift",
        _FIELDS,
        "padding",
    ),
    _slip(
        "ignored_layer",
        "Left a layer out of a stack: every layer widens what a cell sees.",
        "leaving out a layer",
        ("receptive-field/stack",),
    ),
    _slip(
        "one_layer_field",
        "Took one layer's window only: through a stack, each layer's window widens what a cell sees.",
        "taking one layer's window only",
        ("receptive-field/stack",),
    ),
    _slip(
        "centred_window",
        "Centred the window on the output cell's position: a window is placed by its top-left corner.",
        "centring the window on the cell",
        _FIELDS,
    ),
    _slip(
        "window_shifted",
        "Put the field one cell off: it had the right size; check the cell where the window starts.",
        "a field one cell off",
        _FIELDS,
    ),
    _slip(
        "range_off_by_one",
        "A cell range off by one: both ends of a range are included; check the first and last cell.",
        "a range off by one",
        _FIELDS + ("match-kernel/locality",),
    ),
    # -- filling cells ----------------------------------------------------------------------------
    _slip(
        "flipped_kernel",
        "Flipped the kernel: here it slides unflipped (cross-correlation, as in PyTorch).",
        "flipping the kernel",
        _CONV_CELLS,
    ),
    _slip("forgot_product", "Left a product out of the window's sum.", "leaving out a product", _CONV_CELLS),
    _slip("sign_error", "Slipped a sign in a product.", "a sign slip", _CONV_CELLS),
    _slip(
        "one_line_only",
        "Added up one row or column of the products only: the cell is the sum of every product in the window.",
        "adding up one row or column only",
        _CONV_CELLS,
    ),
    _slip(
        "window_moved_by_one",
        "Moved the window by 1 where the stride moves it s cells.",
        "moving the window by one cell",
        ("fill-cells/strided",),
        "stride",
    ),
    _slip(
        "missed_overlap",
        "Missed an overlap: in a transposed convolution overlapping patches add up.",
        "missing an overlap",
        ("fill-cells/transposed",),
        "transposed",
    ),
    _slip(
        "averaged_instead_of_max",
        "Averaged where max pooling keeps the largest value.",
        "averaging",
        ("fill-cells/maxpool",),
        "pooling",
    ),
    _slip(
        "took_min",
        "Took the smallest value where max pooling keeps the largest.",
        "taking the smallest",
        ("fill-cells/maxpool",),
        "pooling",
    ),
    _slip(
        "forgot_to_divide",
        "Summed the window in average pooling without dividing by its size.",
        "not dividing",
        ("fill-cells/avgpool",),
        "pooling",
    ),
    _slip(
        "took_max_instead_of_mean",
        "Took the largest value where average pooling takes the mean.",
        "taking the largest",
        ("fill-cells/avgpool",),
        "pooling",
    ),
    # -- kernels ----------------------------------------------------------------------------------
    _slip(
        "opposite_sign",
        "Gave a kernel with every weight's sign the wrong way round.",
        "the opposite sign",
        ("match-kernel/edit",),
    ),
    _slip(
        "wrong_scale",
        "Gave the right kernel pattern at the wrong strength.",
        "the wrong scale",
        ("match-kernel/edit",),
    ),
    _slip(
        "transposed_kernel",
        "Swapped a kernel's rows and columns (it finds the other direction).",
        "swapping rows and columns",
        ("match-kernel/edit", "match-kernel/palette"),
    ),
    _slip(
        "one_step_wrong",
        "Got one of the two kernels of a two-layer stack wrong.",
        "one step wrong",
        ("match-kernel/two-step",),
    ),
    _slip(
        "did_not_move",
        "Kept a feature map's peak in place when the image moved.",
        "not moving the peak",
        ("match-kernel/translation",),
    ),
    _slip(
        "moved_opposite",
        "Moved a feature map's peak the wrong way.",
        "moving the peak the wrong way",
        ("match-kernel/translation",),
    ),
    _slip(
        "input_coordinates",
        "Answered in input coordinates where output coordinates were asked.",
        "input coordinates",
        ("match-kernel/translation",),
    ),
    _slip("swapped_row_col", "Swapped row and column.", "swapping row and column", ("match-kernel/translation",)),
    _slip(
        "whole_output",
        "Said every output cell changes when one pixel does (each only sees its window).",
        "every cell",
        ("match-kernel/locality",),
    ),
    _slip(
        "centred_on_pixel",
        "Centred the changed windows on the pixel instead of counting the windows that cover it.",
        "centring on the pixel",
        ("match-kernel/locality",),
    ),
    _slip(
        "one_cell",
        "Said one output cell changes when every window covering the pixel does.",
        "one cell only",
        ("match-kernel/locality",),
    ),
)

SLIPS: dict[str, Slip] = {slip.key: slip for slip in _TABLE}


def advice(key: str) -> str:
    """The slip's line of advice; a key this table lacks still reads as words."""
    if key in SLIPS:
        return SLIPS[key].advice
    return key.replace("_", " ").capitalize() + "."


def also_phrase(key: str) -> str:
    return SLIPS[key].also if key in SLIPS else key.replace("_", " ")


def nameable(key: str, taught: Taught) -> bool:
    """Whether a slip may be named to a player who has met `taught`."""
    return key not in SLIPS or SLIPS[key].nameable(taught)


def topics_for(key: str, available: tuple[str, ...] | list[str] | None = None) -> list[str]:
    """The topics where slip `key` can happen, in the order of `available` when given."""
    if key not in SLIPS:
        return []
    where = SLIPS[key].topics
    if available is None:
        return list(where)
    return [topic for topic in available if topic in where]
