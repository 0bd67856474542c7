"""What a player sees before a concept is taught: the solution and the board use the chapter's form."""

from __future__ import annotations

from convquest.play.run import LevelRun
from convquest.ui.kinds.predict_size import taught_params
from tests.play.helpers import curriculum


def test_show_me_in_chapter_one_writes_the_formula_chapter_one_taught():
    level = curriculum().level("sliding-6")
    run = LevelRun(level, seed=0, taught=curriculum().taught_for(level.id), recorder=None, keeper=None)
    shown = run.show_me().text
    assert "o = i − k + 1" in shown
    assert "2p" not in shown and "d(k" not in shown and "/s" not in shown


def test_show_me_after_dilation_keeps_the_full_form():
    level = curriculum().level("dilation-1")
    run = LevelRun(level, seed=0, taught=curriculum().taught_for(level.id), recorder=None, keeper=None)
    assert "d(k − 1)" in run.show_me().text


def test_the_board_leaves_off_untaught_parameters_only_at_their_defaults():
    params = {"variant": "conv", "i": 7, "k": 3, "p": 0, "s": 1, "d": 1}
    assert set(taught_params(params, frozenset())) == {"variant", "i", "k"}
    assert set(taught_params(params, frozenset({"padding", "stride"}))) == {"variant", "i", "k", "p", "s"}
    assert taught_params({**params, "s": 2}, frozenset())["s"] == 2  # a stride that matters is always shown
