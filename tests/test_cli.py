"""The `convquest` command: lazy imports, level listing and checking, clear refusals."""

import subprocess
import sys
from pathlib import Path

import pytest

from convquest import __version__
from convquest.cli import COMMANDS, main
from convquest.levels import load_curriculum
from convquest.levels.loader import shipped_files
from tests.levels.packs import GOOD

ROOT = Path(__file__).parents[1]


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv", [["--help"], ["--version"], ["levels", "--help"]] + [[*command.words, "--help"] for command in COMMANDS]
)
def test_help_and_version_import_no_textual(argv):
    result = run_python(
        f"import sys\nfrom convquest.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'numpy'))\n"
        "print('LOADED', loaded)"
    )
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command.words[0] in out


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"convquest {__version__}"


def test_levels_list_shows_every_level_with_kind_and_title(capsys):
    assert main(["levels", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    levels = load_curriculum().levels
    assert len(lines) == len(levels)
    for line, level in zip(lines, levels):
        assert line.split()[:2] == [level.id, level.kind] and line.endswith(level.title)


@pytest.mark.parametrize("where", ["before", "after"])
def test_levels_list_includes_an_extra_pack(tmp_path, capsys, where):
    (tmp_path / "pack.toml").write_text(GOOD, encoding="utf-8")
    pack = ["--levels", str(tmp_path)]
    argv = pack + ["levels", "list"] if where == "before" else ["levels", "list"] + pack
    assert main(argv) == 0
    ids = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert ids[-2:] == ["test-1", "test-2"]


def test_broken_pack_is_reported_and_listing_exits_1(tmp_path, capsys):
    (tmp_path / "pack.toml").write_text(GOOD.replace('kind = "predict-size"', 'kind = "nope"', 1), encoding="utf-8")
    assert main(["--levels", str(tmp_path), "levels", "list"]) == 1
    captured = capsys.readouterr()
    assert "pack.toml: level 'test-1': field 'kind'" in captured.err
    assert "test-1" not in captured.out and len(captured.out.splitlines()) == len(load_curriculum().levels)


def test_levels_check_passes_every_shipped_file(capsys):
    assert main(["levels", "check", *map(str, shipped_files())]) == 0
    lines = capsys.readouterr().out.splitlines()
    # Issue 14.10: each file is named with what it is; then the totals.
    files = shipped_files()
    assert len(lines) == len(files) + 1
    for path, line in zip(sorted(files, key=lambda p: p.name), sorted(lines[:-1])):
        assert line.startswith(f"OK: {path.name} (a level file: chapter “")
    levels = len(load_curriculum().levels)
    assert lines[-1] == f"All {len(files)} files OK: {len(files)} level files with {levels} levels, no problems."


def test_levels_check_refuses_broken_files_with_every_message(tmp_path, capsys):
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        GOOD.replace('id = "test-pack"', 'id = "bad"')
        .replace("order = 100", "order = 1")
        .replace("test-", "bad-")
        .replace("i = 5\nk = 3", "i = 2\nk = 5")
        .replace("[6, 9]", "[9, 6]"),
        encoding="utf-8",
    )
    assert main(["levels", "check", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.toml: field 'chapter.order'" in err  # 1 is the first shipped chapter's order
    assert "bad.toml: level 'bad-1': field 'params.k'" in err
    assert "bad.toml: level 'bad-2': field 'params.i'" in err
    assert "good.toml" not in err


def test_levels_check_missing_file(tmp_path, capsys):
    assert main(["levels", "check", str(tmp_path / "none.toml")]) == 1
    assert "none.toml: no such file" in capsys.readouterr().err


def test_unknown_level_is_refused_with_how_to_list(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "play", "--level", "no-such-level"]) == 2
    err = capsys.readouterr().err
    assert "unknown level 'no-such-level'" in err and "convquest levels list" in err


def test_play_without_a_terminal_says_so(tmp_path):
    # Run as a real process with pipes for stdin and stdout, as `convquest | less` would.
    result = subprocess.run(
        [sys.executable, "-m", "convquest", "--data-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.PIPE,
    )
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no progress database, no cache of the level files


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["levels", "frobnicate"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_listing_into_a_closed_pipe_is_not_a_traceback():
    lister = subprocess.Popen(
        [sys.executable, "-m", "convquest", "levels", "list"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    lister.stdout.close()  # like `| head -0`, closed before the listing is written
    err = lister.stderr.read().decode()
    assert lister.wait(timeout=60) == 0 and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--data-dir", "d"],
        ["--data-dir=d", "--levels", "p", "--levels=q"],
        ["--levels", "p", "--data-dir", "a", "--levels", "q", "--data-dir=b"],
        ["--data-dir", "play"],
        ["--levels=-p"],
    ],
)
def test_a_plain_launch_reads_its_options_as_the_full_parser_does(argv):
    from convquest.cli import _parse, _parse_play

    quick, full = _parse_play(argv), _parse(argv)
    assert quick is not None
    assert (quick.command, quick.level, quick.data_dir, quick.levels) == (
        full.command,
        full.level,
        full.data_dir,
        full.levels,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["levels", "list"],
        ["--help"],
        ["--version"],
        ["--data-dir"],
        ["--data-dir="],
        ["--data-dir", "-d"],
        ["--nope"],
        ["--data", "d"],  # argparse's abbreviations are the full parser's to read
        ["--level", "p"],
        ["--data-dir", "d", "--"],
        ["--data-dir", "d", "play", "--level", "x"],
    ],
)
def test_anything_but_a_plain_launch_goes_to_the_full_parser(argv):
    from convquest.cli import _parse_play

    assert _parse_play(argv) is None


@pytest.mark.parametrize(("argv", "data_dir", "levels"), [(["--data", "d"], "d", []), (["--level", "p"], None, ["p"])])
def test_an_abbreviated_global_option_still_launches_the_game(argv, data_dir, levels):
    from convquest.cli import _parse
    from convquest.commands import PLAY

    args = _parse(argv)
    assert (args.command, args.data_dir, args.levels) == (PLAY, data_dir and Path(data_dir), [Path(p) for p in levels])


def test_a_plain_launch_builds_no_subcommand_parsers(tmp_path):
    # Building the parser imports every command module, and argparse itself is a few ms: a launch
    # needs only play's module (start-up).
    result = run_python(
        f"import sys\nfrom convquest.cli import main\ncode = main(['--data-dir', {str(tmp_path)!r}])\n"
        "print('CODE', code, 'MODULES', sorted(m for m in sys.modules if m.startswith('convquest.commands.')))\n"
        "print('ARGPARSE', 'argparse' in sys.modules)"
    )
    assert "CODE 2 MODULES ['convquest.commands.common', 'convquest.commands.play']" in result.stdout, result.stderr
    assert "ARGPARSE False" in result.stdout, result.stderr


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (["quiz", "--file", "q.toml"], ["quiz", "sit", "--file", "q.toml"]),
        (["quiz", "sit", "--file", "q.toml"], ["quiz", "sit", "--file", "q.toml"]),
        (["quiz", "-h"], ["quiz", "-h"]),
        (["quiz"], ["quiz"]),
        (["levels", "--bogus"], ["levels", "--bogus"]),
        (["--data-dir", "d", "quiz", "--file", "q"], ["--data-dir", "d", "quiz", "sit", "--file", "q"]),
        (["--data-dir=d", "quiz", "--file", "q"], ["--data-dir=d", "quiz", "sit", "--file", "q"]),
        (["--levels", "a", "--data-dir", "d", "quiz", "-h"], ["--levels", "a", "--data-dir", "d", "quiz", "-h"]),
    ],
)
def test_quiz_without_its_command_word_still_sits_the_quiz(typed, meant):
    from convquest.cli import with_group_default

    assert with_group_default(typed) == meant


def test_quiz_with_a_file_option_runs_the_sit_command(tmp_path, capsys):
    missing = tmp_path / "nowhere.toml"
    assert main(["quiz", "--file", str(missing)]) == main(["quiz", "sit", "--file", str(missing)]) != 0
    assert capsys.readouterr().err.count(str(missing)) == 2
