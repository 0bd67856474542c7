"""The report's numbers, checked against the answers actually given, live and from the database."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from convquest.practice.exam import ExamSession, make_paper
from convquest.practice.history import History
from convquest.practice.records import PartRecord, QuestionRecord
from convquest.practice.report import PastSession, Report, mistake_sentence, report_for, sparkline
from tests.practice.practice_oracle import NUMERIC_TOPICS, right_number, wrong_number


def sit(store, clock, plan, *, seed=21, minutes=10, questions=8):
    """Sit an exam through the database hooks; plan[i] is 'right', 'wrong' or None (skipped),
    with 30 s spent on each question. Returns (session id, what was given per question)."""
    history = History(store)
    paper = make_paper(seed, questions, NUMERIC_TOPICS)
    sid = history.start_session("exam", seed, NUMERIC_TOPICS, minutes=minutes, paper=paper)

    def saved(q, part, text, verdict, seconds):
        history.record_answer("exam", sid, q.number, q.topic, part, text, verdict)
        history.update_question(sid, q.number, seconds=seconds)

    exam = ExamSession(paper, minutes, clock=clock, on_answer=saved)
    exam.start()
    given = []
    for i, what in enumerate(plan):
        exam.goto(i)
        clock.advance(30)
        problem = exam.problems[i]
        if what is None:
            given.append(None)
            continue
        text = str((right_number if what == "right" else wrong_number)(problem))
        exam.answer(text)
        given.append((exam.paper.questions[i].topic, problem.check(int(text)), text))
    exam.finish("submitted")
    for q, seconds in zip(paper.questions, exam.seconds):
        history.update_question(sid, q.number, seconds=seconds)
    history.finish_session(sid, "submitted")
    return sid, given, exam


PLAN = ["right", "wrong", "right", None, "wrong", "right", "wrong", None]


def test_score_topics_and_mistakes_match_the_answers_given(store, clock):
    sid, given, _ = sit(store, clock, PLAN)
    report = report_for(History(store), sid)
    right = sum(1 for g in given if g and g[1].correct)
    assert (report.right, report.asked, report.unanswered) == (right, len(PLAN), PLAN.count(None))
    assert report.right == PLAN.count("right")
    # Per topic: asked and right recounted from what was given.
    topics = [q.topic for q in report.questions]
    for line in report.topics():
        asked = [i for i, t in enumerate(topics) if t == line.topic]
        assert line.asked == len(asked)
        assert line.right == sum(1 for i in asked if given[i] and given[i][1].correct)
        assert line.seconds == 30 * len(asked)
    # Mistakes: the engine's keys of the wrong answers, plus one "unanswered" per empty question.
    expected = Counter(g[1].mistake or "other" for g in given if g and not g[1].correct)
    expected["unanswered"] = PLAN.count(None)
    assert {m.key: m.count for m in report.mistakes()} == dict(expected)
    counts = [m.count for m in report.mistakes()]
    assert counts == sorted(counts, reverse=True)


def test_each_wrong_question_comes_with_its_solution_and_diagnosis(store, clock):
    sid, given, exam = sit(store, clock, PLAN)
    report = report_for(History(store), sid)
    wrong = report.wrong()
    assert [q.number for q in wrong] == [i + 1 for i, w in enumerate(PLAN) if w != "right"]
    text = report.render_text()
    for q in wrong:
        problem = exam.problems[q.number - 1]
        assert q.solution == problem.solution()
        assert q.solution.splitlines()[-1].strip() in text
        given_here = given[q.number - 1]
        if given_here is not None:
            assert q.parts[0].answer == given_here[2]
            assert q.parts[0].diagnosis == given_here[1].diagnosis


def test_the_stored_report_equals_the_live_one(store, clock):
    sid, _, exam = sit(store, clock, PLAN)
    live = Report(exam.records(), session_id=sid)
    stored = report_for(History(store), sid)
    assert [(q.number, q.correct, q.mistakes, q.seconds) for q in live.questions] == [
        (q.number, q.correct, q.mistakes, q.seconds) for q in stored.questions
    ]


def test_csv_and_json_exports_carry_the_same_numbers(store, clock):
    sid, _, _ = sit(store, clock, PLAN)
    report = report_for(History(store), sid)
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert len(rows) == len(PLAN)
    assert sum(int(r["correct"]) for r in rows) == report.right
    assert [r["mistake"] for r in rows if r["answer"] == ""] == ["unanswered"] * PLAN.count(None)
    data = json.loads(report.to_json())
    assert data["score"] == {
        "right": report.right,
        "marks": report.right,  # no grid on this paper: a mark is a question right
        "asked": report.asked,
        "unanswered": report.unanswered,
        "accuracy": round(report.right / report.asked, 4),
        "seconds": 240.0,
    }
    assert [m["key"] for m in data["mistakes"]] == [m.key for m in report.mistakes()]


def test_past_sessions_chart_shows_each_sessions_accuracy(store, clock):
    first, _, _ = sit(store, clock, ["right", "wrong", "wrong", "wrong"], seed=1, questions=4)
    second, _, _ = sit(store, clock, ["right", "right", "right", "wrong"], seed=2, questions=4)
    report = report_for(History(store), second)
    assert [(s.id, s.right, s.asked) for s in report.history] == [(first, 1, 4), (second, 3, 4)]
    chart = report.render_text().split("Accuracy over past sessions", 1)[1]
    assert "25% 1/4" in chart and "75% 3/4" in chart
    bars = [line.split("|")[1] for line in chart.splitlines() if line.count("|") == 2]
    assert len(bars) == 2 and len(bars[0]) == len(bars[1]) >= 10
    assert [b.count("#") for b in bars] == [round(0.25 * len(bars[0])), round(0.75 * len(bars[1]))]


def test_the_latest_session_is_reported_by_default(store, clock):
    sit(store, clock, ["right"], seed=1, questions=1)
    second, _, _ = sit(store, clock, ["wrong"], seed=2, questions=1)
    assert report_for(History(store)).session_id == second
    assert report_for(History(store), mode="practice") is None


def test_the_text_report_fits_80_columns(store, clock):
    sid, _, _ = sit(store, clock, PLAN)
    text = report_for(History(store), sid).render_text(width=78)
    assert max(len(line) for line in text.splitlines()) <= 80


def test_a_question_counts_only_when_every_part_is_right():
    parts = (PartRecord("conv", "40", True), PartRecord("dense", "7", False, "misread_the_kernel"))
    q = QuestionRecord(1, "count-params/conv-vs-dense", "count-params", "?", "sol", 5.0, parts)
    half = QuestionRecord(
        2,
        "count-params/conv-vs-dense",
        "count-params",
        "?",
        "sol",
        5.0,
        (PartRecord("conv", "40", True), PartRecord("dense", None, False)),
    )
    report = Report([q, half])
    assert report.right == 0 and report.unanswered == 0
    assert {m.key: m.count for m in report.mistakes()} == {"misread_the_kernel": 1, "unanswered": 1}
    assert mistake_sentence("misread_the_kernel") == "Misread the kernel."  # a key the table lacks


def test_sparkline_and_bars_use_plain_characters_only():
    line = sparkline([0, 0.5, 1])
    assert line[0] == " " and line[-1] == "@" and line.isascii()
    assert PastSession(1, "exam", "2026-01-01T00:00", 0, 0).accuracy == 0.0


def test_every_mistake_key_the_engine_names_has_a_sentence_of_its_own():
    # Grepping the engine's sources for Verdict keys would be brittle; instead ask each size
    # mistake table the engine exports, which is where most keys live.
    from convquest.engine.problems.sizes import MISTAKES
    from convquest.practice.report import MISTAKE_SENTENCES

    assert {m.key for m in MISTAKES} <= set(MISTAKE_SENTENCES)


def test_reset_progress_forgets_exam_sessions_with_their_answers(store, clock):
    # Keeping a session whose answers were deleted would report a false score (0 right).
    sit(store, clock, PLAN)
    history = History(store)
    assert history.latest_session("exam") is not None
    store.set_setting("theme", "light")
    store.reset_progress()
    assert history.latest_session("exam") is None
    assert history.sessions() == []
    assert store.attempts() == []
    assert store.get_setting("theme") == "light"


def test_the_report_lists_the_slips_the_player_keeps_making_with_advice(store, clock):
    for _ in range(3):
        store.record_attempt("padding-2", "9", False, topic="predict-size/padding", mistake="padded_one_side")
    store.record_attempt("padding-2", "8", False, topic="predict-size/padding", mistake="other")
    sit(store, clock, ["right"] * 4, questions=4)
    report = report_for(History(store))
    assert [(r.key, r.count) for r in report.recurring] == [("padded_one_side", 3)]
    text = report.render_text()
    assert "Slips you keep making" in text
    assert "3 x Padded one side only: padding adds p cells on each side, 2p in all." in text
    assert json.loads(report.to_json())["recurring"] == [
        {"key": "padded_one_side", "count": 3, "advice": mistake_sentence("padded_one_side")}
    ]
