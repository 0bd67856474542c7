"""`convquest results` in each format, checked against the answers the students gave."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from quiz_helpers import right, write_quiz, wrong

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.classroom.sitting import QuizSitting
from convquest.cli import main
from tests.practice.practice_oracle import FakeClock


@pytest.fixture
def given(tmp_path):
    """alice finishes (right, wrong, right) in 5 minutes; bob answers Q1 wrong and is still going."""
    data = tmp_path / "data"
    quiz = load_quiz(write_quiz(tmp_path))
    db = ResultsDB.open(data / "classroom.db")
    clock = FakeClock(start=time.time() - 600)
    alice = QuizSitting(quiz, "alice", db, clock=clock)
    answers = {"alice": [right(alice.problems[0]), wrong(alice.problems[1]), right(alice.problems[2])]}
    for text in answers["alice"]:
        clock.advance(100)
        alice.answer(text)
    bob = QuizSitting(quiz, "bob", db, clock=clock)
    answers["bob"] = [wrong(bob.problems[0])]
    bob.answer(answers["bob"][0])
    db.close()
    return data, answers


def results(capsys, data, *extra) -> tuple[int, str, str]:
    code = main(["results", "--data-dir", str(data), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_has_one_row_per_student_with_every_answer(capsys, given):
    data, answers = given
    code, out, _ = results(capsys, data, "--format", "csv")
    assert code == 0
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(out))}
    alice, bob = rows["alice"], rows["bob"]
    assert [alice[f"q{n}_answer"] for n in (1, 2, 3)] == answers["alice"]
    assert [alice[f"q{n}_correct"] for n in (1, 2, 3)] == ["1", "0", "1"]
    assert (alice["score"], alice["questions"], alice["status"]) == ("2", "3", "completed")
    assert float(alice["seconds"]) == pytest.approx(300, abs=1)
    assert [bob[f"q{n}_answer"] for n in (1, 2, 3)] == [answers["bob"][0], "", ""]
    assert [bob[f"q{n}_correct"] for n in (1, 2, 3)] == ["0", "", ""]
    assert (bob["score"], bob["status"], bob["ended"]) == ("0", "in progress", "")


def test_json_has_every_part_with_its_verdict(capsys, given):
    data, answers = given
    code, out, _ = results(capsys, data, "--format", "json", "--quiz", "week-3")
    assert code == 0
    (quiz,) = json.loads(out)["quizzes"]
    assert (quiz["id"], quiz["title"]) == ("week-3", "Week 3: sizes")
    students = {s["student"]: s for s in quiz["students"]}
    alice = students["alice"]
    assert [q["parts"][0]["answer"] for q in alice["answers"]] == answers["alice"]
    assert [q["correct"] for q in alice["answers"]] == [True, False, True]
    assert alice["answers"][1]["parts"][0]["mistake"]  # the engine's diagnosis key travels too
    assert [q["state"] for q in students["bob"]["answers"]] == ["wrong", "open", "open"]
    unanswered = students["bob"]["answers"][1]["parts"][0]
    assert (unanswered["answer"], unanswered["correct"], unanswered["at"]) == (None, None, None)
    assert unanswered["label"]


def test_the_table_reads_per_student_and_per_question(capsys, given):
    data, answers = given
    code, out, _ = results(capsys, data)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Quiz week-3: Week 3: sizes (3 questions, 2 students)"
    alice = next(i for i, line in enumerate(lines) if line.startswith("alice "))
    assert "2/3" in lines[alice] and "5:00" in lines[alice] and "completed" in lines[alice]
    assert [line.split()[:3] for line in lines[alice + 1 : alice + 4]] == [
        ["Q1", "✓", answers["alice"][0]],
        ["Q2", "✗", answers["alice"][1]],
        ["Q3", "✓", answers["alice"][2]],
    ]
    bob = next(i for i, line in enumerate(lines) if line.startswith("bob "))
    assert "0/3" in lines[bob] and "in progress" in lines[bob]
    assert lines[bob + 2].split()[:2] == ["Q2", "·"] and "(no answer)" in lines[bob + 2]


def test_output_to_a_file(capsys, given, tmp_path):
    data, answers = given
    target = tmp_path / "out.csv"
    code, out, err = results(capsys, data, "--format", "csv", "--output", str(target))
    assert code == 0 and out == "" and str(target) in err
    assert answers["alice"][0] in target.read_text(encoding="utf-8")


def test_an_unknown_quiz_or_no_database_is_said_plainly(capsys, given, tmp_path):
    data, _ = given
    code, _, err = results(capsys, data, "--quiz", "week-9")
    assert code == 1 and "no results for quiz 'week-9'" in err and "week-3" in err
    empty = tmp_path / "empty"
    code, _, err = results(capsys, empty)
    assert code == 1 and "no results yet" in err
    assert not (empty / "classroom.db").exists()  # looking did not create it
