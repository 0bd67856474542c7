"""`convquest results override`: a teacher's own mark for one question of one student's quiz.

    convquest results override --quiz week-3 --student alice --question 3 --mark 1 --reason "wrote 5x5"
    convquest results override --quiz week-3 --student alice --question 3 --clear

Recorded with who ran it (the OS user) and when, beside the answers, which it never changes: every
export and the teacher's view show the mark in force and the one the answers earned.
"""

from __future__ import annotations

import argparse
import sys

from convquest.commands.classroom import add_results_option, open_results


def add_override_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiz", metavar="ID", required=True, help="the quiz, by the id in its file")
    parser.add_argument("--student", metavar="ID", required=True, help="the student, by the id they log in with")
    parser.add_argument(
        "--question", metavar="N", type=int, required=True, help="the question's number on the paper (1, 2, …)"
    )
    mark = parser.add_mutually_exclusive_group(required=True)
    mark.add_argument(
        "--mark",
        metavar="M",
        type=float,
        help="the mark the question gets, from 0 to 1 (a question is worth 1; 0.5 is half)",
    )
    mark.add_argument(
        "--clear", action="store_true", help="withdraw the override: the mark the answers earned counts again"
    )
    parser.add_argument("--reason", metavar="TEXT", default="", help="why, kept with the override and shown with it")
    add_results_option(parser)


def run_override(args: argparse.Namespace) -> int:
    import getpass

    from convquest.classroom.export import iso
    from convquest.classroom.progress import OverrideRefused, override_mark
    from convquest.practice.records import marks_text

    db = open_results(args, "results override")
    if isinstance(db, int):
        return db
    mark = None if args.clear else args.mark
    try:
        done = override_mark(
            db,
            args.quiz,
            args.student,
            args.question,
            mark,
            by=getpass.getuser(),
            now=db.now(),
            reason=args.reason.strip(),
        )
    except OverrideRefused as exc:
        print(f"convquest results override: {exc}", file=sys.stderr)
        return 2
    finally:
        db.close()
    what = "back to the mark its answers earned" if done.mark is None else f"mark {marks_text(done.mark)}"
    print(
        f"quiz {done.quiz_id}, {done.student}, question {done.question}: {what}; recorded by {done.by} at "
        f"{iso(done.at)} (the answers stay as given; `convquest results --quiz {done.quiz_id}` shows it)"
    )
    return 0
