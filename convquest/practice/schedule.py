"""Which topic to drill next, and how hard: a Leitner schedule per topic plus a streak.

The clock of the schedule is the *turn* (problems answered so far, counted across runs), not wall
time: a student who drills twenty problems tonight and twenty next week should see a missed topic
again a couple of problems later either way, and a test can replay a run without sleeping.

- Each topic sits in a box. A miss sends it to box 0, due again after ``INTERVALS[0]`` turns; a
  correct answer moves it up one box, due after that box's (longer) interval. So a missed topic
  comes back sooner and a mastered one later.
- Topics never seen are introduced one at a time, only when nothing already seen is due, so a miss
  is not buried under the whole curriculum's first appearances.
- Difficulty rises by one after ``STREAK_TO_RISE`` correct answers in a row and falls by one
  after a miss. A correct answer that needed a hint keeps the streak but does not lengthen it.
- A session starts no lower than the game's progress shows (`start_from_progress`): a student
  who has cleared six chapters is not asked beginner's problems, while one whose practice has
  already climbed past that keeps their level.
- The learner model: a slip the player keeps making (``recurring_slips``, from the mistake keys the
  store recorded) can be worked on with ``focus_on``: the next few problems come from the topics
  where that slip can happen, before anything else is due.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from convquest.engine.problems.slips import advice as slip_advice
from convquest.engine.problems.slips import nameable, topics_for

# A slip made this often, among the player's recent answers, is worth a few problems of its own.
RECURRING = 3
RECENT = 60  # answers looked back over: an old habit the player has since dropped is not brought back
FOCUS_RUN = 3
_NOT_A_SLIP = frozenset({"other", "unanswered"})
_COUNTS = ("no", "once", "twice", "three", "four", "five", "six", "seven", "eight", "nine")

# Turns until a topic in box b is due again. Box 0 waits two turns, not one, so a missed topic is
# separated from its retry by one other problem instead of being asked twice in a row.
INTERVALS: tuple[int, ...] = (2, 4, 8, 16, 32)
STREAK_TO_RISE = 3
MIN_DIFFICULTY = 1
DEFAULT_MAX_DIFFICULTY = 3


@dataclass
class TopicState:
    topic: str
    box: int = 0
    due: int = 0
    seen: int = 0
    correct: int = 0
    wrong: int = 0
    last_turn: int = -1

    @property
    def interval(self) -> int:
        return INTERVALS[min(self.box, len(INTERVALS) - 1)]


@dataclass(frozen=True)
class Outcome:
    """What one answer changed, so the screen can say it ("difficulty 2 → 3", "back in 2")."""

    topic: str
    correct: bool
    box_before: int
    box_after: int
    due_in: int
    streak: int
    difficulty_before: int
    difficulty_after: int


class Answered(Protocol):
    """An answer as the store keeps it (``store.Attempt``): right or not, and the slip's key."""

    @property
    def correct(self) -> bool: ...
    @property
    def mistake(self) -> str | None: ...


@dataclass(frozen=True)
class RecurringSlip:
    key: str
    count: int
    advice: str  # the slip table's line of advice, for the report
    topics: tuple[str, ...]  # the topics offered where this slip can happen

    def message(self, run: int = FOCUS_RUN) -> str:
        """'Three times lately: forgot the +1 (the window's first position counts too). Three quick
        ones on it.'"""
        times = _COUNTS[self.count] + " times" if 2 < self.count < len(_COUNTS) else f"{self.count} times"
        quick = _COUNTS[run] if 2 < run < len(_COUNTS) else str(run)
        what, _, why = self.advice.rstrip(".").partition(": ")
        said = f"{what[0].lower()}{what[1:]}" + (f" ({why})" if why else "")
        return f"{times.capitalize()} lately: {said}. {quick.capitalize()} quick ones on it."


def recurring_slips(
    attempts: Iterable[Answered],
    topics: Sequence[str],
    *,
    at_least: int = RECURRING,
    recent: int = RECENT,
    taught: frozenset[str] | None = None,
) -> list[RecurringSlip]:
    """The slips made at least `at_least` times among the last `recent` wrong-or-right answers,
    most made first, each with the topics (of `topics`) where it can happen. A slip with nowhere to
    practise it, or naming an idea outside `taught` (when given), is left out."""
    answers = list(attempts)[-recent:]
    counts = Counter(a.mistake for a in answers if not a.correct and a.mistake and a.mistake not in _NOT_A_SLIP)
    found = []
    for key, count in counts.most_common():
        where = tuple(topics_for(key, list(topics)))
        if count >= at_least and where and (taught is None or nameable(key, taught)):
            found.append(RecurringSlip(key, count, slip_advice(key), where))
    return found


