"""Random keys and resizes into every screen: no exception may escape, and the app must still be
running at the end. The quit keys the monkey leaves out are tried on their own at the end of this file.

CONVQUEST_MONKEY_KEYS (default 160) sets the keys per screen; CONVQUEST_MONKEY_SEEDS (default 1)
how many seeds each screen gets. The seed is in the test id: `-k "home-seed3"` replays a failure.
"""

from __future__ import annotations

import os

import pytest

from tests.hardening.monkey import walk
from tests.hardening.screens import QUIT_KEYS, SCREENS, running

pytestmark = pytest.mark.slow  # a random walk on every screen: minutes

# 160 keys a screen keeps the module under 90 s on a shared 2-core machine (a 400-key walk took
# 8-12 s there); a run before a release should set thousands (the walks found their crashes at
# a few hundred to a few thousand keys).
N_KEYS = int(os.environ.get("CONVQUEST_MONKEY_KEYS", "160"))
N_SEEDS = int(os.environ.get("CONVQUEST_MONKEY_SEEDS", "1"))

# The screen each walk must start on: a setup that silently failed would leave the monkey on the
# home screen, testing that one twice and the intended one never.
STARTS = {
    "home": "HomeScreen",
    "lesson": "LessonScreen",
    "result": "ResultScreen",
    "help": "HelpScreen",
    "settings": "SettingsScreen",
    "playground": "PlaygroundScreen",
    "playground-app": "PlaygroundScreen",
    "exam-setup": "SetupScreen",
    "practice": "PracticeScreen",
    "practice-setup": "SetupScreen",
    "exam": "ExamScreen",
    "report": "ReportScreen",
    "quiz": "QuizScreen",
    **{name: "LevelScreen" for name in SCREENS if name.startswith("level-")},
}

CASES = [
    pytest.param(name, seed, id=f"{name}-seed{seed}")
    for n, name in enumerate(SCREENS)
    for seed in range(1000 + n, 1000 + n + N_SEEDS)
]


@pytest.mark.parametrize(("screen", "seed"), CASES)
async def test_random_keys_never_crash(screen, seed, tmp_path):
    log = None
    try:
        async with running(screen, tmp_path) as (app, pilot):
            start = type(app.screen).__name__
            if screen in STARTS:
                assert start == STARTS[screen], f"{screen}: the walk would start on {start}"
            log = await walk(app, pilot, seed, N_KEYS, QUIT_KEYS.get(screen, frozenset()))
            if app._exception is None:  # else run_test re-raises it below
                assert app.is_running and app.return_code is None, f"seed {seed}: the app stopped"
    except Exception as exc:
        steps = log.tail() if log else []
        raise AssertionError(
            f"{screen} seed {seed}: {type(exc).__name__}: {exc}\nreplay (last steps): {steps}"
        ) from exc
    assert log is not None and log.steps, "the walk did not run"
    print(f"{screen} seed {seed}: started on {start}, visited {sorted(log.screens)}")


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_ctrl_q_quits_cleanly_after_a_walk_and_ctrl_c_does_not(screen, tmp_path):
    async with running(screen, tmp_path) as (app, pilot):
        await walk(app, pilot, 7, 20, QUIT_KEYS.get(screen, frozenset()))  # wherever a short walk leaves it
        await pilot.press("ctrl+c")  # Textual's "press ctrl+q to quit" notice, not a quit
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
