"""The package's modules as syntax trees, parsed once per run: tests/test_layers.py and
tests/test_import_cycles.py both read every module, and parsing them is most of what either costs."""

from __future__ import annotations

import ast
import functools
from pathlib import Path


@functools.cache
def _parse(source: str, filename: str) -> ast.Module:
    return ast.parse(source, filename)


def parsed(path: Path) -> ast.Module:
    """The module's tree; keyed by its text, so a file edited during the run is parsed again."""
    return _parse(path.read_text(encoding="utf-8"), str(path))
