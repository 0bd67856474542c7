"""`convquest results` in each format, checked against the answers the students gave, and each
gradebook format against the headers its importer reads."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest
from quiz_helpers import right, write_quiz, wrong

from convquest.classroom import export
from convquest.classroom.quiz import load_quiz
from convquest.classroom.results import NewAnswer, ResultsDB
from convquest.classroom.sitting import QuizSitting
from convquest.cli import main
from tests.practice.practice_oracle import FakeClock, right_number


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
    assert code == 0 and out == "" and err == f"wrote csv results for 1 quiz to {target}\n"
    assert answers["alice"][0] in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "reads"), [("week-3.csv", "csv"), ("week-3.JSON", "json"), ("week-3.txt", "table")])
def test_without_format_the_output_files_name_says_which(capsys, given, tmp_path, name, reads):
    data, _ = given
    target = tmp_path / name
    code, _, err = results(capsys, data, "--output", str(target))
    assert code == 0 and f"wrote {reads} results" in err
    first = target.read_text(encoding="utf-8").splitlines()[0]
    # The docs' `--output week-3.csv` used to write the table into the .csv.
    assert {
        "csv": first.startswith("quiz,student,name,score"),
        "json": first == "{",
        "table": first.startswith("Quiz "),
    }[reads]


def test_an_unknown_quiz_or_no_database_is_said_plainly(capsys, given, tmp_path):
    data, _ = given
    code, _, err = results(capsys, data, "--quiz", "week-9")
    assert code == 1 and "no results for quiz 'week-9'" in err and "week-3" in err
    empty = tmp_path / "empty"
    code, _, err = results(capsys, empty)
    assert code == 1 and "no results yet" in err
    assert not (empty / "classroom.db").exists()  # looking did not create it


# --- percent and marks, the gradebooks, the JSON paper, formula-safe cells ----------------------------


def test_csv_has_percent_and_each_questions_mark(capsys, given):
    data, _ = given
    _, out, _ = results(capsys, data, "--format", "csv")
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(out))}
    alice, bob = rows["alice"], rows["bob"]
    assert float(alice["percent"]) == pytest.approx(100 * 2 / 3, abs=0.05)
    assert [alice[f"q{n}_mark"] for n in (1, 2, 3)] == ["1", "0", "1"]
    assert [bob[f"q{n}_mark"] for n in (1, 2, 3)] == ["0", "", ""]  # empty: not answered yet
    assert bob["percent"] == "0" and not any(alice[f"q{n}_override"] for n in (1, 2, 3))


def roster_file(folder, lines: list[str]):
    path = folder / "roster.csv"
    path.write_text("student,password,name,email,section,sis_user_id,sis_login_id\n" + "\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


ROSTER = [
    "alice,pw-a,Alice Ng,alice@school.example,Period 2,S1001,ang",
    "bob,pw-b,Bob Ray,bob@school.example,Period 3,S1002,bray",
]


def test_canvas_has_its_columns_a_points_possible_row_and_the_roster_ids(capsys, given, tmp_path):
    data, _ = given
    code, out, _ = results(capsys, data, "--format", "canvas", "--roster", str(roster_file(tmp_path, ROSTER)))
    assert code == 0
    header, points, *students = list(csv.reader(io.StringIO(out)))
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Week 3: sizes"]
    assert points == ["Points Possible", "", "", "", "", "3"]
    assert students == [
        ["Alice Ng", "", "S1001", "ang", "Period 2", "2"],
        ["Bob Ray", "", "S1002", "bray", "Period 3", "0"],
    ]


def test_without_a_roster_canvas_names_each_student_by_their_id(capsys, given):
    data, _ = given
    _, out, _ = results(capsys, data, "--format", "canvas")
    assert list(csv.reader(io.StringIO(out)))[2:] == [
        ["alice", "", "", "", "", "2"],
        ["bob", "", "", "", "", "0"],
    ]


# Canvas's own readings of a header (Assignment.title_and_id, GradebookImporter's non-assignment columns).
CANVAS_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z")
CANVAS_SKIPS = re.compile("|".join(export.CANVAS_NOT_ASSIGNMENTS))


@pytest.mark.parametrize(
    "title",
    ["Week 3 (2)", "Quiz  (12)", "Final Grade practice", "Padding (part 1) and stride (45)", "Current Score (7)"],
)
def test_a_canvas_header_is_never_read_as_an_assignment_id_or_skipped(title):
    header = export.canvas_title(title)
    assert not CANVAS_ID.match(header) and not CANVAS_SKIPS.search(header)
    assert re.sub(r"\W", "", header.lower()) == re.sub(r"\W", "", title.lower())  # the same words, still readable


def test_a_plain_title_reaches_canvas_as_it_is():
    assert export.canvas_title("Week 3: padding (and) stride") == "Week 3: padding (and) stride"


def test_moodle_has_username_email_and_a_column_per_quiz(capsys, given, tmp_path):
    data, _ = given
    code, out, _ = results(capsys, data, "--format", "moodle", "--roster", str(roster_file(tmp_path, ROSTER)))
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["username", "email", "Week 3: sizes"],
        ["alice", "alice@school.example", "2"],
        ["bob", "bob@school.example", "0"],
    ]


def test_json_holds_each_students_own_problem_its_solution_and_the_time(capsys, given):
    data, _ = given
    quiz = load_quiz(data.parent / "quiz.toml")
    _, out, _ = results(capsys, data, "--format", "json")
    (exported,) = json.loads(out)["quizzes"]
    for student in exported["students"]:
        paper = quiz.paper_for(student["student"])  # per-student seeds: each has a paper of their own
        for question, drawn in zip(student["answers"], paper.questions, strict=True):
            problem = drawn.problem()
            assert question["problem"]["params"] == drawn.params
            assert question["problem"]["prompt"] == problem.prompt()
            assert question["solution"] == problem.solution()
            assert question["parts"][0]["solution"]  # the worked answer of that part
            # The right answer itself, as the engine's check found by trying every number accepts it.
            assert question["parts"][0]["right_answers"] == [right_number(problem)]
    alice = next(s for s in exported["students"] if s["student"] == "alice")
    assert [q["parts"][0]["seconds"] for q in alice["answers"]] == pytest.approx([100, 200, 300], abs=1)
    assert alice["percent"] == pytest.approx(66.67, abs=0.01)
    papers = [json.dumps(s["answers"][1]["problem"]["params"]) for s in exported["students"]]
    assert papers[0] != papers[1]  # Q2's range drew different numbers for alice and bob


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        (" =x", "' =x"),
        ("\t=x", "'\t=x"),
        ("-1 2; 3 4", "'-1 2; 3 4"),
        ("-3", "-3"),
        ("+4.5", "+4.5"),
        ("1e5", "1e5"),
        ("alice", "alice"),
        ("a=b", "a=b"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_made_text(cell, safe):
    assert export.spreadsheet_safe(cell) == safe


def test_every_csv_format_defuses_an_id_a_name_and_an_answer_starting_with_a_formula(capsys, tmp_path):
    data = tmp_path / "data"
    quiz = load_quiz(write_quiz(tmp_path))
    db = ResultsDB.open(data / "classroom.db")
    # An id a spreadsheet reads as "minus bob": no longer one a student can log in with, but a
    # database from before that rule may hold it.
    minus = QuizSitting(quiz, "-bob", db)
    minus.answer(wrong(minus.problems[0]))
    QuizSitting(quiz, "chen", db)
    # No kind of this quiz takes text, so the answer is written as a future text answer would be.
    db.record_answers("week-3", "chen", [NewAnswer(1, 0, '=HYPERLINK("http://x.example","y")', False, None)], 1.0)
    db.close()
    roster = roster_file(tmp_path, ['chen,pw,"=1+2",=c@x.example,@s,+1x,-l'])
    for extra in (
        ["--format", "csv"],
        ["--format", "canvas"],
        ["--format", "moodle"],
        ["--by-question", "--format", "csv"],
    ):
        code, out, _ = results(capsys, data, "--roster", str(roster), *extra)
        assert code == 0
        cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
        risky = [
            c for c in cells if c.lstrip(" ").startswith(("=", "+", "-", "@")) and not re.fullmatch(r"[+-]?[\d.]+", c)
        ]
        assert risky == [], (extra, risky)
    _, out, _ = results(capsys, data, "--roster", str(roster), "--format", "csv")
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(out))}
    assert set(rows) == {"'-bob", "chen"}
    assert rows["chen"]["name"] == "'=1+2"
    assert rows["chen"]["q1_answer"] == "'" + '=HYPERLINK("http://x.example","y")'


def test_the_command_offers_exactly_the_formats_the_export_writes():
    from convquest.commands.classroom import BY_QUESTION_FORMATS, RESULT_FORMATS

    assert set(RESULT_FORMATS) == set(export.FORMATS)
    assert set(BY_QUESTION_FORMATS) == set(export.BY_QUESTION)


def test_with_a_roster_the_table_and_csv_name_each_student(capsys, given, tmp_path):
    data, _ = given
    roster = str(roster_file(tmp_path, ROSTER))
    _, out, _ = results(capsys, data, "--roster", roster)
    assert any(line.startswith("alice (Alice Ng) ") and "2/3" in line for line in out.splitlines())
    _, out, _ = results(capsys, data, "--roster", roster, "--format", "csv")
    assert {row["student"]: row["name"] for row in csv.DictReader(io.StringIO(out))} == {
        "alice": "Alice Ng",
        "bob": "Bob Ray",
    }


def test_a_roster_others_can_read_is_refused_as_serve_refuses_it(capsys, given, tmp_path):
    data, _ = given
    roster = roster_file(tmp_path, ROSTER)
    roster.chmod(0o644)
    code, out, err = results(capsys, data, "--roster", str(roster), "--format", "canvas")
    assert code == 2 and out == "" and "chmod 600" in err


@pytest.mark.parametrize(
    ("command", "said_by"),
    [
        (["results"], "convquest results:"),
        (
            ["results", "override", "--quiz", "q", "--student", "s", "--question", "1", "--clear"],
            "convquest results override:",
        ),
    ],
)
def test_a_database_that_cannot_be_read_is_named_by_every_reader(capsys, tmp_path, command, said_by):
    (tmp_path / "classroom.db").write_text("not sqlite at all\n", encoding="utf-8")
    code = main([*command, "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(said_by)
    assert str(tmp_path / "classroom.db") in err and "cannot be used" in err


def test_output_dash_is_standard_output_and_the_help_says_so(capsys, given, tmp_path, monkeypatch):
    data, _ = given
    monkeypatch.chdir(tmp_path)
    # bob is still going: his seconds so far are read off the database's clock, which must not
    # move between the exports compared here.
    stopped = time.time()
    monkeypatch.setattr(ResultsDB, "now", lambda self: stopped)
    code, out, _ = results(capsys, data, "--format", "csv")
    assert code == 0
    assert results(capsys, data, "--format", "csv", "--output", "-") == (0, out, "")
    assert not (tmp_path / "-").exists()
    code, table, _ = results(capsys, data, "--output", "-")  # no suffix to read a format from: the table
    assert code == 0 and table == results(capsys, data)[1]
    with pytest.raises(SystemExit):
        main(["results", "show", "--help"])
    assert "'-': standard output" in " ".join(capsys.readouterr().out.split())
