"""Fixtures shared across the test folders."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def store(tmp_path: Path):
    """A real progress Store in tmp_path (the UI and practice tests both play against one)."""
    from convquest.store import Store

    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()
