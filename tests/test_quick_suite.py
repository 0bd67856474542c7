"""The quick suite (`-m "not slow"`) keeps a test of every test module, bar the few that are end to
end through and through; a new module marked slow all over has to be named here, with why."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent

# Each needs a real game in a PTY behind the SSH server, OpenSSH, Chromium or minutes of random keys,
# or (the two *_torch files) PyTorch, an optional second oracle beside the loop references and
# plain counts the quick suite runs: importing it alone costs 2 s.
WHOLLY_SLOW = {
    "classroom/test_ssh_openssh.py",
    "classroom/test_ssh_openssh_roster.py",
    "classroom/test_ssh_quiz.py",
    "classroom/test_ssh_real_game.py",
    "classroom/test_ssh_shared_results.py",
    "classroom/test_ssh_takeover_quiz.py",
    "classroom/test_ssh_teacher_end.py",
    "engine/problems/test_problems_volume_torch.py",
    "engine/test_engine_torch.py",
    "hardening/test_hardening_monkey.py",
    "web/test_web_browser.py",
}


def marks_slow(decorators: list[ast.expr]) -> bool:
    """Whether the test itself is marked slow (a parametrize with some cases marked slow keeps the rest)."""
    return any(ast.unparse(d).startswith("pytest.mark.slow") for d in decorators)


def wholly_slow(module: ast.Module) -> bool:
    for node in module.body:
        if not isinstance(node, ast.Assign):
            continue
        named = any(getattr(t, "id", "") == "pytestmark" for t in node.targets)
        if named and "mark.slow" in ast.unparse(node.value):
            return True
    tests = [
        node
        for node in module.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test")
    ]
    return bool(tests) and all(marks_slow(node.decorator_list) for node in tests)


def test_every_test_module_keeps_a_quick_test_but_the_named_end_to_end_ones() -> None:
    found = {
        path.relative_to(TESTS).as_posix()
        for path in sorted(TESTS.rglob("test_*.py"))
        if wholly_slow(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert found == WHOLLY_SLOW
