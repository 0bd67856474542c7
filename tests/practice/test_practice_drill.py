"""The practice stream over the real engine and a real progress database."""

from __future__ import annotations

import json

from convquest.practice.drill import PracticeSession
from convquest.practice.history import History
from convquest.practice.schedule import INTERVALS, Schedule
from tests.practice.practice_oracle import NUMERIC_TOPICS, right_number, wrong_number


def wired(store, seed=1, topics=NUMERIC_TOPICS, clock=None):
    """A session whose hooks write to the database, as the practice screen wires them."""
    history = History(store)
    schedule = history.load_schedule()
    sid = history.start_session("practice", seed, topics)
    kwargs = {} if clock is None else {"clock": clock}
    session = PracticeSession(
        schedule,
        topics,
        seed,
        on_problem=lambda d: history.add_question(sid, d.number, d.problem),
        on_answer=lambda d, part, text, v: history.record_answer(
            "practice", sid, d.number, d.topic, part, text, v, hints=d.hints
        ),
        on_done=lambda d, o: (
            history.save_topic(schedule, d.topic),
            history.update_question(sid, d.number, seconds=d.seconds, hints=d.hints, skipped=d.skipped),
        ),
        **kwargs,
    )
    return history, sid, session


def play(session, n, miss=lambda drill: False):
    topics = []
    for _ in range(n):
        drill = session.next()
        topics.append(drill.topic)
        answer = wrong_number if miss(drill) else right_number
        session.answer(str(answer(drill.problem)))
        if not drill.done:  # a wrong answer: put it right, as the student would
            session.answer(str(right_number(drill.problem)))
    return topics


def test_a_missed_topic_is_asked_again_two_problems_later(store):
    _, _, session = wired(store)
    first = []
    topics = play(session, 8, miss=lambda d: d.number == 2 and not first.append(d.topic))
    missed = first[0]
    assert topics[1] == missed and topics[2] != missed and topics[3] == missed
    # Answered right, the first topic waits longer than the missed one did.
    assert topics.index(topics[0], 1) - 0 > INTERVALS[0]


def test_a_part_put_right_after_a_slip_still_counts_as_missed(store):
    _, _, session = wired(store)
    drill = session.next()
    session.answer(str(wrong_number(drill.problem)))
    assert not drill.done
    session.answer(str(right_number(drill.problem)))
    assert drill.done and not drill.correct
    assert drill.outcome.box_after == 0 and drill.outcome.due_in == INTERVALS[0]


def test_every_answer_is_in_the_database_at_once_with_mode_topic_and_mistake(store):
    _, sid, session = wired(store)
    drill = session.next()
    wrong = str(wrong_number(drill.problem))
    verdict = session.answer(wrong)
    attempts = store.attempts(f"practice:{sid}:1")
    assert [(a.answer, a.correct, a.mode, a.topic, a.mistake) for a in attempts] == [
        (wrong, False, "practice", drill.topic, verdict.mistake or "other")
    ]


def test_the_schedule_is_kept_across_runs(store):
    _, _, session = wired(store, seed=5)
    missed = play(session, 2, miss=lambda d: d.number == 2)[1]
    # A new run on the same database carries on the same count of turns: the topic missed last
    # in the old run is due after one other problem, exactly as if the run had not stopped.
    history, _, again = wired(store, seed=6)
    restored = history.load_schedule()
    assert restored.turn == session.schedule.turn == 2
    assert (restored.states[missed].box, restored.states[missed].wrong) == (0, 1)
    asked = play(again, 2)
    assert asked[0] != missed and asked[1] == missed


def test_the_same_seed_and_answers_meet_the_same_problems(store, tmp_path):
    from convquest.store import Store

    other = Store.open(tmp_path / "other")
    try:
        runs = []
        for db in (store, other):
            _, _, session = wired(db, seed=77)
            play(session, 6, miss=lambda d: d.number in (2, 5))
            runs.append(json.dumps([(d.topic, d.problem.params()) for d in session.drills], sort_keys=True))
        assert runs[0] == runs[1]  # byte for byte
    finally:
        other.close()


