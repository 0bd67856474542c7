"""The playground's own network mode (o) and the PyTorch call of its layer."""

from __future__ import annotations

import pytest

from convquest.engine.arithmetic import conv_output_shape, pool_output_shape, transposed_output_shape
from convquest.ui.board.playground import PlaygroundApp
from convquest.ui.screens.stack import StackScreen, torch_call

CASES = [
    ("conv", 7, 3, 1, 1, 1, 0),
    ("conv", 9, 3, 1, 2, 1, 0),
    ("conv", 9, 3, "same", 1, 2, 0),
    ("conv", 6, 3, "full", 1, 2, 0),
    ("conv", 6, 3, "valid", 1, 1, 0),
    ("transposed", 4, 3, 1, 2, 1, 1),
    ("maxpool", 8, 2, 0, 2, 1, 0),
    ("avgpool", 9, 3, 1, 2, 1, 0),
]


def _engine_side(op, i, k, p, s, d, a) -> int:
    if op == "conv":
        return conv_output_shape(i, k, p, s, d)[0]
    if op == "transposed":
        return transposed_output_shape(i, k, p, s, d, a)[0]
    return pool_output_shape(i, k, s, p)[0]


def test_the_call_names_only_what_differs_from_pytorchs_defaults():
    assert torch_call("conv", 3, 1, 2) == "F.conv2d(x, w, stride=2, padding=1)"
    assert torch_call("conv", 3, 0, 1) == "F.conv2d(x, w)"
    assert torch_call("maxpool", 2, 0, 2) == "F.max_pool2d(x, kernel_size=2)"
    assert torch_call("conv", 3, "full", 1, 2).endswith("# 'full'")


@pytest.mark.slow
@pytest.mark.parametrize("op,i,k,p,s,d,a", CASES)
def test_the_call_gives_the_engines_size_in_pytorch(op, i, k, p, s, d, a):
    torch = pytest.importorskip("torch")
    functional = pytest.importorskip("torch.nn.functional")
    x = torch.zeros(1, 1, i, i)
    w = torch.zeros(1, 1, k, k)
    call = torch_call(op, k, p, s, d, a).split("  #")[0]
    out = eval(call, {"F": functional, "x": x, "w": w})
    assert tuple(out.shape[2:]) == (_engine_side(op, i, k, p, s, d, a),) * 2


def _report(app) -> str:
    return str(app.screen.query_one("#stack-report").render())


@pytest.mark.slow
async def test_o_opens_your_own_network_and_a_typed_stack_is_reported():
    app = PlaygroundApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        params = " ".join(str(app.screen.query_one("#pg-params").render()).split())
        assert "PyTorch: F.conv2d(x, w, padding=1)" in params
        await pilot.press("S")  # stride 2
        await pilot.pause()
        assert "F.conv2d(x, w, stride=2, padding=1)" in str(app.screen.query_one("#pg-params").render())
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, StackScreen)
        assert "64×112×112" in _report(app) and "nn.Sequential(" in _report(app)
        assert all(len(line) <= 80 for line in _report(app).splitlines())
        await pilot.press("ctrl+u", *"conv 3>8 k3 p1; dw k3 p1; pw 16", "enter")
        await pilot.pause()
        report = _report(app)
        assert "16×224×224" in report and "groups=8" in report
        await pilot.press("ctrl+u", *"conv 4>8 k3", "enter")
        await pilot.pause()
        assert _report(app).startswith('! layer 1 "conv 4>8 k3"')
        await pilot.press("question_mark")
        await pilot.pause()
        assert "your own network" in str(app.screen.query_one("#help-keys").render())
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, StackScreen)
