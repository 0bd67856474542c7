"""Rosters: what a usable roster file is, every way one is refused, and `convquest roster new`."""

from __future__ import annotations

import csv
import io
import stat

import pytest

from convquest.classroom.roster import (
    PASSWORD_ALPHABET,
    RosterInvalid,
    id_from_name,
    load_roster,
    new_roster_rows,
    roster_text,
)
from convquest.cli import main


def write(path, text, mode=0o600):
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_each_student_has_their_own_password(tmp_path):
    roster = load_roster(
        write(tmp_path / "r.csv", "student,password,name,section\nalice,apple-tree,Alice A,2b\nbob,blue-sky,,2b\n")
    )
    assert len(roster) == 2 and "alice" in roster and "zoe" not in roster
    assert roster.students["alice"].name == "Alice A" and roster.students["bob"].section == "2b"
    assert roster.check_password("alice", "apple-tree")
    assert not roster.check_password("alice", "blue-sky")  # bob's password is not alice's
    assert not roster.check_password("zoe", "apple-tree")
    assert not roster.check_password("alice", "apple-tre")


def test_the_roster_keeps_no_password_in_memory(tmp_path):
    roster = load_roster(write(tmp_path / "r.csv", "student,password\nalice,apple-tree\n"))
    assert "apple-tree" not in repr(vars(roster))


def test_a_spreadsheets_bom_spaces_and_blank_lines_are_fine(tmp_path):
    roster = load_roster(write(tmp_path / "r.csv", "\ufeffStudent , Password\n alice , apple \n\n"))
    assert roster.check_password("alice", "apple")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_a_roster_others_can_read_is_refused_with_the_reason(tmp_path, mode):
    path = write(tmp_path / "r.csv", "student,password\nalice,apple\n", mode)
    with pytest.raises(RosterInvalid) as caught:
        load_roster(path)
    message = str(caught.value)
    assert str(path) in message and f"mode {mode:o}" in message
    assert "password" in message and f"chmod 600 {path}" in message


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("student,name\nalice,Alice\n", "line 1", "missing column 'password'"),
        ("id,password\nalice,x\n", "line 1", "missing column 'student'"),
        ("student,password,emial\nalice,x,a@b\n", "line 1", "unknown column 'emial'"),
        ("student,password\nalice,x\nbob,y\nalice,z\n", "line 4", "duplicate student 'alice' (already on line 2)"),
        ("student,password\nalice,x\nbob smith,y\n", "line 3", "cannot be a student id"),
        ("student,password\nalice,x\n..,y\n", "line 3", "cannot be a student id"),
        ("student,password\nalice,x\nbob,  \n", "line 3", "empty password for 'bob'"),
        ("student,password\nalice,x,extra\n", "line 2", "3 field(s) where the header has 2"),
        ("", "line 1", "the roster is empty"),
        ("student,password\n", "", "no students"),
    ],
)
def test_a_broken_roster_names_the_file_the_line_and_the_fault(tmp_path, text, where, what):
    path = write(tmp_path / "r.csv", text)
    with pytest.raises(RosterInvalid) as caught:
        load_roster(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {where}".rstrip()), message
    assert what in message


def test_ids_are_made_from_names():
    assert id_from_name("Zoë O'Brien") == "zoe.obrien"
    assert id_from_name("  Mary-Jane  Watson ") == "mary.jane.watson"


def test_new_rows_have_ids_names_and_distinct_readable_passwords(tmp_path):
    rows = new_roster_rows("Alice Smith\nbob\nAlice Smith\n", tmp_path / "names.txt")
    assert [(r["student"], r["name"]) for r in rows] == [
        ("alice.smith", "Alice Smith"),
        ("bob", ""),
        ("alice.smith2", "Alice Smith"),
    ]
    passwords = [r["password"] for r in rows]
    assert len(set(passwords)) == 3
    for password in passwords:
        first, second = password.split("-")
        assert len(first) == len(second) == 5 and set(first + second) <= set(PASSWORD_ALPHABET)


def test_a_names_csv_keeps_its_columns(tmp_path):
    text = "name,email,sis_user_id\nAlice Smith,alice@school.org,S001\n"
    (row,) = new_roster_rows(text, tmp_path / "names.csv")
    assert (row["student"], row["email"], row["sis_user_id"]) == ("alice.smith", "alice@school.org", "S001")


def test_roster_new_writes_a_private_file_that_serve_accepts(tmp_path, capsys):
    names = tmp_path / "names.txt"
    names.write_text("Alice Smith\nbob\ncarol\n")
    out = tmp_path / "roster.csv"
    assert main(["roster", "new", str(names), "--output", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    roster = load_roster(out)  # what serve --roster reads
    assert sorted(roster.students) == ["alice.smith", "bob", "carol"]
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    printed = capsys.readouterr().out
    for row in rows:
        assert roster.check_password(row["student"], row["password"])
        assert f"{row['student']}" in printed and row["password"] in printed


def test_roster_new_does_not_overwrite_unless_forced(tmp_path, capsys):
    names = tmp_path / "names.txt"
    names.write_text("alice\n")
    out = write(tmp_path / "roster.csv", "student,password\nalice,handed-out\n", 0o644)
    assert main(["roster", "new", str(names), "--output", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert "handed-out" in out.read_text()
    assert main(["roster", "new", str(names), "--output", str(out), "--force"]) == 0
    assert "handed-out" not in out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_roster_text_round_trips(tmp_path):
    rows = new_roster_rows("alice\nbob\n", tmp_path / "n.txt")
    roster = load_roster(write(tmp_path / "r.csv", roster_text(rows)))
    assert all(roster.check_password(r["student"], r["password"]) for r in rows)


def test_serve_refuses_a_public_roster_before_listening(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CONVQUEST_CLASS_CODE", raising=False)
    path = write(tmp_path / "r.csv", "student,password\nalice,apple\n", 0o644)
    status = main(["serve", "--roster", str(path), "--data-dir", str(tmp_path / "data"), "--port", "0"])
    assert status == 2
    err = capsys.readouterr().err
    assert "the roster cannot be used" in err and "chmod 600" in err


def test_serve_refuses_a_roster_with_a_class_code(tmp_path, capsys):
    path = write(tmp_path / "r.csv", "student,password\nalice,apple\n")
    status = main(["serve", "--roster", str(path), "--class-code", "x", "--data-dir", str(tmp_path / "data")])
    assert status == 2
    assert "either a roster or a class code" in capsys.readouterr().err
