"""The API every kind shares: reproducible seeds, params round trips, answer parsing, stars."""

from __future__ import annotations

import functools
import inspect
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convquest.engine.problems import KINDS, Problem, Verdict, from_params, generate, stars, variants
from convquest.engine.problems.answers import (
    format_cells,
    parse_cell,
    parse_cells,
    parse_grid,
    parse_shape,
    parse_whole_number,
)
from tests.sweeps import seeds

ALL = [(kind, variant, difficulty) for kind in KINDS for variant in variants(kind) for difficulty in (1, 2, 3)]


@pytest.mark.parametrize("kind,variant,difficulty", ALL)
def test_same_seed_same_problem_and_params_round_trip(kind, variant, difficulty):
    for seed in seeds(200):
        problem = generate(kind, seed, difficulty, variant)
        assert isinstance(problem, Problem)
        assert problem == generate(kind, seed, difficulty, variant)
        params = json.loads(json.dumps(problem.params()))  # JSON-able, as a level file or the store keeps it
        rebuilt = from_params(kind, params)
        assert rebuilt == problem and rebuilt.prompt() == problem.prompt()
        assert problem.kind == kind and problem.topic == f"{kind}/{variant}"
        assert problem.parts() and all(isinstance(label, str) and label for label in problem.parts())
        assert problem.prompt() and problem.solution() and problem.hint()


@pytest.mark.parametrize("kind,variant", [(kind, variant) for kind in KINDS for variant in variants(kind)])
def test_every_check_takes_the_taught_set_the_play_layer_passes(kind, variant):
    problem = generate(kind, 0, 1, variant)
    taught = inspect.signature(problem.check).parameters.get("taught")
    assert taught is not None and taught.kind is inspect.Parameter.KEYWORD_ONLY, problem.topic


