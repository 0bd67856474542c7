"""Fixtures for the quiz screens: the class results they read and write, a real SQLite database."""

from __future__ import annotations

import pytest

from convquest.classroom.results import ResultsDB


@pytest.fixture
def db(tmp_path):
    opened = ResultsDB.open(tmp_path / "classroom.db")
    yield opened
    opened.close()
