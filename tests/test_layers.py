"""Imports point down only (docs/ARCHITECTURE.md): checked by reading every module's imports."""

import ast
import re
from pathlib import Path

import convquest
from tests.package_source import parsed

PACKAGE = Path(convquest.__file__).parent

# (modules the rule governs, what they must not import, why). A module is a dotted name; a rule
# matches a module equal to or under any listed prefix. Forbidden names match the same way.
RULES = [
    (("convquest.engine",), ("textual", "rich", "asyncssh", "sqlite3"), "the engine is pure NumPy"),
    (
        ("convquest.levels",),
        ("convquest.ui", "convquest.classroom", "convquest.store", "textual"),
        "levels are data and their loader",
    ),
    (("convquest.store",), ("convquest.ui", "convquest.play", "textual"), "the store knows nothing of the screen"),
    (
        ("convquest.play",),
        ("convquest.ui", "convquest.practice", "convquest.classroom", "textual"),
        "play is plain Python below practice, the classroom and the screens",
    ),
    (("convquest.classroom",), ("convquest.ui",), "the classroom runs the game as a program, never its insides"),
]
ENGINE = "convquest.engine"
UI = "convquest.ui"
# Only the CLI starts the app: cli.py and the command modules its table runs (convquest/commands/).
CLI = ("convquest.cli", "convquest.commands")
DOTTED_UI = re.compile(r"convquest\.ui(\.\w+)*(:\w+)?")  # "convquest.ui.app:ConvQuestApp" handed to importlib


def under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file, relative ones resolved, lazy ones too."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module
            found.append((node.lineno, target))
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and DOTTED_UI.fullmatch(node.value):
            found.append((node.lineno, node.value.partition(":")[0]))
    return found


def layer_violations(root: Path, cli_modules=CLI) -> list[str]:
    """Every broken import rule under the package folder `root`, as "file:line: module imports x (why)"."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        module = module_name(path, root)
        for line, target in imports_of(path, module):
            where = f"{path.relative_to(root.parent)}:{line}: {module} imports {target}"
            for governed, forbidden, why in RULES:
                if under(module, governed) and under(target, forbidden):
                    problems.append(f"{where} ({why})")
            if under(module, (ENGINE,)) and under(target, ("convquest",)) and not under(target, (ENGINE,)):
                problems.append(f"{where} (the engine imports nothing above it)")
            if under(target, (UI,)) and not under(module, (*cli_modules, UI)):
                problems.append(f"{where} (only the CLI may start the UI)")
    return problems


def test_the_package_keeps_its_layers():
    assert layer_violations(PACKAGE) == []


def test_the_checker_sees_every_kind_of_broken_rule(tmp_path):
    root = tmp_path / "convquest"
    files = {
        "__init__.py": "",
        "cli.py": "from convquest.ui.app import ConvQuestApp\n",  # allowed
        "ui/__init__.py": "from . import app\n",  # allowed
        "engine/__init__.py": "import numpy\nfrom . import ops\n",  # allowed
        "engine/bad.py": "import textual.app\nimport sqlite3\nfrom ..levels import model\n",
        "engine/lazy.py": "def f():\n    from rich.text import Text\n",
        "levels/bad.py": "from convquest import store\nfrom ..ui.screens import home\n",
        "store.py": "from textual.app import App\n",
        "classroom/bad.py": "import importlib\nimportlib.import_module('convquest.ui.app')\n",
        "practice/bad.py": "from convquest.ui import app\n",
        "commands/practice.py": "def run_practice(args):\n    from convquest.ui.practice import run_app\n",  # allowed
        "practice/commands.py": "def run(args):\n    from convquest.ui.practice import run_app\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    found = layer_violations(root)
    expected = [
        "convquest/classroom/bad.py:2: convquest.classroom.bad imports convquest.ui.app (the classroom",
        "convquest/classroom/bad.py:2: convquest.classroom.bad imports convquest.ui.app (only the CLI",
        "convquest/engine/bad.py:1: convquest.engine.bad imports textual.app (the engine is pure",
        "convquest/engine/bad.py:2: convquest.engine.bad imports sqlite3 (the engine is pure",
        "convquest/engine/bad.py:3: convquest.engine.bad imports convquest.levels (the engine imports nothing",
        "convquest/engine/lazy.py:2: convquest.engine.lazy imports rich.text (the engine is pure",
        "convquest/levels/bad.py:1: convquest.levels.bad imports convquest.store (levels are data",
        "convquest/levels/bad.py:2: convquest.levels.bad imports convquest.ui.screens (levels are data",
        "convquest/levels/bad.py:2: convquest.levels.bad imports convquest.ui.screens (only the CLI",
        "convquest/practice/bad.py:1: convquest.practice.bad imports convquest.ui (only the CLI",
        # A run function outside convquest/commands/ is not the CLI's, whatever its file is called.
        "convquest/practice/commands.py:2: convquest.practice.commands imports convquest.ui.practice (only the CLI",
        "convquest/store.py:1: convquest.store imports textual.app (the store knows",
    ]
    for start in expected:
        assert any(problem.startswith(start) for problem in found), (start, found)
    allowed = ("cli.py", "ui/__init__", "engine/__init__", "commands/practice")
    assert not [p for p in found if any(name in p for name in allowed)]
