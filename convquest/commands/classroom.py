"""`convquest serve`, `convquest quiz` (what each student's session runs with --quiz),
`convquest results` and `convquest teacher`.

asyncssh is imported when the server actually starts; the quiz and the teacher's live view start
Textual only once their arguments and the terminal have been checked.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from convquest.commands.common import data_dir, interactive, to_stdout

if TYPE_CHECKING:
    from convquest.classroom.quiz import Quiz
    from convquest.classroom.results import ResultsDB

CLASS_CODE_ENV = "CONVQUEST_CLASS_CODE"


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for the whole network)",
    )
    parser.add_argument("--port", type=int, default=2222, help="port to listen on (default: 2222)")
    access = parser.add_mutually_exclusive_group()
    access.add_argument(
        "--class-code",
        metavar="CODE",
        help=f"students log in with this code as their password (or set {CLASS_CODE_ENV}, which other users cannot see in the process list)",
    )
    access.add_argument(
        "--authorized-keys",
        type=Path,
        metavar="PATH",
        help="students log in with public keys: an OpenSSH authorized_keys file (any listed key, any student id), or a folder of <student-id>.pub files (each key opens only its id); re-read at each login",
    )
    parser.add_argument(
        "--roster",
        type=Path,
        metavar="FILE",
        help="only the students in this CSV (student,password,...; see `convquest roster new`) log in, each "
        "with their own password; may be used with --authorized-keys; the file must be readable by you only",
    )
    parser.add_argument(
        "--open", action="store_true", help="allow logins without a code or key on an address other than loopback"
    )
    # The CLI already gives every subcommand its global --data-dir; a parser of its own needs one.
    with contextlib.suppress(argparse.ArgumentError):
        parser.add_argument(
            "--data-dir", metavar="DIR", type=Path, help="where the host key and each student's progress are kept"
        )
    parser.add_argument(
        "--max-sessions", metavar="N", type=int, default=60, help="most students connected at once (default: 60)"
    )
    parser.add_argument(
        "--idle-timeout",
        metavar="MIN",
        type=float,
        default=30,
        help="close a session after this many minutes without a key pressed; 0 never (default: 30)",
    )
    parser.add_argument(
        "--quiz",
        type=Path,
        metavar="FILE",
        help="every student sits this quiz file instead of playing the game; answers go to "
        "classroom.db in the data dir (see `convquest results` and `convquest teacher`)",
    )
    web = parser.add_argument_group("the browser door (for students without an SSH client)")
    web.add_argument(
        "--web-port",
        type=int,
        metavar="PORT",
        help="also serve the class in a web page on this port: students open http://HOST:PORT/ and log in "
        "with the same id and password (or class code) as over SSH",
    )
    web.add_argument(
        "--web-host",
        default="127.0.0.1",
        metavar="HOST",
        help="address the browser door listens on (default: 127.0.0.1, this machine only, e.g. behind a "
        "reverse proxy; 0.0.0.0 for the whole network)",
    )
    web.add_argument(
        "--web-behind-proxy",
        action="store_true",
        help="the browser door is reached through a reverse proxy on this machine (Caddy, nginx): take each "
        "student's address from its X-Forwarded-For, so failed-login limits apply per student, not to the proxy",
    )
    web.add_argument(
        "--tls-cert", type=Path, metavar="FILE", help="serve the browser door over https with this PEM certificate"
    )
    web.add_argument("--tls-key", type=Path, metavar="FILE", help="the certificate's PEM private key (with --tls-cert)")
    parser.add_argument(
        "--no-warm",
        dest="warm",
        action="store_false",
        help="start each session as a fresh process instead of forking it from a prepared one "
        "(slower logins, more memory; see docs/CLASSROOM.md)",
    )
    add_results_option(parser, "where the answers and sessions go")


def add_results_option(
    parser: argparse.ArgumentParser, what: str = "the class results, as given to `convquest serve`"
) -> None:
    """`--results PATH|URL` (`--results-db`, its first name, still works) on every command that
    reads or writes the class results."""
    parser.add_argument(
        "--results",
        "--results-db",
        dest="results_db",
        metavar="PATH|URL",
        help=f"{what}: an SQLite file (default: classroom.db in the data dir) or a PostgreSQL database that "
        "several servers share, postgresql://USER@HOST/DB (needs convquest[postgres])",
    )


def run_serve(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import signal

    from convquest.classroom.server import ClassroomServer, ServeError, ServerConfig

    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    # asyncssh logs every packet-level step at INFO; our own lines are the ones a teacher needs.
    logging.getLogger("asyncssh").setLevel(logging.WARNING)

    class_code = args.class_code
    roster = getattr(args, "roster", None)
    if class_code is None and args.authorized_keys is None and roster is None:
        class_code = os.environ.get(CLASS_CODE_ENV) or None
    quiz_file = getattr(args, "quiz", None)
    config = ServerConfig(
        data_dir=data_dir(args),
        host=args.host,
        port=args.port,
        class_code=class_code,
        authorized_keys=args.authorized_keys,
        roster=None if roster is None else roster.expanduser().resolve(),
        open=args.open,
        max_sessions=args.max_sessions,
        idle_timeout=args.idle_timeout * 60,
        quiz_file=None if quiz_file is None else quiz_file.expanduser().resolve(),
        web_port=getattr(args, "web_port", None),
        web_host=getattr(args, "web_host", "127.0.0.1"),
        tls_cert=_path(getattr(args, "tls_cert", None)),
        tls_key=_path(getattr(args, "tls_key", None)),
        web_behind_proxy=getattr(args, "web_behind_proxy", False),
        warm=getattr(args, "warm", True),
        results=_given_results(args),
    )

    async def serve() -> None:
        # SIGTERM (systemd, kill) must hang up the games too: they run in their own sessions and
        # would otherwise outlive the server.
        task = asyncio.current_task()
        assert task is not None  # asyncio.run runs this coroutine as a task
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        if signal.getsignal(signal.SIGHUP) is signal.SIG_IGN:
            # Under nohup: every game would inherit the ignored SIGHUP and outlive each hang-up
            # until the SIGKILL after the grace time. A handler is not inherited; the server stays up.
            loop.add_signal_handler(signal.SIGHUP, lambda: None)
        with contextlib.suppress(asyncio.CancelledError):
            await server.serve_forever()

    if config.results is not None:
        from convquest.classroom.results import ResultsDB, ResultsUnavailable

        # A wrong URL or password found now, not by every student's quiz in turn.
        try:
            ResultsDB.open(config.results).close()
        except ResultsUnavailable as exc:
            print(f"convquest serve: {exc}", file=sys.stderr)
            return 2
    try:
        server = ClassroomServer(config)
        asyncio.run(serve())
    except ServeError as exc:
        print(f"convquest serve: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is taken
        ports = f"{args.host} port {args.port}"
        if config.web_port is not None:
            ports += f" (or, for the browser door, {config.web_host} port {config.web_port})"
        print(f"convquest serve: cannot listen on {ports}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


def _path(given: Path | None) -> Path | None:
    return None if given is None else given.expanduser().resolve()


# --- convquest quiz: one student sitting one quiz (what `serve --quiz` runs in each session) ---------

STUDENT_ENV = "CONVQUEST_USER"  # set by `convquest serve` to the SSH username


def add_quiz_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, required=True, metavar="FILE", help="the quiz file (.toml)")
    add_results_option(parser)
    parser.add_argument(
        "--student",
        metavar="ID",
        help=f"whose quiz this is (default: ${STUDENT_ENV}, set by `convquest serve`, else your login name)",
    )


class QuizSetupError(Exception):
    """The quiz cannot start; the message says why, for the student's terminal or the teacher's."""


def quiz_plan(args: argparse.Namespace) -> tuple[Quiz, str, Path | str]:
    """(quiz, student id, results db path) for `convquest quiz`; QuizSetupError if it cannot run."""
    import getpass

    from convquest.classroom.limits import username_problem
    from convquest.classroom.quiz import QuizFileInvalid, load_quiz

    try:
        quiz = load_quiz(args.file)
    except QuizFileInvalid as exc:
        raise QuizSetupError(f"the quiz file has {len(exc.errors)} problem(s):\n{exc}") from None
    student = args.student or os.environ.get(STUDENT_ENV) or getpass.getuser()
    problem = username_problem(student)
    if problem is not None:
        raise QuizSetupError(problem)
    return quiz, student, results_db_path(args)


def run_quiz(args: argparse.Namespace) -> int:
    from convquest.classroom.results import ResultsDB, ResultsUnavailable

    try:
        quiz, student, path = quiz_plan(args)
    except QuizSetupError as exc:
        print(f"convquest quiz: {exc}", file=sys.stderr)
        return 2
    if not interactive():
        print("convquest quiz: the quiz needs a terminal (connect with ssh -t)", file=sys.stderr)
        return 2
    try:
        db = ResultsDB.open(path)
    except ResultsUnavailable as exc:
        # Said to the student's terminal: they can only pass it on.
        print(
            f"convquest quiz: your answers cannot be saved, so the quiz cannot start: {exc}. Tell your teacher.",
            file=sys.stderr,
        )
        return 1
    from convquest.ui.first_frame import collector_held

    with collector_held():
        from convquest.store import Store
        from convquest.ui.quiz.app import QuizApp

        store = Store.open(data_dir(args))  # the student's own settings
        try:
            # The database's clock: with servers sharing PostgreSQL, each one's own clock may be off.
            QuizApp(quiz=quiz, student=student, db=db, store=store, clock=db.now).run()
        finally:
            store.close()
            db.close()
    if os.environ.get("CONVQUEST_SERVED") == "1":
        leave_at_once()
    return 0


def leave_at_once() -> None:
    """End a served process without Python's teardown of every loaded module.

    The answers are committed and both databases closed by now; what is left is about 50 ms of CPU
    per student unloading Textual and NumPy. When 40 students leave within a second, that CPU is
    taken from the others still typing (the SSH benchmark saw their key echo go from 19 to 160 ms).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# --- convquest results ------------------------------------------------------------------------------


