"""Every `convquest` subcommand: this table, and one module per group of commands beside it.

A row names the command's words, its one-line help, and "module:name": the module here
(`convquest.commands.<module>`) defines `run_<name>(args) -> int` and, if the command takes
arguments, `add_<name>_arguments(parser)`. `convquest.cli` builds the parser from the table and
imports a row's module only to add its arguments (for `--help`) or to run it.

So a command module imports only the standard library at module level: `convquest --help` imports
every one of them and must load no Textual or NumPy (tests/test_cli.py). Whatever the command
runs (the engine, the store, the UI) is imported inside its `run_<name>`, once the arguments are
checked. These modules are the CLI layer: they are the only ones outside `convquest.ui` that may
start the UI (tests/test_layers.py).

To add a command, say `convquest shapes`: write `convquest/commands/shapes.py` with
`add_shapes_arguments(parser)` and `run_shapes(args)`, and add `Command(("shapes",), "…", "shapes:shapes")` below.
"""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    # A NamedTuple, not a frozen dataclass: a dataclass's generated methods cost every launch
    # about 4M instructions to build (start-up), this table's whole cost otherwise.
    words: tuple[str, ...]  # ("levels", "check") is `convquest levels check`
    help: str
    target: str  # "module:name": convquest.commands.<module>, with run_<name> and add_<name>_arguments

    @property
    def module(self) -> str:
        return f"{__name__}.{self.target.partition(':')[0]}"

    @property
    def name(self) -> str:
        return self.target.partition(":")[2]


COMMANDS: tuple[Command, ...] = (
    Command(("play",), "play the game (the default when no command is given)", "play:play"),
    Command(("levels", "list"), "list every level: id, kind, title", "levels:list"),
    Command(("levels", "check"), "validate level and quiz files; exit 1 with every problem found", "levels:check"),
    Command(("practice",), "endless practice, each topic coming back when it is due", "practice:practice"),
    Command(("exam",), "a timed paper of mixed questions, marked at the end", "practice:exam"),
    Command(
        ("report",), "what a practice or exam session showed: scores, mistakes, topics to revise", "practice:report"
    ),
    Command(("serve",), "serve the game to a class over SSH", "classroom:serve"),
    Command(("roster", "new"), "a class roster with a random password per student, from a list of names", "roster:new"),
    Command(("quiz", "sit"), "sit a quiz file (what `serve --quiz` runs for each student)", "classroom:quiz"),
    Command(("quiz", "preview"), "the paper a given student will get, each question with its answer", "quiz:preview"),
    Command(
        ("quiz", "export"), "a quiz's questions for Moodle (GIFT) or Canvas (QTI), several variants each", "lms:export"
    ),
    Command(
        ("results", "show"),
        "quiz results per student: score, percent, each answer and mark (table, csv, canvas, moodle or json)",
        "classroom:results",
    ),
    Command(
        ("results", "override"),
        "set a question's mark for one student (kept with who and when; the answers stay)",
        "marks:override",
    ),
    Command(
        ("teacher",), "live view of a class sitting a quiz: who is connected, who answered what", "classroom:teacher"
    ),
    Command(
        ("class", "extend"), "give one student extra time on a timed quiz, even while they sit it", "teaching:extend"
    ),
    Command(
        ("class", "reopen"),
        "let a student whose quiz is over (handed in, ended, timed out) carry on",
        "teaching:reopen",
    ),
    Command(("class", "end"), "end a quiz for everyone now: students sitting it see it end", "teaching:end"),
    Command(("student", "export"), "one student's results and progress as a zip, to hand to them", "teaching:export"),
    Command(("student", "delete"), "delete one student's results and progress folder", "teaching:delete"),
    Command(
        ("shapes",),
        "your own network: each layer's shape, parameters, multiply-adds, receptive field, and the PyTorch code",
        "shapes:shapes",
    ),
    Command(
        ("playground",), "the free visualizer: set i, k, p, s, d and watch the window sweep", "playground:playground"
    ),
)
GROUP_HELP = {
    "levels": "list the levels, or check level files",
    "roster": "make a class roster for `serve --roster`",
    "quiz": "sit a quiz file, or work with one",
    "results": "quiz results (`results` alone is `results show`), or override a mark",
    "class": "a quiz under way: extra time, reopen a sitting, end it for everyone",
    "student": "one student's data: export it, or delete it",
}
# `convquest quiz --file F` (what `serve --quiz` runs, and what teachers have typed) stays
# `convquest quiz sit --file F`: a group word followed by anything but one of its commands gets
# its default command put in.
GROUP_DEFAULT = {"quiz": "sit", "results": "show"}
# Groups whose word alone runs the default command: `convquest results` prints the results (a bare
# `convquest quiz` has no file to sit, so it shows the group's commands instead).
GROUP_BARE_DEFAULT = {"results"}
PLAY = COMMANDS[0]  # what a launch with no command runs
