"""Shared by the practice tests: a real Store in tmp_path, the hand-moved clock and the oracle."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.practice.practice_oracle import FakeClock, right_number, wrong_number


@pytest.fixture
def store(tmp_path: Path):
    from convquest.store import Store

    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def oracle():
    class Oracle:
        right = staticmethod(right_number)
        wrong = staticmethod(wrong_number)

    return Oracle
