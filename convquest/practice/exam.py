"""A timed mock exam: the paper (reproducible from a seed) and the session that sits it.

The paper is data: for each question the topic, the problem seed, the difficulty and the problem's
own params. ``Paper.to_json()`` is canonical (sorted keys, fixed separators), so "the same seed
gives the same paper" can be checked byte for byte, and a paper stored in the database rebuilds
the very problems the student saw via ``engine.problems.from_params``.

Timing rules: the clock is injected (``clock()`` returns seconds, monotonic), so tests drive time
without sleeping. Once the time is up no answer is taken, and every part left unanswered counts
as wrong. No verdict is shown during the exam; answers are checked as they are given only so that
they can be written to the database with their mistake key at once.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from convquest.engine.problems.base import Problem, Verdict
from convquest.levels.model import ALL_TAUGHT
from convquest.play.sitting import Given, SittingOver, TimeUp
from convquest.practice.records import GRID_MARKING, PartRecord, QuestionRecord
from convquest.practice.topics import derive_seed, select_topics, split_topic

MAX_QUESTIONS = 100


__all__ = ["CellMap", "ExamOver", "ExamSession", "Given", "Paper", "Question", "TimeUp", "make_paper"]

ExamOver = SittingOver  # the name the exam's callers know


_CELL_LABEL = re.compile(r"^(?:(?P<map>.*\S)\s+)?\(\s*(?P<row>\d+)\s*,\s*(?P<col>\d+)\s*\)$")


@dataclass(frozen=True)
class CellMap:
    """One grid of a question's cells: the whole output (named "") or one filter's map ("f0")."""

    name: str
    first: int  # the part that is its cell (0,0)
    rows: int
    cols: int

    @property
    def parts(self) -> range:
        return range(self.first, self.first + self.rows * self.cols)


def cell_maps(labels: Sequence[str]) -> tuple[CellMap, ...] | None:
    """The grids the parts make when they are cells in reading order, map after map ("(0,0)", "(0,1)",
    … or "f0 (0,0)", …, "f1 (0,0)", …): each map is then answered as one grid, row by row."""
    matches = [m for m in map(_CELL_LABEL.match, labels) if m is not None]
    if len(labels) < 2 or len(matches) != len(labels):
        return None
    maps: list[CellMap] = []
    for name, group in itertools.groupby(matches, key=lambda m: m.group("map") or ""):
        cells = [(int(m.group("row")), int(m.group("col"))) for m in group]
        rows, cols = cells[-1][0] + 1, cells[-1][1] + 1
        if cells != [(r, c) for r in range(rows) for c in range(cols)] or any(m.name == name for m in maps):
            return None
        maps.append(CellMap(name, maps[-1].parts.stop if maps else 0, rows, cols))
    return tuple(maps)


def cell_grid(labels: Sequence[str]) -> tuple[int, int] | None:
    """(rows, cols) when the parts are the cells of one grid, the whole output: such a question is
    answered as one grid, and marked per cell unless a quiz says otherwise."""
    maps = cell_maps(labels)
    if maps is None or len(maps) != 1 or maps[0].name:
        return None
    return maps[0].rows, maps[0].cols


def marked_per_cell(labels: Sequence[str]) -> bool:
    """Whether a question's parts are cells that each earn their share of its mark (unless a quiz
    says all-or-nothing): one output grid's cells, or every cell of every filter's map of a volume.
    The one rule the exam's records, the practice history and the class's progress all follow."""
    return cell_maps(labels) is not None


def split_grid(text: str, rows: int, cols: int) -> list[str]:
    """'1 2; 3 4' (rows by ';' or new lines, cells by spaces or commas) → ['1', '2', '3', '4']."""
    lines = [line for line in re.split(r"\s*[;\n]\s*", text.strip()) if line.strip()]
    cells = [re.split(r"[\s,]+", line.strip()) for line in lines]
    if len(cells) != rows or any(len(row) != cols for row in cells):
        got = f"{len(cells)} row(s) of " + "/".join(sorted({str(len(r)) for r in cells}) or ["0"])
        raise ValueError(
            f"Type {rows} row(s) of {cols} number(s), rows separated by ';' "
            f"(like {'; '.join([' '.join(['0'] * cols)] * min(rows, 2))}{'; …' if rows > 2 else ''}); "
            f"got {got}."
        )
    return [cell for row in cells for cell in row]


def join_grid(texts: Sequence[str | None], cols: int) -> str:
    """The grid typed so far, as the student would type it; '?' for cells never answered."""
    cells = [t if t is not None else "?" for t in texts]
    return "; ".join(" ".join(cells[i : i + cols]) for i in range(0, len(cells), cols))


def jsonable(value: Any) -> Any:
    """Params as plain JSON: numpy arrays and scalars become lists and Python numbers."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class Question:
    number: int
    topic: str
    seed: int
    difficulty: int
    params: dict

    @property
    def kind(self) -> str:
        return split_topic(self.topic)[0]

    def problem(self) -> Problem:
        from convquest.engine import problems

        return problems.from_params(self.kind, self.params)

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "topic": self.topic,
            "seed": self.seed,
            "difficulty": self.difficulty,
            "params": self.params,
        }


