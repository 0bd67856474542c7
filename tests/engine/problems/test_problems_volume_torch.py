"""Where PyTorch is installed: the volume, count-macs and fill-volume answers are PyTorch's, on
every difficulty (the hardest draws real networks' sizes)."""

from __future__ import annotations

import pytest

from convquest.engine.problems import generate
from tests.sweeps import seeds

# PyTorch is an extra oracle beside the plain counts of test_problems_volume.py (which the quick suite runs).
pytestmark = pytest.mark.slow

torch = nn = F = None  # set by _pytorch below: importing PyTorch costs 2 s, so collecting this file does not


@pytest.fixture(autouse=True, scope="module")
def _pytorch():
    global torch, nn, F
    torch = pytest.importorskip("torch")
    nn = pytest.importorskip("torch.nn")
    F = pytest.importorskip("torch.nn.functional")


SEEDS = seeds(25)
META = "meta"  # shapes without the arithmetic: real networks' sizes cost nothing


def _count(module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("difficulty", (1, 2, 3))
def test_shapes_and_parameters_are_pytorchs(difficulty):
    with torch.no_grad():
        for seed in SEEDS:
            shape = generate("volume", seed, difficulty, "shape")
            layer = nn.Conv2d(shape.c_in, shape.c_out, shape.k, shape.s, shape.p, groups=shape.groups, device=META)
            assert tuple(layer(torch.zeros(1, shape.c_in, shape.i, shape.i, device=META)).shape[1:]) == shape.answers[0]
            params = generate("volume", seed, difficulty, "params")
            conv = nn.Conv2d(params.c_in, params.c_out, params.k, groups=params.groups, bias=params.bias, device=META)
            assert _count(conv) == params.answers[0]
            separable = generate("volume", seed, difficulty, "separable")
            standard = nn.Conv2d(separable.c_in, separable.c_out, separable.k, bias=separable.bias, device=META)
            block = nn.Sequential(
                nn.Conv2d(
                    separable.c_in, separable.c_in, separable.k, groups=separable.c_in, bias=separable.bias, device=META
                ),
                nn.Conv2d(separable.c_in, separable.c_out, 1, bias=separable.bias, device=META),
            )
            assert (_count(standard), _count(block)) == separable.answers


def _macs(conv, x) -> tuple[int, object]:
    """Multiply-adds of `conv` on x: every output value is a sum of (C_in/groups)·k·k products."""
    out = conv(x)
    per_output = conv.weight.shape[1] * conv.weight.shape[2] * conv.weight.shape[3]
    return out.numel() * per_output, out


@pytest.mark.parametrize("difficulty", (1, 2, 3))
def test_multiply_adds_follow_pytorchs_layers(difficulty):
    with torch.no_grad():
        for seed in range(10):
            layer = generate("count-macs", seed, difficulty, "layer")
            conv = nn.Conv2d(
                layer.c_in, layer.c_out, layer.k, layer.s, layer.p, groups=layer.groups, bias=False, device=META
            )
            macs, _ = _macs(conv, torch.zeros(1, layer.c_in, layer.i, layer.i, device=META))
            assert macs == layer.answers[0]
            network = generate("count-macs", seed, difficulty, "network")
            x = torch.zeros(1, network.c_in, network.i, network.i, device=META)
            counts = []
            for spec in network.layers:
                conv = nn.Conv2d(
                    x.shape[1], spec.out_channels, spec.k, spec.s, spec.p, groups=spec.groups, bias=False, device=META
                )
                macs, x = _macs(conv, x)
                counts.append(macs)
            assert (*counts, sum(counts)) == network.answers


@pytest.mark.parametrize("variant", ("volume", "depthwise", "grouped"))
def test_fill_volume_cells_are_pytorchs_conv2d(variant):
    for seed in SEEDS:
        problem = generate("fill-volume", seed, 3, variant)
        out = F.conv2d(
            torch.tensor(problem.x, dtype=torch.float64)[None],
            torch.tensor(problem.w, dtype=torch.float64),
            torch.tensor(problem.b, dtype=torch.float64),
            groups=problem.groups,
        )[0]
        assert out.round().long().tolist() == problem.expected.tolist()
