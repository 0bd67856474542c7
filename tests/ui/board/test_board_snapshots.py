"""Pictures of the board at 80×24 with animations off (tests/ui/conftest.py turns them off).

Update after a deliberate change with
`pytest tests/ui/board/test_board_snapshots.py --snapshot-update` and look at the SVGs first.
"""

from __future__ import annotations

import pytest

from convquest.ui.board.playground import Params, PlaygroundApp


@pytest.mark.slow
def test_playground_conv_window_mid_sweep(snap_compare):
    # Stride 2 and the third step: the window has jumped and wrapped to the next row.
    app = PlaygroundApp(Params(i=6, s=2))
    assert snap_compare(app, press=["right", "right", "right"], terminal_size=(80, 24))


@pytest.mark.slow
def test_playground_transposed_scatter(snap_compare):
    app = PlaygroundApp(Params(op="transposed", i=3, k=3, p=1, s=2))
    assert snap_compare(app, press=["right", "right"], terminal_size=(80, 24))


@pytest.mark.slow
def test_playground_transposed_equivalent(snap_compare):
    app = PlaygroundApp(Params(op="transposed", i=3, k=3, p=1, s=2))
    assert snap_compare(app, press=["v", "right"], terminal_size=(80, 24))


def test_playground_refusal(snap_compare):
    app = PlaygroundApp(Params(p=0, d=3))
    assert snap_compare(app, terminal_size=(80, 24))
