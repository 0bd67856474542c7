"""The class results in SQLite and in PostgreSQL: every ResultsDB method gives the same on both,
answers are one row per part however often they are sent, deadlines go by the database's clock,
and `results`, the exports, the teacher controls and the teacher's view read either."""

from __future__ import annotations

import json
import sqlite3
import time
import types

import pytest
from quiz_helpers import right, write_quiz, wrong

from convquest.classroom import backends
from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import MIGRATIONS, ActionRefused, NewAnswer, ResultsDB, ResultsUnavailable
from convquest.classroom.sitting import QuizSitting
from convquest.cli import main
from tests.practice.practice_oracle import FakeClock


def scenario(db: ResultsDB) -> list[object]:
    """Every method, in the order a class uses them, with what each returned or refused."""
    seen: list[object] = []

    def refused(call) -> None:
        with pytest.raises(ActionRefused) as caught:
            call()
        seen.append(str(caught.value))

    start = dict(paper='{"q": 1}', labels=[("answer",), ("height", "width")], feedback="at-end")
    seen.append(db.start_sitting(quiz_id="week-3", student="alice", title="Week 3", minutes=20, now=1000.25, **start))
    # A second start (a reconnect) changes nothing: the first paper, title and clock stand.
    seen.append(db.start_sitting(quiz_id="week-3", student="alice", title="Other", minutes=5, now=2000.0, **start))
    seen.append(db.start_sitting(quiz_id="week-3", student="bob", title="Week 3", minutes=20, now=1010.5, **start))
    seen.append(db.start_sitting(quiz_id="open", student="alice", title="Open", minutes=None, now=3000.0, **start))
    db.record_answers("week-3", "alice", [NewAnswer(1, 0, "7", True, None)], now=1100.125)
    db.record_answers(
        "week-3",
        "alice",
        [NewAnswer(1, 0, "8", False, "off"), NewAnswer(2, 0, "3", True, None), NewAnswer(2, 1, "4", False, "swap")],
        now=1200.0,
    )
    db.record_answers("week-3", "bob", [NewAnswer(1, 0, "6", False, "kernel")], now=1300.0)
    seen += [db.answers(), db.answers(after=2), db.answers("week-3", "alice"), db.answers(student="bob")]
    seen += [db.quizzes(), db.sittings(), db.sittings("week-3"), db.sitting("week-3", "carol")]
    seen.append(db.override_mark("week-3", "alice", 2, 0.5, by="ms.k", now=1400.0, reason="half"))
    seen.append(db.override_mark("week-3", "alice", 2, None, by="ms.k", now=1401.0))
    seen += [db.overrides(), db.overrides("week-3", after=1), db.overrides("open")]
    db.session_opened("s1", "alice", "10.0.0.1:5000", "week-3", 1000.0)
    db.session_closed("s1", "dropped", 1050.0)
    db.session_opened("s2", "bob", "10.0.0.2:5000", "week-3", 1010.0)
    seen += [db.open_sessions(), db.sessions()]
    seen.append(db.extend("week-3", "bob", 5, by="ms.k", now=1500.0))
    refused(lambda: db.extend("week-3", "carol", 5, by="ms.k", now=1500.0))
    refused(lambda: db.extend("open", "alice", 5, by="ms.k", now=1500.0))
    refused(lambda: db.reopen("week-3", "bob", by="ms.k", now=1500.0))
    db.finish_sitting("week-3", "bob", "handed-in", 1600.0)
    db.finish_sitting("week-3", "bob", "time", 1650.0)  # the first finish stands
    refused(lambda: db.extend("week-3", "bob", 5, by="ms.k", now=1700.0))
    seen.append(db.reopen("week-3", "bob", by="ms.k", now=1700.0, minutes=10))
    refused(lambda: db.end_quiz("nope", by="ms.k", now=1800.0))
    seen += [db.quiz_end("week-3"), db.end_quiz("week-3", by="ms.k", now=1800.0), db.quiz_end("week-3")]
    db.log_action("export", None, "alice", "exported to a.zip", by="ms.k", now=1900.0)
    seen += [db.actions(), db.actions("alice"), db.students()]
    seen.append({table: sorted(map(repr, rows)) for table, rows in db.student_record("alice").items()})
    refused(lambda: db.delete_student("bob", by="ms.k", now=1950.0))  # connected
    seen.append(db.close_open_sessions("server restarted", 2000.0))
    seen.append(db.delete_student("bob", by="ms.k", now=2001.0))
    seen += [db.students(), db.sittings(), db.sessions()]
    return seen


