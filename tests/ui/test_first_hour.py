"""What a new student tripped on in the first hour (issue 14), in the shipped curriculum."""

from __future__ import annotations

import re

import pytest
from textual.widgets import OptionList

from convquest.levels import load_curriculum
from convquest.ui.app import ConvQuestApp


@pytest.fixture
def shipped_app(store, tmp_path):
    curriculum = load_curriculum(cache_dir=tmp_path / "cache")

    def make(start_level: str | None = None) -> ConvQuestApp:
        return ConvQuestApp(curriculum=curriculum, store=store, start_level=start_level)

    return make


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_a_long_chapter_title_is_not_cut_on_the_map_or_the_level(shipped_app, size):
    """Issue 14.4: "Stacking: channels, pooling, receptive field, a whole network" was cut to
    "…a whole net" on the map and pushed the level's own title off the level screen at 80×24."""
    chapter = next(c for c in shipped_app().curriculum.chapters if c.title.endswith("a whole network"))
    app = shipped_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        chapter_map = app.screen.query_one("#chapter-map", OptionList)
        index = next(n for n, o in enumerate(chapter_map.options) if o.id == f"chapter:{chapter.id}")
        prompt = re.sub(r"\s+(locked|\d+/\d+ ★)", "", str(chapter_map.get_option_at_index(index).prompt))
        assert chapter.title in " ".join(prompt.split())
    level = chapter.levels[0]
    app = shipped_app(level.id)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        title = app.screen.query_one("#level-title")
        line = title.render_line(0).text.rstrip()
        assert line.endswith(level.title)
        assert line.lstrip().startswith(chapter.title[:8])
