"""One level being played: attempts, the hint ladder per part, "show me", stars, what to show next.

Plain Python: the level screen renders a `LevelRun`'s state and hands it what the player typed or
marked. The ladder (docs/LEVELS.md):

- a wrong answer climbs one rung, `h` climbs one rung, up to rung 3;
- rung 1 names the slip (the verdict's diagnosis) or, where none is recognised, points at the part
  of the formula that matters (the level file's hints, else the engine's nudge); rung 2 is the
  formula with the numbers put in; rung 3 the worked steps short of the last;
- "show me" gives the whole solution: the level is then seen, not solved (no stars), and a level
  with ranges offers another draw;
- an answer equal to one already judged wrong on the same part is not judged again;
- show me is recorded (mistake "shown", the draw's seed in the text), so the level opens on the
  next seed: a level with ranges on a fresh draw, a fixed one on the same problem, which is then
  "seen" and earns at most ★ (retyping the shown answer is no feat).

Stars follow the highest rung reached: none ★★★, rung 1 ★★, rung 2 or 3 ★, show me none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from convquest.engine.problems.base import Problem, Verdict
from convquest.engine.problems.ladder import ALL_TAUGHT, Rungs, Taught, rungs
from convquest.engine.problems.stars import SHOWN, TOP_RUNG, stars
from convquest.play.judge import Read, Slip, read, same_value, verdict_of
from convquest.play.record import Answer, Recorder, StarKeeper

if TYPE_CHECKING:
    from convquest.levels.model import Level

# How many seeds "another like it" tries for a draw that differs from the one on screen.
REDRAWS = 64
# The mistake key of a show-me in the attempts: the whole solution seen, not an answer given.
SHOWN_KEY = "shown"
SEEN_STARS = 1  # the most a problem whose solution was shown earns when solved later


def shown_text(seed: int) -> str:
    return f"(show me: draw {seed})"


_SHOWN_DRAW = re.compile(r"^\(show me: draw (\d+)\)$")


class Attempted(Protocol):
    """An attempt as the store keeps it (`store.Attempt`)."""

    @property
    def answer(self) -> str: ...
    @property
    def mistake(self) -> str | None: ...


@dataclass(frozen=True)
class Feedback:
    """What the run has to say after the player's last action, for the panel to show.

    `kind` is one of "right", "wrong", "slip" (not an answer: nothing counted), "repeat" (tried
    already: nothing counted), "hint", "shown" (the solution) and "none" (nothing yet)."""

    kind: str
    lines: tuple[str, ...] = ()
    part: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class PartState:
    rung: int = 0
    tried: list[Read] = field(default_factory=list)  # the answers judged wrong, as parsed
    last_wrong: Verdict | None = None
    right: Verdict | None = None


class ProblemRun:
    """One problem answered part by part with the hint ladder: a level's core, and what practice
    plays. `hints` are the level file's own words for rung 1 where the engine names no slip."""

    def __init__(
        self,
        problem: Problem,
        *,
        taught: Taught = ALL_TAUGHT,
        hints: tuple[str, ...] = (),
        part_hints: Mapping[str, tuple[str, ...]] | None = None,
        place: str = "",
        recorder: Recorder | None = None,
    ) -> None:
        """`part_hints`: hints written for one part, by its name; `hints` are for the other parts."""
        self.problem = problem
        self.taught = taught
        self.hints = hints
        self.part_hints = dict(part_hints or {})
        self.place = place
        self.recorder = recorder
        self.parts = tuple(problem.parts()) or ("",)
        self.states = [PartState() for _ in self.parts]
        self.part = 0
        self.shown = False
        self.solved = False
        self.earned: int | None = None  # stars, once solved (0 once shown)
        self.last_verdict: Verdict | None = None
        self.feedback = Feedback("none")

    # -- state the screen shows -----------------------------------------------------------

    @property
    def part_count(self) -> int:
        return len(self.parts)

    @property
    def over(self) -> bool:
        """No more answers are taken: solved, or the solution was shown."""
        return self.solved or self.shown

    @property
    def wrong(self) -> int:
        """Wrong answers judged so far (repeats and slips are not counted)."""
        return sum(len(state.tried) for state in self.states)

    def rung_of(self, part: int) -> int:
        return self.states[part].rung

    def worked_solution(self) -> str:
        """The solved problem explained: each part's working as it was judged right, in order, so
        a fill-cells level shows every cell's sum, not only the last one typed (a part's
        explanation that repeats an earlier one is said once)."""
        texts = [state.right.explanation for state in self.states if state.right is not None]
        return "\n".join(dict.fromkeys(text for text in texts if text))

    @property
    def rung(self) -> int:
        """The highest rung reached on any part (what the stars follow); SHOWN after show me."""
        return SHOWN if self.shown else max(state.rung for state in self.states)

    @property
    def stars_now(self) -> int:
        """The stars a right answer would earn now (the stars earned, once over)."""
        return self.earned if self.earned is not None else self._stars()

    def _stars(self) -> int:
        return stars(self.rung)

    @property
    def can_draw_again(self) -> bool:
        return False

    def ladder(self, part: int | None = None) -> Rungs:
        return rungs(self.problem, self.part if part is None else part, self.taught)

    def words(self, part: int | None = None) -> tuple[str, ...]:
        """The ladder's words for `part` at its rung (nothing below rung 1). Above rung 1 the slip
        the last answer made stays named; the nudge gives way to the formula, then the steps
        (the panels have a few lines at 80×24)."""
        part = self.part if part is None else part
        state = self.states[part]
        if state.rung == 0:
            return ()
        ladder = self.ladder(part)
        slip = self._slip_named(state)
        if state.rung == 1:
            # Where the engine recognises no slip, the level's own hints are the nudge it wrote for it.
            return slip or self.hints_for(part) or (ladder.nudge,)
        if state.rung >= TOP_RUNG and ladder.steps:
            return (*slip, f"{ladder.steps_label}:", *ladder.steps)
        # The formula on lines of its own: after its label it would wrap in a panel at 80 columns.
        return (*slip, f"{ladder.formula_label}:", ladder.formula)

    def hints_for(self, part: int) -> tuple[str, ...]:
        """The level file's words for `part`'s first rung: its own hints, else the level's."""
        return self.part_hints.get(self.parts[part], self.hints)

    @staticmethod
    def _slip_named(state: PartState) -> tuple[str, ...]:
        verdict = state.last_wrong
        if verdict is not None and verdict.mistake is not None and verdict.diagnosis:
            return (verdict.diagnosis,)
        return ()

    # -- the player's actions -----------------------------------------------------------------

    def answer(self, text: str, part: int | None = None) -> Feedback:
        """Judge typed `text` for `part` (the current one by default)."""
        part = self.part if part is None else part
        if self.over:
            return self._say(Feedback("slip", ("This level is over: no more answers are taken.",), part))
        state = self.states[part]
        if state.right is not None:
            return self._say(Feedback("slip", (f"{self.parts[part] or 'That'} is right already.",), part))
        given = read(self.problem, text, part)
        if isinstance(given, Slip):
            return self._say(self._slip(given, part))
        earlier = next((t for t in state.tried if same_value(t.value, given.value)), None)
        if earlier is not None:
            # The rung the player reached stays in view (it is what they are working from), then the repeat.
            repeat = f"You tried {earlier.text} already: not counted. Try something else."
            return self._say(Feedback("repeat", (*self.words(part), repeat), part))
        verdict = verdict_of(self.problem, given, part, taught=self.taught)
        if isinstance(verdict, Slip):
            return self._say(self._slip(verdict, part))
        rung_before = state.rung
        self.last_verdict = verdict
        if verdict.correct:
            state.right = verdict
            self._record(part, given.text, verdict, rung_before)
            return self._say(self._right(part, verdict))
        state.tried.append(given)
        state.last_wrong = verdict
        state.rung = min(TOP_RUNG, state.rung + 1)
        self._record(part, given.text, verdict, rung_before)
        return self._say(Feedback("wrong", ("✗ Wrong.", *self.words(part)), part))

    def climb(self) -> Feedback:
        """`h`: one rung up the ladder of the current part."""
        if self.over:
            return self.feedback
        state = self.states[self.part]
        if state.rung >= TOP_RUNG:
            return self._say(
                Feedback("hint", (*self.words(), "", "That is every hint: s shows the solution (no stars)."), self.part)
            )
        state.rung += 1
        return self._say(Feedback("hint", self.words(), self.part))

    def show_me(self) -> Feedback:
        """The whole solution (the player has confirmed): the level is seen, not solved."""
        if self.over:
            return self.feedback
        self.shown = True
        self.earned = 0
        self._record_shown()
        self._finished()
        # One part: its worked solution in the chapter's own form; several: every part's, as the problem writes them.
        lines = [self.ladder(0).solution if self.part_count == 1 else self.problem.solution()]
        if self.can_draw_again:
            lines += ["", "Seen, not solved: no stars. Press a for another like it to earn them."]
        else:
            lines += ["", "Seen, not solved: no stars."]
        return self._say(Feedback("shown", tuple(lines), self.part))

    # -- inside -------------------------------------------------------------------------------

    def _say(self, feedback: Feedback) -> Feedback:
        self.feedback = feedback
        return feedback

    def _slip(self, slip: Slip, part: int) -> Feedback:
        return Feedback("slip", (f"! {slip.message}", "Not counted as an answer: no penalty."), part)

    def _right(self, part: int, verdict: Verdict) -> Feedback:
        following = next((p for p in range(part + 1, self.part_count) if self.states[p].right is None), None)
        if following is None:
            following = next((p for p in range(self.part_count) if self.states[p].right is None), None)
        if following is not None:
            self.part = following
            return Feedback("right", ("✓ Right.", verdict.explanation), part)
        self.solved = True
        self.earned = self._stars()
        self._finished()
        return Feedback("right", ("✓ Right.", verdict.explanation), part)

    def _finished(self) -> None:
        """Solved or shown: `earned` is final (a level stores it)."""

    def _record_shown(self) -> None:
        """Show me, as the records keep it (a level's: its draw moves on)."""

    def _record(self, part: int, text: str, verdict: Verdict, rung: int) -> None:
        if self.recorder is None:
            return
        answer = Answer(
            place=self.place,
            part=part,
            text=text,
            correct=verdict.correct,
            mistake=None if verdict.correct else verdict.mistake,
            topic=self.problem.topic,
            rung=rung,
        )
        self.recorder.record((answer,))


