"""A keyboard monkey for the real app under Pilot: seeded random key bursts and terminal resizes.

Every step is logged as a string ("key:enter", "size:60x20"), so a failure prints the replay list
that reproduces it (`replay(app, steps)`), and the seed is in each test id.

Keys come in bursts of one to six, sent to the driver the way a terminal's bytes arrive, then the
app is left to settle. Bursts are what a held key or an SSH link that batches keystrokes delivers,
and they are ~10x cheaper than waiting for idle after every single key, which keeps thousands of keys
per screen inside the suite's budget. The quit keys (q, ctrl+q, ctrl+c) are left out: the quitting
paths have tests of their own (test_hardening_monkey), and a monkey that quits in its first second
tests nothing.
"""

from __future__ import annotations

import random
import string
import unicodedata
from dataclasses import dataclass, field

from textual import events
from textual.app import App
from textual.keys import _get_unicode_name_from_key  # Textual's own key → character table

# (weight, keys): arrows, Enter and digits are what a player presses most, so they come up most.
KEY_GROUPS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (14, ("up", "down", "left", "right")),
    (8, ("enter",)),
    (6, ("tab", "shift+tab")),
    (5, ("escape",)),
    (5, ("backspace", "delete")),
    (5, ("space",)),
    (3, ("question_mark",)),
    (12, tuple(string.digits) + ("minus", "comma", "full_stop", "slash", "plus")),
    (14, tuple(c for c in string.ascii_lowercase if c != "q")),
    (5, tuple(string.ascii_uppercase)),
    (4, ("home", "end", "pageup", "pagedown", "insert")),
    (3, tuple(f"f{n}" for n in range(1, 13))),
    (4, tuple(f"ctrl+{c}" for c in string.ascii_lowercase if c not in "qc")),
    (2, ("shift+up", "shift+down", "shift+left", "shift+right", "ctrl+left", "ctrl+right")),
)
KEYS = tuple(key for _, group in KEY_GROUPS for key in group)
WEIGHTS = tuple(weight / len(group) for weight, group in KEY_GROUPS for _ in group)

# Sizes a resize picks from: the minimum and one short of it each way, much smaller (the too-small
# guard), and larger; (80, 24) twice so a walk spends most of its time at the size the game targets.
SIZES = ((80, 24), (80, 24), (79, 24), (80, 23), (60, 20), (40, 12), (10, 3), (1, 1), (100, 30), (160, 48))
RESIZE_CHANCE = 0.04


def key_event(key: str) -> events.Key:
    """The Key event a terminal would produce for `key` (as Textual's own Pilot builds it)."""
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


@dataclass
class Walk:
    seed: int
    steps: list[str] = field(default_factory=list)
    screens: set[str] = field(default_factory=set)

    def tail(self, n: int = 60) -> list[str]:
        return self.steps[-n:]


class UnexpectedExit(AssertionError):
    pass


def _send(app: App, key: str) -> None:
    event = key_event(key)
    event.set_sender(app)
    app._driver.send_message(event)  # as the terminal driver does for each key it reads


async def step(app: App, pilot, action: str) -> None:
    kind, _, value = action.partition(":")
    if kind == "size":
        width, height = map(int, value.split("x"))
        await pilot.resize_terminal(width, height)
    else:
        for key in value.split(","):
            _send(app, key)
    await pilot.pause()


def plan(rng: random.Random, n_keys: int, quit_keys: frozenset[str] = frozenset()) -> list[str]:
    """The walk's actions, drawn up front so a seed always means the same keys; `quit_keys` are
    an app's own ways out (escape on the stand-alone playground), left out like q is."""
    actions: list[str] = []
    sent = 0
    while sent < n_keys:
        if rng.random() < RESIZE_CHANCE:
            width, height = rng.choice(SIZES)
            actions.append(f"size:{width}x{height}")
            continue
        burst = [key for key in rng.choices(KEYS, WEIGHTS, k=rng.randint(1, 6)) if key not in quit_keys]
        if not burst:
            continue
        actions.append("keys:" + ",".join(burst))
        sent += len(burst)
    actions.append("size:80x24")  # end at the size the game targets, so the last frame is a real one
    return actions


async def walk(app: App, pilot, seed: int, n_keys: int, quit_keys: frozenset[str] = frozenset()) -> Walk:
    """Drive `app` with `n_keys` random keys; return the log. Raises UnexpectedExit if the app
    stopped; an exception inside the app is re-raised by `run_test` when the caller's `async with`
    ends."""
    log = Walk(seed)
    for action in plan(random.Random(seed), n_keys, quit_keys):
        before = type(app.screen).__name__
        log.steps.append(action)
        await step(app, pilot, action)
        if app._exception is not None:
            return log  # run_test re-raises it; the log says what led there
        if not app.is_running:
            # With q, ctrl+q and ctrl+c left out (and no command palette in any of the apps),
            # nothing the monkey presses is a way out.
            raise UnexpectedExit(
                f"the app stopped (return code {app.return_code}) on {before} "
                f"after {action!r}; seed {seed}; last steps {log.tail(20)}"
            )
        log.screens.add(type(app.screen).__name__)
    return log


async def replay(app: App, pilot, steps: list[str]) -> None:
    """Play a logged walk (or a minimised part of one) again."""
    for action in steps:
        await step(app, pilot, action)
        if app._exception is not None or not app.is_running:
            return
