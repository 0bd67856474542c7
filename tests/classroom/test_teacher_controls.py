"""The teacher's controls against the real results database and real sittings, without Textual:
extra time, reopening, ending for everyone, a student's record and its deletion; a sitting under
way takes each within REFRESH_EVERY seconds; the marked paper's right answers are right."""

from __future__ import annotations

import sqlite3

import pytest
from quiz_helpers import right, write_quiz, wrong

from convquest.classroom.marked import right_answer
from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ENDED, ActionRefused, ResultsDB
from convquest.classroom.sitting import REFRESH_EVERY, ExamOver, QuizSitting
from convquest.engine import problems
from convquest.engine.problems.ladder import ALL_TAUGHT
from convquest.play.judge import Slip, judge
from tests.practice.practice_oracle import FakeClock

UNTIMED = """
[quiz]
id = "practice"
title = "Untimed"
seed = 3

[[question]]
kind = "predict-size"
variant = "conv"
"""


@pytest.fixture
def quiz(tmp_path):
    return load_quiz(write_quiz(tmp_path))  # 3 questions, 20 minutes, a paper per student


@pytest.fixture
def db(results_target):
    """The student's connection, to SQLite and to PostgreSQL in turn (tests/classroom/conftest.py)."""
    opened = ResultsDB.open(results_target)
    yield opened
    opened.close()


@pytest.fixture
def teacher(results_target):
    """A second connection, as `convquest class …` in another process has."""
    opened = ResultsDB.open(results_target)
    yield opened
    opened.close()


def raw_sql(db: ResultsDB, *statements: str) -> None:
    """Run SQL on the database as another program would, beside ConvQuest."""
    if isinstance(db.path, str):
        import psycopg

        with psycopg.connect(db.path, autocommit=True) as raw:
            for statement in statements:
                raw.execute(statement)
        return
    with sqlite3.connect(db.path) as raw:
        for statement in statements:
            raw.execute(statement)


def sit(quiz, db, clock, student="alice") -> QuizSitting:
    return QuizSitting(quiz, student, db, clock=clock)


# --- extra time -------------------------------------------------------------------------------


def test_extra_time_reaches_a_sitting_under_way_within_the_refresh_interval(quiz, db, teacher):
    clock = FakeClock()
    sitting = sit(quiz, db, clock)
    clock.advance(5 * 60)
    teacher.extend("week-3", "alice", 10, by="ms.k", now=clock())
    clock.advance(REFRESH_EVERY)
    assert not sitting.tick()
    assert sitting.remaining() == pytest.approx(25 * 60 - REFRESH_EVERY)  # 20 − 5 + 10, less the wait
    stored = teacher.sitting("week-3", "alice")
    assert stored.extra_minutes == 10 and stored.deadline() == pytest.approx(stored.started_at + 30 * 60)


def test_extra_time_given_just_before_the_deadline_wins_over_it(quiz, db, teacher):
    clock = FakeClock()
    sitting = sit(quiz, db, clock)
    clock.advance(20 * 60 - 1)
    assert not sitting.tick()  # read the row just now: the next read is due in REFRESH_EVERY
    teacher.extend("week-3", "alice", 10, by="ms.k", now=clock())
    clock.advance(1.5)  # past the old deadline, sooner than the next read was due
    assert not sitting.tick() and not sitting.finished
    sitting.answer(right(sitting.problems[0]))  # taken: the time is not up
    assert teacher.sitting("week-3", "alice").finished_at is None


def test_extra_time_after_the_time_ran_out_opens_the_sitting_again(quiz, db, teacher):
    clock = FakeClock()
    sitting = sit(quiz, db, clock)
    sitting.answer(right(sitting.problems[0]))
    clock.advance(21 * 60)
    assert sitting.tick() and teacher.sitting("week-3", "alice").finish_reason == "time"
    teacher.extend("week-3", "alice", 10, by="ms.k", now=clock())
    again = sit(quiz, db, clock)
    assert not again.finished and again.current == 1  # where they were
    assert again.remaining() == pytest.approx(9 * 60)  # 30 minutes in all, 21 gone