class LevelRun(ProblemRun):
    """A level of the curriculum: its problem for `seed`, its hints, and the stars it stores."""

    def __init__(
        self,
        level: Level,
        *,
        seed: int = 0,
        taught: Taught = ALL_TAUGHT,
        recorder: Recorder | None = None,
        keeper: StarKeeper | None = None,
        seen: bool = False,
    ) -> None:
        """`seen`: this very problem's solution was shown before (it then earns at most ★)."""
        super().__init__(
            level.problem(seed),
            taught=taught,
            hints=tuple(level.hints),
            part_hints=level.part_hints,
            place=level.id,
            recorder=recorder,
        )
        self.level = level
        self.seed = seed
        self.keeper = keeper
        self.seen = seen

    @classmethod
    def opened(
        cls,
        level: Level,
        attempts: Iterable[Attempted],
        *,
        taught: Taught = ALL_TAUGHT,
        recorder: Recorder | None = None,
        keeper: StarKeeper | None = None,
    ) -> LevelRun:
        """The level as the player opens it: the draw after every attempt so far, passing over draws
        whose solution was shown where the level has others; `seen` when it has none."""
        made = list(attempts)
        shown = {int(m.group(1)) for a in made if a.mistake == SHOWN_KEY and (m := _SHOWN_DRAW.match(a.answer))}
        shown_params = [level.resolved_params(s) for s in shown]
        seed = len(made)
        if shown and level.has_ranges:
            seed = next(
                (s for s in range(seed, seed + REDRAWS) if level.resolved_params(s) not in shown_params),
                seed,
            )
        seen = level.resolved_params(seed) in shown_params
        return cls(level, seed=seed, taught=taught, recorder=recorder, keeper=keeper, seen=seen)

    def _stars(self) -> int:
        return min(SEEN_STARS, super()._stars()) if self.seen else super()._stars()

    def _record_shown(self) -> None:
        if self.recorder is not None:
            answer = Answer(
                place=self.place,
                part=self.part,
                text=shown_text(self.seed),
                correct=False,
                mistake=SHOWN_KEY,
                topic=self.problem.topic,
                rung=SHOWN,
            )
            self.recorder.record((answer,))

    @property
    def can_draw_again(self) -> bool:
        return self.level.has_ranges

    def _finished(self) -> None:
        if self.keeper is not None and self.earned is not None:
            # Shown counts as seen (0 stars): the store keeps a level's best, so it never lowers one.
            self.keeper.complete_level(self.level.id, self.earned)

    def another(self) -> LevelRun:
        """A fresh draw of the same level (its ranges drawn again), to play from the start."""
        if not self.can_draw_again:
            raise ValueError(f"level '{self.level.id}' has no ranges: every draw is the same problem.")
        now = self.level.resolved_params(self.seed)
        seed = next(
            (s for s in range(self.seed + 1, self.seed + 1 + REDRAWS) if self.level.resolved_params(s) != now),
            self.seed + 1,
        )
        return LevelRun(self.level, seed=seed, taught=self.taught, recorder=self.recorder, keeper=self.keeper)