RESULT_FORMATS = ("table", "csv", "canvas", "moodle", "json")  # convquest.classroom.export.FORMATS
BY_QUESTION_FORMATS = ("table", "csv", "json")
# Without --format, the file's name says it: `--output week-3.csv` is a CSV, not a table in a .csv.
FORMAT_OF_SUFFIX = {".csv": "csv", ".json": "json"}


def results_format(args: argparse.Namespace) -> str:
    if args.format is not None:
        return str(args.format)
    suffix = args.output.suffix.lower() if args.output is not None else ""
    return FORMAT_OF_SUFFIX.get(suffix, "table")


def add_results_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiz", metavar="ID", help="only this quiz (default: every quiz in the database)")
    parser.add_argument(
        "--format",
        choices=RESULT_FORMATS,
        help="table (default, to read; with --output FILE.csv or FILE.json, csv or json), csv (one row per "
        "student and quiz: score, percent, each answer and mark), canvas or moodle (a gradebook import: one "
        "row per student, one column per quiz) or json (everything, with each student's own problems and the "
        "worked solutions)",
    )
    parser.add_argument(
        "--by-question",
        action="store_true",
        help="each question across the class instead: how many answered, percent right, the commonest mistakes "
        "(table, csv or json)",
    )
    parser.add_argument(
        "--roster",
        type=Path,
        metavar="FILE",
        help="the roster `serve --roster` used: names, emails, sections and SIS ids go into the exports",
    )
    parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output ('-': standard output)"
    )
    add_results_option(parser)


