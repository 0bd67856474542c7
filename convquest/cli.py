"""The `convquest` command: the parser built from the table in `convquest.commands`, and main().

Only argparse is imported up front so `convquest --help` is instant and loads no Textual. Each
subcommand is one row of `convquest.commands.COMMANDS`; its module adds its arguments and runs it,
imported only to build the parser or when chosen. A plain launch (`convquest [--data-dir D]
[--levels P]…`) is read without argparse at all (start-up time).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

from convquest.commands import COMMANDS, GROUP_BARE_DEFAULT, GROUP_DEFAULT, GROUP_HELP, PLAY, Command
from convquest.commands.common import EXIT_OK

if TYPE_CHECKING:
    import argparse

__all__ = ["COMMANDS", "build_parser", "main"]


def _function(command: Command, kind: str) -> Callable[..., object] | None:
    """The command's `run_<name>` (kind "run") or `add_<name>_arguments` (kind "add"), if defined."""
    module = importlib.import_module(command.module)
    name = f"run_{command.name}" if kind == "run" else f"add_{command.name}_arguments"
    return cast("Callable[..., object] | None", getattr(module, name, None))


GLOBAL_VALUE_OPTIONS = ("--data-dir", "--levels")  # what _global_options adds, each taking one value


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    import argparse

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
    import argparse

    from convquest import __version__

    parser = argparse.ArgumentParser(
        prog="convquest",
        description="A terminal game that teaches convolution and CNN arithmetic. With no command, starts the game.",
    )
    parser.add_argument("--version", action="version", version=f"convquest {__version__}")
    _global_options(parser, top=True)
    # argparse's subparsers action has no public type; each value here is one.
    groups: dict[tuple[str, ...], argparse._SubParsersAction[argparse.ArgumentParser]] = {
        (): parser.add_subparsers(metavar="COMMAND")
    }
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
        add_arguments = _function(command, "add")
        if add_arguments is not None:
            add_arguments(sub)
        sub.set_defaults(command=command)
    return parser


def _parse_play(argv: Sequence[str]) -> SimpleNamespace | None:
    """The arguments of a plain launch (`convquest`, `convquest --data-dir D --levels P`), or None
    for anything else. Importing argparse and building every subcommand's parser (which imports the
    modules that add their arguments) is start-up time a plain launch never uses, so the global
    options are read here when they are spelt in full, each with a value (`--data-dir D`,
    `--data-dir=D`). Anything else (a command, --help, an abbreviation, a value that looks like an
    option, a slip) goes to the full parser, which reads it as it always has."""
    data_dir: Path | None = None
    levels: list[Path] = []
    words = iter(argv)
    for word in words:
        name, equals, value = word.partition("=")
        if name not in GLOBAL_VALUE_OPTIONS:
            return None
        if not equals:
            value = next(words, "")
        if not value or (not equals and value.startswith("-")):
            return None
        if name == "--data-dir":
            data_dir = Path(value)
        else:
            levels.append(Path(value))
    return SimpleNamespace(command=PLAY, level=None, data_dir=data_dir, levels=levels)


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    """Any command line, by the full parser; a global option may also follow the command."""
    args = build_parser().parse_args(with_group_default(list(argv)))
    args.levels = list(args.levels) + list(getattr(args, "sub_levels", []))
    args.data_dir = getattr(args, "data_dir", None) or args.top_data_dir
    if not hasattr(args, "command"):  # no command: play from the home screen
        args.command, args.level = PLAY, None
    return args


def with_group_default(argv: list[str]) -> list[str]:
    """`quiz --file F` as `quiz sit --file F` (GROUP_DEFAULT); `quiz -h` and `quiz export …` as typed;
    `results` alone as `results show` (GROUP_BARE_DEFAULT). Global options may come first."""
    at = 0
    while at < len(argv) and argv[at].partition("=")[0] in GLOBAL_VALUE_OPTIONS:
        at += 1 if "=" in argv[at] else 2  # the option and its value: the command word comes after
    lead, group, rest = argv[:at], argv[at : at + 1], argv[at + 1 :]
    if not group or group[0] not in GROUP_DEFAULT:
        return argv
    default = [*lead, group[0], GROUP_DEFAULT[group[0]]]
    if not rest:
        return default if group[0] in GROUP_BARE_DEFAULT else argv
    words = {command.words[1] for command in COMMANDS if len(command.words) > 1 and command.words[0] == group[0]}
    if rest[0] in words or rest[0] in ("-h", "--help"):
        return argv
    return [*default, *rest]


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parse_play(argv) or _parse(argv)
    run = _function(args.command, "run")
    assert run is not None, f"{args.command.module} has no run_{args.command.name}"
    try:
        return cast(int, run(args))
    except BrokenPipeError:
        # The reader left early (`convquest levels list | head`); that is what they wanted, not a crash.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
