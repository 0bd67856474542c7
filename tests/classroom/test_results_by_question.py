"""`convquest results --by-question`: each question across the class, checked against the answers
the students gave and the engine's verdicts on them."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest
from quiz_helpers import right, write_quiz, wrong
from test_grid_marks_results import sat

from convquest.classroom.progress import question_stats, quiz_progress
from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.classroom.sitting import QuizSitting
from convquest.cli import main
from convquest.practice.report import mistake_sentence

# What each student types for Q1..Q3: r right, w wrong, None skipped (the sitting stays open).
PLAN = {"ann": "rrw", "ben": "wr-", "cal": "ww-", "dee": "r--"}


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "data"
    quiz = load_quiz(write_quiz(tmp_path, seed="5"))  # one paper for all: the same wrong answer, the same mistake
    db = ResultsDB.open(folder / "classroom.db")
    for student, plan in PLAN.items():
        sitting = QuizSitting(quiz, student, db)
        for number, letter in enumerate(plan):
            if letter != "-":
                sitting.goto(number)
                problem = sitting.problems[number]
                sitting.answer(right(problem) if letter == "r" else wrong(problem))
    mistakes = [Counter() for _ in range(3)]
    for row in db.answers("week-3"):
        if not row.correct:
            mistakes[row.question - 1][row.mistake or "other"] += 1
    db.close()
    return folder, mistakes


def by_question(capsys, folder, *extra) -> str:
    code = main(["results", "--data-dir", str(folder), "--by-question", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_json_counts_the_answered_the_right_and_the_commonest_mistakes(capsys, data):
    folder, mistakes = data
    (quiz,) = json.loads(by_question(capsys, folder, "--format", "json"))["quizzes"]
    assert quiz["students"] == len(PLAN)
    for n, question in enumerate(quiz["questions"]):
        letters = [plan[n] for plan in PLAN.values()]
        answered, right_ = sum(c != "-" for c in letters), letters.count("r")
        assert (question["students"], question["answered"], question["right"]) == (len(PLAN), answered, right_)
        assert question["percent_right"] == pytest.approx(100 * right_ / answered, abs=0.01)
        assert question["mean_mark"] == pytest.approx(right_ / len(PLAN), abs=0.0001)
        assert [(m["key"], m["count"]) for m in question["mistakes"]] == sorted(
            mistakes[n].items(), key=lambda kv: (-kv[1], kv[0])
        )
        assert all(m["words"] == mistake_sentence(m["key"]) for m in question["mistakes"])


def test_the_table_gives_percent_right_and_mistakes_in_words(capsys, data):
    folder, mistakes = data
    lines = by_question(capsys, folder).splitlines()
    assert lines[0] == "Quiz week-3: Week 3: sizes, by question (4 students)"
    q1 = lines.index(next(line for line in lines if line.startswith("Q1 ")))
    assert "4 of 4 answered, 50% right, mean mark 0.50" in lines[q1]
    (key, count), *_ = sorted(mistakes[0].items(), key=lambda kv: (-kv[1], kv[0]))
    assert lines[q1 + 1].startswith(f"   {count}× {key}: {mistake_sentence(key)[:40]}")
    assert any(line.startswith("Q3 ") and "1 of 4 answered, 0% right" in line for line in lines)


def test_csv_has_a_row_per_question(capsys, data):
    folder, mistakes = data
    rows = list(csv.DictReader(io.StringIO(by_question(capsys, folder, "--format", "csv"))))
    assert [(r["question"], r["answered"], r["right"], r["percent_right"]) for r in rows] == [
        ("1", "4", "2", "50"),
        ("2", "3", "2", "66.7"),
        ("3", "1", "0", "0"),
    ]
    (key, count), *_ = sorted(mistakes[0].items(), key=lambda kv: (-kv[1], kv[0]))
    assert (rows[0]["mistake1"], rows[0]["mistake1_count"], rows[0]["mistake1_words"]) == (
        key,
        str(count),
        mistake_sentence(key),
    )
    assert rows[0]["mistake2"] == ""  # one kind of mistake on Q1: the other columns stay empty


def test_a_gradebook_format_by_question_is_refused(capsys, data):
    folder, _ = data
    assert main(["results", "--data-dir", str(folder), "--by-question", "--format", "canvas"]) == 2
    assert "--by-question writes table, csv, json" in capsys.readouterr().err


@pytest.mark.parametrize(("marking", "right_share"), [("per-cell", 8 / 9), ("all-or-nothing", 0.0)])
def test_a_grid_marked_per_cell_is_right_by_its_share_of_cells(tmp_path, marking, right_share):
    db = ResultsDB.open(tmp_path / "classroom.db")
    sat(db, "ada", marking)  # one wrong cell of nine, and Q2 right
    grid, single = question_stats(quiz_progress(db, "grids", now=20.0))
    assert grid.percent_right == pytest.approx(100 * right_share)
    assert grid.mistakes == (("product_off", 1),)
    assert single.percent_right == 100
    db.close()
