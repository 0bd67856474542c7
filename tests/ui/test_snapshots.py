"""Pictures of the map, a lesson page and a level at 80×24, animations off, fixed seeds.

Update after a deliberate change with `pytest tests/ui/test_snapshots.py --snapshot-update` and
look at the SVGs before committing them.
"""

from __future__ import annotations

import pytest


def test_home(make_app, snap_compare):
    assert snap_compare(make_app(), terminal_size=(80, 24))


@pytest.mark.slow
def test_lesson_page(make_app, snap_compare):
    assert snap_compare(make_app(), press=["enter", "right"], terminal_size=(80, 24))


@pytest.mark.slow
def test_level(make_app, snap_compare):
    assert snap_compare(make_app(start_level="t-valid"), terminal_size=(80, 24))


@pytest.mark.slow
def test_level_after_a_wrong_answer(make_app, snap_compare):
    assert snap_compare(make_app(start_level="t-valid"), press=["4", "enter"], terminal_size=(80, 24))