def _given_results(args: argparse.Namespace) -> Path | str | None:
    from convquest.classroom.backends import is_postgres

    given = getattr(args, "results_db", None)
    if given is None or is_postgres(str(given)):
        return given
    return Path(given).expanduser()


def results_db_path(args: argparse.Namespace) -> Path | str:
    """What `--results` names (a file or a postgresql:// URL); else classroom.db in the data dir."""
    from convquest.classroom.results import default_path

    given = _given_results(args)
    return default_path(data_dir(args)) if given is None else given


def run_results(args: argparse.Namespace) -> int:

    from convquest.classroom import export
    from convquest.classroom.progress import quiz_progress

    form = results_format(args)
    if args.by_question and form not in BY_QUESTION_FORMATS:
        print(
            f"convquest results: --by-question writes {', '.join(BY_QUESTION_FORMATS)}, not {form} "
            "(a gradebook takes one mark per student and quiz)",
            file=sys.stderr,
        )
        return 2
    people = None
    if args.roster is not None:
        from convquest.classroom.roster import RosterInvalid, load_roster

        try:
            people = load_roster(args.roster.expanduser()).students
        except RosterInvalid as exc:
            print(f"convquest results: {exc}", file=sys.stderr)
            return 2
    db = open_results(args, "results")
    if isinstance(db, int):
        return db
    try:
        now = db.now()
        titles = dict(db.quizzes())
        wanted = [args.quiz] if args.quiz else sorted(titles)
        if args.quiz and args.quiz not in titles:
            known = ", ".join(sorted(titles)) or "none yet"
            print(
                f"convquest results: no results for quiz '{args.quiz}' (quizzes with results: {known})", file=sys.stderr
            )
            return 1
        quizzes = [(quiz_id, titles[quiz_id], quiz_progress(db, quiz_id, now)) for quiz_id in wanted]
    finally:
        db.close()
    if not quizzes:
        print("convquest results: no quiz has been started yet", file=sys.stderr)
        return 1
    write = (export.BY_QUESTION if args.by_question else export.FORMATS)[form]
    text = write(quizzes, now, people or {})
    if args.output is None or to_stdout(args.output):
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        print(f"convquest results: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    what = f"{form} results{' by question' if args.by_question else ''}"
    count = f"{len(quizzes)} quiz{'zes' * (len(quizzes) != 1)}"
    print(f"wrote {what} for {count} to {args.output}", file=sys.stderr)
    return 0


def open_results(args: argparse.Namespace, command: str) -> ResultsDB | int:
    """The results database for a reader, or the exit code when there is none to read, said on
    stderr: 1 when no quiz has been served yet, 2 when it exists but cannot be used."""
    from convquest.classroom.results import ResultsDB, ResultsUnavailable

    path = results_db_path(args)
    try:
        db = ResultsDB.open_existing(path)
    except ResultsUnavailable as exc:
        print(f"convquest {command}: {exc}", file=sys.stderr)
        return 2
    if db is None:
        print(f"convquest {command}: {no_results_yet(path)}", file=sys.stderr)
        return 1
    return db


def no_results_yet(path: Path | str) -> str:
    from convquest.classroom.backends import is_postgres, shown

    if is_postgres(path):
        return (
            f"no results yet in {shown(path)}: no `convquest serve --quiz FILE --results` has used it "
            "(give the same --results as serve)"
        )
    return (
        f"no results yet: {path} does not exist (give the same --data-dir as `convquest serve`); it is made "
        "when a student starts a quiz served with `convquest serve --quiz FILE`"
    )


# --- convquest teacher -------------------------------------------------------------------------------


def add_teacher_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiz", metavar="ID", help="follow this quiz (default: the one started most recently)")
    add_results_option(parser)
    parser.add_argument(
        "--every", type=float, default=1.0, metavar="SECONDS", help="how often to look for new answers (default: 1)"
    )


def run_teacher(args: argparse.Namespace) -> int:
    every = getattr(args, "every", 1.0)
    if not 0.1 <= every <= 60:
        print(f"convquest teacher: --every must be between 0.1 and 60 seconds, not {every:g}", file=sys.stderr)
        return 2
    if not interactive():
        print(
            "convquest teacher: the live view needs a terminal; `convquest results` prints the results", file=sys.stderr
        )
        return 2
    from convquest.ui.first_frame import collector_held

    with collector_held():
        from convquest.ui.quiz.teacher import TeacherApp

        TeacherApp(results_db_path(args), quiz_id=getattr(args, "quiz", None), every=every).run()
    return 0
