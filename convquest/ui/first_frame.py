"""Python's cyclic garbage collector held off while an app starts, until its first frame is drawn.

A launch imports Textual and builds its first screen: a few hundred thousand objects, none of them
garbage, which every pass of the collector on the way scans again. Held off, a local `convquest`
reached its first screen about 30 ms sooner (of ~300 ms on a 2-core machine; issue 21 asks the
start to stay within 1.10x of a one-widget Textual app). A command wraps its start in
`collector_held()` before it imports Textual; the app calls `release_collector()` once its first
frame is displayed (Textual's Ready), which also freezes what the start made: those objects live
as long as the app, and frozen (the permanent generation) no later collection scans them again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_holding = False


@contextmanager
def collector_held() -> Iterator[None]:
    """The collector off from here until the first frame, or until the block ends if it comes first
    (a refused launch, an app that never drew). A collector already off was someone else's choice
    (the caller's, a test's), and is left as it was."""
    global _holding
    if not gc.isenabled():
        yield
        return
    gc.disable()
    _holding = True
    try:
        yield
    finally:
        release_collector(freeze=False)


def release_collector(*, freeze: bool = True) -> None:
    """Turn the collector back on if `collector_held` turned it off; `freeze` first moves every
    object alive now out of its reach (see the module's docstring)."""
    global _holding
    if not _holding:
        return
    _holding = False
    if freeze:
        gc.freeze()
    gc.enable()
