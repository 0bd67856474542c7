"""Partial credit on grids: a paper marks a fill-cells question per cell unless told otherwise."""

from __future__ import annotations

import pytest

from convquest.classroom.quiz import load_quiz
from convquest.practice.exam import ExamSession, make_paper
from convquest.practice.records import marks_text
from convquest.practice.report import Report


def grid_text(problem, wrong_cells: int) -> tuple[str, int]:
    """The grid as a student types it, with the first `wrong_cells` cells one off; and its size."""
    values = [int(v) for v in problem.expected.ravel()]
    for i in range(wrong_cells):
        values[i] += 1
    cols = problem.expected.shape[1]
    return "; ".join(" ".join(map(str, values[i : i + cols])) for i in range(0, len(values), cols)), len(values)


@pytest.mark.parametrize("marking", ["per-cell", "all-or-nothing"])
def test_one_wrong_cell_costs_its_share_or_the_whole_mark(marking):
    exam = ExamSession(make_paper(3, 1, ["fill-cells/valid"]), grid_marking=marking)
    text, cells = grid_text(exam.problems[0], 1)
    exam.answer_grid(text)
    [record] = exam.finish()
    expected = (cells - 1) / cells if marking == "per-cell" else 0.0
    assert record.marks == pytest.approx(expected) and not record.correct
    report = Report([record], mode="exam")
    assert report.marks == pytest.approx(expected)
    assert f"Score: {marks_text(expected)}/1" in report.render_text()
    assert report.to_dict()["questions"][0]["marks"] == round(expected, 4)


def test_a_right_grid_is_the_whole_mark_and_other_questions_are_all_or_nothing():
    exam = ExamSession(make_paper(5, 2, ["fill-cells/valid", "predict-size/conv"]))
    for index, problem in enumerate(exam.problems):
        exam.goto(index)
        if problem.kind == "fill-cells":
            exam.answer_grid(grid_text(problem, 0)[0])
    records = exam.finish()
    assert sorted(r.marks for r in records) == [0.0, 1.0]


def test_marks_are_written_as_people_write_them():
    assert marks_text(3.0) == "3" and marks_text(8 / 9) == "0.89"


def test_a_quiz_file_turns_partial_credit_off_and_a_bad_value_is_named(tmp_path):
    from tests.classroom.quiz_helpers import QUIZ

    path = tmp_path / "q.toml"
    path.write_text(
        QUIZ.format(feedback="at-end", seed=1).replace("seed = 1\n", 'seed = 1\ngrid_marking = "all-or-nothing"\n')
    )
    assert load_quiz(path).grid_marking == "all-or-nothing"
    path.write_text(QUIZ.format(feedback="at-end", seed=1))
    assert load_quiz(path).grid_marking == "per-cell"
    path.write_text(QUIZ.format(feedback="at-end", seed=1).replace("seed = 1\n", 'seed = 1\ngrid_marking = "half"\n'))
    from convquest.classroom.quiz import check_quiz_file

    [error] = check_quiz_file(path)
    assert error.file == path and error.field == "quiz.grid_marking" and "all-or-nothing" in str(error)
