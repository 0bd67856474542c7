"""`convquest class extend|reopen|end` and `convquest student export|delete` as a teacher types
them: what they say, what they change, what they refuse, and the confirmation before a delete."""

from __future__ import annotations

import getpass
import io
import json
import sqlite3
import zipfile

import pytest
from quiz_helpers import right, write_quiz

from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import ResultsDB
from convquest.classroom.sitting import QuizSitting
from convquest.cli import main
from convquest.store import Store


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def class_db(tmp_path, data):
    """alice and bob have started week-3 (a 20-minute quiz); alice answered Q1 and handed in."""
    quiz = load_quiz(write_quiz(tmp_path))
    db = ResultsDB.open(data / "classroom.db")
    alice = QuizSitting(quiz, "alice", db)
    alice.answer(right(alice.problems[0]))
    alice.hand_in()
    QuizSitting(quiz, "bob", db)
    yield db
    db.close()


class Terminal(io.StringIO):
    """Standard input as a terminal; what is typed comes from the patched input()."""

    def isatty(self) -> bool:
        return True


def run(data, *words):
    return main([*words, "--data-dir", str(data)])


def test_extend_gives_one_student_more_time_and_says_until_when(data, class_db, capsys):
    assert run(data, "class", "extend", "bob", "+10") == 0
    said = capsys.readouterr().out
    assert said.startswith("bob has 10 more minutes on 'week-3': 30 in all, until ")
    assert class_db.sitting("week-3", "bob").extra_minutes == 10
    assert [(a.action, a.by) for a in class_db.actions()] == [("extend", getpass.getuser())]


def test_extend_a_handed_in_sitting_says_to_reopen_it(data, class_db, capsys):
    assert run(data, "class", "extend", "alice", "10", "--quiz", "week-3") == 1
    err = capsys.readouterr().err
    assert err.startswith("convquest class extend: alice's sitting of 'week-3' is over (handed in at ")
    assert "convquest class reopen alice --quiz week-3 --minutes 10" in err


def test_reopen_lets_a_handed_in_student_carry_on(data, class_db, capsys):
    assert run(data, "class", "reopen", "alice") == 0
    assert "reopened alice's sitting of 'week-3'" in capsys.readouterr().out
    assert class_db.sitting("week-3", "alice").finished_at is None
    assert run(data, "class", "reopen", "alice") == 1
    assert "nothing to reopen: alice is still sitting 'week-3'" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize(
    "words, said",
    [
        (("class", "reopen", "zoe"), "'zoe' has not started quiz 'week-3' (students who have: alice, bob)"),
        (("class", "end", "--quiz", "week-9", "--yes"), "no student has started a quiz 'week-9'"),
        (("student", "export", "zoe"), "no data kept for a student 'zoe'"),
        (("student", "delete", "../../etc", "--yes"), "cannot be a student id"),
    ],
)
def test_unknown_students_and_quizzes_are_refused_by_name(data, class_db, capsys, words, said):
    assert run(data, *words) in (1, 2)
    assert said in capsys.readouterr().err


def test_no_database_says_which_data_dir_to_give(tmp_path, capsys):
    assert run(tmp_path / "empty", "class", "end", "--yes") == 2
    assert "does not exist (give the same --data-dir as `convquest serve`)" in capsys.readouterr().err


