"""A network typed as a spec, "conv 3>64 k7 s2 p3; maxpool k3 s2 p1; ...", and its report: each
layer's output shape, parameters, multiply-adds and receptive field, and the same stack as
PyTorch's `nn.Sequential(...)`. The syntax is documented in docs/SHAPES.md.

Counts follow PyTorch: parameters are `sum(p.numel() for p in model.parameters())` (batch norm's
running mean and variance are buffers, not parameters); multiply-adds are the products of conv and
dense layers, without the bias additions. Every mistake is a `ValueError` naming the layer (its
number and text) and the field.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from convquest.engine.arithmetic import Layer, RFInfo, dense_params, receptive_field

# Far beyond any real network, small enough that a typo (an extra zero or three) is caught.
MAX_NUMBER = 1_000_000  # a channel or feature count, kernel, stride, padding, dilation, groups
MAX_SIDE = 100_000  # the input's height or width
MAX_LAYERS = 1_000
MAX_VALUES = 10**12  # a layer's parameters, or the values in its output
WIDTH = 80

ACTIVATIONS = {
    "relu": "ReLU",
    "relu6": "ReLU6",
    "leakyrelu": "LeakyReLU",
    "elu": "ELU",
    "gelu": "GELU",
    "silu": "SiLU",
    "hardswish": "Hardswish",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
}
ALIASES = {
    "conv2d": "conv",
    "dwconv": "dw",
    "max": "maxpool",
    "avg": "avgpool",
    "globalavgpool": "gap",
    "adaptiveavgpool": "gap",
    "linear": "dense",
    "fc": "dense",
    "batchnorm": "bn",
    "swish": "silu",
}
# The fields each kind takes (besides its channel or feature numbers).
FIELDS = {
    "conv": ("k", "s", "p", "d", "g", "nobias"),
    "dw": ("k", "s", "p", "d", "nobias"),
    "pw": ("s", "g", "nobias"),
    "maxpool": ("k", "s", "p", "d"),
    "avgpool": ("k", "s", "p"),
    "dense": ("nobias",),
}
KINDS = (*FIELDS, "gap", "flatten", "bn", "dropout", *ACTIVATIONS)

_CHANNELS = re.compile(r"(\d*)>(\d+)|(\d+)")
_NUMBER_FIELD = re.compile(r"([a-z]+)=?(\d+)")
_PADDING_FIELD = re.compile(r"(?:p=?)?(same|valid|full)")
_RATE = re.compile(r"(?:p=?)?(0?\.\d+|0|1(?:\.0*)?)")

Shape = tuple[int, ...]


class SpecError(ValueError):
    """A mistake in a spec: the sentence names the layer and the field."""


@dataclass(frozen=True)
class Item:
    """One parsed layer of a spec: what was typed, before any shape is known."""

    number: int
    text: str
    kind: str
    c_in: int | None = None  # channels (conv) or features (dense, bn) the layer says it takes
    c_out: int | None = None
    k: int | None = None
    s: int | None = None
    p: int | str = 0
    d: int = 1
    groups: int = 1
    bias: bool = True
    rate: float = 0.5  # dropout
    tokens: dict[str, str] = field(default_factory=dict, compare=False)  # field name → as typed

    def fail(self, sentence: str, field_name: str | None = None) -> SpecError:
        """The refusal of this layer; `field_name` is a field's key (its text as typed is shown) or
        the text itself."""
        where = f'layer {self.number} "{self.text}"'
        if field_name is not None:
            where += f', field "{self.tokens.get(field_name, field_name)}"'
        return SpecError(f"{where}: {sentence}")


@dataclass(frozen=True)
class Row:
    """One layer of the report. `field` is None once every output sees the whole input."""

    number: int
    text: str
    shape: Shape
    params: int
    macs: int
    field: RFInfo | None
    torch: str


@dataclass(frozen=True)
class Report:
    input: tuple[int, int, int]
    rows: tuple[Row, ...]

    @property
    def params(self) -> int:
        return sum(row.params for row in self.rows)

    @property
    def macs(self) -> int:
        return sum(row.macs for row in self.rows)


def parse(spec: str) -> list[Item]:
    """The layers of a spec: separated by ';' or new lines; '#' starts a comment."""
    texts = [" ".join(line.split("#", 1)[0].split()) for chunk in spec.splitlines() for line in chunk.split(";")]
    texts = [text for text in texts if text]
    if not texts:
        raise SpecError('the spec has no layers; write them like "conv 3>16 k3 p1; relu; maxpool k2"')
    if len(texts) > MAX_LAYERS:
        raise SpecError(f"the spec has {len(texts):,} layers; the most this takes is {MAX_LAYERS:,}")
    return [_parse_item(number, text) for number, text in enumerate(texts, start=1)]


def _parse_item(number: int, text: str) -> Item:
    word, *tokens = text.lower().split()
    kind = ALIASES.get(word, word)
    probe = Item(number, text, kind)
    if kind not in KINDS:
        raise probe.fail(f'"{word}" is not a layer kind; the kinds are {", ".join(KINDS)}')
    values: dict[str, object] = {}
    typed: dict[str, str] = {}
    for token in tokens:
        name, value = _read_token(probe, token)
        if name in typed:
            raise probe.fail(f"{name} is given twice ({typed[name]} and {token}); give it once", token)
        typed[name] = token
        if name == "channels":
            assert isinstance(value, tuple), "channels are read as a (c_in, c_out) pair"
            values["c_in"], values["c_out"] = value
        else:
            values[name] = value
    # Each value has its field's type (_read_token reads them field by field); a dict of mixed
    # types cannot say which key holds which, so mypy sees only object here.
    item = Item(number, text, kind, tokens=typed, **values)  # type: ignore[arg-type]
    if item.kind in ("conv", "dw") and item.k is None:
        raise item.fail(f"{item.kind} needs a kernel size, e.g. k3", "k")
    if item.kind in ("maxpool", "avgpool") and item.k is None:
        raise item.fail(f"{item.kind} needs a window size, e.g. k2", "k")
    if item.kind in ("conv", "pw", "dense") and item.c_out is None:
        what = "out_features, e.g. 10 or 512>10" if item.kind == "dense" else "its output channels, e.g. 64 or 3>64"
        raise item.fail(f"{item.kind} needs {what}", "channels")
    return item


def _read_token(item: Item, token: str) -> tuple[str, object]:
    """(Item field, value) of one typed field, refusing what the layer's kind does not take."""
    kind = item.kind
    allowed = FIELDS.get(kind, ())
    channels = _CHANNELS.fullmatch(token)
    if channels is not None and kind != "dropout":
        return _read_channels(item, token, channels)
    if kind == "dropout":
        rate = _RATE.fullmatch(token)
        if rate is None:
            raise item.fail("dropout takes one rate from 0 to 1, e.g. 0.5", token)
        return "rate", float(rate.group(1))
    if token == "nobias" and "nobias" in allowed:
        return "bias", False
    padding = _PADDING_FIELD.fullmatch(token)
    if padding is not None and kind in ("conv", "dw"):
        return "p", padding.group(1)
    number = _NUMBER_FIELD.fullmatch(token)
    if number is not None and number.group(1) in allowed:
        name, value = number.group(1), int(number.group(2))
        smallest = 0 if name == "p" else 1
        label = {"k": "kernel size", "s": "stride", "p": "padding", "d": "dilation", "g": "groups"}[name]
        if not smallest <= value <= MAX_NUMBER:
            limit = "at least 1" if value < smallest else f"at most {MAX_NUMBER:,}"
            raise item.fail(f"{value:,} is not a sensible {label}; it must be {limit}", token)
        return {"g": "groups"}.get(name, name), value
    takes = ", ".join(allowed) if allowed else "no fields"
    raise item.fail(f"{kind} takes {takes}; this is none of them", token)


