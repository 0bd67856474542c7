"""What `convquest levels check` says when every file passed: which files, what each one is."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from convquest.levels.model import Chapter


class QuizFile(Protocol):
    """A loaded quiz file as the summary reads it (`convquest.classroom.quiz.Quiz`, which sits
    above the levels package)."""

    @property
    def source(self) -> Path: ...
    @property
    def title(self) -> str: ...
    @property
    def questions(self) -> Sequence[object]: ...


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def ok_lines(chapters: Sequence[Chapter], quizzes: Sequence[QuizFile]) -> list[str]:
    """One line per checked file ("OK: week-3.toml (a quiz file, 6 questions)"), then, for more
    than one file, the totals. `chapters` are level files' chapters, `quizzes` loaded quiz files
    (each with `source`, `title` and its `levels` or `questions`)."""
    lines = [
        f"OK: {Path(chapter.source).name} (a level file: chapter “{chapter.title}”, "
        f"{_count(len(chapter.levels), 'level', 'levels')})"
        for chapter in chapters
    ]
    lines += [
        f"OK: {Path(quiz.source).name} (a quiz file: “{quiz.title}”, "
        f"{_count(len(quiz.questions), 'question', 'questions')})"
        for quiz in quizzes
    ]
    if len(lines) > 1:
        parts = []
        if chapters:
            levels = sum(len(chapter.levels) for chapter in chapters)
            parts.append(
                f"{_count(len(chapters), 'level file', 'level files')} with {_count(levels, 'level', 'levels')}"
            )
        if quizzes:
            questions = sum(len(quiz.questions) for quiz in quizzes)
            parts.append(
                f"{_count(len(quizzes), 'quiz file', 'quiz files')} with {_count(questions, 'question', 'questions')}"
            )
        lines.append(f"All {len(lines)} files OK: {' and '.join(parts)}, no problems.")
    return lines
