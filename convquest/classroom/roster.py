"""A class roster: who may log in to `convquest serve --roster FILE`, each with a password of their own.

The file is a CSV with a header row, the columns `student,password` and optionally
`name,email,section,sis_user_id,sis_login_id` (a school's own ids, carried into the exports). It
holds every student's password, so it must be readable by its owner only. In memory the server
keeps a keyed digest of each password, never the password, and compares digests in constant time.

`new_roster_rows` and `write_roster` make such a file from a list of names, with random readable
passwords to print and hand out. Pure standard library: no asyncssh, no Textual.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import re
import secrets
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from convquest.classroom.limits import username_problem

REQUIRED_COLUMNS = ("student", "password")
OPTIONAL_COLUMNS = ("name", "email", "section", "sis_user_id", "sis_login_id")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Lowercase letters a student can read off paper and type on any keyboard: no i/l/o (1, 0), no u/v.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstwxyz"
PASSWORD_LETTERS = 10  # 21**10: about 44 bits, with at most 5 guesses per 10 minutes per id


class RosterInvalid(Exception):
    """The roster cannot be used; the message names the file, the line and what is wrong."""


@dataclass(frozen=True)
class Student:
    student: str
    name: str = ""
    email: str = ""
    section: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""


class Roster:
    """The students of one class and a way to check each one's password."""

    def __init__(self, path: Path, students: Sequence[Student], passwords: Sequence[str]) -> None:
        self.path = path
        self.students = {s.student: s for s in students}
        # A key of this process only: the digests are worthless outside it, and equal in length
        # whatever the password, so compare_digest leaks nothing about its length either.
        self._key = secrets.token_bytes(32)
        self._digests = {s.student: self._digest(p) for s, p in zip(students, passwords, strict=True)}

    def _digest(self, password: str) -> bytes:
        return hmac.new(self._key, password.encode(), hashlib.sha256).digest()

    def __contains__(self, student: object) -> bool:
        return student in self.students

    def __len__(self) -> int:
        return len(self.students)

    def check_password(self, student: str, password: str) -> bool:
        expected = self._digests.get(student)
        # An unknown id costs the same digest, so timing does not tell ids apart.
        given = self._digest(password)
        return expected is not None and hmac.compare_digest(given, expected)


def _where(path: Path, line: int | None = None) -> str:
    return f"{path}: line {line}" if line is not None else str(path)


