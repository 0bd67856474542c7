"""The level screen over the play layer: rungs, repeats, show me (confirmed), another like it, the formula card."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Static

from tests.ui.packs import pack_curriculum
from tests.ui.shell_helpers import text, type_answer

PACK = {
    "950-ladder.toml": """
[chapter]
id = "t-ladder"
title = "Ladder"
order = 950
teaches = ["padding"]
lesson = ["One page."]

[[level]]
id = "t-fixed"
title = "Fixed"
kind = "predict-size"
hints = ["Count the positions the window can take."]
explanation = "The window fits i - k + 1 times."
[level.params]
variant = "conv"
i = 7
k = 3

[[level]]
id = "t-cells"
title = "Cells"
kind = "fill-cells"
explanation = "Four dot products."
[level.params]
variant = "valid"
input = [[1, 2, 0], [4, 5, 1], [0, 3, 2]]
kernel = [[1, 0], [0, -1]]

[[level]]
id = "t-drawn"
title = "Drawn"
kind = "predict-size"
hints = ["Count the positions the window can take."]
explanation = "The window fits i - k + 1 times."
[level.params]
variant = "conv"
i = [8, 20]
k = [3, 7]
""",
}


@pytest.fixture
def ladder_app(tmp_path, store):
    from convquest.ui.app import ConvQuestApp

    curriculum = pack_curriculum(tmp_path / "ladder", PACK, ["t-ladder"])
    return lambda level: ConvQuestApp(curriculum=curriculum, store=store, start_level=level)


def numbers_on(app) -> list[str]:
    return re.findall(r"\d+", " ".join(str(w.content) for w in app.screen.query(Static)))


@pytest.mark.slow
async def test_a_wrong_answer_gives_rung_one_in_words_and_no_new_number_is_the_answer(ladder_app, store):
    app = ladder_app("t-fixed")  # 7, k 3: the answer is 5
    async with app.run_test(size=(80, 24)) as pilot:
        before = numbers_on(app)
        await type_answer(pilot, "3")  # no slip the engine recognises: the level's hint is rung 1
        said = text(app, "#ps-feedback-text")
        assert said.startswith("✗ Wrong.") and "Count the positions the window can take." in said
        new = [n for n in numbers_on(app) if n not in before]
        assert "5" not in new, new
        assert "hint 1 of 3 · solve now for ★★☆" in text(app, "#level-status")

        await pilot.press("h")  # rung 2: the formula with the numbers in, not evaluated
        assert "The formula:\n" + app.screen.run.ladder().formula in text(app, "#ps-feedback-text")
        assert "hint 2 of 3 · solve now for ★☆☆" in text(app, "#level-status")
    assert [(a.answer, a.correct) for a in store.attempts("t-fixed")] == [("3", False)]


@pytest.mark.slow
async def test_the_same_wrong_answer_again_is_not_counted(ladder_app, store):
    app = ladder_app("t-fixed")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_answer(pilot, "3")
        await type_answer(pilot, " 3")
        assert "You tried 3 already" in text(app, "#ps-feedback-text")
        assert "hint 1 of 3" in text(app, "#level-status")
    assert len(store.attempts("t-fixed")) == 1


@pytest.mark.slow
async def test_a_repeat_after_h_shows_the_hint_asked_for_then_says_it_was_tried(ladder_app):
    app = ladder_app("t-fixed")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_answer(pilot, "3")
        await type_answer(pilot, "4")
        await pilot.press("h")  # rung 3: the steps
        steps = app.screen.run.ladder().steps
        await type_answer(pilot, "4")
        said = text(app, "#ps-feedback-text")
        assert all(step in said for step in steps) and "You tried 4 already" in said
        assert said.index(steps[-1]) < said.index("You tried 4 already")
        assert "hint 3 of 3" in text(app, "#level-status")


async def test_the_status_says_why_the_stars_are_down_on_a_part_with_no_hints_and_what_is_left_at_the_top(ladder_app):
    app = ladder_app("t-cells")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h", "h")  # two rungs on the first cell
        box = app.screen.query_one("#fc-answer")
        box.focus()
        await pilot.press(*str(app.screen.run.problem.trace.output[0, 0]), "enter")
        await pilot.pause()
        status = text(app, "#level-status")
        assert status.startswith("part 2 of 4 · no hints yet")
        assert "hints on an earlier part" in status and "solve now for ★☆☆" in status
        await pilot.press("h", "h", "h")
        status = text(app, "#level-status")
        assert "hint 3 of 3" in status and "s shows the solution" in status
        assert "earlier part" not in status  # this part's own rung explains the stars now


@pytest.mark.slow
async def test_show_me_asks_first_then_shows_the_solution_for_no_stars(ladder_app, store):
    from convquest.ui.screens.confirm import ConfirmScreen

    app = ladder_app("t-fixed")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # kept: nothing shown, nothing lost
        assert not app.screen.run.over and "★★★" in text(app, "#level-status")
        await pilot.press("s", "y")
        said = text(app, "#ps-feedback-text")
        assert app.screen.run.ladder(0).solution in said and "no stars" in said
        assert "seen, not solved" in text(app, "#level-status")
        assert app.screen.query_one("#ps-answer").disabled
        await pilot.press("a")  # a fixed level has no other draw: the key does nothing
        assert app.screen.run.problem.params()["i"] == 7
        shown_params = app.screen.run.problem.params()
    assert store.stars("t-fixed") == 0
    assert [(a.mistake, a.correct) for a in store.attempts("t-fixed")] == [("shown", False)]  # the show-me only
    # Opened again from the map: the same problem, now seen, so the answer just shown earns ★ at most.
    again = ladder_app("t-fixed")
    async with again.run_test(size=(80, 24)):
        assert again.screen.run.problem.params() == shown_params
        status = text(again, "#level-status")
        assert "seen: ★ at most" in status and "solve now for ★☆☆" in status


@pytest.mark.slow
async def test_another_like_it_after_show_me_is_a_fresh_draw_that_can_earn_stars(ladder_app, store):
    app = ladder_app("t-drawn")
    async with app.run_test(size=(80, 24)) as pilot:
        first = app.screen.run.problem.params()
        await pilot.press("s", "y")
        assert "a: another like it" in text(app, "#level-status")
        await pilot.press("a")
        await pilot.pause()
        run = app.screen.run
        assert run.problem.params() != first and not run.over
        assert "solve now for ★★★" in text(app, "#level-status")
        params = run.problem.params()
        await type_answer(pilot, str(params["i"] - params["k"] + 1))
        assert run.solved and run.earned == 3
    assert store.stars("t-drawn") == 3


async def test_the_formula_card_lists_what_was_taught(ladder_app):
    from convquest.ui.screens.formulas import FormulaCard
    from convquest.ui.screens.help import HelpScreen

    app = ladder_app("t-fixed")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f")
        assert isinstance(app.screen, FormulaCard)
        lines = str(app.screen.query_one("#formula-lines", Static).content).splitlines()
        assert len(lines) == 2 and "o = i − k + 1" in lines[0] and "2p" in lines[1]
        await pilot.press("question_mark")  # the card has its help too, saying how it scrolls
        assert isinstance(app.screen, HelpScreen) and "Scroll the card" in str(
            app.screen.query_one("#help-keys").content
        )
        await pilot.press("escape")
        assert isinstance(app.screen, FormulaCard)
        await pilot.press("escape")
        assert not isinstance(app.screen, FormulaCard)


@pytest.mark.slow
async def test_every_ladder_key_is_in_the_footer_and_the_help(ladder_app):
    from convquest.ui.screens.help import keys_of

    app = ladder_app("t-drawn")
    async with app.run_test(size=(80, 24)) as pilot:
        described = {description for _, description in keys_of(app.screen)}
        assert {"Hint", "Show me", "Formulas"} <= described
        await pilot.press("s", "y")
        assert "Another like it" in {description for _, description in keys_of(app.screen)}
