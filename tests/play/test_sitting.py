"""The one sitting protocol: the exam and the quiz answer, count and end the same way, without a screen."""

from __future__ import annotations

import pytest

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.classroom.sitting import QuizSitting
from convquest.play.sitting import AlreadyAnswered, Given, Sitting, SittingOver, grid_verdict_text
from convquest.practice.exam import ExamSession, cell_grid, join_grid, make_paper
from convquest.ui.sitting_screen import answer_boxes, head_text, nav_text
from tests.classroom.quiz_helpers import right, write_quiz, wrong
from tests.practice.practice_oracle import NUMERIC_TOPICS, FakeClock


@pytest.fixture
def db(tmp_path):
    opened = ResultsDB.open(tmp_path / "classroom.db")
    yield opened
    opened.close()


def exam(clock: FakeClock) -> ExamSession:
    session = ExamSession(make_paper(5, 3, NUMERIC_TOPICS), 10, clock=clock)
    session.start()
    return session


def quiz(tmp_path, db, clock: FakeClock) -> QuizSitting:
    return QuizSitting(load_quiz(write_quiz(tmp_path)), "alice", db, clock=clock)


def test_both_sittings_are_one_protocol(tmp_path, db):
    sittings: list[Sitting] = [exam(FakeClock()), quiz(tmp_path, db, FakeClock())]
    assert all(isinstance(sitting, Sitting) for sitting in sittings)  # every member the screen reads
    assert [s.final for s in sittings] == [False, True]
    assert [s.noun for s in sittings] == ["paper", "quiz"]


def test_an_exam_answer_changes_until_hand_in_and_a_quiz_answer_is_final(tmp_path, db):
    clock = FakeClock()
    paper, sitting = exam(clock), quiz(tmp_path, db, clock)
    for s in (paper, sitting):
        first = s.problems[0]
        s.answer(wrong(first))
        assert s.answered(0) and s.answered_count() == 1 and s.open_parts(0) == []
    paper.goto(0)
    assert paper.answer(right(paper.problems[0])).verdict.correct  # changed: the later answer counts
    sitting.goto(0)
    with pytest.raises(AlreadyAnswered):
        sitting.answer(right(sitting.problems[0]))
    assert [r.correct for r in db.answers()] == [False]  # the quiz kept the first, as written down
    assert paper.hand_in()[0].correct
    with pytest.raises(SittingOver):
        paper.answer("3")


def test_the_header_gives_way_to_the_time_left_and_names_the_student(tmp_path, db):
    clock = FakeClock()
    paper, sitting = exam(clock), quiz(tmp_path, db, clock)
    assert head_text(paper) == "Exam · question 1 of 3 · answered 0 · 10:00 left"
    assert head_text(sitting) == "Week 3: sizes · alice · question 1 of 3 · answered 0 · 20:00 left"
    narrow = head_text(sitting, 50)
    assert len(narrow) <= 50 and narrow.endswith("20:00 left")
    paper.answer(right(paper.problems[0]))
    paper.goto(1)
    assert nav_text(paper) == " 1* [2 ] 3  "


def test_a_grid_is_one_box_marked_per_cell_and_locked_once_given_in_a_quiz(tmp_path, db):
    text = (
        '[quiz]\nid = "grid"\ntitle = "Grid"\nseed = 3\nfeedback = "after-each"\n'
        '[[question]]\nkind = "fill-cells"\nvariant = "valid"\n'
        '[[question]]\nkind = "predict-size"\nvariant = "conv"\n'
    )
    sitting = QuizSitting(load_quiz(write_quiz(tmp_path, text=text)), "bob", db, clock=FakeClock())
    problem = sitting.problems[0]
    cells = [right(problem, p) for p in range(len(problem.parts()))]
    cells[0] = wrong(problem, 0)
    (box,) = answer_boxes(sitting)
    assert box.id == "sitting-grid-0" and not box.disabled
    given = sitting.answer_grid(join_grid(cells, cell_grid(problem.parts())[1]))
    assert all(isinstance(g, Given) for g in given)
    said = grid_verdict_text(1, given)
    assert said.startswith(f"Q1: ✗ {len(cells) - 1} of {len(cells)} cells right; the first wrong one:")
    sitting.goto(0)
    assert answer_boxes(sitting)[0].disabled
    marks, total = sitting.score()
    assert (round(marks * len(cells)), total) == (len(cells) - 1, 2)  # per cell: 8 of 9 is 8/9 of a mark