def test_end_asks_first_and_ends_every_open_sitting(data, class_db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run(data, "class", "end") == 2  # no terminal to ask on: nothing done
    assert "give --yes" in capsys.readouterr().err and class_db.quiz_end("week-3") is None
    answers = iter(["n", "y"])
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("builtins.input", lambda question: next(answers))
    assert run(data, "class", "end") == 1  # "n"
    assert "nothing was changed" in capsys.readouterr().err and class_db.quiz_end("week-3") is None
    assert run(data, "class", "end") == 0  # "y"
    assert "1 sitting(s) ended (bob)" in capsys.readouterr().out
    assert class_db.sitting("week-3", "bob").finish_reason == "ended"


def make_progress(data, student="alice"):
    """The student's own progress folder, as `serve` gives each student (a progress.db in WAL)."""
    Store.open(data / "students" / student).close()
    return data / "students" / student


def test_export_writes_a_private_zip_of_results_and_progress(data, class_db, tmp_path, capsys):
    folder = make_progress(data)
    out = tmp_path / "out" / "alice.zip"
    assert run(data, "student", "export", "alice", "-o", str(out)) == 0
    assert out.stat().st_mode & 0o077 == 0
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        document = json.loads(archive.read("alice/results.json"))
        (out.parent / "copy.db").write_bytes(archive.read("alice/progress/progress.db"))
        paper = archive.read("alice/week-3.txt").decode()
    assert "alice/progress/progress.db" in names and not any(n.endswith(("-wal", "-shm")) for n in names)
    # The marked paper to read: alice handed in with Q1 right, so Q2 and Q3 show their right answers.
    first, *questions = paper.split("\n\nQ")
    assert first.startswith("Week 3: sizes — handed in at ") and first.endswith("Score: 1 of 3")
    assert [q[:3] for q in questions] == ["1 ✓", "2 ✗", "3 ✗"]
    assert "Your answer: (no answer) ✗\nRight answer: " in questions[1] and "Working:" in questions[1]
    assert document["student"] == "alice" and document["exported_by"] == getpass.getuser()
    results = document["results"]
    assert [s["student"] for s in results["sittings"]] == ["alice"] and len(results["answers"]) == 1
    with sqlite3.connect(out.parent / "copy.db") as copy, sqlite3.connect(folder / "progress.db") as live:
        tables = "SELECT name FROM sqlite_master ORDER BY name"
        assert copy.execute(tables).fetchall() == live.execute(tables).fetchall()
    assert run(data, "student", "export", "alice", "-o", str(out)) == 2  # not over a file without --force
    assert "--force" in capsys.readouterr().err
    assert [a.action for a in class_db.actions("alice")] == ["export"]


def test_delete_asks_then_removes_the_folder_and_every_row(data, class_db, capsys, monkeypatch):
    folder = make_progress(data)
    monkeypatch.setattr("sys.stdin", Terminal())
    asked = []
    monkeypatch.setattr("builtins.input", lambda question: asked.append(question) or "yes")
    assert run(data, "student", "delete", "alice") == 0
    assert "This cannot be undone" in asked[0] and str(folder) in asked[0] and "1 answers" in asked[0]
    assert not folder.exists() and class_db.student_record("alice")["answers"] == []
    assert class_db.sitting("week-3", "bob") is not None
    assert capsys.readouterr().out.startswith("deleted alice's data: progress folder")


def test_delete_is_refused_while_the_student_is_connected(data, class_db, capsys):
    folder = make_progress(data)
    class_db.session_opened("s1", "alice", "127.0.0.1", "week-3", 1000.0)
    assert run(data, "student", "delete", "alice", "--yes") == 1
    assert "alice is connected now" in capsys.readouterr().err
    assert folder.exists() and class_db.sitting("week-3", "alice") is not None


def test_export_to_dash_writes_the_zip_to_standard_output_and_says_so_on_stderr(
    data, class_db, tmp_path, capsys, monkeypatch
):
    from tests.classroom.stdout_pipe import Pipe

    make_progress(data)
    monkeypatch.chdir(tmp_path)
    pipe = Pipe()
    monkeypatch.setattr("sys.stdout", pipe)
    assert run(data, "student", "export", "alice", "-o", "-") == 0
    with zipfile.ZipFile(io.BytesIO(pipe.bytes)) as archive:
        assert json.loads(archive.read("alice/results.json"))["student"] == "alice"
        assert "alice/progress/progress.db" in archive.namelist()
    assert "wrote a zip to standard output: alice's results" in capsys.readouterr().err
    assert not (tmp_path / "-").exists()
    assert [a.detail for a in class_db.actions("alice")] == ["exported to standard output"]
    monkeypatch.setattr("sys.stdout", Pipe(terminal=True))
    assert run(data, "student", "export", "alice", "-o", "-") == 2
    assert "will not write a zip to a terminal" in capsys.readouterr().err
    assert len(class_db.actions("alice")) == 1  # a refused export is not logged
    monkeypatch.undo()
    with pytest.raises(SystemExit):
        main(["student", "export", "--help"])
    assert "'-': standard output" in " ".join(capsys.readouterr().out.split())
