"""SIGKILL right after an answer loses nothing the screen showed as judged: the real game in a
pseudo-terminal (80×24, xterm-256color), keys typed into it, the process killed, the data read back.
"""

from __future__ import annotations

import pytest

from tests.hardening.pty_game import CONVQUEST, Game
from tests.hardening.screens import right_number, write_quiz


def first_single_part_size_level():
    from convquest.levels import load_curriculum

    for level in load_curriculum().levels:
        if level.kind == "predict-size" and len(level.problem(0).parts()) == 1:
            return level
    pytest.fail("no single-part predict-size level is shipped; this test needs one")


def test_a_right_answer_survives_sigkill(tmp_path):
    from convquest.store import Store

    level = first_single_part_size_level()
    # The level screen plays seed = attempts so far (0 in a fresh folder): the same problem.
    answer = str(right_number(level.problem(0)))
    data = tmp_path / "data"
    with Game(CONVQUEST + ["--data-dir", str(data), "play", "--level", level.id]) as game:
        game.wait_for("solve now for")  # the level's status line: the screen is up and taking keys
        mark = len(game.output)
        game.type_keys(answer + "\r")
        game.wait_for("Solved:", since=mark)  # "✓ Solved: ★★★ saved.": judged, scored and saved
        game.kill()
    store = Store.open(data)
    try:
        attempts = store.attempts(level.id)
        assert [(a.answer, a.correct) for a in attempts] == [(answer, True)]
        assert store.stars(level.id) == 3  # right first time, no hints
    finally:
        store.close()
    assert not list(data.glob("*.corrupt-*")), "the killed game's database was refused on reopening"


@pytest.mark.slow
def test_a_quiz_answer_survives_sigkill(tmp_path):
    from convquest.classroom.quiz import load_quiz
    from convquest.classroom.results import ResultsDB

    quiz_file = write_quiz(tmp_path)
    quiz = load_quiz(quiz_file)
    first = quiz.paper_for("alice").questions[0]
    from convquest.engine.problems import from_params

    answer = str(right_number(from_params("predict-size", first.params)))
    results = tmp_path / "data" / "classroom.db"
    argv = CONVQUEST + [
        "--data-dir",
        str(tmp_path / "data"),
        "quiz",
        "--file",
        str(quiz_file),
        "--student",
        "alice",
        "--results-db",
        str(results),
    ]
    with Game(argv) as game:
        game.wait_for("question 1 of")
        mark = len(game.output)
        game.type_keys(answer + "\r")
        game.wait_for("right.", since=mark)  # the quiz gives feedback after each answer
        game.kill()
    db = ResultsDB.open(results)
    try:
        rows = db.answers("monkey", "alice")
        assert [(r.question, r.answer, r.correct) for r in rows] == [(1, answer, True)]
    finally:
        db.close()
