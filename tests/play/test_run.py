"""LevelRun and ProblemRun: the ladder for every kind, repeats, show me, another like it, stars."""

from __future__ import annotations

import re

import pytest

from convquest.engine.arithmetic import Layer
from convquest.engine.problems.answers import format_cells
from convquest.engine.problems.ladder import ALL_TAUGHT
from convquest.play.run import LevelRun, ProblemRun
from convquest.play.taught import topic_taught
from tests.play.helpers import answers, curriculum, first_level, level_kinds


class Keeper:
    """A Recorder and StarKeeper that remembers what it was given."""

    def __init__(self) -> None:
        self.answers: list = []
        self.stars: list[tuple[str, int]] = []

    def record(self, answers) -> None:
        self.answers += list(answers)

    def complete_level(self, level_id: str, stars: int) -> None:
        self.stars.append((level_id, stars))


def run_of(level, keeper=None, seed=0) -> LevelRun:
    return LevelRun(level, seed=seed, taught=curriculum().taught_for(level.id), recorder=keeper, keeper=keeper)


KINDS = level_kinds()
# Questions with two answers (which way a weight moves): one wrong answer, then only h climbs.
TWO_WAY = {("learn-kernel", "gradient-sign")}


@pytest.mark.slow
@pytest.mark.parametrize("kind,variant", KINDS)
def test_wrong_answers_climb_each_rung_and_the_first_is_words_not_the_working(kind, variant):
    level = first_level(kind, variant)
    keeper = Keeper()
    run = run_of(level, keeper)
    ladder = run.ladder()
    wrong = answers(run.problem, 0, correct=False, count=3, up_to=True)
    assert len(wrong) == (1 if (kind, variant) in TWO_WAY else 3), wrong

    def next_rung(n: int):
        return run.answer(wrong[n]) if n < len(wrong) else run.climb()

    first = run.answer(wrong[0])
    assert first.kind == "wrong" and run.rung_of(0) == 1
    verdict = run.last_verdict
    named = verdict.diagnosis if verdict.mistake is not None else None
    expected = (named,) if named else (run.hints_for(0) or (ladder.nudge,))
    assert first.lines[1 : 1 + len(expected)] == expected
    assert verdict.explanation not in first.text and ladder.solution not in first.text

    second = next_rung(1)
    assert run.rung_of(0) == 2 and f"{ladder.formula_label}:\n{ladder.formula}" in second.text

    third = next_rung(2)
    assert run.rung_of(0) == 3
    assert all(
        step in third.text for step in ladder.steps
    )  # what the steps hold is the ladder's (its kind's) to keep clean
    assert run.stars_now == 1
    assert [(a.place, a.part, a.correct, a.rung) for a in keeper.answers] == [
        (level.id, 0, False, 0),
        (level.id, 0, False, 1),
        (level.id, 0, False, 2),
    ][: len(wrong)]


@pytest.mark.parametrize("kind,variant", KINDS)
def test_h_before_any_answer_climbs_from_the_first_rung(kind, variant):
    level = first_level(kind, variant)
    run = run_of(level)
    ladder = run.ladder()
    first = run.climb()
    assert first.lines == (run.hints_for(0) or (ladder.nudge,))
    assert run.stars_now == 2
    assert f"{ladder.formula_label}:\n{ladder.formula}" in run.climb().text
    assert run.stars_now == 1
    third = run.climb().lines
    # Rung 3 is the steps; a kind with no steps short of the answer keeps saying rung 2's formula.
    assert third[-len(ladder.steps) :] == ladder.steps if ladder.steps else third[-1] == ladder.formula
    top = run.climb()
    assert run.rung_of(0) == 3 and "every hint" in top.text and "s shows the solution" in top.text


@pytest.mark.parametrize("kind,variant", KINDS)
def test_a_repeated_wrong_answer_is_not_judged_again(kind, variant):
    keeper = Keeper()
    run = run_of(first_level(kind, variant), keeper)
    wrong = answers(run.problem, 0, correct=False)[0]
    run.answer(wrong)
    again = run.answer(f"  {wrong} ")
    assert again.kind == "repeat" and f"You tried {wrong} already" in again.text
    assert run.rung_of(0) == 1 and run.wrong == 1 and len(keeper.answers) == 1
    assert run.stars_now == 2


@pytest.mark.parametrize("kind,variant", KINDS)
def test_a_repeat_keeps_the_hint_reached_in_view_above_its_own_line(kind, variant):
    run = run_of(first_level(kind, variant))
    wrong = answers(run.problem, 0, correct=False)[0]
    run.answer(wrong)
    run.climb()  # the formula rung, which the player asked for
    hint = run.words()
    again = run.answer(wrong)
    assert hint and again.lines[: len(hint)] == hint
    assert f"You tried {wrong} already" in again.lines[-1]


