"""`convquest shapes`: a typed network reported layer by layer, the shipped examples, and a bad
spec refused with exit code 2 and the sentence that names the layer and the field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from convquest.cli import main
from convquest.commands.shapes import EXAMPLE_NAMES
from convquest.engine.networks import NETWORKS

ROOT = Path(__file__).parents[1]


def test_every_shipped_network_is_offered():
    assert set(EXAMPLE_NAMES) == set(NETWORKS)


def test_a_typed_spec_prints_each_layer_the_totals_and_the_pytorch_code(capsys):
    assert main(["shapes", "conv 3>64 k7 s2 p3; maxpool k3 s2 p1; conv 64>128 k3 p1 g4", "--input", "3x224x224"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    rows = {line.split()[0]: line.split() for line in lines if line[:2].strip().isdigit()}
    # 7×7 s2 p3 → 112; 3×3 max pool s2 p1 → 56; 128 filters of 16 channels (64 / 4 groups) · 3·3, plus biases.
    assert rows["1"][-5:] == ["64×112×112", "9,472", "118,013,952", "7", "2"]
    assert rows["2"][-5:] == ["64×56×56", "0", "0", "11", "4"]
    assert rows["3"][-5:-2] == ["128×56×56", f"{128 * 16 * 9 + 128:,}", f"{128 * 56 * 56 * 16 * 9:,}"]
    assert "nn.Conv2d(64, 128, kernel_size=3, padding=1, groups=4)," in out
    assert "nn.MaxPool2d(kernel_size=3, stride=2, padding=1)," in out


@pytest.mark.parametrize(("name", "count"), [("vgg16", "138,357,544"), ("mobilenet_v1", "4,231,976")])
def test_an_example_prints_its_spec_and_its_published_count(capsys, name, count):
    assert main(["shapes", "--example", name]) == 0
    out = capsys.readouterr().out
    assert out.startswith(NETWORKS[name].title)
    total = next(line for line in out.splitlines() if line.split()[:1] == ["total"])
    assert total.split()[1] == count
    assert max(len(line) for line in out.splitlines()) <= 80


def test_an_example_can_take_another_input(capsys):
    # MobileNet at 160×160: the same parameters (global pooling), fewer multiply-adds, a 5×5 last map.
    assert main(["shapes", "--example", "mobilenet_v1", "--input", "3×160×160"]) == 0
    out = capsys.readouterr().out
    assert "1024×5×5" in out and "4,231,976" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["conv 3>8 k3; conv 8>16 k3 g3", "--input", "3x8x8"], ['layer 2 "conv 8>16 k3 g3", field "g3"', "(8)"]),
        (["conv 8 k3"], ["--input"]),
        (["conv 8 k3", "--input", "8x8"], ["channels×height×width", "'8x8'"]),
        (["conv 8 k3", "--example", "vgg16"], ["a spec or --example"]),
        ([], ["a spec or --example"]),
        (["relu", "--input", "3x0x8"], ["height", "0"]),
    ],
)
def test_a_mistake_exits_2_with_the_sentence(capsys, argv, words):
    assert main(["shapes", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("convquest shapes: ")
    for word in words:
        assert word in captured.err


def test_the_installed_command_refuses_a_bad_spec_with_exit_code_2():
    result = subprocess.run(
        [sys.executable, "-m", "convquest", "shapes", "conv 3>8 k3; dense 10", "--input", "3x8x8"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith('convquest shapes: layer 2 "dense 10": dense needs features')
