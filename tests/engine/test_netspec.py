"""The network spec behind `convquest shapes`: parsing, the per-layer report, the published counts
of real networks, refusals that name the layer and the field, and PyTorch itself as the oracle
where it is installed."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convquest.engine import conv_params, dense_params
from convquest.engine.netspec import MAX_VALUES, SpecError, analyse, format_report, parse, torch_code
from convquest.engine.networks import NETWORKS
from tests.sweeps import examples

RESNET_STEM = "conv 3>64 k7 s2 p3 nobias; bn; relu; maxpool k3 s2 p1"
# Specs that reach every kind and option, each checked against PyTorch below.
VARIED = {
    "resnet stem": (RESNET_STEM, (3, 224, 224)),
    "grouped and pointwise": ("conv 3>64 k7 s2 p3; maxpool k3 s2 p1; conv 64>128 k3 p1 g4; pw 32 g2", (3, 64, 48)),
    "depthwise with a multiplier": ("dw 8>16 k3 s2 p1 nobias; bn 16; relu6; dw k5 d2 psame", (8, 33, 20)),
    "same with an even kernel": ("conv 4 k4 same; conv 5 k2 d3 p=same; conv 6 k3 full; avgpool k3 p1", (2, 11, 13)),
    "pools and features": (
        "maxpool k2 d2 s1; avgpool k3 s2; conv 8 k1 valid; gap; flatten; bn; dense 5 nobias; sigmoid; dropout 0",
        (3, 17, 17),
    ),
    "bottleneck": (
        "conv 256>64 k1 nobias; bn; relu; conv 64 k3 p1 nobias; bn; relu; conv 256 k1 nobias; bn; relu",
        (256, 56, 56),
    ),
    "flatten then dense": ("conv 1>6 k5; tanh; avgpool k2; flatten; linear 1176>10; gelu", (1, 32, 32)),
}


def test_vgg16_has_its_published_138_357_544_parameters():
    vgg = NETWORKS["vgg16"]
    report = analyse(vgg.spec, vgg.input)
    assert report.params == 138_357_544
    assert report.rows[-1].shape == (1000,)
    # The first dense layer reads the last 512×7×7 map: 25,088 · 4,096 weights + 4,096 biases.
    flatten = next(row for row in report.rows if row.text == "flatten")
    assert flatten.shape == (512 * 7 * 7,)
    assert max(row.params for row in report.rows) == dense_params(25_088, 4_096) == 102_764_544
    # Simonyan & Zisserman: 13 convolutions of 3×3 and 3 dense layers; about 15.5 G multiply-adds.
    assert sum(row.text.startswith("conv") for row in report.rows) == 13
    assert round(report.macs / 1e9, 1) == 15.5


def test_mobilenet_v1_has_its_published_4_2_million_parameters():
    mobilenet = NETWORKS["mobilenet_v1"]
    report = analyse(mobilenet.spec, mobilenet.input)
    # Howard et al. (2017), Table 1 and 8: 4.2 M parameters (4,231,976 with the 1000-way classifier,
    # batch norm's γ and β included), 569 M multiply-adds, a 7×7×1024 map before the pooling.
    assert report.params == 4_231_976
    assert round(report.macs / 1e6) == 569
    assert next(row for row in report.rows if row.text == "gap").shape == (1024, 1, 1)


def test_other_shipped_networks_have_their_published_counts():
    counts = {name: analyse(n.spec, n.input).params for name, n in NETWORKS.items()}
    assert counts["alexnet"] == 60_965_224  # Caffe's bvlc_alexnet (two towers as groups=2)
    assert counts["lenet5"] == 61_706  # LeCun et al. (1998), C5 as a dense layer


def test_alexnet_conv1_row():
    report = analyse("conv 3>96 k11 s4", (3, 227, 227))
    (row,) = report.rows
    assert row.shape == (96, 55, 55)
    assert row.params == (11 * 11 * 3 + 1) * 96 == 34_944
    assert row.macs == 96 * 55 * 55 * 11 * 11 * 3
    assert (row.field.size, row.field.jump) == (11, 4)


def test_resnet_stem_rows():
    rows = analyse(RESNET_STEM, (3, 224, 224)).rows
    assert [row.shape for row in rows] == [(64, 112, 112)] * 3 + [(64, 56, 56)]
    assert [row.params for row in rows] == [64 * 3 * 49, 2 * 64, 0, 0]
    assert [(row.field.size, row.field.jump) for row in rows] == [(7, 2)] * 3 + [(11, 4)]


def test_batch_norm_counts_gamma_and_beta_and_no_multiply_adds():
    rows = analyse("conv 8 k3; bn; flatten; bn", (3, 5, 5)).rows
    assert [row.params for row in rows] == [conv_params(3, 8, 3), 2 * 8, 0, 2 * 8 * 3 * 3]
    assert [row.macs for row in rows][1:] == [0, 0, 0]
    assert [row.torch for row in rows][1::2] == ["nn.BatchNorm2d(8)", "nn.BatchNorm1d(72)"]


def test_dense_multiply_adds_are_in_times_out_without_the_biases():
    (_, dense) = analyse("flatten; dense 7", (2, 3, 4)).rows
    assert (dense.params, dense.macs) == (24 * 7 + 7, 24 * 7)


def test_receptive_field_grows_then_covers_everything_after_global_pooling():
    rows = analyse("conv 4 k3; relu; conv 4 k3; maxpool k2; gap; flatten; dense 2", (1, 16, 16)).rows
    assert [(row.field.size, row.field.jump) for row in rows[:4]] == [(3, 1), (3, 1), (5, 1), (6, 2)]
    assert [row.field for row in rows[4:]] == [None, None, None]


def test_syntax_variants_mean_the_same_layers():
    plain = analyse("conv 3>16 k3 s2 p1 d1 g1; relu; maxpool k2; flatten; dense 10", (3, 8, 8))
    other = analyse(
        "Conv2d 16 k=3 s=2 p=1  # channels in come from the input\nReLU;;\nmax k2 ; Flatten\nlinear 64>10",
        (3, 8, 8),
    )
    assert [(r.shape, r.params, r.macs, r.torch) for r in plain.rows] == [
        (r.shape, r.params, r.macs, r.torch) for r in other.rows
    ]
    assert [item.kind for item in parse("dwconv k3; fc 3; batchnorm; swish; avg k2")] == [
        "dw",
        "dense",
        "bn",
        "silu",
        "avgpool",
    ]


def test_report_fits_80_columns_and_says_what_is_counted():
    for network in NETWORKS.values():
        report = analyse(network.spec, network.input)
        for text in (format_report(report), torch_code(report)):
            assert max(len(line) for line in text.splitlines()) <= 80
    text = format_report(analyse(RESNET_STEM, (3, 224, 224)))
    words = " ".join(text.split())
    assert "bias additions are not counted" in words
    assert "running mean and variance are buffers and not counted" in words
    assert text.splitlines()[0].split() == ["#", "layer", "output", "params", "mult-adds", "RF", "jump"]
    assert "9,408" in text and "118,013,952" in text  # 64·3·49; 64·112·112·3·49


def test_report_of_huge_but_allowed_sizes_still_fits_80_columns():
    spec = "conv 100000 k1 nobias; conv 900000 k3 p1 nobias; conv 1000000 k1 nobias; gap; flatten; dense 50"
    report = analyse(spec, (1000, 1000, 1000))
    for text in (format_report(report), torch_code(report)):
        assert max(len(line) for line in text.splitlines()) <= 80
    long_call = torch_code(analyse("conv 1000000 k3 s2 p1 d2 g1000000 nobias", (1000000, 99, 99)))
    assert max(len(line) for line in long_call.splitlines()) <= 80


def test_long_layer_text_wraps_inside_its_column():
    spec = "conv 3>1024 k3 s1 p1 d1 g1 nobias; conv 1024>1024 k3 s1 p1 d1 g1024 nobias"
    lines = format_report(analyse(spec, (3, 1000, 1000))).splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.split()[0] == "g1024" or line.endswith("nobias") for line in lines[1:])


@pytest.mark.parametrize(
    ("spec", "where", "words"),
    [
        ("conv 3>8 k3; pool k2", 'layer 2 "pool k2"', ['"pool" is not a layer kind', "maxpool"]),
        ("conv 8 k3 x2", 'layer 1 "conv 8 k3 x2", field "x2"', ["conv takes k, s, p, d, g, nobias"]),
        ("conv 8 s2", 'layer 1 "conv 8 s2", field "k"', ["needs a kernel size", "k3"]),
        ("conv k3", 'layer 1 "conv k3", field "channels"', ["needs its output channels"]),
        ("conv 8 k0", 'layer 1 "conv 8 k0", field "k0"', ["0 is not a sensible kernel size", "at least 1"]),
        (
            "conv 8 k3 s2000000",
            'layer 1 "conv 8 k3 s2000000", field "s2000000"',
            ["2,000,000 is not a sensible stride", "at most 1,000,000"],
        ),
        ("conv 8 k3 k5", 'layer 1 "conv 8 k3 k5", field "k5"', ["k is given twice"]),
        ("relu; conv 4>8 k3", 'layer 2 "conv 4>8 k3", field "4>8"', ["takes 4 input channels, but 3 arrive"]),
        ("conv 3>64 k7 s2 p3; conv 64>128 k3 g5", 'layer 2 "conv 64>128 k3 g5", field "g5"', ["(64)", "groups (5)"]),
        ("dw 3>8 k3", 'layer 1 "dw 3>8 k3", field "3>8"', ["(8)", "groups (3)"]),
        ("conv 8 k9", 'layer 1 "conv 8 k9"', ["kernel 9 spans 9 cells", "only 5", "the input is 3×5×5"]),
        ("conv 8 k3 s2 same", 'layer 1 "conv 8 k3 s2 same", field "same"', ["stride 1"]),
        ("maxpool k2 p2", 'layer 1 "maxpool k2 p2", field "p2"', ["more than half the pooling window 2"]),
        ("avgpool k2 d2", 'layer 1 "avgpool k2 d2", field "d2"', ["avgpool takes k, s, p;"]),
        ("maxpool 8 k2", 'layer 1 "maxpool 8 k2", field "8"', ["maxpool keeps the channels it gets"]),
        ("conv 8 k3; dense 10", 'layer 2 "dense 10"', ["input is 8×3×3", "put a flatten before it"]),
        ("flatten; conv 8 k1", 'layer 2 "conv 8 k1"', ["75 features", "before the flatten"]),
        ("flatten; gap", 'layer 2 "gap"', ["needs a C×H×W input"]),
        ("flatten; dense 70>10", 'layer 2 "dense 70>10", field "70>10"', ["takes 70 features, but 75 arrive"]),
        ("bn 4", 'layer 1 "bn 4", field "4"', ["takes 4 features, but 3 arrive"]),
        ("dropout 2", 'layer 1 "dropout 2", field "2"', ["rate from 0 to 1"]),
        ("relu 3", 'layer 1 "relu 3", field "3"', ["relu keeps the channels it gets"]),
        ("flatten; dense 1000000; dense 1000000", 'layer 3 "dense 1000000"', ["is absurd", f"{MAX_VALUES:,}"]),
    ],
)
def test_a_mistake_is_refused_naming_the_layer_and_the_field(spec, where, words):
    with pytest.raises(SpecError) as refusal:
        analyse(spec, (3, 5, 5))
    message = str(refusal.value)
    assert message.startswith(where + ":"), message
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    ("spec", "shape", "words"),
    [
        ("", (3, 8, 8), ["no layers"]),
        ("relu", (3, 0, 8), ["height", "0"]),
        ("relu", (3, 8, 200_000), ["width", "100,000", "200,000"]),
        ("relu; " * 1001, (3, 8, 8), ["1,001 layers", "1,000"]),
    ],
)
def test_spec_and_input_as_a_whole_are_refused_with_a_sentence(spec, shape, words):
    with pytest.raises(SpecError) as refusal:
        analyse(spec, shape)
    for word in words:
        assert word in str(refusal.value)


# PyTorch as the oracle ----------------------------------------------------------------------------


def build_in_torch(torch, code: str):
    """The model from the generated text, on the meta device (shapes without memory or arithmetic)."""
    namespace: dict = {}
    with torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'same' with an even kernel: PyTorch's warning, not ours
        exec(code, namespace)
    return namespace["model"].eval()


def compare_with_torch(torch, spec: str, shape: tuple[int, int, int]) -> None:
    report = analyse(spec, shape)
    model = build_in_torch(torch, torch_code(report))
    assert len(model) == len(report.rows)
    x = torch.empty(2, *shape, device="meta")
    for module, row in zip(model, report.rows):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = module(x)
        assert tuple(x.shape[1:]) == row.shape, (row.number, row.text)
        assert sum(p.numel() for p in module.parameters()) == row.params, (row.number, row.text)
    assert sum(p.numel() for p in model.parameters()) == report.params


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_shipped_networks_match_pytorch_layer_by_layer(name):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle only where it is installed")
    compare_with_torch(torch, NETWORKS[name].spec, NETWORKS[name].input)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(VARIED))
def test_every_kind_and_option_matches_pytorch_layer_by_layer(name):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle only where it is installed")
    compare_with_torch(torch, *VARIED[name])


@st.composite
def random_specs(draw):
    """A spec of conv (plain, grouped, depthwise), pooling, bn and activation layers, maybe flattened
    into dense layers; it may not fit its input."""
    layers = []
    for _ in range(draw(st.integers(1, 5))):
        k, s, d, p = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 2)), draw(st.integers(0, 2))
        choice = draw(st.sampled_from(["conv", "dw", "maxpool", "avgpool", "bn", "relu"]))
        if choice == "conv":
            groups = draw(st.sampled_from([1, 2]))
            out = groups * draw(st.integers(1, 4))
            bias = draw(st.sampled_from(["", " nobias"]))
            padding = draw(st.sampled_from([f"p{p}", "full"] + (["same"] if s == 1 else [])))
            layers.append(f"conv {out} k{k} s{s} {padding} d{d} g{groups}{bias}")
        elif choice == "dw":
            layers.append(f"dw k{k} s{s} p{p} d{d}")
        elif choice == "maxpool":
            layers.append(f"maxpool k{k} s{s} p{min(p, k // 2)} d{d}")
        elif choice == "avgpool":
            layers.append(f"avgpool k{k} p{min(p, k // 2)}")
        else:
            layers.append(choice)
    if draw(st.booleans()):
        layers += ["flatten", f"dense {draw(st.integers(1, 9))}", "bn"]
    return "; ".join(layers), (6, draw(st.integers(1, 24)), draw(st.integers(1, 24)))


@pytest.mark.slow
@given(random_specs())
@settings(max_examples=examples(60), deadline=None)
def test_random_stacks_match_pytorch_or_are_refused_at_the_first_layer_that_fails(case):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle only where it is installed")
    spec, shape = case
    try:
        analyse(spec, shape)
    except SpecError as refusal:
        number = int(str(refusal).split()[1])
        layers = spec.split("; ")
        assert str(refusal).startswith(f'layer {number} "{layers[number - 1]}"')
        spec = "; ".join(layers[: number - 1])  # everything before it is accepted, and right
        if not spec:
            return
    compare_with_torch(torch, spec, shape)
