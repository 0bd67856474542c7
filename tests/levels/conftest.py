"""Fixtures for level-file tests."""

from pathlib import Path

import pytest


@pytest.fixture
def write_pack(tmp_path: Path):
    """write_pack(text, name) -> path of a level file in a fresh folder."""
    folder = tmp_path / "pack"
    folder.mkdir()

    def write(text: str | bytes, name: str = "pack.toml") -> Path:
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write
