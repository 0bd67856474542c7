"""Pictures of the map, a lesson page and a level at 80×24, animations off, fixed seeds.

Update after a deliberate change with `pytest tests/ui/test_snapshots.py --snapshot-update` and
look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input


def steady_cursor(*keys: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    """Press `keys`, then stop the answer box's cursor blinking, shown as it is after a key.

    The cursor blinks every half second from when the box is focused: on a busy machine the
    picture was taken in its off half and the snapshot flipped. The keys are pressed here rather
    than by `snap_compare(press=…)` so that a box a key brings is stopped too.
    """

    async def run_before(pilot: Pilot[object]) -> None:
        await pilot.press(*keys)
        await pilot.pause()
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False  # Textual shows the cursor, steadily, when its blink stops

    return run_before


def test_home(make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24))


@pytest.mark.slow
def test_lesson_page(make_app, snap_compare):
    assert snap_compare(make_app(), press=["enter", "right"], terminal_size=(80, 24))


@pytest.mark.slow
def test_level(make_app, snap_compare):
    assert snap_compare(make_app(start_level="t-valid"), run_before=steady_cursor(), terminal_size=(80, 24))


@pytest.mark.slow
def test_level_after_a_wrong_answer(make_app, snap_compare):
    app = make_app(start_level="t-valid")
    assert snap_compare(app, run_before=steady_cursor("4", "enter"), terminal_size=(80, 24))
