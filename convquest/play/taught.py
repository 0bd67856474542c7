"""Which concepts a practice, exam or quiz question may use: those of the chapter its topic belongs to."""

from __future__ import annotations

import functools
from collections.abc import Callable

from convquest.levels.model import ALL_TAUGHT, Curriculum


def topic_chapters(curriculum: Curriculum) -> dict[str, str]:
    """ "kind/variant" → the first chapter with a level on it, in play order."""
    found: dict[str, str] = {}
    for chapter in curriculum.chapters:
        for level in chapter.levels:
            variant = level.params.get("variant")
            if isinstance(variant, str):
                found.setdefault(f"{level.kind}/{variant}", chapter.id)
    return found


@functools.cache
def shipped_curriculum() -> Curriculum:
    """The shipped chapters, read once a process: a quiz's sitting needs them before its first
    question, and a session forked from a parent that called this finds them already read."""
    from convquest.levels.loader import load_curriculum

    return load_curriculum()


def topic_taught(curriculum: Curriculum | None = None) -> Callable[[str], frozenset[str]]:
    """topic → its chapter's taught set, by the shipped levels' topics (all concepts for a topic
    no shipped level has: nothing limits what its words may name)."""
    if curriculum is None:
        curriculum = shipped_curriculum()
    chapters = topic_chapters(curriculum)

    def taught(topic: str) -> frozenset[str]:
        chapter = chapters.get(topic)
        return ALL_TAUGHT if chapter is None else curriculum.taught(chapter)

    return taught