@pytest.mark.slow
def test_every_method_gives_the_same_on_sqlite_and_postgresql(tmp_path, postgres_url):
    sqlite, postgres = ResultsDB.open(tmp_path / "classroom.db"), ResultsDB.open(postgres_url)
    try:
        on_sqlite, on_postgres = scenario(sqlite), scenario(postgres)
    finally:
        sqlite.close()
        postgres.close()
    assert len(on_sqlite) == len(on_postgres)
    for step, (a, b) in enumerate(zip(on_sqlite, on_postgres, strict=True)):
        assert a == b, f"step {step} differs"


def test_answers_are_one_row_per_part_however_often_and_wherever_they_are_sent(results_target):
    """Two processes (two servers) send the same part: the first answer is kept, once."""
    first, second = ResultsDB.open(results_target), ResultsDB.open(results_target)
    try:
        for db in (first, second):
            db.start_sitting(
                quiz_id="q", student="alice", title="Q", paper="{}", labels=[("h", "w")], minutes=None,
                feedback="at-end", now=100.0,
            )  # fmt: skip
        first.record_answers("q", "alice", [NewAnswer(1, 0, "5", True, None)], now=101.0)
        second.record_answers("q", "alice", [NewAnswer(1, 0, "5", True, None)], now=102.0)  # a resend
        second.record_answers("q", "alice", [NewAnswer(1, 0, "6", False, "x"), NewAnswer(1, 1, "7", True, None)], 103)
        rows = first.answers("q", "alice")
    finally:
        first.close()
        second.close()
    assert [(r.question, r.part, r.answer, r.correct, r.at) for r in rows] == [
        (1, 0, "5", True, 101.0),
        (1, 1, "7", True, 103.0),
    ]


def test_times_keep_their_fractions(results_target):
    """PostgreSQL's REAL has 4 bytes (a Unix time would be off by minutes): the columns are 8."""
    db = ResultsDB.open(results_target)
    try:
        at = 1_796_125_143.747486
        db.start_sitting(
            quiz_id="q", student="a", title="Q", paper="{}", labels=[("x",)], minutes=0.5, feedback="none", now=at
        )
        assert db.sitting("q", "a").started_at == at and db.sitting("q", "a").deadline() == at + 30
    finally:
        db.close()


def test_the_deadline_goes_by_the_database_servers_clock_not_this_machines(postgres_url, monkeypatch):
    """Two servers whose clocks are 10 minutes apart agree on when a student's time is up."""
    db = ResultsDB.open(postgres_url)
    try:
        server = db._conn.server_clock()  # type: ignore[attr-defined]
        assert abs(db.now() - server) < 1.0
        assert abs(db.now() - time.time()) < 1.0  # here the two clocks are the same machine's

        skewed = ResultsDB.open(postgres_url)
        monkeypatch.setattr(backends, "time", types.SimpleNamespace(time=lambda: time.time() + 600))
        try:
            assert abs(skewed.now() - db._conn.server_clock()) < 1.0  # type: ignore[attr-defined]
        finally:
            monkeypatch.undo()
            skewed.close()
    finally:
        db.close()


def test_the_sqlite_clock_is_this_machines(tmp_path):
    db = ResultsDB.open(tmp_path / "classroom.db")
    try:
        assert abs(db.now() - time.time()) < 0.1
    finally:
        db.close()


def test_a_dropped_postgresql_connection_fails_one_write_and_the_retry_saves_it(postgres_url):
    """The database restarted or the network blinked: the quiz says "not saved, try again", and
    the retry opens a new connection."""
    import psycopg

    db = ResultsDB.open(postgres_url)
    try:
        db.start_sitting(
            quiz_id="q", student="a", title="Q", paper="{}", labels=[("x",)], minutes=None, feedback="none", now=1.0
        )
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'convquest' AND pid <> pg_backend_pid()"
            )
        answer = [NewAnswer(1, 0, "5", True, None)]
        with pytest.raises(sqlite3.Error):  # what QuizSitting catches to say "not saved"
            db.record_answers("q", "a", answer, now=2.0)
        db.record_answers("q", "a", answer, now=3.0)
        assert [(r.answer, r.at) for r in db.answers("q", "a")] == [("5", 3.0)]
    finally:
        db.close()


