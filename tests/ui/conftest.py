"""Fixtures for driving the real app: a real Store in tmp_path and a small level pack of our own.

The pack is loaded by the real loader and its problems come from the real engine; only the
chapters of the pack are kept, so these tests (and snapshots) do not shift when the shipped
curriculum grows. The Store fixture is tests/conftest.py's.
"""

from __future__ import annotations

import os

# Textual reads this once, at import: animations off before anything imports textual.
os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ.pop("NO_COLOR", None)


import pytest

from tests.ui.packs import pack_curriculum

PACK = {
    "901-test-arithmetic.toml": """
[chapter]
id = "t-arith"
title = "Test arithmetic"
order = 901
lesson = ["Page one: a window slides over the input.", "Page two: o = i - k + 1 with no padding."]

[[level]]
id = "t-valid"
title = "Valid, small"
kind = "predict-size"
lesson = "No padding, stride 1."
hints = ["Count the positions the window can take.", "o = i - k + 1."]
explanation = "The window fits i - k + 1 times."
[level.params]
variant = "conv"
i = 7
k = 3
p = 0
s = 1

[[level]]
id = "t-stride"
title = "Stride that does not divide"
kind = "predict-size"
hints = ["Round down."]
explanation = "Floor, then add one."
[level.params]
variant = "stride"
i = 8
k = 3
p = 0
s = 2
""",
    "902-test-later.toml": """
[chapter]
id = "t-later"
title = "Test later chapter"
order = 902
lesson = ["Only page."]

[[level]]
id = "t-pad"
title = "Padding one"
kind = "predict-size"
hints = ["Both sides."]
explanation = "2p, not p."
[level.params]
variant = "conv"
i = 5
k = 3
p = 1
s = 1
""",
    "903-test-stacking.toml": """
[chapter]
id = "t-stack"
title = "Test stacking"
order = 903
lesson = ["Shapes through a network."]

[[level]]
id = "t-net"
title = "A tiny LeNet"
kind = "predict-size"
hints = ["Conv sets C to its filter count."]
explanation = "One layer at a time."
[level.params]
variant = "network"
input = [1, 28, 28]
layers = [
    { kind = "conv", k = 5, s = 1, p = 0, d = 1, out_channels = 6 },
    { kind = "pool", k = 2, s = 2, p = 0, d = 1 },
]

[[level]]
id = "t-count"
title = "Conv against dense"
kind = "count-params"
hints = ["A filter has C_in·k·k weights."]
explanation = "Sharing wins."
[level.params]
variant = "conv-vs-dense"
c_in = 3
c_out = 8
k = 3
h = 8
w = 8
""",
}


@pytest.fixture(scope="session")
def curriculum(tmp_path_factory: pytest.TempPathFactory):
    """Loaded once per run: a Curriculum is frozen and its pack files are only read (each test's
    progress is in its own Store)."""
    return pack_curriculum(tmp_path_factory.mktemp("ui") / "pack", PACK, ["t-arith", "t-later", "t-stack"])


@pytest.fixture
def make_app(curriculum, store):
    from convquest.ui.app import ConvQuestApp

    def make(start_level: str | None = None) -> ConvQuestApp:
        return ConvQuestApp(curriculum=curriculum, store=store, start_level=start_level)

    return make
