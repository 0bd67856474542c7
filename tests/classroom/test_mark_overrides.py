"""`convquest results override`: a teacher's mark for one question, kept with who and when, shown in
every export, never changing the answer; and the results database upgraded to hold it."""

from __future__ import annotations

import csv
import getpass
import io
import json
import sqlite3
import time
from contextlib import closing

import pytest
from quiz_helpers import right, write_quiz, wrong

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import MIGRATIONS, ResultsDB, _statements
from convquest.classroom.sitting import QuizSitting
from convquest.cli import main


@pytest.fixture
def data(tmp_path):
    """alice: Q1 wrong, Q2 right, Q3 not answered."""
    folder = tmp_path / "data"
    quiz = load_quiz(write_quiz(tmp_path))
    db = ResultsDB.open(folder / "classroom.db")
    alice = QuizSitting(quiz, "alice", db)
    alice.answer(wrong(alice.problems[0]))
    alice.answer(right(alice.problems[1]))
    db.close()
    return folder


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def override(capsys, data, *extra) -> tuple[int, str, str]:
    return run(capsys, "results", "override", "--data-dir", str(data), "--quiz", "week-3", "--student", "alice", *extra)


def csv_row(capsys, data) -> dict[str, str]:
    _, out, _ = run(capsys, "results", "--data-dir", str(data), "--format", "csv")
    (row,) = csv.DictReader(io.StringIO(out))
    return row


def test_an_override_changes_the_mark_in_every_export_and_keeps_the_answer(capsys, data):
    before = csv_row(capsys, data)
    started = time.time()
    code, out, _ = override(capsys, data, "--question", "1", "--mark", "1", "--reason", "wrote 7x7, meant 7")
    assert code == 0 and "question 1: mark 1" in out and f"recorded by {getpass.getuser()} at " in out

    row = csv_row(capsys, data)
    assert (row["score"], row["q1_mark"], row["q1_correct"]) == ("2", "1", "0")  # the verdict stands
    assert row["q1_answer"] == before["q1_answer"]  # the answer stands
    assert row["q1_override"].startswith(f"1 (answers earned 0) by {getpass.getuser()} at ")
    assert row["q1_override"].endswith(": wrote 7x7, meant 7")

    _, out, _ = run(capsys, "results", "--data-dir", str(data), "--format", "json")
    (question, *_) = json.loads(out)["quizzes"][0]["students"][0]["answers"]
    assert (question["mark"], question["answered_mark"], question["correct"]) == (1, 0, False)
    assert question["override"]["by"] == getpass.getuser() and question["override"]["reason"] == "wrote 7x7, meant 7"
    with closing(ResultsDB.open(data / "classroom.db")) as db:
        (stored,) = db.overrides("week-3")
    assert started - 1 <= stored.at <= time.time() + 1

    _, out, _ = run(capsys, "results", "--data-dir", str(data))
    assert "2/3" in out and f"✎ mark 1 (answers earned 0) by {getpass.getuser()}" in out

    _, out, _ = run(capsys, "results", "--data-dir", str(data), "--format", "canvas")
    assert list(csv.reader(io.StringIO(out)))[2][-1] == "2"
    _, out, _ = run(capsys, "results", "--data-dir", str(data), "--format", "moodle")
    assert list(csv.reader(io.StringIO(out)))[1][-1] == "2"


def test_a_fractional_mark_and_one_for_a_question_never_answered(capsys, data):
    assert override(capsys, data, "--question", "3", "--mark", "0.5")[0] == 0
    row = csv_row(capsys, data)
    assert (float(row["score"]), float(row["q3_mark"])) == (1.5, 0.5)
    assert (row["q3_answer"], row["q3_correct"]) == ("", "")
    assert float(row["percent"]) == pytest.approx(50)


def test_the_latest_override_counts_and_clear_goes_back_to_the_answers(capsys, data):
    override(capsys, data, "--question", "1", "--mark", "1")
    override(capsys, data, "--question", "1", "--mark", "0.25")
    assert float(csv_row(capsys, data)["q1_mark"]) == 0.25
    code, out, _ = override(capsys, data, "--question", "1", "--clear")
    assert code == 0 and "back to the mark its answers earned" in out
    row = csv_row(capsys, data)
    assert (row["q1_mark"], row["q1_override"], row["score"]) == ("0", "", "1")
    with closing(ResultsDB.open(data / "classroom.db")) as db:
        assert [o.mark for o in db.overrides("week-3")] == [1, 0.25, None]  # every change stays on record


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--quiz", "week-9", "--student", "alice", "--question", "1", "--mark", "1"], "no quiz 'week-9'"),
        (["--quiz", "week-3", "--student", "zed", "--question", "1", "--mark", "1"], "'zed' has not started"),
        (["--quiz", "week-3", "--student", "alice", "--question", "4", "--mark", "1"], "questions 1 to 3"),
        (["--quiz", "week-3", "--student", "alice", "--question", "0", "--mark", "1"], "there is no question 0"),
        (["--quiz", "week-3", "--student", "alice", "--question", "1", "--mark", "1.5"], "from 0 to 1"),
        (["--quiz", "week-3", "--student", "alice", "--question", "1", "--mark", "-1"], "not -1"),
        (["--quiz", "week-3", "--student", "alice", "--question", "1", "--mark", "nan"], "from 0 to 1"),
    ],
)
def test_an_override_that_names_nothing_or_an_impossible_mark_is_refused(capsys, data, argv, said):
    code, out, err = run(capsys, "results", "override", "--data-dir", str(data), *argv)
    assert code == 2 and said in err and out == ""
    known = "week-3" if "week-9" in argv else "alice" if "zed" in argv else None
    assert known is None or known in err  # what there is, to pick from
    with closing(ResultsDB.open(data / "classroom.db")) as db:
        assert db.overrides() == []


def test_an_override_needs_a_mark_or_clear_and_a_database(capsys, data, tmp_path):
    with pytest.raises(SystemExit):
        override(capsys, data, "--question", "1")
    assert "--mark" in capsys.readouterr().err
    code, _, err = run(
        capsys,
        "results",
        "override",
        "--data-dir",
        str(tmp_path / "none"),
        "--quiz",
        "q",
        "--student",
        "a",
        "--question",
        "1",
        "--mark",
        "1",
    )
    assert code == 1 and "no results yet" in err and not (tmp_path / "none" / "classroom.db").exists()


def test_results_alone_still_shows_the_results(capsys, data, monkeypatch):
    monkeypatch.setenv("CONVQUEST_DATA_DIR", str(data))
    code, out, _ = run(capsys, "results")
    assert code == 0 and out.startswith("Quiz week-3")
    code, out, _ = run(capsys, "--data-dir", str(data), "results", "--format", "csv")
    assert code == 0 and out.startswith("quiz,student,")


def test_a_database_from_before_overrides_is_upgraded_with_its_answers_kept(tmp_path):
    path = tmp_path / "classroom.db"
    older = MIGRATIONS.index(next(m for m in MIGRATIONS if "mark_overrides" in m))
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:older]:
        for statement in _statements(migration):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {older}")
    conn.execute(
        "INSERT INTO answers (quiz_id, student, question, part, answer, correct, mistake, at) "
        "VALUES ('q', 'ann', 1, 0, '5', 0, 'off_by_one', 1.0)"
    )
    conn.close()
    with closing(ResultsDB.open(path)) as db:
        assert [a.answer for a in db.answers()] == ["5"]
        db.override_mark("q", "ann", 1, 1.0, by="teacher", now=2.0)
        assert [(o.student, o.mark, o.by) for o in db.overrides()] == [("ann", 1.0, "teacher")]
