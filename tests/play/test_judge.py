"""judge(): the one place an answer is read and checked; a slip is never a verdict."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import convquest
from convquest.engine.problems import Verdict, from_params
from convquest.play.judge import MAX_ANSWER, Slip, judge, same_value

PACKAGE = Path(convquest.__file__).parent


def conv(**params):
    return from_params("predict-size", {"variant": "conv", "i": 7, "k": 3, **params})


def test_a_right_and_a_wrong_answer_are_verdicts():
    assert judge(conv(), "5") == Verdict(True, judge(conv(), "5").explanation)
    wrong = judge(conv(), "4")
    assert isinstance(wrong, Verdict) and not wrong.correct


def test_text_that_is_no_answer_is_a_slip_with_the_parsers_sentence():
    slip = judge(conv(), "five")
    assert isinstance(slip, Slip) and slip.message.startswith("Type")


class Refusing:
    """A problem whose check refuses what its parser read (as a kind may for an impossible shape)."""

    kind, topic = "predict-size", "predict-size/conv"

    def parse_answer(self, text, part=0):
        return int(text)

    def check(self, answer, part=0, *, taught=frozenset()):
        raise ValueError(f"{answer} cells do not fit this board.")


def test_a_check_refusal_is_a_slip_not_an_escape():
    assert judge(Refusing(), "99") == Slip("99 cells do not fit this board.")


@pytest.mark.parametrize("digits", [MAX_ANSWER + 1, 4_000, 10_000])
def test_an_answer_longer_than_any_answer_is_refused_with_a_sentence(digits):
    slip = judge(conv(), "7" * digits)
    assert isinstance(slip, Slip)
    assert "longer than any answer" in slip.message and "4300" not in slip.message


def test_same_value_compares_arrays_by_contents():
    import numpy as np

    assert same_value(np.array([[1, 2]]), np.array([[1, 2]]))
    assert not same_value(np.array([[1, 2]]), np.array([[1, 3]]))
    assert same_value(frozenset({(0, 1)}), frozenset({(0, 1)}))
    assert not same_value(5, (5, 5))


def _calls_on_a_problem(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    """Every `.check(` and `.parse_answer(` call in the file, as "file:line: .name("."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        called = node.func if isinstance(node, ast.Call) else None
        if isinstance(called, ast.Attribute) and called.attr in ("check", "parse_answer"):
            found.append(f"{path.relative_to(root)}:{node.lineno}: .{called.attr}(")
    return found


@pytest.mark.slow
def test_only_the_play_layer_parses_and_checks_answers():
    """Everything above the engine goes through convquest.play.judge; the engine's problems may
    call their own methods."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] in ("play", "engine"):
            continue
        offenders += _calls_on_a_problem(path)
    assert offenders == []


def test_the_source_check_sees_both_calls(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("def f(problem):\n    return problem.check(problem.parse_answer('5'))\n", encoding="utf-8")
    assert sorted(call.split(": ", 1)[1] for call in _calls_on_a_problem(sample, tmp_path)) == [
        ".check(",
        ".parse_answer(",
    ]
