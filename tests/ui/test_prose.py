"""Hand-wrapped level text is re-joined into paragraphs; worked sums and lists keep their lines."""

import pytest

from convquest.ui.widgets.prose import Prose, reflow, units, wrap


def test_prose_lines_join_but_indented_and_listed_lines_stay():
    text = (
        "The kernel is 2×2 and covers\nfour cells:\n\n"
        "    1 2\n    4 5\n\n"
        "Libraries do not flip\nthe kernel.\n- one\n- two\n"
    )
    assert reflow(text) == (
        "The kernel is 2×2 and covers four cells:\n\n"
        "    1 2\n    4 5\n\n"
        "Libraries do not flip the kernel.\n- one\n- two"
    )


FORMULAS = ("o = i − k + 1", "⌊(i + 2p − k)/s⌋ + 1", "1·1 + 2·0 + 4·0 + 5·(−1) = −4")


@pytest.mark.parametrize("width", range(24, 61))
def test_a_formula_is_never_split_over_two_lines_where_it_fits_on_one(width):
    text = (
        "Along one side the window fits at the starting points 0, 1 and so on, which makes "
        f"{FORMULAS[0]} positions; with padding and stride it is {FORMULAS[1]} instead, and a window's "
        f"sum reads {FORMULAS[2]} when worked out."
    )
    lines = wrap(text, width).splitlines()
    assert all(len(line) <= width for line in lines), lines
    assert " ".join(lines) == " ".join(text.split())  # nothing lost or reordered
    for formula in FORMULAS:
        if len(formula) <= width:
            assert any(formula in line for line in lines), (formula, lines)


def test_words_of_prose_do_not_join_a_formula_and_a_too_long_formula_breaks_at_its_spaces():
    assert units("the size = i − k + 1 cells") == ["the", "size", "=", "i − k + 1", "cells"]
    assert wrap("o = i − k + 1", 7).splitlines() == ["o = i −", "k + 1"]


def test_indented_lines_and_list_items_keep_their_indent_when_wrapped():
    wrapped = wrap("    a worked line that is too long\n- an item that wraps over", 16).splitlines()
    assert wrapped == ["    a worked", "    line that is", "    too long", "- an item that", "  wraps over"]


@pytest.mark.slow
async def test_the_lesson_page_keeps_each_formula_on_one_line_in_a_narrow_terminal():
    from textual.app import App, ComposeResult
    from textual.geometry import Region

    text = "How many positions are there? Counting from 0, the window fits o = i − k + 1 times."

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Prose(text, id="page")

    for width in range(30, 50):
        app = One()
        async with app.run_test(size=(width, 10)) as pilot:
            await pilot.pause()
            page = app.query_one(Prose)
            # What Textual draws, after any wrapping of its own: the formula on one line, nothing cut.
            shown = [strip.text.rstrip() for strip in page.render_lines(Region(0, 0, *page.size))]
            assert " ".join(line for line in shown if line) == text, shown
            assert any("o = i − k + 1" in line for line in shown), (width, shown)


def test_a_worked_solution_keeps_every_line_when_join_is_off():
    # The result screen's worked steps: each line its own, though none is indented (the playtest
    # found "…= 1024 biases = C_out = 16 total = 1040" run together).
    steps = "weights = C_out·C_in·k·k = 1024\nbiases = C_out = 16\ntotal = 1040"
    assert wrap(steps, 60, join=False) == steps
    assert wrap(steps, 60) != steps  # what the lesson's prose does with the same lines


async def test_prose_without_join_draws_each_worked_step_on_its_own_line():
    from textual.app import App

    steps = "weights = C_out·C_in·k·k = 1024\nbiases = C_out = 16\ntotal = 1040"

    class One(App[None]):
        def compose(self):
            yield Prose(steps, join=False)

    app = One()
    async with app.run_test(size=(80, 24)):
        assert str(app.query_one(Prose).render()).splitlines() == steps.splitlines()
