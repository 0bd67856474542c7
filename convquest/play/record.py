"""What a judged answer leaves behind, and the one protocol every place that keeps answers implements.

The progress store (`convquest.store.Store`), the practice history (`convquest.practice.history.
History`) and the class results (`convquest.classroom.results.QuizRecorder`) each take an `Answer`
the moment it is judged, so a dropped link or a quit loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Answer:
    """One judged answer. `place` is what was answered: a level id, or the store's id for a
    practice or exam question; `question` numbers it within a paper (0 for a level)."""

    place: str
    part: int
    text: str
    correct: bool
    mistake: str | None = None
    topic: str | None = None
    rung: int = 0  # the hint rung reached before this answer
    mode: str = "level"
    question: int = 0


@runtime_checkable
class Recorder(Protocol):
    def record(self, answers: tuple[Answer, ...]) -> None: ...


@runtime_checkable
class StarKeeper(Protocol):
    def complete_level(self, level_id: str, stars: int) -> None: ...
