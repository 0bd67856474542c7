"""`convquest practice|exam|report` argument handling and the report command's output."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from convquest.commands import practice as commands
from convquest.practice.history import History
from tests.practice.practice_oracle import NUMERIC_TOPICS

ROOT = Path(__file__).resolve().parents[2]


def parse(add, argv, data_dir=None):
    parser = argparse.ArgumentParser()
    add(parser)
    args = parser.parse_args(argv)
    args.data_dir = data_dir
    return args


def test_importing_the_commands_loads_neither_textual_nor_the_engine():
    code = (
        "import sys, convquest.commands.practice; "
        "print(sorted(m for m in ('textual', 'numpy', 'sqlite3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_arguments_parse_as_documented():
    p = parse(commands.add_practice_arguments, ["--topic", "predict-size", "--topic", "count-params", "--seed", "4"])
    assert (p.topics, p.seed) == (["predict-size", "count-params"], 4)
    e = parse(commands.add_exam_arguments, [])
    assert (e.questions, e.minutes, e.topics, e.seed) == (10, 20.0, None, None)
    r = parse(commands.add_report_arguments, ["--format", "csv", "--output", "x.csv"])
    assert (r.format, r.output) == ("csv", Path("x.csv"))


def test_exam_plan_is_the_same_paper_for_the_same_seed_and_refuses_bad_choices():
    args = parse(commands.add_exam_arguments, ["--questions", "6", "--seed", "9", "--topic", "predict-size/stride"])
    paper, minutes = commands.exam_plan(args)
    assert commands.exam_plan(args)[0].to_json() == paper.to_json() and minutes == 20.0
    assert {q.topic for q in paper.questions} == {"predict-size/stride"}
    for argv, message in (
        (["--minutes", "0"], "--minutes must be more than 0"),
        (["--topic", "nope"], "unknown topic 'nope'"),
        (["--questions", "0"], "between 1 and"),
    ):
        with pytest.raises(commands.UsageError, match=message):
            commands.exam_plan(parse(commands.add_exam_arguments, argv))


def test_practice_plan_keeps_the_seed_and_curriculum_order():
    topics, seed = commands.practice_plan(
        parse(
            commands.add_practice_arguments, ["--topic", "count-params", "--topic", "predict-size/conv", "--seed", "3"]
        )
    )
    assert (topics, seed) == (
        [
            "predict-size/conv",
            "count-params/conv-vs-dense",
            "count-params/locally-connected",
            "count-params/pool-vs-conv",
        ],
        3,
    )


def _one_exam(data_dir: Path) -> int:
    from convquest.practice.exam import ExamSession, make_paper
    from convquest.store import Store
    from tests.practice.practice_oracle import right_number

    store = Store.open(data_dir)
    try:
        history = History(store)
        paper = make_paper(2, 3, NUMERIC_TOPICS)
        sid = history.start_session("exam", 2, NUMERIC_TOPICS, minutes=5, paper=paper)
        exam = ExamSession(
            paper,
            5,
            clock=lambda: 0.0,
            on_answer=lambda q, part, text, v, s: history.record_answer("exam", sid, q.number, q.topic, part, text, v),
        )
        exam.answer(str(right_number(exam.problems[0])))
        history.finish_session(sid, "submitted")
        return sid
    finally:
        store.close()


def test_report_command_prints_text_and_writes_csv_and_json(tmp_path, capsys):
    data = tmp_path / "data"
    sid = _one_exam(data)
    assert commands.run_report(parse(commands.add_report_arguments, [], data)) == 0
    out = capsys.readouterr().out
    assert f"Exam report - session {sid}" in out and "Score: 1/3" in out

    target = tmp_path / "r.csv"
    assert (
        commands.run_report(parse(commands.add_report_arguments, ["--format", "csv", "--output", str(target)], data))
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [int(r["correct"]) for r in rows] == [1, 0, 0]

    assert commands.run_report(parse(commands.add_report_arguments, ["--format", "json"], data)) == 0
    data_json = json.loads(capsys.readouterr().out)
    assert data_json["score"]["right"] == 1 and data_json["session"] == sid


def test_report_command_with_nothing_to_report_says_what_to_do(tmp_path, capsys):
    assert commands.run_report(parse(commands.add_report_arguments, [], tmp_path / "empty")) == commands.EXIT_EMPTY
    assert "convquest exam" in capsys.readouterr().err
    assert commands.run_report(parse(commands.add_report_arguments, ["--session", "99"], tmp_path / "empty")) == 2
    assert "no practice or exam session 99" in capsys.readouterr().err


def test_practice_and_exam_refuse_without_a_terminal(tmp_path, capsys):
    from convquest.commands.practice import run_exam, run_practice

    # pytest's stdin is not a terminal: the commands must say so rather than draw into a pipe.
    assert run_practice(parse(commands.add_practice_arguments, [], tmp_path)) == 2
    assert "needs a terminal" in capsys.readouterr().err
    assert run_exam(parse(commands.add_exam_arguments, ["--topic", "bogus"], tmp_path)) == 2
    assert "unknown topic 'bogus'" in capsys.readouterr().err
