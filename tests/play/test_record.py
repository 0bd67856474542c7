"""One Recorder protocol: the progress store, the practice history and the class results take an Answer."""

from __future__ import annotations

from convquest.classroom.results import QuizRecorder, ResultsDB
from convquest.play.record import Answer, Recorder, StarKeeper
from convquest.practice.history import History


def test_the_store_records_answers_and_keeps_stars(store):
    assert isinstance(store, Recorder) and isinstance(store, StarKeeper)
    store.record((Answer("sliding-2", 0, "4", False, "forgot_plus_one", "predict-size/conv", rung=1),))
    [attempt] = store.attempts("sliding-2")
    assert (attempt.answer, attempt.correct, attempt.mistake, attempt.hints, attempt.mode) == (
        "4",
        False,
        "forgot_plus_one",
        1,
        "level",
    )


def test_the_history_records_through_the_store(store):
    history = History(store)
    assert isinstance(history, Recorder)
    history.record((Answer("practice:1:1", 0, "5", True, topic="predict-size/conv", mode="practice", question=1),))
    assert [(a.level_id, a.mode) for a in store.attempts()] == [("practice:1:1", "practice")]


def test_the_class_results_record_a_quiz_answer(tmp_path):
    db = ResultsDB.open(tmp_path / "results.db")
    recorder = QuizRecorder(db, "week-1", "ada", clock=lambda: 100.0)
    assert isinstance(recorder, Recorder)
    recorder.record((Answer("week-1", 0, "7", True, mode="quiz", question=2),))
    [row] = db.answers("week-1", "ada")
    assert (row.question, row.part, row.answer, row.correct, row.at) == (2, 0, "7", True, 100.0)
