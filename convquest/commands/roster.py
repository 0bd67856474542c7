"""`convquest roster new`: a class roster with a random password for each student, to print and hand out."""

from __future__ import annotations

import argparse
from pathlib import Path

from convquest.commands.common import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, fail

PROG = "convquest roster new"


def add_new_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "names",
        type=Path,
        metavar="NAMES_FILE",
        help="one name or student id a line (ids are made from names: Zoë O'Brien → zoe.obrien), or a CSV "
        "with a header of student and/or name, and optionally email,section,sis_user_id,sis_login_id",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("roster.csv"),
        metavar="FILE",
        help="the roster to write, readable by you only (default: roster.csv)",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists (its passwords are lost)")


def run_new(args: argparse.Namespace) -> int:
    from convquest.classroom.roster import RosterInvalid, new_roster_rows, roster_text, write_roster

    try:
        names_text = Path(args.names).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return fail(f"cannot read {args.names}: {reason}", EXIT_USAGE, prog=PROG)
    try:
        rows = new_roster_rows(names_text, Path(args.names))
    except RosterInvalid as exc:
        return fail(str(exc), EXIT_ERRORS, prog=PROG)
    try:
        write_roster(args.output, roster_text(rows), force=args.force)
    except FileExistsError:
        return fail(
            f"{args.output} exists, and its passwords may be handed out already: give another --output, "
            "or --force to replace it",
            EXIT_USAGE,
            prog=PROG,
        )
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror or exc}", EXIT_ERRORS, prog=PROG)
    width = max(len(row["student"]) for row in rows)
    for row in rows:
        print(f"{row['student']:<{width}}  {row['password']}  {row['name']}".rstrip())
    print(
        f"\nwrote {len(rows)} students to {args.output} (readable by you only). Hand each student their id and "
        f"password, then: convquest serve --roster {args.output}",
    )
    return EXIT_OK
