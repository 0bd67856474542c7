"""Shared by the practice tests: the hand-moved clock and the oracle (the Store is tests/conftest.py's)."""

from __future__ import annotations

import pytest

from tests.practice.practice_oracle import FakeClock, right_number, wrong_number


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def oracle():
    class Oracle:
        right = staticmethod(right_number)
        wrong = staticmethod(wrong_number)

    return Oracle
