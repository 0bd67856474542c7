"""Hardening tests: random keys into every screen, broken files and databases, SIGKILL after an answer.

Animations are off before anything imports Textual (it reads the variable once, at import), so a
burst of keys is judged on what the app does, not on how long an animation takes to finish.
"""

from __future__ import annotations

import os

os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ.pop("NO_COLOR", None)
