"""The `convquest` command.

Only argparse is imported up front so `convquest --help` is instant and loads no Textual. Each
subcommand is one entry in COMMANDS: its words, help, arguments, and the "module:function" that
runs it, imported only when chosen. The function takes the parsed arguments (with the global
`data_dir` and `levels` filled in) and returns the exit code. To add a subcommand, add one Command.

Arguments are either listed in the entry (`args`) or added by a "module:function" hook
(`arguments`) taking the subparser; a hook's module is imported to build `--help`, so it must
import only the standard library at module level.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Arg:
    flags: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # ("levels", "check") is `convquest levels check`
    help: str
    target: str  # "package.module:function", imported when the command runs
    args: tuple[Arg, ...] = ()
    arguments: str | None = None  # "package.module:function(parser)" adding the arguments itself


COMMANDS: tuple[Command, ...] = (
    Command(
        ("play",),
        "play the game (the default when no command is given)",
        "convquest.cli:play_command",
        (Arg(("--level",), {"metavar": "ID", "help": "start straight at this level"}),),
    ),
    Command(("levels", "list"), "list every level: id, kind, title", "convquest.cli:levels_list_command"),
    Command(
        ("levels", "check"),
        "validate level and quiz files; exit 1 with every problem found",
        "convquest.cli:levels_check_command",
        (
            Arg(
                ("files",),
                {
                    "nargs": "+",
                    "type": Path,
                    "metavar": "FILE",
                    "help": "level or quiz files (.toml) or folders of them",
                },
            ),
        ),
    ),
    Command(
        ("practice",),
        "endless practice, each topic coming back when it is due",
        "convquest.practice.commands:run_practice",
        arguments="convquest.practice.commands:add_practice_arguments",
    ),
    Command(
        ("exam",),
        "a timed paper of mixed questions, marked at the end",
        "convquest.practice.commands:run_exam",
        arguments="convquest.practice.commands:add_exam_arguments",
    ),
    Command(
        ("report",),
        "what a practice or exam session showed: scores, mistakes, topics to revise",
        "convquest.practice.commands:run_report",
        arguments="convquest.practice.commands:add_report_arguments",
    ),
    Command(
        ("serve",),
        "serve the game to a class over SSH",
        "convquest.classroom.commands:run_serve",
        arguments="convquest.classroom.commands:add_serve_arguments",
    ),
    Command(
        ("quiz",),
        "sit a quiz file (what `serve --quiz` runs for each student)",
        "convquest.ui.quiz.command:run_quiz",
        arguments="convquest.classroom.commands:add_quiz_arguments",
    ),
    Command(
        ("results",),
        "quiz results per student: score, each answer, time (table, csv or json)",
        "convquest.classroom.commands:run_results",
        arguments="convquest.classroom.commands:add_results_arguments",
    ),
    Command(
        ("teacher",),
        "live view of a class sitting a quiz: who is connected, who answered what",
        "convquest.ui.quiz.command:run_teacher",
        arguments="convquest.classroom.commands:add_teacher_arguments",
    ),
    Command(
        ("playground",),
        "the free visualizer: set i, k, p, s, d and watch the window sweep",
        "convquest.ui.board.playground:playground_command",
    ),
)
GROUP_HELP = {"levels": "list the levels, or check level files"}

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _load(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # Subcommands accept the global options too (`convquest levels list --levels pack/`). There the
    # defaults are suppressed and the values merged in main(), so a value given before the
    # subcommand is never overwritten, even by a command that defines its own --data-dir.
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        dest="top_data_dir" if top else "data_dir",
        default=None if top else argparse.SUPPRESS,
        help="where progress is kept (default: $CONVQUEST_DATA_DIR, else your user data folder)",
    )
    parser.add_argument(
        "--levels",
        type=Path,
        action="append",
        metavar="DIR",
        dest="levels" if top else "sub_levels",
        default=[] if top else argparse.SUPPRESS,
        help="also load the level files in DIR (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    from convquest import __version__

    parser = argparse.ArgumentParser(
        prog="convquest",
        description="A terminal game that teaches convolution and CNN arithmetic. With no command, starts the game.",
    )
    parser.add_argument("--version", action="version", version=f"convquest {__version__}")
    _global_options(parser, top=True)
    groups: dict[tuple[str, ...], Any] = {(): parser.add_subparsers(metavar="COMMAND")}
    for command in COMMANDS:
        for depth in range(1, len(command.words)):
            prefix = command.words[:depth]
            if prefix not in groups:
                group = groups[prefix[:-1]].add_parser(prefix[-1], help=GROUP_HELP.get(prefix[-1]))
                groups[prefix] = group.add_subparsers(metavar="COMMAND", required=True)
        sub = groups[command.words[:-1]].add_parser(
            command.words[-1], help=command.help, description=command.help, conflict_handler="resolve"
        )
        _global_options(sub, top=False)
        for arg in command.args:
            sub.add_argument(*arg.flags, **arg.options)
        if command.arguments:
            _load(command.arguments)(sub)
        sub.set_defaults(target=command.target)
    return parser


def _parse_play(argv: Sequence[str]) -> argparse.Namespace | None:
    """The arguments of a plain launch (`convquest`, `convquest --data-dir D --levels P`), or None
    for anything else. Building every subcommand's parser (and importing the modules that add their
    arguments) is a few ms of the start-up budget that a plain launch never uses; anything this
    parser does not take whole (a command, --help, --version, a slip) goes to the full parser."""
    parser = argparse.ArgumentParser(prog="convquest", add_help=False, exit_on_error=False)
    _global_options(parser, top=True)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parse_play(argv) or build_parser().parse_args(argv)
    args.levels = list(args.levels) + list(getattr(args, "sub_levels", []))
    args.data_dir = getattr(args, "data_dir", None) or args.top_data_dir
    if not hasattr(args, "target"):  # no command: play from the home screen
        args.target, args.level = "convquest.cli:play_command", None
    try:
        return _load(args.target)(args)
    except BrokenPipeError:
        # The reader left early (`convquest levels list | head`); that is what they wanted, not a crash.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"convquest: {message}", file=sys.stderr)
    return code


def _curriculum(args: argparse.Namespace, cache_dir: Path | None = None):
    from convquest.levels import load_curriculum

    curriculum = load_curriculum(args.levels, cache_dir=cache_dir)
    for error in curriculum.errors:
        print(f"convquest: skipped {error}", file=sys.stderr)
    return curriculum


def play_command(args: argparse.Namespace) -> int:
    from convquest.store import Store, default_data_dir

    data_dir = args.data_dir or default_data_dir()
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    # The data dir also keeps the parsed level files for the next launch (start-up time), but only
    # for a game that will run: a refused launch leaves nothing behind.
    curriculum = _curriculum(args, cache_dir=data_dir if interactive else None)
    if args.level is not None:
        try:
            curriculum.level(args.level)
        except KeyError:
            return _fail(f"unknown level '{args.level}'; `convquest levels list` shows every level id")
    if not interactive:
        return _fail(
            "the game needs a terminal: run it in an interactive terminal, not with its input or "
            "output redirected or piped"
        )
    store = Store.open(data_dir)
    try:
        from convquest.ui.app import ConvQuestApp

        ConvQuestApp(curriculum=curriculum, store=store, start_level=args.level).run()
    finally:
        store.close()
    return EXIT_OK


def levels_list_command(args: argparse.Namespace) -> int:
    curriculum = _curriculum(args)
    rows = [(level.id, level.kind, level.title) for level in curriculum.levels]
    widths = [max((len(row[col]) for row in rows), default=0) for col in range(2)]
    for level_id, kind, title in rows:
        print(f"{level_id:<{widths[0]}}  {kind:<{widths[1]}}  {title}")
    return EXIT_ERRORS if curriculum.errors else EXIT_OK


def levels_check_command(args: argparse.Namespace) -> int:
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


if __name__ == "__main__":
    sys.exit(main())
