"""A level pack of a test's own, loaded by the real loader: shared by the UI fixtures."""

from __future__ import annotations

from pathlib import Path


def pack_curriculum(folder: Path, files: dict[str, str], chapter_ids: list[str]):
    """Write `files` (name → TOML) into a new `folder`, load them the way a launch does, and keep
    only their chapters, so that these tests (and snapshots) do not shift when the shipped
    curriculum grows. A pack that does not load as `chapter_ids` fails the test with its errors."""
    from convquest.levels import load_curriculum
    from convquest.levels.model import Curriculum

    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    loaded = load_curriculum(extra_dirs=[folder])
    ours = tuple(c for c in loaded.chapters if c.source.parent == folder)
    assert [c.id for c in ours] == chapter_ids, loaded.errors
    return Curriculum(chapters=ours)