def _read_channels(item: Item, token: str, found: re.Match[str]) -> tuple[str, object]:
    kind = item.kind
    if kind not in ("conv", "dw", "pw", "dense", "bn"):
        raise item.fail(f"this looks like channels, but {kind} keeps the channels it gets and takes none", token)
    first, second, alone = found.groups()
    numbers = [int(n) for n in (first, second, alone) if n]
    for n in numbers:
        if not 1 <= n <= MAX_NUMBER:
            what = "feature count" if kind == "dense" else "channel count"
            limit = "at least 1" if n < 1 else f"at most {MAX_NUMBER:,}"
            raise item.fail(f"{n:,} is not a sensible {what}; it must be {limit}", token)
    if kind == "bn":
        if second:
            raise item.fail("batch norm keeps its channels: give one number, e.g. bn 64", token)
        return "channels", (numbers[0], None)
    if first:
        return "channels", (numbers[0], numbers[1])
    return "channels", (None, numbers[-1])


def analyse(spec: str | Sequence[Item], input_shape: tuple[int, int, int]) -> Report:
    """Every layer's row for an input of shape (C, H, W)."""
    items = parse(spec) if isinstance(spec, str) else list(spec)
    for value, name in zip(input_shape, ("channels", "height", "width")):
        limit = MAX_NUMBER if name == "channels" else MAX_SIDE
        if not 1 <= value <= limit:
            raise SpecError(f"the input's {name} must be from 1 to {limit:,}, but got {value:,}")
    shape: Shape = tuple(input_shape)
    engine_layers: list[Layer] = []
    built: list[tuple[Item, Shape, int, int, str, int]] = []
    for item in items:
        out, params, macs, torch, layer = _step(item, shape)
        for count, what in ((params, "parameters"), (_size(out), "values in its output")):
            if count > MAX_VALUES:
                raise item.fail(f"{count:,} {what} is absurd; the most this takes is {MAX_VALUES:,}")
        if layer is not None:
            engine_layers.append(layer)
        built.append((item, out, params, macs, torch, len(engine_layers) - 1))
        shape = out
    fields = receptive_field(engine_layers)
    seen_all = False
    rows = []
    for item, out, params, macs, torch, last in built:
        # After a global pooling or a dense layer, every output depends on every input cell.
        seen_all = seen_all or item.kind in ("gap", "dense")
        rf = None if seen_all else fields[last] if last >= 0 else RFInfo(1, 1, 0.0)
        rows.append(Row(item.number, item.text, out, params, macs, rf, torch))
    return Report((input_shape[0], input_shape[1], input_shape[2]), tuple(rows))


