"""The class results mark a grid per cell unless the sitting was started all-or-nothing: shown in the
teacher's progress and the table, CSV and JSON exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from convquest.classroom.export import to_csv, to_json, to_table
from convquest.classroom.progress import quiz_progress
from convquest.classroom.results import NewAnswer, ResultsDB

CELLS = [f"({r},{c})" for r in range(3) for c in range(3)]


def sat(db: ResultsDB, student: str, marking: str) -> None:
    db.start_sitting(
        quiz_id="grids",
        student=student,
        title="Grids",
        paper=json.dumps({"questions": [{"topic": "fill-cells/valid"}, {"topic": "predict-size/conv"}]}),
        labels=[CELLS, ["answer"]],
        minutes=None,
        feedback="at-end",
        now=0.0,
        grid_marking=marking,
    )
    answers = [NewAnswer(1, part, "1", part != 0, None if part else "product_off") for part in range(9)]
    db.record_answers("grids", student, answers + [NewAnswer(2, 0, "5", True, None)], now=10.0)


@pytest.mark.parametrize("marking,score,shown", [("per-cell", 1 + 8 / 9, "1.89"), ("all-or-nothing", 1.0, "1")])
def test_one_wrong_cell_in_the_teachers_view_and_every_export(tmp_path, marking, score, shown):
    db = ResultsDB.open(tmp_path / "classroom.db")
    sat(db, "ada", marking)
    [progress] = quiz_progress(db, "grids", now=20.0)
    assert progress.score == pytest.approx(score)
    quizzes = [("grids", "Grids", [progress])]
    table = to_table(quizzes, now=20.0)
    assert f"{shown}/2" in table
    # The grid's own line says what it earned when that is a share: ✗ alone reads as nothing.
    [grid_line] = [line for line in table.splitlines() if line.strip().startswith("Q1 ")]
    assert grid_line.split()[:2] == ["Q1", "✗"]
    assert ("mark 0.89:" in grid_line) == (marking == "per-cell")
    [row] = list(csv.DictReader(io.StringIO(to_csv(quizzes, now=20.0))))
    assert row["score"] == shown
    assert json.loads(to_json(quizzes, now=20.0))["quizzes"][0]["students"][0]["score"] == pytest.approx(score)
    db.close()
