"""Crashes the monkey found, each replayed from its key sequence. A strict xfail is a crash still
open in a file another helper owns (the reason names it); when it is fixed the xfail turns into a
failure ("XPASS(strict)") and the mark comes off."""

from __future__ import annotations

import pytest

from tests.hardening.monkey import replay
from tests.hardening.screens import SCREENS


async def run_steps(screen: str, steps: list[str], tmp_path) -> str:
    """Play `steps` on `screen`; return the screen the app ends on (an app exception propagates)."""
    app, setup = SCREENS[screen](tmp_path)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            setup(app)
            await pilot.pause()
            await replay(app, pilot, steps, avoid_known=False)
            assert app.is_running
            return type(app.screen).__name__
    finally:
        if getattr(app, "store", None) is not None:
            app.store.close()


PALETTE_PAGE_CRASH = pytest.mark.xfail(strict=True, raises=KeyError, reason=(
    "convquest/ui/app.py (Textual's command palette, also in TeacherApp and PlaygroundApp): a page "
    "key on the palette's list before it has any lines raises KeyError 0 in OptionList._move_page"))


@PALETTE_PAGE_CRASH
@pytest.mark.parametrize("page", ["pagedown", "pageup"])
async def test_page_key_in_the_same_burst_as_opening_the_palette(page, tmp_path):
    # One burst: what a fast typist, a held key or an SSH link batching bytes delivers.
    assert await run_steps("home", [f"keys:ctrl+p,{page}"], tmp_path) == "CommandPalette"


@PALETTE_PAGE_CRASH
@pytest.mark.parametrize("screen", ["home", "level-receptive-field"])
async def test_page_key_in_the_palette_of_a_too_small_terminal(screen, tmp_path):
    # Found by the monkey (level-receptive-field, seed 1006), minimised to three steps; each key
    # waits for the app to settle, so a player at an ordinary pace meets it.
    assert await run_steps(screen, ["size:10x3", "keys:ctrl+p", "keys:pagedown"], tmp_path) == "CommandPalette"