def _size(shape: Shape) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def _show_shape(shape: Shape) -> str:
    return "×".join(str(n) for n in shape)


Step = tuple[Shape, int, int, str, Layer | None]


def _step(item: Item, shape: Shape) -> Step:
    """(output shape, params, macs, PyTorch module, the engine's conv/pool Layer or None)."""
    kind = item.kind
    if kind in ("dense", "flatten", "dropout", "bn") or kind in ACTIVATIONS:
        return _STEPS[kind if kind in _STEPS else "activation"](item, shape)
    if len(shape) != 3:
        raise item.fail(
            f"{kind} needs a C×H×W input, but after flatten there are {shape[0]:,} features; put it before the flatten"
        )
    if kind == "gap":
        return (shape[0], 1, 1), 0, 0, "nn.AdaptiveAvgPool2d(1)", None
    channels = (shape[0], shape[1], shape[2])
    layer, torch = _conv_or_pool(item, channels[0])
    try:
        out = layer.output_shape(channels)
        macs = layer.macs(channels)
        params = layer.params(channels[0])
    except ValueError as error:
        raise item.fail(f"{error} (the input is {_show_shape(shape)})") from None
    return out, params, macs, torch, layer


def _conv_or_pool(item: Item, arriving: int) -> tuple[Layer, str]:
    k = 1 if item.kind == "pw" else item.k
    assert k is not None  # parse() refuses a conv, dw or pooling without k
    try:
        if item.kind in ("maxpool", "avgpool"):
            layer = Layer("pool", k, item.s, item.p, item.d)
            return layer, _pool_torch(item.kind, layer)
        c_in = _checked_in(item, arriving)
        c_out = item.c_out if item.c_out is not None else c_in
        groups = c_in if item.kind == "dw" else item.groups
        layer = Layer("conv", k, item.s, item.p, item.d, c_out, c_in, groups, item.bias)
    except SpecError:
        raise
    except ValueError as error:
        raise item.fail(str(error), _blamed_field(item, str(error))) from None
    return layer, _conv_torch(layer)