@pytest.mark.slow
@pytest.mark.parametrize(
    "setup, minutes, said",
    [
        ("untimed", 10, "has no time limit"),
        ("nobody", 10, "'bob' has not started quiz 'week-3' (students who have: alice); give the extra time once"),
        ("unknown-quiz", 10, "no student has started a quiz 'week-9' (quizzes started: week-3)"),
        ("handed-in", 10, "convquest class reopen alice --quiz week-3 --minutes 10"),
        ("none", 0, "more than 0"),
        ("too-late", 1, "would still have run out"),
    ],
)
def test_extra_time_is_refused_with_a_sentence(tmp_path, quiz, db, teacher, setup, minutes, said):
    clock = FakeClock()
    quiz_id, student = "week-3", "alice"
    if setup == "untimed":
        quiz = load_quiz(write_quiz(tmp_path, name="untimed.toml", text=UNTIMED))
        quiz_id = "practice"
    sitting = sit(quiz, db, clock)
    if setup == "nobody":
        student = "bob"
    if setup == "unknown-quiz":
        quiz_id = "week-9"
    if setup == "handed-in":
        sitting.hand_in()
    if setup == "too-late":
        clock.advance(30 * 60)
    with pytest.raises(ActionRefused) as refused:
        teacher.extend(quiz_id, student, minutes, by="ms.k", now=clock())
    assert said in str(refused.value)
    assert teacher.actions() == []  # a refusal changes and logs nothing


# --- reopening ----------------------------------------------------------------------------------


def test_a_reopened_sitting_carries_on_where_it_was_with_its_answers(quiz, db, teacher):
    clock = FakeClock()
    sitting = sit(quiz, db, clock)
    given = wrong(sitting.problems[0])
    sitting.answer(given)
    sitting.hand_in()
    clock.advance(60)
    teacher.reopen("week-3", "alice", by="ms.k", now=clock())
    again = sit(quiz, db, clock)
    assert not again.finished and again.current == 1 and again.given[(0, 0)].text == given
    assert again.remaining() == pytest.approx(19 * 60)  # the limit stands: the minute away counts
    again.answer(right(again.problems[1]))
    assert [r.question for r in teacher.answers("week-3", "alice")] == [1, 2]


def test_reopening_after_the_time_ran_out_needs_minutes_and_gives_them_from_now(quiz, db, teacher):
    clock = FakeClock()
    sit(quiz, db, clock)
    clock.advance(25 * 60)
    with pytest.raises(ActionRefused, match="--minutes 10"):
        teacher.reopen("week-3", "alice", by="ms.k", now=clock())
    teacher.reopen("week-3", "alice", by="ms.k", now=clock(), minutes=5)
    again = sit(quiz, db, clock)
    assert not again.finished and again.remaining() == pytest.approx(5 * 60)


def test_reopening_an_untimed_quiz_with_minutes_is_refused(tmp_path, db, teacher):
    untimed = load_quiz(write_quiz(tmp_path, name="untimed.toml", text=UNTIMED))
    sit(untimed, db, FakeClock()).hand_in()
    with pytest.raises(ActionRefused, match="has no time limit: reopen without --minutes"):
        teacher.reopen("practice", "alice", by="ms.k", now=1000.0, minutes=5)
    assert teacher.reopen("practice", "alice", by="ms.k", now=1000.0).finished_at is None


def test_nothing_to_reopen_is_said(quiz, db, teacher):
    clock = FakeClock()
    sitting = sit(quiz, db, clock)
    with pytest.raises(ActionRefused, match="nothing to reopen: alice is still sitting 'week-3', with 20 minutes left"):
        teacher.reopen("week-3", "alice", by="ms.k", now=clock())
    for problem in list(sitting.problems):
        sitting.answer(right(problem))
    assert sitting.finished_reason == "completed"
    with pytest.raises(ActionRefused, match="answered every question"):
        teacher.reopen("week-3", "alice", by="ms.k", now=clock())


# --- ending for everyone ------------------------------------------------------------------------