def test_a_repeat_is_the_same_parsed_value_not_the_same_text():
    run = run_of(first_level("predict-size", "non-square"))
    wrong = answers(run.problem, 0, correct=False)[0]  # like "1x1"
    h, w = wrong.split("x")
    run.answer(wrong)
    assert run.answer(f"{h} × {w}").kind == "repeat"


def test_fill_cells_repeats_and_rungs_are_per_cell():
    run = run_of(first_level("fill-cells", "valid"))
    wrong = answers(run.problem, 0, correct=False)[0]
    assert wrong in answers(run.problem, 1, correct=False, count=5)  # wrong for the next cell too
    run.answer(wrong)
    assert run.rung_of(0) == 1
    run.answer(answers(run.problem, 0, correct=True)[0])
    assert run.part == 1 and run.rung_of(1) == 0
    assert run.answer(wrong).kind == "wrong"  # judged: cell 0's tries are cell 0's
    assert run.rung_of(1) == 1 and run.rung == 1


@pytest.mark.parametrize("wrong_first,hints,stars", [(0, 0, 3), (1, 0, 2), (0, 1, 2), (2, 0, 1), (0, 3, 1), (1, 2, 1)])
def test_stars_follow_the_rung_reached(wrong_first, hints, stars):
    keeper = Keeper()
    level = first_level("predict-size", "conv")
    run = run_of(level, keeper)
    for text in answers(run.problem, 0, correct=False, count=max(wrong_first, 1))[:wrong_first]:
        run.answer(text)
    for _ in range(hints):
        run.climb()
    right = run.answer(answers(run.problem, 0, correct=True)[0])
    assert right.kind == "right" and run.solved and run.earned == stars
    assert run.last_verdict.explanation in right.text  # a right answer shows the whole working
    assert keeper.stars == [(level.id, stars)]


def test_show_me_gives_the_solution_and_no_stars_then_takes_no_answers():
    keeper = Keeper()
    level = first_level("predict-size", "conv")
    run = run_of(level, keeper)
    shown = run.show_me()
    assert shown.kind == "shown" and run.ladder(0).solution in shown.text and "no stars" in shown.text
    assert run.over and not run.solved and run.stars_now == 0
    assert keeper.stars == [(level.id, 0)]
    assert run.answer(answers(run.problem, 0, correct=True)[0]).kind == "slip"
    # Only the show-me itself is in the records (so the level's next draw moves on), no answer after it.
    assert [(a.mistake, a.correct) for a in keeper.answers] == [("shown", False)]
    assert keeper.stars == [(level.id, 0)]


def test_another_like_it_is_a_different_draw_played_from_the_start():
    level = next(lv for lv in curriculum().levels if lv.has_ranges and lv.kind == "predict-size")
    run = run_of(level)
    assert run.can_draw_again
    run.answer(answers(run.problem, 0, correct=False)[0])
    run.show_me()
    fresh = run.another()
    assert fresh.problem.params() != run.problem.params()
    assert fresh.rung == 0 and not fresh.over and fresh.stars_now == 3
    assert fresh.answer(answers(fresh.problem, 0, correct=True)[0]).kind == "right" and fresh.earned == 3


def test_a_level_without_ranges_offers_no_other_draw():
    run = run_of(first_level("predict-size", "conv"))
    assert not run.can_draw_again
    with pytest.raises(ValueError, match="no ranges"):
        run.another()


def test_a_slip_is_not_counted():
    keeper = Keeper()
    run = run_of(first_level("predict-size", "conv"), keeper)
    slip = run.answer("seven")
    assert slip.kind == "slip" and "no penalty" in slip.text
    assert run.rung == 0 and keeper.answers == []


def test_a_network_is_answered_part_by_part_with_a_ladder_each():
    run = run_of(first_level("predict-size", "network"))
    assert run.part_count > 1
    run.answer(answers(run.problem, 0, correct=False)[0])
    run.answer(answers(run.problem, 0, correct=True)[0])
    assert run.part == 1 and run.rung_of(1) == 0 and run.stars_now == 2


def test_a_problem_run_plays_a_generated_problem_without_a_level():
    from convquest.engine.problems import generate

    run = ProblemRun(generate("predict-size", 3, variant="stride"))
    assert run.taught == ALL_TAUGHT and not run.can_draw_again
    run.answer(answers(run.problem, 0, correct=False)[0])
    assert run.rung == 1


def test_levels_are_taught_what_their_chapter_and_the_ones_before_teach():
    c = curriculum()
    assert c.taught("sliding") == c.taught("arithmetic") == frozenset()
    assert c.taught("padding") == {"padding"}
    assert c.taught("stride") == {"padding", "stride"}
    assert "transposed" not in c.taught("dilation") and "transposed" in c.taught("transposed")
    assert run_of(first_level("predict-size", "conv")).taught == c.taught_for("sliding-2")


def test_a_topic_takes_the_taught_set_of_its_first_chapter():
    taught = topic_taught(curriculum())
    assert taught("predict-size/conv") == frozenset()
    assert taught("predict-size/stride") == {"padding", "stride"}
    assert taught("count-params/no-such-variant") == ALL_TAUGHT


