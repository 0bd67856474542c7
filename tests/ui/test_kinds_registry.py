"""Every level kind opens in the level frame: its own panel where one is registered, else typed."""

from __future__ import annotations

import pytest

PACK = '''
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
'''


@pytest.fixture
def kinds_app(tmp_path, store):
    from convquest.levels import load_curriculum
    from convquest.levels.model import Curriculum
    from convquest.ui.app import ConvQuestApp

    folder = tmp_path / "kinds"
    folder.mkdir()
    (folder / "911-kinds.toml").write_text(PACK, encoding="utf-8")
    loaded = load_curriculum(extra_dirs=[folder])
    ours = tuple(c for c in loaded.chapters if c.source.parent == folder)
    assert ours, loaded.errors

    def make(level_id: str) -> ConvQuestApp:
        return ConvQuestApp(curriculum=Curriculum(chapters=ours), store=store, start_level=level_id)

    return make


async def test_registered_panel_is_used(kinds_app):
    app = kinds_app("t-field")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from convquest.ui.board.receptive import ReceptiveFieldPanel

        assert isinstance(app.screen.query_one(".kind-panel"), ReceptiveFieldPanel)


async def test_kind_without_a_panel_is_played_by_typing(kinds_app, store):
    app = kinds_app("t-fill")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from convquest.ui.practice.typed import TypedPanel

        panel = app.screen.query_one(".kind-panel")
        assert isinstance(panel, TypedPanel)
        await pilot.press("a", "b", "enter")  # not a grid: a slip, nothing recorded
        await pilot.pause()
        assert "0 wrong" in str(app.screen.query_one("#level-status").content)
    assert store.attempts() == []


def test_unknown_kind_is_named():
    from convquest.ui.kinds import panel_for

    with pytest.raises(KeyError, match="no panel plays level kind 'dance'"):
        panel_for("dance")