@pytest.mark.slow
def test_ending_the_quiz_ends_every_sitting_under_way_within_the_refresh_interval(quiz, db, teacher):
    clock = FakeClock()
    alice, bob = sit(quiz, db, clock, "alice"), sit(quiz, db, clock, "bob")
    alice.answer(right(alice.problems[0]))
    assert teacher.end_quiz("week-3", by="ms.k", now=clock()) == ["alice", "bob"]
    clock.advance(REFRESH_EVERY)
    assert alice.tick() and bob.tick()
    assert alice.finished_reason == bob.finished_reason == ENDED
    assert {s.finish_reason for s in teacher.sittings("week-3")} == {ENDED}
    assert teacher.quiz_end("week-3") == (clock() - REFRESH_EVERY, "ms.k")


@pytest.mark.slow
def test_an_answer_given_after_the_end_is_not_taken_even_before_the_next_read(quiz, db, teacher):
    clock = FakeClock()
    sitting = sit(quiz, db, clock)
    teacher.end_quiz("week-3", by="ms.k", now=clock())
    with pytest.raises(ExamOver, match="your teacher has ended the quiz"):
        sitting.answer(right(sitting.problems[0]))
    assert teacher.answers() == []


@pytest.mark.slow
def test_ending_keeps_the_true_reason_of_a_sitting_whose_time_had_gone(quiz, db, teacher):
    clock = FakeClock()
    sit(quiz, db, clock, "early")
    clock.advance(25 * 60)
    sit(quiz, db, clock, "late")
    ended = teacher.end_quiz("week-3", by="ms.k", now=clock())
    early = teacher.sitting("week-3", "early")
    assert ended == ["late"] and early.finish_reason == "time" and early.finished_at == early.deadline()


def test_a_first_login_after_the_end_finds_the_quiz_over_and_one_reopened_student_carries_on(quiz, db, teacher):
    clock = FakeClock()
    alice = sit(quiz, db, clock, "alice")
    alice.answer(right(alice.problems[0]))
    teacher.end_quiz("week-3", by="ms.k", now=clock())
    clock.advance(30)
    late = sit(quiz, db, clock, "carol")
    assert late.finished and late.finished_reason == ENDED
    teacher.reopen("week-3", "alice", by="ms.k", now=clock())
    again = sit(quiz, db, clock, "alice")
    assert not again.finished and again.current == 1


def test_ending_an_unknown_quiz_names_the_ones_there_are(quiz, db, teacher):
    sit(quiz, db, FakeClock())
    with pytest.raises(ActionRefused, match=r"no student has started a quiz 'week-9' \(quizzes started: week-3\)"):
        teacher.end_quiz("week-9", by="ms.k", now=1000.0)


def test_every_action_is_logged_with_who_and_when(quiz, db, teacher):
    clock = FakeClock()
    sitting = sit(quiz, db, clock)
    teacher.extend("week-3", "alice", 5, by="ms.k", now=1010.0)
    sitting.hand_in()
    teacher.reopen("week-3", "alice", by="mr.j", now=1020.0)
    teacher.end_quiz("week-3", by="ms.k", now=1030.0)
    log = teacher.actions()
    assert [(a.action, a.quiz_id, a.student, a.by, a.at) for a in log] == [
        ("extend", "week-3", "alice", "ms.k", 1010.0),
        ("reopen", "week-3", "alice", "mr.j", 1020.0),
        ("end", "week-3", None, "ms.k", 1030.0),
    ]
    assert log[0].detail.startswith("+5 min: 25 min in all") and "alice" in log[2].detail


# --- one student's data -------------------------------------------------------------------------


@pytest.mark.slow
def test_a_students_record_holds_their_paper_answers_and_sessions_only(quiz, db, teacher):
    clock = FakeClock()
    alice = sit(quiz, db, clock, "alice")
    alice.answer(right(alice.problems[0]))
    sit(quiz, db, clock, "bob").answer("5")
    teacher.session_opened("s1", "alice", "127.0.0.1", "week-3", clock())
    record = teacher.student_record("alice")
    assert [r["student"] for r in record["sittings"]] == ["alice"]
    assert record["sittings"][0]["paper"]["questions"][0]["number"] == 1  # the paper itself, not its JSON text
    assert [(r["question"], r["correct"]) for r in record["answers"]] == [(1, 1)]
    assert [r["id"] for r in record["sessions"]] == ["s1"]
    assert teacher.students() == ["alice", "bob"]


