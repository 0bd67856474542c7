"""How much of each seed sweep and hypothesis search a run covers, and whether its classroom servers
fork their sessions.

The full suite (CI, the README's command, any run without `-m "not slow"`) checks every seed and
example a test asks for. The quick suite (`-m "not slow"`, outside CI) checks a hundredth of a
sweep's seeds and a tenth of a search's examples: the same assertions on fewer cases, so an edit
that breaks a kind still fails in seconds, and the rare case is left to the full run.
tests/conftest.py sets QUICK before any test module is imported.
"""

from __future__ import annotations

QUICK = False


def seeds(n: int, least: int = 1) -> range:
    """The seeds 0 … n − 1, or the first hundredth of them in the quick suite, but at least `least`
    (a test comparing draws with each other needs a few)."""
    return range(min(n, max(least, n // 100))) if QUICK else range(n)


def examples(n: int) -> int:
    """A hypothesis search of n examples, or a tenth of it (at least 10) in the quick suite."""
    return max(10, n // 10) if QUICK else n


def warm() -> bool:
    """Whether tests/conftest.py's classroom servers fork sessions from warm parents, as a teacher's do.
    The quick suite starts their (mostly stand-in) games as fresh processes: two warm parents are two
    Pythons (about 80 ms of CPU each) at every server's start, most of these tests start no game, and
    the forking has tests of its own (test_warm_sessions.py, test_web_warm.py) that ask for it."""
    return not QUICK
