"""The exam paper (reproducible from a seed) and the session's timing rules, with a hand-moved clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from convquest.practice.exam import ExamOver, ExamSession, Paper, TimeUp, make_paper
from convquest.practice.topics import all_topics
from tests.practice.practice_oracle import NUMERIC_TOPICS, right_number, wrong_number

ROOT = Path(__file__).resolve().parents[2]


def test_the_same_seed_gives_a_byte_identical_paper():
    assert make_paper(42, 12).to_json() == make_paper(42, 12).to_json()


def test_the_same_seed_gives_the_same_paper_in_another_process():
    # hash() is salted per process: a paper that leaned on it would differ between runs.
    code = "from convquest.practice.exam import make_paper; print(make_paper(7, 15).to_json())"
    outputs = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                              text=True, check=True)
        outputs.add(done.stdout)
    assert outputs == {make_paper(7, 15).to_json() + "\n"}


def test_different_seeds_give_different_papers():
    assert make_paper(1, 10).to_json() != make_paper(2, 10).to_json()


def test_topic_flags_in_any_order_give_the_same_paper():
    a = make_paper(3, 8, ["count-params", "predict-size/stride"])
    b = make_paper(3, 8, ["predict-size/stride", "count-params"])
    assert a.to_json() == b.to_json()
    assert {q.topic for q in a.questions} == {"count-params/conv-vs-dense", "predict-size/stride"}


def test_every_chosen_topic_appears_before_any_repeats():
    topics = all_topics()
    paper = make_paper(11, len(topics) + 3)
    first_round = [q.topic for q in paper.questions[: len(topics)]]
    assert sorted(first_round) == sorted(topics)


def test_a_paper_survives_json_and_rebuilds_the_same_problems():
    paper = make_paper(5, 10)
    again = Paper.from_json(paper.to_json())
    assert again == paper
    for q in again.questions:
        assert q.problem().prompt() == paper.questions[q.number - 1].problem().prompt()


def test_unknown_topics_and_sizes_are_refused_with_what_exists():
    with pytest.raises(ValueError, match="unknown topic 'padding'.*predict-size/padding"):
        make_paper(1, 5, ["padding"])
    with pytest.raises(ValueError, match="between 1 and"):
        make_paper(1, 0)


def test_time_out_hands_in_and_unanswered_questions_count_as_wrong(clock):
    paper = make_paper(9, 5, NUMERIC_TOPICS)
    given = []
    exam = ExamSession(paper, minutes=2, clock=clock, on_answer=lambda *a: given.append(a))
    exam.start()
    exam.answer(str(right_number(exam.problems[0])))
    exam.goto(1)
    clock.advance(50)
    exam.answer(str(wrong_number(exam.problems[1])))
    clock.advance(71)  # 121 s: one past the limit
    assert exam.remaining() == 0
    exam.goto(2)
    with pytest.raises(TimeUp):
        exam.answer(str(right_number(exam.problems[2])))
    assert exam.finished and exam.finished_reason == "time"
    assert len(given) == 2  # the late answer was neither taken nor saved
    records = exam.records()
    assert [q.correct for q in records] == [True, False, False, False, False]
    assert [q.answered for q in records] == [True, True, False, False, False]
    assert records[2].mistakes == ["unanswered"]
    with pytest.raises(ExamOver):
        exam.answer("3")


def test_a_timer_tick_hands_in_without_any_key_pressed(clock):
    exam = ExamSession(make_paper(9, 3, NUMERIC_TOPICS), minutes=1, clock=clock)
    exam.start()
    clock.advance(59.5)
    assert not exam.tick() and not exam.finished
    clock.advance(0.5)
    assert exam.tick() and exam.finished_reason == "time"
    assert not exam.tick()  # only once


def test_time_on_each_question_is_the_time_it_was_on_screen_capped_at_the_limit(clock):
    exam = ExamSession(make_paper(9, 3, NUMERIC_TOPICS), minutes=1, clock=clock)
    exam.start()
    clock.advance(10)
    exam.goto(2)
    clock.advance(15)
    exam.goto(0)
    clock.advance(500)  # left open long past the end
    exam.tick()
    assert exam.seconds == [10 + 35, 0, 15]


def test_changing_an_answer_keeps_the_last_one(clock):
    exam = ExamSession(make_paper(4, 2, NUMERIC_TOPICS), minutes=5, clock=clock)
    exam.start()
    problem = exam.problems[0]
    exam.answer(str(wrong_number(problem)))
    exam.answer(str(right_number(problem)))
    assert exam.finish("submitted")[0].correct


def test_text_that_is_not_an_answer_is_refused_and_not_saved(clock):
    given = []
    exam = ExamSession(make_paper(4, 2, NUMERIC_TOPICS), minutes=5, clock=clock,
                       on_answer=lambda *a: given.append(a))
    with pytest.raises(ValueError):
        exam.answer("seven")
    assert given == [] and exam.unanswered() == [0, 1]


def test_a_verdict_is_kept_for_the_report_but_nothing_says_it_during_the_exam(clock):
    exam = ExamSession(make_paper(4, 1, NUMERIC_TOPICS), minutes=5, clock=clock)
    problem = exam.problems[0]
    given = exam.answer(str(wrong_number(problem)))
    assert given.verdict.correct is False  # stored for the database and the report ...
    assert exam.answered(0)  # ... while the screen can only say "answered"
