"""`convquest levels list` and `convquest levels check`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from convquest.commands.common import EXIT_ERRORS, EXIT_OK, curriculum


def run_list(args: argparse.Namespace) -> int:
    chapters = curriculum(args)
    rows = [(level.id, level.kind, level.title) for level in chapters.levels]
    widths = [max((len(row[col]) for row in rows), default=0) for col in range(2)]
    for level_id, kind, title in rows:
        print(f"{level_id:<{widths[0]}}  {kind:<{widths[1]}}  {title}")
    return EXIT_ERRORS if chapters.errors else EXIT_OK


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="level or quiz files (.toml) or folders of them"
    )


def run_check(args: argparse.Namespace) -> int:
    from convquest.classroom.quiz import check_quiz_file, load_quiz, partition_paths
    from convquest.levels.check_summary import ok_lines
    from convquest.levels.loader import inspect_files

    # A file with a [quiz] table is a quiz (convquest.classroom.quiz), the rest are chapters.
    level_paths, quiz_files = partition_paths(args.files)
    chapters, errors = inspect_files(level_paths) if level_paths else ([], [])
    for quiz_file in quiz_files:
        errors += check_quiz_file(quiz_file)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        files = len({error.file for error in errors})
        print(f"{len(errors)} problem(s) in {files} file(s)", file=sys.stderr)
        return EXIT_ERRORS
    print("\n".join(ok_lines(chapters, [load_quiz(path) for path in quiz_files])))
    return EXIT_OK
