"""The endless practice stream: the schedule picks a topic, the engine makes a problem, the student
answers it part by part, and the outcome moves the schedule. Plain Python; the screen only shows it.

As in a level, a wrong answer climbs the hint ladder and the student tries the part again (or
skips the problem); but for the schedule the problem counts as right only if no answer to it was
wrong, so a slip still brings the topic back soon. Before each problem the player's recurring slips
(from every answer the store keeps) may start a short run on one ("three quick ones on it").
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from convquest.levels.model import ALL_TAUGHT
from convquest.practice.schedule import Answered, Outcome, Schedule
from convquest.practice.topics import derive_seed, split_topic

if TYPE_CHECKING:
    from convquest.engine.problems.base import Problem, Verdict
    from convquest.play.run import ProblemRun

# on_problem(drill) — a new problem is on screen; on_answer(drill, part, text, verdict) — one part
# was answered; on_done(drill, outcome) — the schedule moved. Each is a database write.
ProblemHook = Callable[["Drill"], None]
AnswerHook = Callable[["Drill", int, str, "Verdict"], None]
DoneHook = Callable[["Drill", Outcome], None]


@dataclass
class Drill:
    """One problem of the stream and what happened to it so far."""

    number: int  # 1-based within this session
    topic: str
    difficulty: int
    seed: int
    problem: Problem
    run: ProblemRun  # the play layer's: its hint ladder, and what a kind panel plays
    verdicts: dict[int, Verdict] = field(default_factory=dict)  # the right answer's verdict, per part
    texts: dict[int, str] = field(default_factory=dict)
    wrong: int = 0
    last_verdict: Verdict | None = None
    hints: int = 0
    hint_texts: list[str] = field(default_factory=list)
    skipped: bool = False
    shown_at: float = 0.0
    seconds: float = 0.0
    outcome: Outcome | None = None
    brought_back: str | None = None  # the sentence starting a run on a recurring slip, with this problem

    @property
    def kind(self) -> str:
        return split_topic(self.topic)[0]

    @property
    def part_count(self) -> int:
        return max(1, len(self.problem.parts()))

    @property
    def next_part(self) -> int | None:
        for part in range(self.part_count):
            if part not in self.verdicts:
                return part
        return None

    @property
    def done(self) -> bool:
        return self.skipped or self.next_part is None

    @property
    def correct(self) -> bool:
        return not self.skipped and self.wrong == 0 and len(self.verdicts) == self.part_count


class PracticeSession:
    def __init__(
        self,
        schedule: Schedule,
        topics: Sequence[str],
        seed: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_problem: ProblemHook | None = None,
        on_answer: AnswerHook | None = None,
        on_done: DoneHook | None = None,
        taught: Callable[[str], frozenset[str]] | None = None,
        attempts: Callable[[], Iterable[Answered]] | None = None,
    ) -> None:
        """`attempts()` is every answer the player has given, oldest first (the store's), where the
        recurring slips are read from; without it no slip is brought back."""
        if not topics:
            raise ValueError("no topics to practise")
        self.schedule = schedule
        self.topics = list(topics)
        self.seed = seed
        self.clock = clock
        self.on_problem = on_problem
        self.on_answer = on_answer
        self.on_done = on_done
        self.drills: list[Drill] = []
        self._taught = taught
        self._attempts = attempts

    def taught_for(self, topic: str) -> frozenset[str]:
        """What the problem's words may use: the chapter its topic belongs to (everything by default)."""
        return ALL_TAUGHT if self._taught is None else self._taught(topic)

    @property
    def current(self) -> Drill | None:
        return self.drills[-1] if self.drills else None

    def next(self) -> Drill:
        """The next problem. The current one must be finished (answered or skipped) first."""
        if self.current is not None and not self.current.done:
            raise RuntimeError("answer or skip the current problem first")
        from convquest.engine import problems

        last = self.current.topic if self.current else None
        brought_back = self._bring_back()
        topic = self.schedule.next_topic(self.topics, last=last)
        kind, variant = split_topic(topic)
        number = len(self.drills) + 1
        difficulty = self.schedule.difficulty
        # The seed depends on the session seed and the position only, so a --seed run with the
        # same answers meets the very same problems.
        seed = derive_seed("practice", self.seed, number)
        problem = problems.generate(kind, seed, difficulty=difficulty, variant=variant)
        from convquest.play.run import ProblemRun

        # A kind panel hands its answers to the run and tells the screen each verdict, which passes
        # it on to `judged`; h climbs the run's ladder, as on a level.
        run = ProblemRun(problem, taught=self.taught_for(problem.topic))
        drill = Drill(
            number, problem.topic, difficulty, seed, problem, run, shown_at=self.clock(), brought_back=brought_back
        )
        self.drills.append(drill)
        if self.on_problem is not None:
            self.on_problem(drill)
        return drill

    def _bring_back(self) -> str | None:
        """Start a run on a recurring slip, if one is due: the schedule's sentence, or None. Only
        slips nameable with what the practised topics' chapters have taught are brought back."""
        if self._attempts is None:
            return None
        taught = None if self._taught is None else frozenset().union(*(self.taught_for(t) for t in self.topics))
        return self.schedule.bring_back(self._attempts(), self.topics, taught=taught)

    def _current_open(self) -> Drill:
        drill = self.current
        if drill is None or drill.done:
            raise RuntimeError("no problem is waiting for an answer; call next() first")
        return drill

    def answer(self, text: str, part: int | None = None) -> Verdict:
        """Check one part (by default the first not yet right); ValueError, with nothing recorded,
        when the text is not an answer at all."""
        drill = self._current_open()
        if part is None:
            part = drill.next_part
            assert part is not None  # an open drill has a part left

        if part in drill.verdicts:
            raise ValueError(f"part {part + 1} is already right.")
        from convquest.play.judge import Slip, judge

        verdict = judge(drill.problem, text, part, taught=self.taught_for(drill.topic))
        if isinstance(verdict, Slip):
            raise ValueError(verdict.message)
        return self.judged(text, part, verdict)

    def judged(self, text: str, part: int, verdict: Verdict) -> Verdict:
        """Take a verdict the drill's run judged (a kind panel handed it the answer)."""
        drill = self._current_open()
        drill.last_verdict = verdict
        if verdict.correct:
            drill.verdicts[part] = verdict
            drill.texts[part] = text.strip()
        else:
            drill.wrong += 1
        if self.on_answer is not None:
            self.on_answer(drill, part, text.strip(), verdict)
        if drill.done:
            self._finish(drill)
        return verdict

    def hint(self) -> str:
        """One rung up the problem's hint ladder; its words so far."""
        drill = self._current_open()
        drill.hints += 1
        text = drill.run.climb().text
        drill.hint_texts.append(text)
        return text

    def skip(self) -> Outcome:
        """Give up on the problem: it counts as a miss, so the topic comes back soon."""
        drill = self._current_open()
        drill.skipped = True
        return self._finish(drill)

    def _finish(self, drill: Drill) -> Outcome:
        drill.seconds = max(0.0, self.clock() - drill.shown_at)
        drill.outcome = self.schedule.record(drill.topic, drill.correct, hints=drill.hints)
        if self.on_done is not None:
            self.on_done(drill, drill.outcome)
        return drill.outcome

    # -- what the screen shows beside the problem ---------------------------------------------

    @property
    def answered(self) -> int:
        return sum(1 for d in self.drills if d.outcome is not None)

    @property
    def right(self) -> int:
        return sum(1 for d in self.drills if d.outcome is not None and d.correct)