def check_private(path: Path) -> None:
    """RosterInvalid unless only the owner can read and write `path`."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError as exc:
        raise RosterInvalid(f"cannot read the roster {path}: {exc.strerror or exc}") from None
    if mode & 0o077:
        raise RosterInvalid(
            f"{path} can be read or changed by other users (mode {mode:o}), and it holds every student's "
            f"password: make it private with `chmod 600 {path}` and start again"
        )


def load_roster(path: Path) -> Roster:
    """The roster in `path`; RosterInvalid (file, line, what is wrong) if it cannot be used."""
    path = Path(path)
    check_private(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's CSV often starts with a BOM
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise RosterInvalid(f"cannot read the roster {path}: {reason}") from None
    return parse_roster(text, path)


def parse_roster(text: str, path: Path) -> Roster:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise RosterInvalid(
                f"{_where(path, 1)}: the roster is empty; the first line must be the header student,password"
            )
        columns = [cell.strip().lower() for cell in header]
        for column in REQUIRED_COLUMNS:
            if column not in columns:
                raise RosterInvalid(
                    f"{_where(path, 1)}: missing column '{column}' in the header (found: {', '.join(columns)}); "
                    f"the header needs student,password and may add {','.join(OPTIONAL_COLUMNS)}"
                )
        for column in columns:
            if column not in COLUMNS:
                raise RosterInvalid(
                    f"{_where(path, 1)}: unknown column '{column}' in the header; the columns are {','.join(COLUMNS)}"
                )
        if len(set(columns)) != len(columns):
            twice = next(c for c in columns if columns.count(c) > 1)
            raise RosterInvalid(f"{_where(path, 1)}: the column '{twice}' is in the header twice")
        students: list[Student] = []
        passwords: list[str] = []
        first_line: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # a blank line, as spreadsheets leave at the end
            if len(row) != len(columns):
                raise RosterInvalid(
                    f"{_where(path, line)}: {len(row)} field(s) where the header has {len(columns)} ({','.join(columns)})"
                )
            values = {column: cell.strip() for column, cell in zip(columns, row, strict=True)}
            student = values["student"]
            problem = username_problem(student)
            if problem is not None:
                raise RosterInvalid(f"{_where(path, line)}: {problem}")
            if student in first_line:
                raise RosterInvalid(
                    f"{_where(path, line)}: duplicate student '{student}' (already on line {first_line[student]})"
                )
            if not values["password"]:
                raise RosterInvalid(f"{_where(path, line)}: empty password for '{student}'")
            first_line[student] = line
            passwords.append(values.pop("password"))
            students.append(Student(**values))
    except csv.Error as exc:
        raise RosterInvalid(f"{_where(path, reader.line_num)}: not a CSV line: {exc}") from None
    if not students:
        raise RosterInvalid(f"{path}: the roster has a header but no students")
    return Roster(path, students, passwords)


# --- convquest roster new -----------------------------------------------------------------------------


def new_password() -> str:
    """Ten letters in two groups of five (`kqzmt-hbwre`): easy to read out and type."""
    letters = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LETTERS))
    return f"{letters[:5]}-{letters[5:]}"


def id_from_name(name: str) -> str:
    """A student id from a person's name: `Zoë O'Brien` → `zoe.obrien`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_name.lower().replace("'", ""))
    return ".".join(words)[:32].strip(".")


def _names_rows(text: str, path: Path) -> list[dict[str, str]]:
    """The people in a names file: one name or id a line, or a CSV whose header has `student` or `name`."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise RosterInvalid(f"{path}: no names in the file")
    header = [cell.strip().lower() for cell in next(csv.reader([lines[0]]))]
    if "student" in header or "name" in header:
        unknown = [c for c in header if c not in COLUMNS or c == "password"]
        if unknown:
            raise RosterInvalid(
                f"{_where(path, 1)}: unknown column '{unknown[0]}'; a names CSV may have "
                f"{','.join(c for c in COLUMNS if c != 'password')}"
            )
        rows = []
        for number, row in enumerate(csv.reader(lines[1:]), start=2):
            if len(row) != len(header):
                raise RosterInvalid(f"{_where(path, number)}: {len(row)} field(s) where the header has {len(header)}")
            rows.append({column: cell.strip() for column, cell in zip(header, row, strict=True)})
        return rows
    return [{"name": line.strip()} for line in lines]


def new_roster_rows(names_text: str, names_path: Path) -> list[dict[str, str]]:
    """Roster rows (every column) for the people in a names file, each with a new password."""
    rows = []
    taken: set[str] = set()
    for number, person in enumerate(_names_rows(names_text, names_path), start=1):
        name = person.get("name", "")
        student = person.get("student") or (name if username_problem(name) is None else id_from_name(name))
        if not student or username_problem(student) is not None:
            raise RosterInvalid(f"{names_path}: entry {number} ({name or student!r}) gives no usable student id")
        if student in taken:
            # Two people of the same name: the second is told apart by a number.
            suffix = 2
            while f"{student[:29]}{suffix}" in taken:
                suffix += 1
            student = f"{student[:29]}{suffix}"
        taken.add(student)
        row = {column: person.get(column, "") for column in COLUMNS}
        row.update(student=student, password=new_password(), name="" if name == student else name)
        rows.append(row)
    return rows


def roster_text(rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_roster(path: Path, text: str, *, force: bool = False) -> None:
    """Write `text` to `path`, mode 0600 from the first byte; FileExistsError unless `force`."""
    path = Path(path)
    if not force:
        # O_EXCL: never overwrite a roster already handed out, even one made a moment ago.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        return
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mkstemp makes it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
