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


@pytest.mark.slow
def test_the_same_seed_gives_the_same_paper_in_another_process():
    # hash() is salted per process: a paper that leaned on it would differ between runs.
    code = "from convquest.practice.exam import make_paper; print(make_paper(7, 15).to_json())"
    outputs = set()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert outputs == {make_paper(7, 15).to_json() + "\n"}


def test_different_seeds_give_different_papers():
    assert make_paper(1, 10).to_json() != make_paper(2, 10).to_json()


def test_topic_flags_in_any_order_give_the_same_paper():
    a = make_paper(3, 8, ["count-params", "predict-size/stride"])
    b = make_paper(3, 8, ["predict-size/stride", "count-params"])
    assert a.to_json() == b.to_json()
    assert {q.topic.partition("/")[0] for q in a.questions} == {"count-params", "predict-size"}
    assert {q.topic for q in a.questions if q.topic.startswith("predict-size")} == {"predict-size/stride"}


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
    with pytest.raises(ValueError, match=r"unknown topic 'padding'.*predict-size/padding"):
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
    exam = ExamSession(make_paper(4, 2, NUMERIC_TOPICS), minutes=5, clock=clock, on_answer=lambda *a: given.append(a))
    with pytest.raises(ValueError):
        exam.answer("seven")
    assert given == [] and exam.unanswered() == [0, 1]


def test_a_verdict_is_kept_for_the_report_but_nothing_says_it_during_the_exam(clock):
    exam = ExamSession(make_paper(4, 1, NUMERIC_TOPICS), minutes=5, clock=clock)
    problem = exam.problems[0]
    given = exam.answer(str(wrong_number(problem)))
    assert given.verdict.correct is False  # stored for the database and the report ...
    assert exam.answered(0)  # ... while the screen can only say "answered"


def test_grid_questions_are_recognised_from_their_part_labels():
    from convquest.practice.exam import cell_grid, join_grid, split_grid

    assert cell_grid(["(0,0)", "(0,1)", "(1,0)", "(1,1)"]) == (2, 2)
    assert cell_grid(["(0,0)", "(1,0)"]) == (2, 1)
    assert cell_grid(["(0,1)", "(0,0)"]) is None  # not in reading order: asked one by one
    assert cell_grid(["conv layer", "dense layer"]) is None
    assert cell_grid(["(0,0)"]) is None
    assert split_grid("1 -2; 3,4", 2, 2) == ["1", "-2", "3", "4"]
    assert split_grid("1 2\n3 4\n", 2, 2) == ["1", "2", "3", "4"]
    with pytest.raises(ValueError, match="Type 2 row"):
        split_grid("1 2 3; 4", 2, 2)
    assert join_grid(["1", None, "3", "4"], 2) == "1 ?; 3 4"


def test_a_grid_is_taken_whole_cell_by_cell_or_not_at_all(clock):
    from convquest.practice.exam import cell_grid

    given = []
    paper = make_paper(3, 1, ["fill-cells/valid"])
    exam = ExamSession(paper, 10, clock=clock, on_answer=lambda q, part, text, v, s: given.append((part, text)))
    problem = exam.problems[0]
    rows, cols = cell_grid(problem.parts())
    cells = [str(right_number(problem, p)) for p in range(rows * cols)]
    bad = list(cells)
    bad[-1] = "x"
    with pytest.raises(ValueError, match=r"cell \(\d+,\d+\)"):
        exam.answer_grid("; ".join(" ".join(bad[r * cols : (r + 1) * cols]) for r in range(rows)))
    assert given == []  # one unreadable cell: nothing taken
    wrong = list(cells)
    wrong[0] = str(int(cells[0]) + 1)
    exam.answer_grid("; ".join(" ".join(wrong[r * cols : (r + 1) * cols]) for r in range(rows)))
    assert given == list(enumerate(wrong))  # every cell its own answer, in order
    record = exam.finish()[0]
    assert not record.correct and [p.correct for p in record.parts] == [False] + [True] * (len(cells) - 1)
