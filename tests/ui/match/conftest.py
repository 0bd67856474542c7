"""The real ConvQuestApp over a small match-kernel level pack, with the panel registered.

Levels are loaded by the real loader from TOML, problems built by the real engine, and answers
recorded by the real level screen into a real Store (the `store` fixture); only the kind → panel line is added here
(the registry file belongs to the app shell), so these tests show the line works.
"""

from __future__ import annotations

import pytest

from tests.ui.packs import pack_curriculum

PANEL = "convquest.ui.match.panel:MatchKernelPanel"

PACK = '''
[chapter]
id = "t-match"
title = "Test kernels"
order = 951
lesson = ["A kernel's weights decide what lights up."]

[[level]]
id = "t-palette"
title = "Find the edges"
kind = "match-kernel"
hints = ["Flat areas go to zero under an edge detector."]
explanation = "A positive centre against negative neighbours fires on change."
[level.params]
variant = "palette"
image = "square"
kernels = ["laplacian"]
palette = ["identity", "box_blur", "sobel_x", "laplacian"]

[[level]]
id = "t-lesson"
title = "Find the edges, with a lesson above"
kind = "match-kernel"
lesson = """An edge detector answers where brightness changes and stays silent where it is flat.
Its weights sum to zero: a positive centre against negative neighbours.
On a flat patch the two cancel; across an edge they do not.
Pick the kernel whose output is the target; n shows the numbers."""
hints = ["Flat areas go to zero under an edge detector."]
explanation = "A positive centre against negative neighbours fires on change."
[level.params]
variant = "palette"
image = "plus"
kernels = ["sobel_y"]
palette = ["identity", "box_blur", "sobel_x", "sobel_y"]

[[level]]
id = "t-edit"
title = "Flip it"
kind = "match-kernel"
hints = ["Every sign is the other way round."]
explanation = "Negating every weight negates every output."
[level.params]
variant = "edit"
image = "square"
weights = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]

[[level]]
id = "t-two"
title = "Blur, then edges"
kind = "match-kernel"
hints = ["Smooth first."]
explanation = "Two layers stack."
[level.params]
variant = "two-step"
image = "square"
kernels = ["gaussian", "sobel_y"]

[[level]]
id = "t-move"
title = "Same kernel everywhere"
kind = "match-kernel"
hints = ["The peak follows the feature."]
explanation = "Weights are shared across positions."
[level.params]
variant = "translation"
n = 9
feature = "dot"
at = { row = 3, col = 3 }
shift = { row = 1, col = 2 }

[[level]]
id = "t-local"
title = "Only nearby windows"
kind = "match-kernel"
hints = ["Which windows cover the pixel?"]
explanation = "Locality."
[level.params]
variant = "locality"
n = 7
k = 3
stride = 1
pixel = { row = 2, col = 3 }
'''


@pytest.fixture(scope="session")
def match_curriculum(tmp_path_factory: pytest.TempPathFactory):
    """Loaded once per run, as tests/ui/conftest.py's curriculum."""
    return pack_curriculum(tmp_path_factory.mktemp("match") / "match-pack", {"951-test-match.toml": PACK}, ["t-match"])


@pytest.fixture
def match_app(match_curriculum, store, monkeypatch):
    from convquest.ui import kinds
    from convquest.ui.app import ConvQuestApp

    monkeypatch.setitem(kinds.PANELS, "match-kernel", PANEL)

    def make(level: str) -> ConvQuestApp:
        return ConvQuestApp(curriculum=match_curriculum, store=store, start_level=level)

    return make