def _size_levels(ranged: bool):
    return next(
        lv
        for lv in curriculum().levels
        if lv.kind == "predict-size" and lv.has_ranges == ranged and len(lv.problem(0).parts()) == 1
    )


@pytest.mark.parametrize("ranged", [False, True], ids=["fixed", "ranges"])
def test_after_show_me_the_level_opens_seen_or_on_a_fresh_draw(store, ranged):
    """The show-me hole: reopened from the map, a fixed level is the same problem, now "seen" (the
    shown answer retyped earns ★ at most); a level with ranges opens on a draw not yet shown."""
    level = _size_levels(ranged)
    taught = curriculum().taught_for(level.id)

    def opened() -> LevelRun:
        return LevelRun.opened(level, store.attempts(level.id), taught=taught, recorder=store, keeper=store)

    first = opened()
    assert not first.seen and first.stars_now == 3
    first.answer(answers(first.problem, correct=False)[0])
    first.show_me()
    again = opened()
    assert again.seed != first.seed  # the show-me is in the records: the draw moved on
    if ranged:
        assert level.resolved_params(again.seed) != level.resolved_params(first.seed)
        assert not again.seen and again.stars_now == 3
    else:
        assert again.problem.params() == first.problem.params() and again.seen
        assert again.stars_now == 1
        again.answer(answers(again.problem, correct=True)[0])
        assert again.solved and again.earned == 1 and store.stars(level.id) == 1
    # A show-me is not a slip: it never becomes a recurring one for practice.
    from convquest.practice.schedule import recurring_slips
    from convquest.practice.topics import all_topics

    assert all(s.key != "shown" for s in recurring_slips(store.attempts() * 3, all_topics()))


FILL_CELL_LEVELS = [level.id for level in curriculum().levels if level.kind == "fill-cells"]


@pytest.mark.parametrize("level_id", FILL_CELL_LEVELS)
def test_a_cells_rungs_climb_each_adding_what_the_last_did_not_say(level_id):
    """which product is off (or the nudge) → the products → their values to add: no rung says a
    line of the one before it again, and the products are written once."""
    level = curriculum().level(level_id)
    for part in range(len(run_of(level).parts)):
        run = run_of(level)
        run.part = part
        said: set[str] = set()
        ladder = run.ladder(part)
        products = ladder.formula.split(" = ", 1)[-1]
        for rung in (1, 2, 3):
            lines = run.climb().lines
            # A cell of one product has no sum short of its value: there rung 3 adds nothing in words.
            if rung < 3 or ladder.steps:
                assert [line for line in lines if line not in said], (level_id, part, rung, lines)
            if rung == 3 and ladder.steps:
                assert not [line for line in lines if products in line], (level_id, part, lines)
            said.update(lines)


@pytest.mark.parametrize("level_id", ["kernels-10", "kernels-11", "why-convolution-7", "stacking-5"])
def test_a_hint_written_for_the_conv_part_is_not_the_dense_parts_first_rung(level_id):
    level = curriculum().level(level_id)
    conv, dense = (run_of(level) for _ in range(2))
    dense.part = 1
    assert conv.climb().lines == level.part_hints["conv layer"]
    assert dense.climb().lines == (dense.ladder(1).nudge,)


def test_a_levels_hints_without_part_hints_are_every_parts_first_rung():
    """Level files from before part_hints: `hints` still stand for each part (here each cell)."""
    level = curriculum().level("sliding-1")
    assert not level.part_hints
    for part in range(len(run_of(level).parts)):
        run = run_of(level)
        run.part = part
        assert run.climb().lines == level.hints


def test_every_shipped_part_hint_names_a_part_of_its_level():
    for level in curriculum().levels:
        if level.part_hints:
            assert set(level.part_hints) <= set(level.problem(0).parts()), level.id


FIELD_LEVELS = [level.id for level in curriculum().levels if level.kind == "receptive-field"]
# An equation or arithmetic between numbers: a walk of the field, not a nudge.
COMPUTATION = re.compile(r"=|\d\s*[+−·]\s*\d")


@pytest.mark.parametrize("level_id", FIELD_LEVELS)
def test_a_fields_first_rung_names_where_to_look_and_walks_no_layer(level_id):
    level = curriculum().level(level_id)
    run = run_of(level)
    for wrong in answers(run.problem, 0, correct=False, count=4, up_to=True):
        run = run_of(level)
        first = run.answer(wrong)
        assert not COMPUTATION.search(first.text), (wrong, first.text)
    assert not COMPUTATION.search(run_of(level).climb().text)


def test_a_stack_read_with_every_stride_one_is_named():
    level = curriculum().level("stacking-hierarchy")
    run = run_of(level)
    layers = tuple(Layer(layer.kind, layer.k, 1, layer.p, layer.d) for layer in run.problem.layers)
    first = run.answer(format_cells(run.problem.cells_seen(layers)))
    assert run.last_verdict.mistake == "ignored_stride" and "one cell at a time" in first.text