def _blamed_field(item: Item, sentence: str) -> str | None:
    """The typed field a refusal of the engine's Layer is about (a depthwise layer's groups are
    its channels)."""
    if item.kind == "dw" and "groups" in sentence:
        return "channels"
    for words, name in (("groups", "groups"), ("padding", "p"), ("stride", "s")):
        if words in sentence and name in item.tokens:
            return name
    return None


def _checked_in(item: Item, arriving: int) -> int:
    if item.c_in is not None and item.c_in != arriving:
        what = "features" if item.kind in ("dense", "bn") else "input channels"
        raise item.fail(f"the layer takes {item.c_in:,} {what}, but {arriving:,} arrive", "channels")
    return arriving


def _conv_torch(layer: Layer) -> str:
    args = [str(layer.in_channels), str(layer.out_channels), f"kernel_size={layer.k}"]
    if layer.s != 1:
        args.append(f"stride={layer.s}")
    if layer.p == "same":
        args.append("padding='same'")
    elif layer.pads[0]:
        args.append(f"padding={layer.pads[0]}")
    if layer.d != 1:
        args.append(f"dilation={layer.d}")
    if layer.groups != 1:
        args.append(f"groups={layer.groups}")
    if not layer.bias:
        args.append("bias=False")
    return f"nn.Conv2d({', '.join(args)})"


def _pool_torch(kind: str, layer: Layer) -> str:
    args = [f"kernel_size={layer.k}"]
    if layer.s != layer.k:
        args.append(f"stride={layer.s}")
    if layer.p:
        args.append(f"padding={layer.p}")
    if layer.d != 1:
        args.append(f"dilation={layer.d}")
    name = "MaxPool2d" if kind == "maxpool" else "AvgPool2d"
    return f"nn.{name}({', '.join(args)})"


def _dense(item: Item, shape: Shape) -> Step:
    if len(shape) != 1:
        raise item.fail(
            f"dense needs features, but the input is {_show_shape(shape)}; put a flatten before it"
            " (nn.Linear on a C×H×W input would act on the last axis, W, alone)"
        )
    n_in = _checked_in(item, shape[0])
    assert item.c_out is not None  # parse() refuses a dense layer without out_features
    n_out = item.c_out
    torch = f"nn.Linear({n_in}, {n_out}{'' if item.bias else ', bias=False'})"
    return (n_out,), dense_params(n_in, n_out, item.bias), n_in * n_out, torch, None


def _flatten(item: Item, shape: Shape) -> Step:
    return (_size(shape),), 0, 0, "nn.Flatten()", None


def _batch_norm(item: Item, shape: Shape) -> Step:
    channels = _checked_in(item, shape[0])
    torch = f"nn.BatchNorm{'2' if len(shape) == 3 else '1'}d({channels})"
    return shape, 2 * channels, 0, torch, None


def _dropout(item: Item, shape: Shape) -> Step:
    return shape, 0, 0, f"nn.Dropout({item.rate:g})", None


def _activation(item: Item, shape: Shape) -> Step:
    return shape, 0, 0, f"nn.{ACTIVATIONS[item.kind]}()", None


_STEPS: dict[str, Callable[[Item, Shape], Step]] = {
    "dense": _dense,
    "flatten": _flatten,
    "bn": _batch_norm,
    "dropout": _dropout,
    "activation": _activation,
}