@pytest.mark.slow
def test_deleting_a_student_removes_their_rows_in_every_table_and_no_one_elses(quiz, db, teacher):
    clock = FakeClock()
    sit(quiz, db, clock, "alice").answer("7")
    sit(quiz, db, clock, "bob").answer("7")
    for student in ("alice", "bob"):
        teacher.override_mark("week-3", student, 1, 1.0, by="ms.k", now=clock())
    # A table a later version adds is swept too: it has a student column.
    raw_sql(
        teacher, "CREATE TABLE notes (student TEXT, text TEXT)", "INSERT INTO notes VALUES ('alice', 'x'), ('bob', 'y')"
    )
    deleted = teacher.delete_student("alice", by="ms.k", now=clock())
    assert deleted == {"answers": 1, "mark_overrides": 1, "notes": 1, "sessions": 0, "sittings": 1}
    assert [o.student for o in teacher.overrides("week-3")] == ["bob"]
    assert teacher.student_record("alice")["sittings"] == [] and teacher.students() == ["bob"]
    assert [a.action for a in teacher.actions("alice")] == ["delete"]  # the log keeps that it was done


@pytest.mark.slow
def test_deleting_a_connected_student_is_refused(quiz, db, teacher):
    sit(quiz, db, FakeClock(), "alice")
    teacher.session_opened("s1", "alice", "127.0.0.1", "week-3", 1000.0)
    with pytest.raises(ActionRefused, match="alice is connected now"):
        teacher.delete_student("alice", by="ms.k", now=1001.0)
    assert teacher.sitting("week-3", "alice") is not None


# --- the marked paper ---------------------------------------------------------------------------


KIND_SEEDS = [(kind, seed) for kind in problems.KINDS for seed in range(4)]


@pytest.mark.slow
@pytest.mark.parametrize("kind, seed", KIND_SEEDS)
def test_the_right_answer_read_off_the_working_is_judged_right_for_every_kind(kind, seed):
    problem = problems.generate(kind, seed, difficulty=1 + seed % 3)
    for part in range(len(problem.parts()) or 1):
        answer = right_answer(problem, part, ALL_TAUGHT)
        assert answer is not None, f"{kind} seed {seed} part {part}: no right answer in {problem.solution()!r}"
        verdict = judge(problem, answer, part)
        assert not isinstance(verdict, Slip) and verdict.correct


@pytest.mark.slow
def test_the_marked_paper_shows_right_answers_and_working_once_a_per_student_sitting_is_over(quiz, db):
    sitting = sit(quiz, db, FakeClock())
    sitting.answer(wrong(sitting.problems[0]))
    assert not sitting.working_released()  # still sitting it
    sitting.hand_in()
    paper = sitting.marked_paper()
    assert [q.record.number for q in paper] == [1, 2, 3]
    first = paper[0]
    assert not first.record.correct and first.working == sitting.problems[0].solution()
    assert int(first.right[0]) == int(right(sitting.problems[0]))


@pytest.mark.slow
def test_a_shared_paper_keeps_the_answers_back_until_the_teacher_ends_the_quiz(tmp_path, db, teacher):
    shared = load_quiz(write_quiz(tmp_path, seed="7", name="shared.toml"))
    clock = FakeClock()
    sitting = sit(shared, db, clock)
    sitting.hand_in()
    assert not sitting.working_released() and all(q.right == () and q.working == "" for q in sitting.marked_paper())
    teacher.end_quiz("week-3", by="ms.k", now=clock())
    assert sitting.working_released() and all(q.right for q in sitting.marked_paper())


@pytest.mark.slow
def test_feedback_none_releases_nothing(tmp_path, db):
    quiet = load_quiz(write_quiz(tmp_path, feedback="none", name="quiet.toml"))
    sitting = sit(quiet, db, FakeClock())
    sitting.hand_in()
    assert not sitting.working_released()