def test_postgresql_keeps_its_schema_version_in_a_table_and_refuses_a_newer_one(postgres_url):
    import psycopg

    ResultsDB.open(postgres_url).close()
    ResultsDB.open(postgres_url).close()  # a second open finds it migrated
    with psycopg.connect(postgres_url, autocommit=True) as raw:
        assert raw.execute("SELECT version FROM convquest_schema").fetchall() == [(len(MIGRATIONS),)]
        raw.execute("UPDATE convquest_schema SET version = version + 1")
    with pytest.raises(ResultsUnavailable, match="newer ConvQuest"):
        ResultsDB.open(postgres_url)


def test_a_reader_leaves_an_unused_postgresql_database_as_it_was(postgres_url):
    import psycopg

    assert ResultsDB.open_existing(postgres_url) is None
    with psycopg.connect(postgres_url) as raw:
        assert raw.execute("SELECT to_regclass('sittings')").fetchone() == (None,)


def test_an_unreachable_postgresql_says_where_without_the_password(tmp_path, postgres_server):
    url = f"postgresql://teacher:s3cret@/nowhere?host={tmp_path}&port=1"
    with pytest.raises(ResultsUnavailable) as caught:
        ResultsDB.open(url, timeout=1)
    assert "cannot open the results database postgresql://teacher:…@/nowhere" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_without_psycopg_the_message_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_psycopg(name, *args, **kwargs):
        if name == "psycopg":
            raise ImportError("No module named 'psycopg'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(ResultsUnavailable, match=r"install convquest\[postgres\]"):
        ResultsDB.open("postgresql://localhost/class")


# --- the commands, on either backend ------------------------------------------------------------------


@pytest.fixture
def class_results(tmp_path, results_target):
    return sit_class(tmp_path, results_target)


def sit_class(tmp_path, results_target):
    """alice finishes (right, wrong, right) in 5 minutes; bob answers Q1 wrong and is still going."""
    quiz = load_quiz(write_quiz(tmp_path))
    db = ResultsDB.open(results_target)
    clock = FakeClock(start=time.time() - 600)
    alice = QuizSitting(quiz, "alice", db, clock=clock)
    for text in [right(alice.problems[0]), wrong(alice.problems[1]), right(alice.problems[2])]:
        clock.advance(100)
        alice.answer(text)
    bob = QuizSitting(quiz, "bob", db, clock=clock)
    bob.answer(wrong(bob.problems[0]))
    db.close()
    return tmp_path / "data", str(results_target)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["table", "csv", "canvas", "moodle", "json"])
def test_results_in_every_format_read_either_backend(capsys, class_results, fmt):
    data, target = class_results
    code, out, err = run(capsys, "results", "--data-dir", str(data), "--results", target, "--format", fmt)
    assert code == 0, err
    assert "alice" in out and "bob" in out
    if fmt == "json":
        document = json.loads(out)
        assert json.dumps(document).count('"alice"') >= 1


@pytest.mark.slow
def test_every_format_is_the_same_text_from_sqlite_and_postgresql(capsys, tmp_path, postgres_url):
    """The same class, sat once into each backend: byte for byte the same exports."""
    outputs = {}
    for name, target in (("sqlite", tmp_path / "s" / "classroom.db"), ("postgresql", postgres_url)):
        quiz = load_quiz(write_quiz(tmp_path))
        db = ResultsDB.open(target)
        clock = FakeClock(start=1_796_000_000.0)
        for student in ("alice", "bob"):
            sitting = QuizSitting(quiz, student, db, clock=clock)
            for problem in sitting.problems[:2]:
                clock.advance(60)
                sitting.answer(right(problem) if student == "alice" else wrong(problem))
        db.override_mark("week-3", "bob", 1, 0.5, by="ms.k", now=clock(), reason="working right")
        db.close()
        for fmt in ("table", "csv", "canvas", "moodle", "json"):
            for extra in ([], ["--by-question"]) if fmt in ("table", "csv", "json") else ([],):
                code, out, err = run(
                    capsys, "results", "--data-dir", str(tmp_path), "--results", str(target), "--format", fmt, *extra
                )
                assert code == 0, err
                # The export's own time is now (the database's clock): not what this compares.
                outputs.setdefault((fmt, *extra), {})[name] = _without_now(out)
    for key, pair in outputs.items():
        assert pair["sqlite"] == pair["postgresql"], key


