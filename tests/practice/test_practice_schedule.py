"""The per-topic Leitner schedule, the streak-driven difficulty, and the slips brought back (no database)."""

from __future__ import annotations

from convquest.engine.problems.slips import SLIPS
from convquest.practice.schedule import INTERVALS, STREAK_TO_RISE, RecurringSlip, Schedule, recurring_slips
from convquest.practice.topics import all_topics
from convquest.store import Attempt

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


# -- the learner model: slips that keep coming back --------------------------------------------------


def attempt(mistake: str | None, correct: bool = False, topic: str = "predict-size/conv") -> Attempt:
    return Attempt("l", 0, "7", correct, 0, "level", topic, mistake, "2026-12-01T00:00:00+00:00")


def test_a_slip_made_three_times_is_recurring_and_brings_its_topics():
    made = [attempt("forgot_plus_one")] * 3 + [attempt("ignored_floor")] * 2 + [attempt(None, True)] * 4
    made += [attempt("other")] * 5  # a slip the engine could not name has no topics to practise
    found = recurring_slips(made, all_topics())
    assert [(slip.key, slip.count) for slip in found] == [("forgot_plus_one", 3)]
    slip = found[0]
    assert slip.advice == SLIPS["forgot_plus_one"].advice
    assert "predict-size/conv" in slip.topics and "predict-size/transposed" in slip.topics
    assert not any(topic.startswith("fill-cells") for topic in slip.topics)
    assert slip.message() == (
        "Three times lately: forgot the +1 (the window's first position counts too). Three quick ones on it."
    )


def test_an_old_habit_the_player_dropped_is_not_brought_back():
    made = [attempt("ignored_padding")] * 5 + [attempt(None, True)] * 60
    assert recurring_slips(made, all_topics()) == []


def test_a_slip_is_not_brought_back_before_its_idea_is_taught():
    made = [attempt("used_i_times_s", topic="predict-size/transposed")] * 4
    assert recurring_slips(made, all_topics(), taught=frozenset({"padding", "stride"})) == []
    assert [s.key for s in recurring_slips(made, all_topics())] == ["used_i_times_s"]


def test_focus_asks_the_slips_topics_first_each_in_turn_then_the_schedule_resumes():
    topics = ["predict-size/conv", "predict-size/stride", "fill-cells/valid", "count-params/conv-vs-dense"]
    schedule = Schedule()
    run(schedule, 6, topics=topics)
    slip = RecurringSlip(
        "ignored_floor", 3, SLIPS["ignored_floor"].advice, ("predict-size/conv", "predict-size/stride")
    )
    schedule.focus_on(slip)
    asked = run(schedule, 5, topics=topics)
    assert asked[:3] in (
        ["predict-size/conv", "predict-size/stride", "predict-size/conv"],
        ["predict-size/stride", "predict-size/conv", "predict-size/stride"],
    )
    assert schedule.focus_left == 0
    assert set(asked[3:]) - {"predict-size/conv", "predict-size/stride"}  # back to the whole schedule


def test_every_slip_can_happen_somewhere_the_engine_generates():
    offered = set(all_topics())
    for slip in SLIPS.values():
        assert slip.topics and set(slip.topics) <= offered, slip.key


def test_bring_back_starts_one_run_per_recurring_slip_then_lets_the_schedule_be():
    topics = all_topics()
    made = [attempt("ignored_floor")] * 4 + [attempt("forgot_bias", topic="count-params/conv-vs-dense")] * 3
    schedule = Schedule()
    first = schedule.bring_back(made, topics)
    assert first is not None and first.startswith("Four times lately: rounded up")
    assert schedule.bring_back(made, topics) is None  # a run is under way
    run(schedule, 3, topics=topics)
    assert schedule.focus_left == 0
    second = schedule.bring_back(made, topics)
    assert second is not None and "biases" in second
    assert run(schedule, 3, topics=topics) == ["count-params/conv-vs-dense"] * 3  # its only topic
    assert schedule.bring_back(made, topics) is None  # each slip once a session
