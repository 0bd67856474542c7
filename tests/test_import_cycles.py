"""No import circles in the package: checked by reading every module's module-level imports.

A circle works only while each module happens to use the other's names late enough, and breaks on
an innocent reordering of imports. Imports inside functions (the lazy ones that keep start-up
fast) and under `if TYPE_CHECKING:` (types only, never run) are not part of a circle; imports in
class bodies and module-level `if`/`try` blocks are, since they run on import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import convquest
from tests.package_source import parsed
from tests.test_layers import module_name

PACKAGE = Path(convquest.__file__).parent


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_on_import(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements of `body` that run when the module is imported, nested blocks opened."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            found += _run_on_import(node.orelse if _is_type_checking(node.test) else node.body + node.orelse)
        elif isinstance(node, ast.Try):
            found += _run_on_import(
                node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
            )
        elif isinstance(node, (ast.With, ast.ClassDef)):
            found += _run_on_import(node.body)
        else:
            found.append(node)
    return found


def module_imports(path: Path, module: str, modules: set[str]) -> set[str]:
    """The package's modules that importing `module` (at `path`) imports first."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in _run_on_import(parsed(path).body):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            # `from a import b` imports the module a.b when there is one, else a name from a.
            for alias in node.names:
                targets.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source)
    return {target for target in targets if target in modules and target != module}


def import_graph(root: Path) -> dict[str, set[str]]:
    paths = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    return {module: module_imports(path, module, set(paths)) for module, path in paths.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected group of modules, as [a, b, …, a]."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_circle(graph, group) for group in groups]


def _circle(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A path from the group's first module back to itself, through the group only."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        for nxt in sorted(graph[node] & group):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                frontier.append(nxt)
    raise AssertionError(f"{group} is not a circle")


def test_the_package_has_no_import_circles():
    assert cycles(import_graph(PACKAGE)) == []


def test_the_checker_finds_a_circle_and_leaves_lazy_and_type_only_imports_alone(tmp_path):
    root = tmp_path / "convquest"
    files = {
        "__init__.py": "",
        "ui/__init__.py": "",
        # The circle ui/app.py had with its screens: app -> home -> settings -> app.
        "ui/app.py": "from convquest.ui.screens import home\n",
        "ui/screens/__init__.py": "",
        "ui/screens/home.py": "from . import settings\n",
        "ui/screens/settings.py": "class S:\n    from convquest.ui.app import THEMES\n",
        # Not circles: a lazy import, a type-only import, each pointing back up.
        "ui/screens/lazy.py": "def f():\n    import convquest.ui.app\n",
        "ui/screens/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from convquest.ui import app\n",
        "store.py": "try:\n    import convquest.levels\nexcept ImportError:\n    pass\n",
        "levels/__init__.py": "from convquest import store\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    graph = import_graph(root)
    for name in ("lazy", "typed"):
        assert graph[f"convquest.ui.screens.{name}"] == set()
        graph["convquest.ui.app"].add(f"convquest.ui.screens.{name}")
    assert sorted(cycles(graph)) == [
        ["convquest.levels", "convquest.store", "convquest.levels"],
        ["convquest.ui.app", "convquest.ui.screens.home", "convquest.ui.screens.settings", "convquest.ui.app"],
    ]