def _number(n: int, width: int) -> str:
    """n with thousands separators, or in 3 significant figures where that does not fit."""
    text = f"{n:,}"
    return text if len(text) <= width else f"{n:.3g}"


NOTES = (
    "Multiply-adds are the products of conv and dense layers (a dense layer: in · out); bias"
    " additions are not counted, nor pooling, batch norm or activations. Parameters are what"
    " PyTorch's sum(p.numel() for p in model.parameters()) counts: batch norm has 2·C (its"
    " weight γ and bias β); its running mean and variance are buffers and not counted. RF: the"
    " receptive field of one output cell, in input cells along a side; jump: input cells between"
    " neighbouring output cells; all: every output sees the whole input."
)
HEADINGS = ("#", "layer", "output", "params", "mult-adds", "RF", "jump")


def format_report(report: Report, width: int = WIDTH) -> str:
    """The report as a plain-text table at most `width` columns wide, its totals and notes."""
    texts = [("", "input", _show_shape(report.input), "1", "1")]
    counts: list[tuple[int, int] | None] = [None]
    for row in report.rows:
        rf, jump = ("all", "-") if row.field is None else (str(row.field.size), str(row.field.jump))
        texts.append((str(row.number), row.text, _show_shape(row.shape), rf, jump))
        counts.append((row.params, row.macs))
    texts.append(("", "total", "", "", ""))
    counts.append((report.params, report.macs))
    gap = 2
    fixed = [max(len(HEADINGS[h]), *(len(t[c]) for t in texts)) for c, h in ((0, 0), (2, 2), (3, 5), (4, 6))]

    def count_widths(limit: int) -> list[int]:
        return [max(len(HEADINGS[3 + c]), *(len(_number(n[c], limit)) for n in counts if n)) for c in (0, 1)]

    exact = count_widths(width)
    room = width - sum(fixed) - sum(exact) - 6 * gap
    if room < 12:  # absurd (but allowed) sizes: shorten the numbers before the layer text
        exact = count_widths(9)
        room = max(12, width - sum(fixed) - sum(exact) - 6 * gap)
    room = min(room, max(len(t[1]) for t in texts))
    widths = (fixed[0], room, fixed[1], exact[0], exact[1], fixed[2], fixed[3])
    lines = [_line(HEADINGS, widths, gap)]
    for (number, text, shape, rf, jump), pair in zip(texts, counts):
        wrapped = textwrap.wrap(text, room, break_on_hyphens=False) or [""]
        shown = ("", "") if pair is None else (_number(pair[0], widths[3]), _number(pair[1], widths[4]))
        lines.append(_line((number, wrapped[0], shape, *shown, rf, jump), widths, gap))
        lines += [_line(("", more, "", "", "", "", ""), widths, gap) for more in wrapped[1:]]
    lines += ["", *textwrap.wrap(NOTES, width)]
    return "\n".join(lines)


def _line(cells: Sequence[str], widths: Sequence[int], gap: int) -> str:
    left = {1}  # the layer text reads left to right; the numbers line up on the right
    parts = [cell.ljust(w) if c in left else cell.rjust(w) for c, (cell, w) in enumerate(zip(cells, widths))]
    return (" " * gap).join(parts).rstrip()


def torch_code(report: Report, width: int = WIDTH) -> str:
    """The stack as runnable PyTorch: `import torch.nn as nn` and `model = nn.Sequential(...)`."""
    lines = ["import torch.nn as nn", "", "model = nn.Sequential("]
    for row in report.rows:
        lines += _call_lines(row.torch, width)
    lines.append(")")
    return "\n".join(lines)


def _call_lines(call: str, width: int) -> list[str]:
    if len(call) + 5 <= width:
        return [f"    {call},"]
    name, _, args = call.partition("(")
    return [f"    {name}(", *(f"        {arg}," for arg in args[:-1].split(", ")), "    ),"]
