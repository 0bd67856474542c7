"""Every level kind opens in the level frame with its own panel."""

from __future__ import annotations

import pytest

from tests.ui.packs import pack_curriculum

PACK = """
[chapter]
id = "t-kinds"
title = "Test kinds"
order = 911
lesson = ["Kinds."]

[[level]]
id = "t-fill"
title = "Fill by hand"
kind = "fill-cells"
explanation = "Same weights everywhere."
[level.params]
variant = "valid"
input = [[1, 2, 0], [4, 5, 1], [0, 3, 2]]
kernel = [[1, 0], [0, -1]]

[[level]]
id = "t-field"
title = "What one cell sees"
kind = "receptive-field"
explanation = "Locality."
[level.params]
variant = "one-layer"
n = 6
layers = [{ kind = "conv", k = 3 }]
cell = { row = 1, col = 2 }
"""


@pytest.fixture
def kinds_app(tmp_path, store):
    from convquest.ui.app import ConvQuestApp

    curriculum = pack_curriculum(tmp_path / "kinds", {"911-kinds.toml": PACK}, ["t-kinds"])

    def make(level_id: str) -> ConvQuestApp:
        return ConvQuestApp(curriculum=curriculum, store=store, start_level=level_id)

    return make


async def test_registered_panel_is_used(kinds_app):
    app = kinds_app("t-field")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from convquest.ui.board.receptive import ReceptiveFieldPanel

        assert isinstance(app.screen.query_one(".kind-panel"), ReceptiveFieldPanel)


@pytest.mark.slow
async def test_fill_cells_level_opens_the_board_panel(kinds_app):
    app = kinds_app("t-fill")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from convquest.ui.board.fill_cells import FillCellsPanel

        assert isinstance(app.screen.query_one(".kind-panel"), FillCellsPanel)


def test_every_engine_kind_has_a_panel():
    # The loader refuses kinds the engine does not know, so this is every kind a level can have.
    from convquest.engine.problems import KINDS
    from convquest.ui.kinds import panel_for
    from convquest.ui.kinds.base import KindPanel

    for kind in KINDS:
        assert issubclass(panel_for(kind), KindPanel), kind


def test_unknown_kind_is_named():
    from convquest.ui.kinds import panel_for

    with pytest.raises(KeyError, match="no panel plays level kind 'dance'"):
        panel_for("dance")
