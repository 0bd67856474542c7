"""A teacher's controls: `convquest class extend|reopen|end` on a quiz under way, and
`convquest student export|delete` for one student's data.

Each works on the server's data dir (`--data-dir`, the same as `serve`, `results` and `teacher`):
its classroom.db and the students/<id>/ folders. A change is one transaction in the database,
logged with the OS user who ran it and when (convquest.classroom.results); the quiz on a student's
screen reads its sitting again every few seconds, so an end or extra time reaches it while they sit.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from convquest.commands.classroom import add_results_option
from convquest.commands.common import (
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    data_dir,
    fail,
    to_stdout,
    write_binary_to_stdout,
)

if TYPE_CHECKING:
    from convquest.classroom.results import ResultsDB


class Refused(Exception):
    """The command cannot be done as asked; the message says why (exit code in `code`)."""

    def __init__(self, message: str, code: int = EXIT_ERRORS) -> None:
        super().__init__(message)
        self.code = code


# --- the arguments ------------------------------------------------------------------------------


def _where(parser: argparse.ArgumentParser, *, quiz: bool) -> None:
    if quiz:
        parser.add_argument("--quiz", metavar="ID", help="the quiz (default: the one started most recently)")
    add_results_option(parser)


def _student(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("student", metavar="STUDENT", help="the student's id, as they log in")


def _yes(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("-y", "--yes", action="store_true", help=f"{what} without asking first")


def add_extend_arguments(parser: argparse.ArgumentParser) -> None:
    _student(parser)
    parser.add_argument("minutes", type=float, metavar="MINUTES", help="minutes to add to their time limit (10 or +10)")
    _where(parser, quiz=True)


def add_reopen_arguments(parser: argparse.ArgumentParser) -> None:
    _student(parser)
    parser.add_argument(
        "--minutes",
        type=float,
        metavar="N",
        help="on a timed quiz, give them N minutes from now (needed once their time has run out)",
    )
    _where(parser, quiz=True)


def add_end_arguments(parser: argparse.ArgumentParser) -> None:
    _where(parser, quiz=True)
    _yes(parser, "end it")


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    _student(parser)
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="the zip to write, readable by you only (default: STUDENT.zip; '-': standard output)",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _where(parser, quiz=False)


def add_delete_arguments(parser: argparse.ArgumentParser) -> None:
    _student(parser)
    _yes(parser, "delete")
    _where(parser, quiz=False)


# --- convquest class extend | reopen | end -----------------------------------------------------------


def run_extend(args: argparse.Namespace) -> int:
    def act(db: ResultsDB, quiz_id: str) -> str:
        sitting = db.extend(quiz_id, args.student, args.minutes, by=_teacher(), now=db.now())
        deadline = sitting.deadline()
        assert deadline is not None and sitting.total_minutes is not None  # extend refuses an untimed quiz
        return (
            f"{args.student} has {args.minutes:g} more minutes on '{quiz_id}': {sitting.total_minutes:g} in all, "
            f"until {_clock(deadline)} ({_left(deadline)}). If they are sitting it, their clock shows it within "
            "a few seconds; if their time had run out, they can log in and carry on."
        )

    return _on_quiz(args, "class extend", act)


def run_reopen(args: argparse.Namespace) -> int:
    def act(db: ResultsDB, quiz_id: str) -> str:
        sitting = db.reopen(quiz_id, args.student, by=_teacher(), now=db.now(), minutes=args.minutes)
        deadline = sitting.deadline()
        until = "" if deadline is None else f", until {_clock(deadline)} ({_left(deadline)})"
        return (
            f"reopened {args.student}'s sitting of '{quiz_id}'{until}: they log in as before and carry on "
            "where they were, their answers kept."
        )

    return _on_quiz(args, "class reopen", act)


def run_end(args: argparse.Namespace) -> int:
    def act(db: ResultsDB, quiz_id: str) -> str:
        now = db.now()
        sitting_now = [s.student for s in db.sittings(quiz_id) if not s.over(now)]
        title = dict(db.quizzes()).get(quiz_id, quiz_id)
        who = (
            f"{len(sitting_now)} still sitting it: {_names(sitting_now)}" if sitting_now else "nobody is sitting it now"
        )
        _confirm(
            args,
            f"End quiz '{quiz_id}' ({title}) for everyone now? {who}. A student who logs in later finds it over.",
        )
        ended = db.end_quiz(quiz_id, by=_teacher(), now=db.now())
        if not ended:
            return f"ended '{quiz_id}' for everyone: nobody was still sitting it; a student who logs in finds it over."
        return (
            f"ended '{quiz_id}' for everyone: {len(ended)} sitting(s) ended ({_names(ended)}). Students still "
            "connected see it within a few seconds. To let one carry on: convquest class reopen STUDENT "
            f"--quiz {quiz_id}"
        )

    return _on_quiz(args, "class end", act)


def _on_quiz(args: argparse.Namespace, prog: str, act: Callable[[ResultsDB, str], str]) -> int:
    """Open the database, pick the quiz, run `act(db, quiz_id)` and print what it says."""
    from convquest.classroom.results import ActionRefused

    try:
        if getattr(args, "student", None) is not None:
            _check_id(args.student)
        with _database(args) as db:
            assert db is not None  # without missing_ok, a missing database is Refused
            message = act(db, _quiz_id(db, args.quiz))
    except (Refused, ActionRefused) as exc:
        return fail(str(exc), getattr(exc, "code", EXIT_ERRORS), prog=f"convquest {prog}")
    print(message)
    return EXIT_OK


def _quiz_id(db: ResultsDB, given: str | None) -> str:
    quizzes = db.quizzes()
    if given is not None:
        if given not in dict(quizzes):
            known = ", ".join(sorted(q for q, _ in quizzes)) or "none yet"
            raise Refused(f"no student has started a quiz '{given}' (quizzes started: {known})")
        return given
    if not quizzes:
        raise Refused("no quiz has been started yet, so there is nothing to change")
    if len(quizzes) > 1:
        print(f"(quiz '{quizzes[0][0]}', the one started most recently; --quiz picks another)", file=sys.stderr)
    return quizzes[0][0]


# --- convquest student export | delete ---------------------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    prog = "convquest student export"
    piped = to_stdout(args.output)
    output = Path(args.output or f"{args.student}.zip").expanduser()
    try:
        _check_id(args.student)
        if piped and sys.stdout.isatty():  # said before anything is read, and no export is logged
            raise Refused("will not write a zip to a terminal: redirect it (> FILE) or give --output FILE", EXIT_USAGE)
        if not piped and output.exists() and not args.force:
            raise Refused(f"{output} exists: give another --output, or --force to replace it", EXIT_USAGE)
        folder = _student_dir(args, args.student)
        with _database(args, missing_ok=True) as db:
            record = db.student_record(args.student) if db is not None else {}
            if not any(record.values()) and not folder.is_dir():
                raise Refused(_unknown_student(args, db, args.student))
            now = db.now() if db is not None else time.time()
            papers = _marked_papers(db, args.student, now) if db is not None else {}
            if piped:
                with tempfile.TemporaryDirectory() as scratch:
                    zipped = Path(scratch) / f"{args.student}.zip"
                    files = _write_export(zipped, args.student, record, papers, folder, now)
                    data = zipped.read_bytes()
            else:
                files = _write_export(output, args.student, record, papers, folder, now)
            if db is not None:
                where = "standard output" if piped else output.resolve()
                db.log_action("export", None, args.student, f"exported to {where}", by=_teacher(), now=now)
    except Refused as exc:
        return fail(str(exc), exc.code, prog=prog)
    except OSError as exc:
        return fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_ERRORS, prog=prog)
    rows = sum(len(rows) for rows in record.values())
    what = (
        f"{args.student}'s results ({rows} rows, in results.json), their marked paper of each quiz "
        f"({len(papers)}, as <quiz>.txt) and their progress folder ({files} files)"
    )
    if piped:
        code = write_binary_to_stdout(data, "a zip", prog=prog)
        if code == EXIT_OK:
            print(f"wrote a zip to standard output: {what}.", file=sys.stderr)  # standard output is the zip
        return code
    print(f"wrote {output} (readable by you only): {what}.")
    return EXIT_OK


def run_delete(args: argparse.Namespace) -> int:
    from convquest.classroom.results import ActionRefused

    prog = "convquest student delete"
    try:
        _check_id(args.student)
        folder = _student_dir(args, args.student)
        with _database(args, missing_ok=True) as db:
            record = db.student_record(args.student) if db is not None else {}
            kept = {table: len(rows) for table, rows in record.items() if rows and table != "teacher_actions"}
            if not kept and not folder.is_dir():
                raise Refused(_unknown_student(args, db, args.student))
            rows = ", ".join(f"{n} {table}" for table, n in kept.items()) or "no rows"
            files = sum(1 for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
            where = f"their progress folder {folder} ({files} files)" if folder.is_dir() else "no progress folder"
            _confirm(
                args,
                f"Delete everything kept about {args.student}? {where}, and their results in the database "
                f"({rows}). This cannot be undone (`convquest student export {args.student}` keeps a copy).",
            )
            if db is not None:
                db.delete_student(args.student, by=_teacher(), now=db.now())
        if folder.is_dir():
            shutil.rmtree(folder)
    except (Refused, ActionRefused) as exc:
        return fail(str(exc), getattr(exc, "code", EXIT_ERRORS), prog=prog)
    except OSError as exc:
        return fail(f"cannot delete {folder}: {exc.strerror or exc}", EXIT_ERRORS, prog=prog)
    print(f"deleted {args.student}'s data: {where.removeprefix('their ')}, and {rows} from the database.")
    return EXIT_OK


def _write_export(
    output: Path,
    student: str,
    record: dict[str, list[dict[str, object]]],
    papers: dict[str, str],
    folder: Path,
    now: float,
) -> int:
    """The zip: <student>/results.json, <student>/<quiz>.txt (each marked paper, to read) and
    <student>/progress/… (databases copied consistently, so a student playing at the moment does
    not leave a torn copy). The number of progress files."""
    document = {
        "student": student,
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(now)),
        "exported_by": _teacher(),
        "results": record,
    }
    files = 0
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{student}/results.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            for quiz_id, text in papers.items():
                archive.writestr(f"{student}/{quiz_id}.txt", text)
            if folder.is_dir():
                for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                    name = f"{student}/progress/{path.relative_to(folder).as_posix()}"
                    if path.name.endswith(("-wal", "-shm")):
                        continue  # the copy of the database beside it holds what they held
                    if path.suffix == ".db":
                        archive.writestr(name, _database_copy(path))
                    else:
                        archive.write(path, name)
                    files += 1
        os.replace(partial, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return files


def _marked_papers(db: ResultsDB, student: str, now: float) -> dict[str, str]:
    """Quiz id → the student's marked paper as text; the right answers and working only for a
    sitting that is over (a paper handed out mid-quiz must not carry its answers)."""
    from convquest.classroom.marked import mark, paper_text, stored
    from convquest.classroom.results import ending_text

    papers = {}
    for sitting in db.sittings():
        if sitting.student != student:
            continue
        session = stored(sitting, db.answers(sitting.quiz_id, student))
        over = sitting.over(now)
        ending = ending_text(sitting) if over else "still being sat: the right answers come once it is over"
        papers[sitting.quiz_id] = paper_text(sitting.title, ending, mark(session, released=over))
    return papers


def _database_copy(path: Path) -> bytes:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / path.name
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        except sqlite3.Error:
            return path.read_bytes()  # not a database after all: the file as it is
        finally:
            target.close()
            source.close()
        return copy.read_bytes()


def _unknown_student(args: argparse.Namespace, db: ResultsDB | None, student: str) -> str:
    known = set(db.students()) if db is not None else set()
    students = data_dir(args) / "students"
    if students.is_dir():
        known |= {p.name for p in students.iterdir() if p.is_dir()}
    listed = sorted(known)
    shown = ", ".join(listed[:12]) + (f" and {len(listed) - 12} more" if len(listed) > 12 else "")
    return f"no data kept for a student '{student}' in {data_dir(args)} (students with data: {shown or 'none'})"


# --- shared ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def _database(args: argparse.Namespace, *, missing_ok: bool = False) -> Iterator[ResultsDB | None]:
    """The results database `serve` writes; Refused if it is missing (unless `missing_ok`: None)."""
    from convquest.classroom.results import ResultsDB, ResultsUnavailable
    from convquest.commands.classroom import no_results_yet, results_db_path

    path = results_db_path(args)
    try:
        db = ResultsDB.open_existing(path)
    except ResultsUnavailable as exc:
        raise Refused(str(exc), EXIT_USAGE) from None
    if db is None and not missing_ok:
        raise Refused(no_results_yet(path), EXIT_USAGE)
    try:
        yield db
    finally:
        if db is not None:
            db.close()


def _student_dir(args: argparse.Namespace, student: str) -> Path:
    return data_dir(args) / "students" / student


def _check_id(student: str) -> None:
    """Refuse what cannot be a student id: it names a folder that may be deleted."""
    from convquest.classroom.limits import username_problem

    problem = username_problem(student)
    if problem is not None:
        raise Refused(problem, EXIT_USAGE)


def _confirm(args: argparse.Namespace, question: str) -> None:
    """Ask on the terminal (Refused unless the answer is yes); --yes answers for the teacher."""
    if getattr(args, "yes", False):
        return
    if not sys.stdin.isatty():
        raise Refused(f"{question}\nNo terminal to ask on: give --yes to go ahead.", EXIT_USAGE)
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise Refused("nothing was changed.", EXIT_ERRORS)


def _teacher() -> str:
    """Who ran the command, for the log: the OS user."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (a bare container)
        return f"uid {os.getuid()}"


def _names(students: list[str]) -> str:
    return ", ".join(students[:10]) + (f" and {len(students) - 10} more" if len(students) > 10 else "")


def _clock(at: float) -> str:
    return time.strftime("%H:%M", time.localtime(at))


def _left(deadline: float) -> str:
    minutes = max(0.0, deadline - time.time()) / 60
    return f"{minutes:.0f} minutes from now"