def test_seeds_differ_and_no_variant_means_any():
    problems = {json.dumps(generate("predict-size", seed).params(), sort_keys=True) for seed in range(50)}
    assert len(problems) > 25
    drawn = {generate("fill-cells", seed).topic for seed in range(200)}
    assert drawn == {f"fill-cells/{v}" for v in variants("fill-cells")}


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: generate("guess-the-number", 0), "unknown problem kind 'guess-the-number'"),
        (lambda: generate("predict-size", 0, 4), "difficulty must be 1, 2 or 3"),
        (lambda: generate("predict-size", 0, 1, "sideways"), "unknown predict-size variant 'sideways'"),
        (lambda: generate("predict-size", "seven"), "seed must be a whole number"),
        (lambda: from_params("predict-size", [1, 2]), "mapping"),
    ],
)
def test_bad_requests_are_refused_with_a_sentence(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_check_of_a_missing_part_is_refused():
    problem = generate("count-params", 0, variant="conv-vs-dense")
    with pytest.raises(ValueError, match="part 2 does not exist"):
        problem.check(1, 2)


def test_verdict_is_a_frozen_record():
    verdict = Verdict(False, "o = 3", "You forgot the +1.", "forgot_plus_one")
    with pytest.raises(AttributeError):
        verdict.correct = True  # type: ignore[misc]


@pytest.mark.parametrize("rung,expected", [(0, 3), (1, 2), (2, 1), (3, 1), (4, 0)])
def test_stars_follow_the_rung_reached(rung, expected):
    assert stars(rung) == expected


@pytest.mark.parametrize("rung", [-1, 5, True, 1.5])
def test_stars_refuses_impossible_rungs(rung):
    with pytest.raises(ValueError, match="whole number from 0 to 4"):
        stars(rung)


@pytest.mark.parametrize(
    "text,shape",
    [
        ("5x7", (5, 7)),
        ("5 x 7", (5, 7)),
        ("5×7", (5, 7)),
        ("5,7", (5, 7)),
        ("5 7", (5, 7)),
        ("(5, 7)", (5, 7)),
        ("5X7", (5, 7)),
    ],
)
def test_shape_syntax(text, shape):
    assert parse_shape(text, 2) == shape


@pytest.mark.parametrize("text", ["5", "5x7x9", "ax7", "", "5xx", "5.5x7"])
def test_shape_garbage(text):
    with pytest.raises(ValueError, match="Type"):
        parse_shape(text, 2)


@pytest.mark.parametrize(
    "text,number",
    [
        ("50,348,032", 50_348_032),
        ("34 944", 34_944),
        ("34\u202f944", 34_944),  # the narrow no-break space typographers put between thousands
        ("34_944", 34_944),
        ("1'000", 1000),
        ("-1,000", -1000),
        ("999", 999),
        ("1,000,000", 1_000_000),
    ],
)
def test_whole_numbers_take_thousands_in_groups_of_three(text, number):
    """Issue 14.3: count-params refused "50,348,032" and "34 944" as people write them."""
    assert parse_whole_number(text) == number


@pytest.mark.parametrize("text", ["1,00", "12,34,567", "1,0000", ",000", "1,000 000", "1__000", "1 00", "34 944,"])
def test_thousands_not_in_threes_are_refused_with_a_sentence(text):
    with pytest.raises(ValueError, match="groups of three"):
        parse_whole_number(text)


def test_answer_format_lines_say_how_commas_read():
    """A whole number takes thousands separators; a shape reads a comma as between H and W."""
    with pytest.raises(ValueError, match=r"34,944"):
        parse_whole_number("?", big=True)
    with pytest.raises(ValueError, match=r"5,7 is 5×7"):
        parse_shape("?", 2)
    assert parse_shape("5,7", 2) == (5, 7)


def test_cell_syntax():
    assert parse_cell("2,3") == parse_cell(" (2, 3) ") == parse_cell("2 3") == (2, 3)
    with pytest.raises(ValueError, match="row,col"):
        parse_cell("2")


def test_cells_syntax():
    block = frozenset((r, c) for r in (1, 2) for c in (3, 4, 5))
    assert parse_cells("1..2, 3..5") == parse_cells("1-2,3-5") == parse_cells("(1..2, 3..5)") == block
    assert parse_cells("1, 3..5") == frozenset({(1, 3), (1, 4), (1, 5)})
    assert parse_cells("0,1; 2,3") == parse_cells("(0,1) (2,3)") == frozenset({(0, 1), (2, 3)})
    assert parse_cells("4,4") == frozenset({(4, 4)})
    for garbage in ("", "hello", "1..2", "3..1, 0..1", "0,1; x"):
        with pytest.raises(ValueError):
            parse_cells(garbage)


cell_sets = st.frozensets(st.tuples(st.integers(0, 11), st.integers(0, 11)), min_size=1, max_size=30)


@given(cell_sets)
def test_formatted_cells_read_back(cells):
    assert parse_cells(format_cells(cells)) == cells


@given(st.lists(st.lists(st.integers(-9, 9), min_size=3, max_size=3), min_size=3, max_size=3))
def test_grid_syntax_reads_rows(rows):
    text = "; ".join(" ".join(str(v) for v in row) for row in rows)
    assert parse_grid(text) == tuple(tuple(row) for row in rows)
    assert parse_grid(text.replace("; ", "\n")) == tuple(tuple(row) for row in rows)


@functools.cache
def one_problem_of_each_kind() -> tuple[Problem, ...]:
    """Drawn once for the whole search: every example reads the same problems, as a player would."""
    return tuple(generate(kind, 1, 2) for kind in KINDS)


@given(st.text(max_size=12))
def test_parse_answer_never_crashes_on_any_text(text):
    for problem in one_problem_of_each_kind():
        for part in range(len(problem.parts())):
            try:
                answer = problem.parse_answer(text, part)
            except ValueError as error:
                assert str(error)[:1].isupper()  # a sentence for the player
            else:
                assert isinstance(problem.check(answer, part), Verdict)


@pytest.mark.parametrize(
    "kind,params,field",
    [
        ("predict-size", {"variant": "conv", "i": 7, "k": 3, "stide": 2}, "stide"),
        ("predict-size", {"variant": "conv", "i": 7, "k": 3, "a": 1}, "a"),  # output padding is transposed-only
        ("fill-cells", {"variant": "maxpool", "input": [[1, 2], [3, 4]], "k": 2, "kernel": [[1]]}, "kernel"),
        ("count-params", {"c_in": 1, "c_out": 2, "k": 3, "h": 5, "w": 5, "units ": 10}, "units "),
    ],
)
def test_a_field_the_variant_does_not_use_is_refused_by_name(kind, params, field):
    with pytest.raises(ValueError, match=rf"^{field}: .* has no field"):
        from_params(kind, params)


def test_same_padding_refuses_a_stride():
    with pytest.raises(ValueError, match=r"^s: 'same' padding"):
        from_params("predict-size", {"variant": "padding", "i": 7, "k": 3, "padding": "same", "s": 2})
    full = from_params("predict-size", {"variant": "padding", "i": 7, "k": 3, "padding": "full", "s": 2})
    assert full.check(5).correct  # floor((7 + 4 − 3)/2) + 1


def test_prompts_use_an_before_numbers_read_with_a_vowel():
    from convquest.engine.problems.base import article

    assert [article(n) for n in (8, 11, 18, 80, 800, 3, 1, 111)] == ["an", "an", "an", "an", "an", "a", "a", "a"]
    assert from_params("predict-size", {"variant": "conv", "i": 8, "k": 3}).prompt().startswith("An 8×8 input")
    assert from_params("predict-size", {"variant": "conv", "i": 7, "k": 3}).prompt().startswith("A 7×7 input")