@dataclass(frozen=True)
class Paper:
    seed: int
    topics: tuple[str, ...]
    questions: tuple[Question, ...]

    def to_json(self) -> str:
        data = {
            "seed": self.seed,
            "topics": list(self.topics),
            "questions": [q.to_dict() for q in self.questions],
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    @classmethod
    def from_json(cls, text: str) -> Paper:
        data = json.loads(text)
        questions = tuple(
            Question(q["number"], q["topic"], q["seed"], q["difficulty"], q["params"]) for q in data["questions"]
        )
        return cls(data["seed"], tuple(data["topics"]), questions)


def make_paper(seed: int, questions: int = 10, topics: Sequence[str] | None = None) -> Paper:
    """A paper of ``questions`` problems drawn from ``topics`` (a kind or kind/variant each).

    Topics are dealt round-robin from a seeded shuffle so every chosen topic appears before any
    repeats; difficulty ramps from 1 to 3 through the paper, as exam papers usually do.
    """
    from convquest.engine import problems

    if not 1 <= questions <= MAX_QUESTIONS:
        raise ValueError(f"an exam has between 1 and {MAX_QUESTIONS} questions, not {questions}.")
    chosen = select_topics(topics)
    rng = random.Random(f"exam/{seed}")
    deck: list[str] = []
    while len(deck) < questions:
        round_ = list(chosen)
        rng.shuffle(round_)
        deck.extend(round_)
    deck = deck[:questions]
    out = []
    for i, topic in enumerate(deck):
        kind, variant = split_topic(topic)
        difficulty = 1 + (3 * i) // questions
        qseed = derive_seed("exam", seed, i)
        problem = problems.generate(kind, qseed, difficulty=difficulty, variant=variant)
        out.append(Question(i + 1, problem.topic, qseed, difficulty, jsonable(problem.params())))
    return Paper(seed, tuple(chosen), tuple(out))


# on_answer(question, part, text, verdict, seconds_on_question) — the database write.
AnswerHook = Callable[[Question, int, str, Verdict, float], None]


class ExamSession:
    """A mock exam, one `convquest.play.sitting.Sitting`: any question in any order, answers changed
    at will until the paper is handed in, no verdict until the report."""

    title = "Exam"
    who = ""
    noun = "paper"
    final = False
    feedback = "at-end"

    def __init__(
        self,
        paper: Paper,
        minutes: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_answer: AnswerHook | None = None,
        taught: Callable[[str], frozenset[str]] | None = None,
        grid_marking: str = GRID_MARKING[0],
    ) -> None:
        if grid_marking not in GRID_MARKING:
            raise ValueError(f"grid marking is one of {', '.join(GRID_MARKING)}, not {grid_marking!r}.")
        self.grid_marking = grid_marking
        if minutes is not None and minutes <= 0:
            raise ValueError(f"an exam needs a positive number of minutes, not {minutes}.")
        self.paper = paper
        self.limit = None if minutes is None else minutes * 60.0
        self.clock = clock
        self.on_answer = on_answer
        self.problems = [q.problem() for q in paper.questions]
        # Each question in the words of the chapter its topic belongs to (all of them by default).
        self.taught = [ALL_TAUGHT if taught is None else taught(q.topic) for q in paper.questions]
        self.given: dict[tuple[int, int], Given] = {}
        self.seconds = [0.0] * len(paper.questions)
        self.current = 0
        self.started: float | None = None
        self._shown_since: float | None = None
        self.finished_reason: str | None = None

    # -- time -------------------------------------------------------------------------------

    def start(self) -> None:
        if self.started is None:
            self.started = self.clock()
            self._shown_since = self.started

    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return self.clock() - self.started

    def remaining(self) -> float | None:
        if self.limit is None:
            return None
        return max(0.0, self.limit - self.elapsed())

    @property
    def time_up(self) -> bool:
        return self.limit is not None and self.started is not None and self.elapsed() >= self.limit

    @property
    def finished(self) -> bool:
        return self.finished_reason is not None

    def tick(self) -> bool:
        """Call from a timer: hands the paper in when time has run out. True if it just did."""
        if not self.finished and self.time_up:
            self.finish("time")
            return True
        return False

    def _account(self) -> None:
        # Time on a question is the time it was on screen; capped at the limit so a question left
        # open past the end does not claim minutes the student never had.
        now = self.clock()
        if self.limit is not None and self.started is not None:
            now = min(now, self.started + self.limit)
        if self._shown_since is not None:
            self.seconds[self.current] += max(0.0, now - self._shown_since)
        self._shown_since = now

    # -- navigation and answers -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.paper.questions)

    def goto(self, index: int) -> None:
        if not 0 <= index < len(self):
            raise IndexError(f"question {index + 1} is not on this paper (1 to {len(self)}).")
        self.start()
        self._account()
        self.current = index

    def answered(self, index: int) -> bool:
        return any((index, p) in self.given for p in range(len(self.problems[index].parts())))

    def unanswered(self) -> list[int]:
        return [i for i in range(len(self)) if not self.answered(i)]

    def answered_count(self) -> int:
        return len(self) - len(self.unanswered())

    def parts_of(self, index: int) -> int:
        return len(self.problems[index].parts()) or 1

    def open_parts(self, index: int) -> list[int]:
        return [p for p in range(self.parts_of(index)) if (index, p) not in self.given]

    def complete(self, index: int) -> bool:
        return not self.open_parts(index)

    def first_open(self, start: int = 0) -> int | None:
        """The first question from `start` on (wrapping round) with a part left to answer."""
        for step in range(len(self)):
            index = (start + step) % len(self)
            if not self.complete(index):
                return index
        return None

    def skip(self) -> int | None:
        """On to the next question (wrapping round): in an exam any question can be revisited."""
        following = (self.current + 1) % len(self)
        self.goto(following)
        return following

    def answer(self, text: str, part: int = 0) -> Given:
        """Take an answer to part ``part`` of the current question.

        ValueError for text that is not an answer at all (nothing recorded, the student retypes);
        TimeUp once the clock has run out (the paper is handed in); ExamOver after submitting.
        """
        if self.finished:
            raise ExamOver("the paper has been handed in.")
        self.start()
        if self.tick():
            raise TimeUp("time is up: the paper has been handed in.")
        from convquest.play.judge import Slip, judge

        verdict = judge(self.problems[self.current], text, part, taught=self.taught[self.current])
        if isinstance(verdict, Slip):
            raise ValueError(verdict.message)
        self._account()
        given = Given(text.strip(), verdict, self.elapsed())
        self.given[(self.current, part)] = given
        if self.on_answer is not None:
            self.on_answer(self.paper.questions[self.current], part, given.text, verdict, self.seconds[self.current])
        return given

    def grid_cells(self, text: str, grid: int = 0) -> list[tuple[int, str]]:
        """(part, text) for each cell of map `grid` of the current question, from the map typed row by row."""
        maps = cell_maps(self.problems[self.current].parts())
        if maps is None:
            raise ValueError("this question is not a grid of cells.")
        if not 0 <= grid < len(maps):
            raise ValueError(f"this question has {len(maps)} map(s), not a map {grid}.")
        cells = maps[grid]
        return list(zip(cells.parts, split_grid(text, cells.rows, cells.cols)))

    def answer_grid(self, text: str, grid: int = 0) -> list[Given]:
        """Answer every cell of map `grid` of the current question from one text, row by row.

        All cells are read before any is taken, so a slip in one cell records nothing; then each
        cell is taken as its own answer (and written to the database as such).
        """
        problem = self.problems[self.current]
        cells = self.grid_cells(text, grid)
        from convquest.play.judge import Slip, read

        for part, cell in cells:
            given = read(problem, cell, part)
            if isinstance(given, Slip):
                raise ValueError(f"cell {problem.parts()[part]}: {given.message}")
        return [self.answer(cell, part) for part, cell in cells]

    def hand_in(self) -> list[QuestionRecord]:
        return self.finish("submitted")

    def finish(self, reason: str = "submitted") -> list[QuestionRecord]:
        if not self.finished:
            self.start()
            self._account()
            self.finished_reason = reason
        return self.records()

    def records(self) -> list[QuestionRecord]:
        out = []
        for i, (question, problem) in enumerate(zip(self.paper.questions, self.problems)):
            parts = []
            for p, label in enumerate(problem.parts()):
                g = self.given.get((i, p))
                if g is None:
                    parts.append(PartRecord(label, None, False))
                else:
                    v = g.verdict
                    parts.append(PartRecord(label, g.text, v.correct, v.mistake, v.diagnosis, v.explanation))
            out.append(
                QuestionRecord(
                    number=question.number,
                    topic=question.topic,
                    kind=question.kind,
                    prompt=problem.prompt(),
                    solution=problem.solution(),
                    seconds=round(self.seconds[i], 3),
                    parts=tuple(parts),
                    per_cell=self.grid_marking == "per-cell" and marked_per_cell(problem.parts()),
                )
            )
        return out