@dataclass
class Schedule:
    states: dict[str, TopicState] = field(default_factory=dict)
    turn: int = 0
    streak: int = 0
    difficulty: int = MIN_DIFFICULTY
    max_difficulty: int = DEFAULT_MAX_DIFFICULTY
    focus: tuple[str, ...] = ()  # topics of the slip being worked on
    focus_left: int = 0  # problems of the focus still to come
    focus_slip: str | None = None
    brought_back: set[str] = field(default_factory=set)  # slips already given a run this session

    def focus_on(self, slip: RecurringSlip, run: int = FOCUS_RUN) -> str:
        """Bring back `run` problems where `slip` can happen, before anything else; the sentence
        to show the player."""
        self.focus, self.focus_left, self.focus_slip = slip.topics, run, slip.key
        self.brought_back.add(slip.key)
        return slip.message(run)

    def bring_back(
        self, attempts: Iterable[Answered], topics: Sequence[str], *, taught: frozenset[str] | None = None
    ) -> str | None:
        """Between focus runs, start one on the player's most made recurring slip not yet brought
        back this session; the sentence to show, or None. A drill calls it before each topic."""
        if self.focus_left > 0:
            return None
        for slip in recurring_slips(attempts, topics, taught=taught):
            if slip.key not in self.brought_back:
                return self.focus_on(slip)
        return None

    def state(self, topic: str) -> TopicState:
        if topic not in self.states:
            self.states[topic] = TopicState(topic)
        return self.states[topic]

    def next_topic(self, topics: Sequence[str], last: str | None = None) -> str:
        """The topic to ask now, out of ``topics`` (in curriculum order, easiest first).

        Deterministic: the same schedule and topic list always give the same answer, which is what
        makes ``--seed`` runs replayable.
        """
        if not topics:
            raise ValueError("no topics to practise")
        order = {t: i for i, t in enumerate(topics)}
        focus = [t for t in topics if t in self.focus] if self.focus_left > 0 else []
        if focus:
            # Round the slip's topics, least recently asked first, so three quick ones are not one topic thrice.
            fresh = [t for t in focus if t != last] or focus
            return min(fresh, key=lambda t: (self.states[t].last_turn if t in self.states else -1, order[t]))
        seen = [self.states[t] for t in topics if t in self.states and self.states[t].seen]
        due = [s for s in seen if s.due <= self.turn]
        if due:
            # Most overdue first; among equals the weaker box, then curriculum order.
            pick = min(due, key=lambda s: (s.due, s.box, order[s.topic]))
            # Asking the same topic twice running is only right when nothing else is due.
            if pick.topic == last and len(due) > 1:
                pick = min(
                    (s for s in due if s.topic != last),
                    key=lambda s: (s.due, s.box, order[s.topic]),
                )
            return pick.topic
        unseen = [t for t in topics if t not in self.states or not self.states[t].seen]
        if unseen:
            return unseen[0]
        return min(seen, key=lambda s: (s.due, s.box, order[s.topic])).topic

    def record(self, topic: str, correct: bool, *, hints: int = 0) -> Outcome:
        """Apply one answered problem: move the topic's box, the streak and the difficulty."""
        st = self.state(topic)
        box_before, diff_before = st.box, self.difficulty
        if self.focus_left > 0 and topic in self.focus:
            self.focus_left -= 1
        st.seen += 1
        st.last_turn = self.turn
        if correct:
            st.correct += 1
            st.box = min(st.box + 1, len(INTERVALS) - 1)
            if hints == 0:
                self.streak += 1
                if self.streak % STREAK_TO_RISE == 0:
                    self.difficulty = min(self.difficulty + 1, self.max_difficulty)
        else:
            st.wrong += 1
            st.box = 0
            self.streak = 0
            self.difficulty = max(self.difficulty - 1, MIN_DIFFICULTY)
        self.turn += 1
        # Due counts from the turn just finished, so "due in 2" means one other problem between.
        st.due = self.turn - 1 + st.interval
        return Outcome(
            topic=topic,
            correct=correct,
            box_before=box_before,
            box_after=st.box,
            due_in=st.due - (self.turn - 1),
            streak=self.streak,
            difficulty_before=diff_before,
            difficulty_after=self.difficulty,
        )

    def mastered(self, topics: Iterable[str] | None = None) -> list[str]:
        """Topics in the top box: answered right often enough in a row to be asked rarely."""
        names = self.states if topics is None else topics
        top = len(INTERVALS) - 1
        return [t for t in names if t in self.states and self.states[t].box == top]


def difficulty_from_progress(cleared: int, chapters: int, max_difficulty: int = DEFAULT_MAX_DIFFICULTY) -> int:
    """The difficulty `cleared` of `chapters` chapters stand for: the lowest with none cleared,
    the highest with all of them, evenly (rounded) between."""
    if chapters <= 0:
        return MIN_DIFFICULTY
    share = min(max(cleared, 0), chapters) / chapters
    return MIN_DIFFICULTY + round(share * (max_difficulty - MIN_DIFFICULTY))


def start_from_progress(schedule: Schedule, curriculum: Any, stars: Mapping[str, int]) -> Schedule:
    """`schedule` raised to the difficulty the game's progress shows, for a session about to
    start. A chapter counts as cleared when every one of its levels has a star."""
    chapters = list(curriculum.chapters)
    cleared = sum(all(stars.get(level.id, 0) > 0 for level in chapter.levels) for chapter in chapters)
    floor = difficulty_from_progress(cleared, len(chapters), schedule.max_difficulty)
    schedule.difficulty = max(schedule.difficulty, floor)
    return schedule
