"""`convquest quiz preview FILE --student ID`: the very paper that student sits, with its answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from quiz_helpers import write_quiz

from convquest.classroom.quiz import check_quiz_file, load_quiz
from convquest.classroom.results import ResultsDB
from convquest.classroom.sitting import QuizSitting
from convquest.cli import main

FILL = """
[quiz]
id = "grids"
title = "Grids"

[[question]]
kind = "fill-cells"
variant = "strided"
difficulty = 2

[[question]]
kind = "predict-size"
variant = "network"
difficulty = 2
"""


def preview(capsys, path, student: str) -> tuple[int, str, str]:
    db = Path(path).parent / "classroom.db"
    code = main(["quiz", "preview", str(path), "--student", student, "--results-db", str(db)])
    out, err = capsys.readouterr()
    return code, out, err


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_preview_is_the_paper_the_student_sits_with_each_answer(tmp_path, capsys):
    path = write_quiz(tmp_path)
    code, out, err = preview(capsys, path, "alice")
    assert (code, err) == (0, "")
    db = ResultsDB.open(tmp_path / "classroom.db")
    try:
        sat = QuizSitting(load_quiz(path), "alice", db).problems  # what her quiz screen will ask
    finally:
        db.close()
    assert out.startswith("Week 3: sizes (week-3): the paper of alice\n")
    for number, problem in enumerate(sat, start=1):
        assert f"Q{number}. " in out
        assert flat(problem.prompt()) in flat(out)
        # The answer with its working, as the engine writes it, indented under the question.
        assert all(f"    {line}" in out for line in problem.solution().splitlines())
    assert out.index("Q1. ") < out.index("Q2. ") < out.index("Q3. ")
    assert max(map(len, out.splitlines())) <= 80


def test_once_started_the_stored_paper_is_the_one_shown(tmp_path, capsys):
    path = write_quiz(tmp_path)
    db = ResultsDB.open(tmp_path / "classroom.db")
    try:
        sat = QuizSitting(load_quiz(path), "alice", db).problems  # alice starts, then the file changes
    finally:
        db.close()
    path.write_text(path.read_text(encoding="utf-8").replace("i = 9\n", "i = 21\n"), encoding="utf-8")
    assert load_quiz(path).paper_for("alice").questions[0].params["i"] == 21
    code, out, _ = preview(capsys, path, "alice")
    assert code == 0
    assert "alice started this quiz on " in out and "the paper stored then, not the file's" in flat(out)
    assert flat(sat[0].prompt()) in flat(out) and "21×21" not in out
    assert "Every student's" not in out  # the file's shapes may no longer be hers
    # Bob has not started: his paper is the file's as it is now.
    assert "A 21×21 input" in preview(capsys, path, "bob")[1]


def test_each_student_has_their_own_paper_and_always_the_same_one(tmp_path, capsys):
    path = write_quiz(tmp_path)
    alice = preview(capsys, path, "alice")[1]
    assert preview(capsys, path, "alice")[1] == alice
    bob = preview(capsys, path, "bob")[1]
    assert bob != alice and bob.startswith("Week 3: sizes (week-3): the paper of bob\n")
    # Per student: the preview names the shape every student's question shares.
    assert "Every student's Q3: predict-size/transposed:" in alice


def test_a_grid_question_shows_its_grids_and_a_network_its_answer_boxes(tmp_path, capsys):
    path = write_quiz(tmp_path, text=FILL)
    code, out, _ = preview(capsys, path, "chen")
    assert code == 0
    fill, network = (q.problem() for q in load_quiz(path).paper_for("chen").questions)
    rows = fill.params()["input"]
    assert f"input ({len(rows)}×{len(rows[0])})" in out
    assert all(" ".join(map(str, row)) in out for row in rows)
    assert "How to answer: type the whole" in out
    assert "Answer boxes: " + ", ".join(network.parts()) in out


def test_a_fixed_seed_paper_is_everyones(tmp_path, capsys):
    path = write_quiz(tmp_path, seed="7")
    alice, bob = (preview(capsys, path, s)[1] for s in ("alice", "bob"))
    assert "seed 7: every student gets this paper" in flat(alice)
    assert alice.splitlines()[1:] == bob.splitlines()[1:]
    assert "Every student's" not in alice


def test_a_bad_quiz_file_gets_the_checkers_messages_and_exit_1(tmp_path, capsys):
    broken = write_quiz(
        tmp_path, text=FILL.replace('variant = "network"', 'variant = "networks"').replace("= 2\n", "= 5\n", 1)
    )
    expected = [str(e) for e in check_quiz_file(broken)]
    assert len(expected) == 2  # the difficulty of question 1, the variant of question 2
    code, out, err = preview(capsys, broken, "alice")
    assert (code, out) == (1, "")
    assert err.splitlines() == ["convquest quiz preview: the quiz file has 2 problem(s):", *expected]
    assert "question 1: field 'difficulty'" in err and "question 2: field 'variant'" in err
    code, out, err = preview(capsys, tmp_path / "missing.toml", "alice")
    assert (code, out) == (1, "") and "missing.toml: cannot be read" in err


def test_a_student_id_no_login_could_have_is_refused(tmp_path, capsys):
    code, out, err = preview(capsys, write_quiz(tmp_path), "../alice")
    assert (code, out) == (2, "") and "cannot be a student id" in err


def test_preview_is_a_quiz_command(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["quiz", "--help"])
    assert exited.value.code == 0
    assert "preview" in capsys.readouterr().out
