"""The per-topic Leitner schedule and the streak-driven difficulty (no engine, no database)."""

from __future__ import annotations

from convquest.practice.schedule import INTERVALS, STREAK_TO_RISE, Schedule

TOPICS = ["t/a", "t/b", "t/c", "t/d", "t/e", "t/f"]


def run(schedule: Schedule, turns: int, wrong: set[tuple[str, int]] = frozenset(), topics=TOPICS):
    """Play `turns` problems; the nth appearance of topic T is answered wrong if (T, n) in wrong."""
    asked: list[str] = []
    last = None
    for _ in range(turns):
        topic = schedule.next_topic(topics, last=last)
        nth = asked.count(topic)
        schedule.record(topic, (topic, nth) not in wrong)
        asked.append(topic)
        last = topic
    return asked


def gap_after(asked: list[str], topic: str, nth: int) -> int:
    """Problems between the nth appearance of `topic` and the next one."""
    where = [i for i, t in enumerate(asked) if t == topic]
    return where[nth + 1] - where[nth]


def test_a_missed_topic_comes_back_sooner_than_one_answered_right():
    missed = run(Schedule(), 30, wrong={("t/c", 0)})
    right = run(Schedule(), 30)
    assert gap_after(missed, "t/c", 0) == INTERVALS[0]
    assert gap_after(missed, "t/c", 0) < gap_after(right, "t/c", 0)


def test_a_miss_waits_for_one_other_problem_then_returns():
    asked = run(Schedule(), 4, wrong={("t/a", 0)})
    assert asked[0] == "t/a"
    assert asked[1] != "t/a"
    assert asked[2] == "t/a"


def test_mastered_topics_come_back_later_and_later():
    topics = [f"t/{c}" for c in "abcdefghijkl"]
    s = Schedule()
    always_missed = {("t/b", n) for n in range(200)}
    asked = run(s, 150, always_missed, topics=topics)
    gaps = [gap_after(asked, "t/a", n) for n in range(4)]
    assert gaps[0] < gaps[1] < gaps[2] < gaps[3]
    assert asked.count("t/b") > 5 * asked.count("t/a")
    assert "t/a" in s.mastered(topics) and "t/b" not in s.mastered(topics)


def test_with_nothing_due_the_soonest_topic_is_asked_rather_than_none():
    # An endless stream never stalls: two topics both answered right simply alternate.
    asked = run(Schedule(), 10, topics=["t/a", "t/b"])
    assert asked == ["t/a", "t/b"] * 5


def test_new_topics_are_introduced_in_order_when_nothing_is_due():
    asked = run(Schedule(), 3)
    assert asked == ["t/a", "t/b", "t/c"]


def test_difficulty_rises_with_a_streak_and_falls_after_a_miss():
    s = Schedule(max_difficulty=3)
    for _ in range(STREAK_TO_RISE - 1):
        s.record("t/a", True)
    assert s.difficulty == 1
    out = s.record("t/a", True)
    assert (out.difficulty_before, out.difficulty_after, out.streak) == (1, 2, STREAK_TO_RISE)
    for _ in range(STREAK_TO_RISE * 5):
        s.record("t/a", True)
    assert s.difficulty == 3  # capped at the engine's hardest
    out = s.record("t/b", False)
    assert (out.difficulty_after, out.streak, out.box_after, out.due_in) == (2, 0, 0, INTERVALS[0])
    for _ in range(4):
        s.record("t/b", False)
    assert s.difficulty == 1  # never below the easiest


def test_a_hinted_right_answer_keeps_the_streak_without_lengthening_it():
    s = Schedule()
    s.record("t/a", True)
    out = s.record("t/a", True, hints=1)
    assert out.streak == 1
    assert out.box_after == 2  # the topic itself still moves up: the answer was right


def test_the_same_history_always_picks_the_same_topics():
    wrong = {("t/b", 0), ("t/e", 1)}
    assert run(Schedule(), 40, wrong) == run(Schedule(), 40, wrong)
