"""`convquest quiz export`: a quiz's questions for the LMS a school already has, as Moodle GIFT text
or a QTI 1.2 package for Canvas, several drawn variants of each (convquest.classroom.gift/qti)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from convquest.commands.common import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, fail, to_stdout, write_binary_to_stdout

PROG = "convquest quiz export"
FORMATS = ("gift", "qti")
MAX_VARIANTS = 50


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the quiz file (.toml)")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        required=True,
        help="gift (Moodle: Question bank → Import → GIFT) or qti (Canvas: Import course content → QTI .zip file)",
    )
    parser.add_argument(
        "--variants",
        type=int,
        default=1,
        metavar="N",
        help=f"different draws of each question, 1 to {MAX_VARIANTS} (default: 1); the LMS gives each "
        "student one of them",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="which draws: the same seed gives the same file (default: 0)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="where to write (default: standard output for gift, <quiz id>-qti.zip for qti; '-': standard output)",
    )


def run_export(args: argparse.Namespace) -> int:
    if not 1 <= args.variants <= MAX_VARIANTS:
        return fail(f"--variants must be 1 to {MAX_VARIANTS}, not {args.variants}", EXIT_USAGE, prog=PROG)
    if args.seed < 0:
        return fail(f"--seed must be 0 or more, not {args.seed}", EXIT_USAGE, prog=PROG)

    from convquest.classroom.lms_items import draw_items
    from convquest.classroom.quiz import QuizFileInvalid, load_quiz

    try:
        quiz = load_quiz(args.file)
    except QuizFileInvalid as exc:
        return fail(f"the quiz file has {len(exc.errors)} problem(s):\n{exc}", EXIT_ERRORS, prog=PROG)
    items, skipped, notes = draw_items(quiz, args.variants, args.seed)
    data: str | bytes
    if args.format == "gift":
        from convquest.classroom.gift import to_gift

        header = (
            f"ConvQuest quiz {quiz.id}: {quiz.title}",
            f"{args.variants} variant(s) of each question, seed {args.seed}; each question's variants are in a "
            "category of their own, for Moodle's 'random question'",
        )
        data, unfit = to_gift(items, header)
        skipped += unfit
        items = [item for item in items if item.number not in {s.number for s in unfit}]
    else:
        from convquest.classroom.qti import to_qti_zip

        data = to_qti_zip(quiz.id, quiz.title, items)
    for line in sorted(map(str, skipped)) + notes:
        print(f"{PROG}: {line}", file=sys.stderr)
    if not items:
        return fail(
            f"no question of {args.file} can be exported as {args.format}; nothing written", EXIT_ERRORS, prog=PROG
        )

    output = args.output
    if output is None and args.format == "qti":
        output = Path(f"{quiz.id}-qti.zip")
    questions = len({item.number for item in items})
    summary = f"{len(items)} variant(s) of {questions} question(s)"
    if output is None or to_stdout(output):
        if isinstance(data, bytes):
            code = write_binary_to_stdout(data, "a QTI zip", prog=PROG)
            if code != EXIT_OK:
                return code
        else:
            sys.stdout.write(data)
        print(f"{PROG}: wrote {summary} as {args.format}", file=sys.stderr)
        return EXIT_OK
    try:
        if isinstance(data, bytes):
            Path(output).write_bytes(data)
        else:
            Path(output).write_text(data, encoding="utf-8", newline="\n")
    except OSError as exc:
        return fail(f"cannot write {output}: {exc.strerror or exc}", EXIT_USAGE, prog=PROG)
    print(f"{PROG}: wrote {summary} as {args.format} to {output}", file=sys.stderr)
    return EXIT_OK