def _without_now(text: str) -> str:
    import re

    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}|\d+\.\d+", "T", text)


def test_the_teacher_controls_and_overrides_work_on_either_backend(capsys, class_results):
    data, target = class_results
    where = ["--data-dir", str(data), "--results", target]
    code, out, err = run(capsys, "class", "extend", "bob", "10", *where)
    assert code == 0 and "10 more minutes" in out, err
    code, out, err = run(capsys, "results", "override", "--quiz", "week-3", "--student", "bob", "--question", "1",
                         "--mark", "1", *where)  # fmt: skip
    assert code == 0 and "mark 1" in out, err
    code, out, err = run(capsys, "class", "end", "--yes", *where)
    assert code == 0 and "bob" in out, err
    code, out, err = run(capsys, "student", "export", "alice", "-o", str(data.parent / "alice.zip"), *where)
    assert code == 0 and (data.parent / "alice.zip").exists(), err
    db = ResultsDB.open(target)
    try:
        assert [a.action for a in db.actions()] == ["extend", "end", "export"]
        assert db.sitting("week-3", "bob").finish_reason == "ended"
        assert [o.mark for o in db.overrides("week-3")] == [1.0]
    finally:
        db.close()


def test_a_reader_of_an_unused_postgresql_says_no_results_yet(capsys, postgres_url, tmp_path):
    code, _, err = run(capsys, "results", "--data-dir", str(tmp_path), "--results", postgres_url)
    assert code == 1 and "no results yet in postgresql://" in err


async def test_the_teacher_view_follows_a_postgresql_class(tmp_path, postgres_url):
    _, target = sit_class(tmp_path, postgres_url)
    from textual.widgets import DataTable, Static

    from convquest.ui.quiz.teacher import TeacherApp

    app = TeacherApp(target, every=0.2)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        head = str(app.query_one("#teacher-head", Static).render())
        assert "quiz week-3" in head and "2 started" in head and "1 finished" in head
        assert app.query_one("#teacher-table", DataTable).row_count == 2


def test_serve_refuses_to_start_on_a_database_it_cannot_open(capsys, tmp_path, postgres_server):
    url = f"postgresql://teacher:s3cret@/nowhere?host={tmp_path}&port=1"
    code, _, err = run(capsys, "serve", "--data-dir", str(tmp_path / "data"), "--port", "0", "--results", url)
    assert code == 2 and "convquest serve: cannot open the results database postgresql://teacher:…@" in err
    assert "s3cret" not in err


def test_the_served_quiz_is_handed_the_results_url(tmp_path, postgres_url):
    from convquest.classroom.server import ServerConfig

    config = ServerConfig(data_dir=tmp_path, quiz_file=tmp_path / "quiz.toml", results=postgres_url)
    argv = config.argv_for("alice")
    assert argv[argv.index("--results") + 1] == postgres_url and config.results_db == postgres_url


def test_a_restarted_server_closes_its_own_sessions_and_those_from_before_servers_were_named(results_target):
    older = ResultsDB.open(results_target)  # a ConvQuest before the `server` column: it writes ''
    a, b = ResultsDB.open(results_target, server="a"), ResultsDB.open(results_target, server="b")
    try:
        older.session_opened("s0", "zoe", "10.0.0.9:1", None, 900.0)
        a.session_opened("s1", "alice", "10.0.0.1:1", None, 1000.0)
        b.session_opened("s2", "bob", "10.0.0.2:1", None, 1001.0)
        assert a.close_open_sessions("server restarted", 1100.0) == 2
        assert [s.student for s in b.open_sessions()] == ["bob"]  # b's session is b's to close
    finally:
        for db in (older, a, b):
            db.close()
