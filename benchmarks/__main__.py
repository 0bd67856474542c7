"""Run every benchmark and print one table: `python -m benchmarks [NAME ...]`.

Each `benchmarks/bench_*.py` module has `run() -> list[Row]`. A row compares a measurement with a
baseline taken in the same run (a ratio) or with its goal; no benchmark asserts a wall-clock time.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

from benchmarks.row import Row, format_table


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", help="run only these (e.g. engine, problems)")
    args = parser.parse_args(argv)
    wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.names}
    rows: list[Row] = []
    failed = False
    for name in discover():
        if wanted and name not in wanted:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            rows.extend(importlib.import_module(f"benchmarks.{name}").run())
        except Exception:  # one broken benchmark must not hide the others' figures
            failed = True
            traceback.print_exc()
            rows.append(Row(name, "error", "", None, "", False))
    print(format_table(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