def test_difficulty_climbs_with_a_streak_and_the_problems_follow_it(store):
    _, _, session = wired(store, topics=["predict-size/conv"])
    play(session, 4)
    assert [d.difficulty for d in session.drills] == [1, 1, 1, 2]
    play(session, 1, miss=lambda d: True)
    assert session.schedule.difficulty == 1


def test_a_skip_counts_as_a_miss_and_a_hint_is_counted(store):
    history, sid, session = wired(store)
    drill = session.next()
    assert session.hint() == "\n".join(drill.run.words())  # rung 1 of the ladder
    assert drill.run.rung == 1
    outcome = session.skip()
    assert drill.skipped and not drill.correct and outcome.box_after == 0
    records = history.records(sid)
    assert records[0].hints == 1 and records[0].mistakes == ["unanswered"]


def test_time_on_a_practice_problem_comes_from_the_clock(store, clock):
    history, sid, session = wired(store, clock=clock)
    drill = session.next()
    clock.advance(12.5)
    session.answer(str(right_number(drill.problem)))
    assert history.records(sid)[0].seconds == 12.5


def test_a_problem_left_on_screen_is_not_in_the_practice_report(store):
    history, sid, session = wired(store)
    play(session, 2)
    session.next()  # shown, never answered: the student stopped here
    assert [q.number for q in history.records(sid)] == [1, 2]


def test_the_schedule_object_round_trips_through_the_database(store):
    history = History(store)
    s = Schedule()
    for topic, ok in [("a/x", True), ("b/y", False), ("a/x", True)]:
        s.record(topic, ok)
        history.save_topic(s, topic)
    back = history.load_schedule()
    assert back.states == s.states
    assert (back.turn, back.streak, back.difficulty) == (s.turn, s.streak, s.difficulty)


def test_a_locked_database_mid_session_is_said_not_crashed_on(store, tmp_path):
    import sqlite3

    _history, sid, session = wired(store)
    store.connection.execute("PRAGMA busy_timeout = 0")  # fail at once instead of waiting 5 s
    blocker = sqlite3.connect(store.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        drill = session.next()  # add_question is refused by the lock
        session.answer(str(right_number(drill.problem)))  # the schedule write too
        assert "could not be saved just now" in store.notice
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # The answer itself was kept by the store and written with the next one, once the lock went.
    assert store.attempts() == []
    drill = session.next()
    session.answer(str(right_number(drill.problem)))
    assert [a.level_id for a in store.attempts()] == [f"practice:{sid}:1", f"practice:{sid}:2"]


def test_a_recurring_slip_brings_three_quick_ones_on_it(store):
    """The learner model: four times rounded up lately, so practice says so and serves three
    problems where rounding can go wrong, before the schedule resumes."""
    from convquest.engine.problems.slips import topics_for

    topics = ["predict-size/conv", "predict-size/stride", "predict-size/transposed", "count-params/conv-vs-dense"]
    for _ in range(4):
        store.record_attempt(
            "practice:1", "8", False, mode="practice", topic="predict-size/stride", mistake="ignored_floor"
        )
    session = PracticeSession(Schedule(), topics, 3, attempts=store.attempts)
    drills = []
    for _ in range(5):
        drill = session.next()
        drills.append(drill)
        session.skip()
    first = drills[0].brought_back
    assert first is not None and first.startswith("Four times lately: rounded up") and "Three quick ones" in first
    where = set(topics_for("ignored_floor", topics))
    assert where and where != set(topics)
    assert all(d.topic in where for d in drills[:3])
    assert all(d.brought_back is None for d in drills[1:])  # one run a session per slip
    # Without the player's answers nothing is brought back: the schedule alone picks.
    assert PracticeSession(Schedule(), topics, 3).next().brought_back is None
