"""The engine stays pure: importing it loads no UI, storage, or heavy optional libraries."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("textual", "rich", "asyncssh", "sqlite3", "scipy", "torch")


def test_importing_the_engine_loads_nothing_forbidden():
    code = (
        "import sys, json\n"
        "import convquest.engine, convquest.engine.traces, convquest.engine.kernels, convquest.engine.images\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(result.stdout)
    assert "convquest.engine.ops" in loaded  # the import really happened
    leaked = [name for name in loaded if name.split(".")[0] in FORBIDDEN]
    assert leaked == []
