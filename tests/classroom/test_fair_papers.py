"""Fair per-student papers: every student's numbers differ, the shape and difficulty do not.

Each student's draw is matched to the quiz's reference draw by its shape signature
(convquest.engine.problems.signature); these tests deal the papers of many students for every kind
and variant a quiz can ask, and for the example quizzes, and compare them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from quiz_helpers import QUIZ, write_quiz

from convquest.classroom import quiz as quiz_module
from convquest.classroom.quiz import QuizFileInvalid, QuizQuestion, check_quiz_file, load_quiz
from convquest.engine import problems
from convquest.engine.problems.signature import signature
from convquest.practice.exam import jsonable
from convquest.practice.topics import derive_seed
from tests.sweeps import seeds

STUDENTS = [f"student-{n}" for n in seeds(200, least=4)]  # a class: papers are compared
DOCS = Path(__file__).parents[2] / "docs" / "CLASSROOM.md"
TOPICS = [(kind, variant) for kind in problems.KINDS for variant in problems.variants(kind)]


def generated_quiz(tmp_path: Path, kind: str, variant: str, difficulty: int):
    tmp_path.mkdir(parents=True, exist_ok=True)
    text = f'[quiz]\nid = "fair"\ntitle = "Fair"\n\n[[question]]\nkind = "{kind}"\nvariant = "{variant}"\n'
    return load_quiz(write_quiz(tmp_path, text=text + f"difficulty = {difficulty}\n"))


def example_quizzes(tmp_path: Path) -> list:
    """The quiz in docs/CLASSROOM.md (every ```toml block with a [quiz] table) and the tests' own."""
    blocks = [b for b in re.findall(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S) if "[quiz]" in b]
    assert blocks, "docs/CLASSROOM.md shows no quiz file"
    texts = blocks + [QUIZ.format(feedback="at-end", seed='"per-student"')]
    return [load_quiz(write_quiz(tmp_path, text=text, name=f"example-{n}.toml")) for n, text in enumerate(texts)]


def assert_fair(quiz) -> None:
    """Every student's question has the reference's signature; the numbers differ between students
    wherever the question can give different numbers; each student's paper is theirs for good."""
    papers = {student: quiz.paper_for(student) for student in STUDENTS}
    for index, question in enumerate(quiz.questions):
        want = question.reference(quiz.id).signature
        got = [papers[student].questions[index] for student in STUDENTS]
        signatures = Counter(str(signature(q.problem())) for q in got)
        assert signatures == {str(want): len(STUDENTS)}, f"question {question.number}"
        distinct = Counter(repr(q.params) for q in got)
        if len(distinct) == 1:
            # Fine only where the question has one problem of that shape (dilated-stack: its k and
            # depth fix every dilation), as many draws of its own show.
            alike = {repr(p.params()) for p in map(question.problem, range(300)) if signature(p) == want}
            assert len(alike) == 1, f"question {question.number}: every student got the same numbers"
        elif len(distinct) >= 3:
            # No paper is what most of the class gets: the numbers are each student's own.
            share = distinct.most_common(1)[0]
            assert share[1] <= len(STUDENTS) // 2, f"question {question.number}: {share}"
    again = load_quiz(quiz.source)  # a new load, as a student reconnecting: nothing cached
    for student in STUDENTS[:5]:
        assert again.paper_for(student).to_json() == papers[student].to_json()


@pytest.mark.slow
@pytest.mark.parametrize("difficulty", [1, 2, 3])
@pytest.mark.parametrize(("kind", "variant"), TOPICS)
def test_every_kind_gives_every_student_a_paper_of_one_shape(tmp_path, kind, variant, difficulty):
    assert_fair(generated_quiz(tmp_path, kind, variant, difficulty))


def test_the_example_quizzes_are_fair(tmp_path):
    for quiz in example_quizzes(tmp_path):
        assert quiz.per_student
        assert_fair(quiz)


def test_what_the_issue_saw_is_gone(tmp_path):
    """Issue 19: fill-cells/strided gave three students outputs of 2×2, 3×3 and 4×4."""
    quiz = generated_quiz(tmp_path, "fill-cells", "strided", 2)
    question = quiz.questions[0]
    unfair = {question.question(derive_seed("quiz", quiz.id, s, 1)).problem().expected.shape for s in STUDENTS}
    assert len(unfair) > 1  # the draw before it was made fair: sizes differ
    fair = {paper.questions[0].problem().expected.shape for paper in map(quiz.paper_for, STUDENTS)}
    assert len(fair) == 1


@pytest.mark.parametrize(("kind", "variant"), [("volume", "shape"), ("fill-cells", "transposed")])
def test_the_rarest_shapes_take_far_fewer_draws_than_the_limit(kind, variant):
    # The two questions whose reference shape is rarest among the shipped kinds (about 1 draw in 17).
    question = QuizQuestion(1, kind, None, variant, 3)
    draws = [question.fair("fair", student).draws for student in STUDENTS]
    assert max(draws) < quiz_module.MAX_DRAWS // 4
    assert sum(draws) / len(draws) < 40


def test_the_signature_names_shapes_answers_and_the_parameters_at_work():
    grid = [[(r * 7 + c) % 10 for c in range(7)] for r in range(7)]
    kernel = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
    padded = problems.from_params(
        "fill-cells", {"variant": "strided", "input": grid, "kernel": kernel, "padding": 1, "stride": 2}
    )
    sig = signature(padded)
    # ⌊(7 + 2·1 − 3)/2⌋ + 1 = 4: a 4×4 output, 16 cells to fill.
    assert (sig.kind, sig.variant, sig.output, sig.answers) == ("fill-cells", "strided", (4, 4), 16)
    assert dict(sig.shapes) == {"input": (7, 7), "kernel": (3, 3)}
    assert sig.tallest == 7  # the input is the tallest grid on screen; the output is typed, not shown
    assert dict(sig.settings) == {"padding": "at work", "stride": "at work", "dilation": "trivial"}
    assert str(sig) == (
        "fill-cells/strided: input 7×7, kernel 3×3, output 4×4, 16 answer(s); padding at work, stride at work"
    )
    other_numbers = problems.from_params(
        "fill-cells",
        {
            "variant": "strided",
            "input": [[v % 5 for v in row] for row in grid],
            "kernel": kernel,
            "padding": 1,
            "stride": 3,
        },
    )
    # Stride 3 instead of 2: ⌊6/3⌋ + 1 = 3, a 3×3 output — another question's worth of work.
    assert signature(other_numbers) != sig
    no_padding = problems.from_params(
        "fill-cells", {"variant": "strided", "input": grid, "kernel": kernel, "padding": 0, "stride": 2}
    )
    assert signature(no_padding) != sig  # ⌊4/2⌋ + 1 = 3 and no padding at work


def test_a_size_question_keeps_whether_its_division_leaves_a_remainder():
    def size(i: int):
        return signature(problems.from_params("predict-size", {"variant": "stride", "i": i, "k": 3, "s": 2}))

    # (i − 3)/2: 9 → 6/2 exact; 8 → 5/2, a remainder to drop; 11 → 8/2 exact again.
    assert dict(size(9).settings)["division"] == "exact"
    assert dict(size(8).settings)["division"] == "has a remainder"
    assert size(9) == size(11) != size(8)


def test_layers_count_by_kind_and_parameter_not_by_position():
    def network(*kinds: str):
        conv = {"kind": "conv", "k": 3, "s": 1, "out_channels": 4}
        pool = {"kind": "pool", "k": 2, "s": 2}
        layers = [conv if k == "conv" else pool for k in kinds]
        params = {"variant": "network", "input": [1, 16, 16], "layers": layers}
        return signature(problems.from_params("predict-size", params))

    assert network("conv", "pool", "conv") == network("conv", "conv", "pool")
    assert network("conv", "pool", "conv") != network("conv", "pool", "pool")


def test_a_question_that_cannot_be_made_fair_is_refused_naming_it(tmp_path, monkeypatch):
    # One draw each: a range whose draws split two ways (remainder or not) cannot match every sample.
    monkeypatch.setattr(quiz_module, "MAX_DRAWS", 1)
    path = write_quiz(tmp_path)
    errors = {e.level: str(e) for e in check_quiz_file(path)}
    assert "1" not in errors  # a problem the teacher wrote whole is everyone's, and fair
    assert errors["2"].startswith(f"{path}: question 2: field 'params': per-student papers cannot be made fair: ")
    assert "narrow the ranges" in errors["2"] and "division" in errors["2"]
    with pytest.raises(QuizFileInvalid):
        load_quiz(path)
    # A fixed seed deals everyone one paper: nothing to make fair.
    assert check_quiz_file(write_quiz(tmp_path, seed="7", name="fixed.toml")) == []


def test_a_student_no_draw_fits_sits_the_reference_question(tmp_path, monkeypatch):
    quiz = load_quiz(write_quiz(tmp_path))
    monkeypatch.setattr(quiz_module, "MAX_DRAWS", 1)
    question = quiz.questions[1]
    reference = question.reference(quiz.id).question
    want = question.reference(quiz.id).signature
    unlucky = next(s for s in STUDENTS if signature(question.problem(derive_seed("quiz", quiz.id, s, 2))) != want)
    assert quiz.paper_for(unlucky).questions[1] == reference


@pytest.mark.slow
def test_the_reference_draw_is_one_that_fits_the_screen(monkeypatch):
    # Generated fill-cells/strided at difficulty 2 has inputs of 6×6 or 7×7.
    drawn = QuizQuestion(1, "fill-cells", None, "strided", 2)
    sides = {drawn.problem(derive_seed("quiz-reference", "q", 1, n)).input.shape[0] for n in range(40)}
    assert sides == {6, 7}
    monkeypatch.setattr(quiz_module, "BOARD_ROWS", 6)
    for quiz_id in (f"q{n}" for n in range(10)):
        assert drawn.reference(quiz_id).signature.tallest <= 6
    # With no draw short enough (difficulty 3: 7×7 or 8×8), the first draw is the reference.
    tall = QuizQuestion(1, "fill-cells", None, "strided", 3)
    first = tall.problem(derive_seed("quiz-reference", "q", 1, 0))
    assert tall.reference("q").question.params == jsonable(first.params())


def fill_quizzes(tmp_path: Path) -> list:
    """One quiz per fill-cells variant at its largest (difficulty 3)."""
    return [generated_quiz(tmp_path / v, "fill-cells", v, 3) for v in problems.variants("fill-cells")]


@pytest.mark.slow
@pytest.mark.parametrize("quizzes", [example_quizzes, fill_quizzes])
async def test_every_question_fits_the_quiz_screen_at_80x24(tmp_path, store, quizzes):
    from textual.containers import VerticalScroll

    from convquest.classroom.results import ResultsDB
    from convquest.ui.quiz.app import QuizApp

    for n, quiz in enumerate(quizzes(tmp_path)):
        db = ResultsDB.open(tmp_path / f"classroom-{n}.db")
        app = QuizApp(quiz=quiz, student="alice", db=db, store=store)
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                for number in range(1, len(quiz.questions) + 1):
                    await pilot.pause()
                    assert app.screen.sitting.current == number - 1
                    box = app.screen.query_one("#sitting-question", VerticalScroll)
                    # Nothing to scroll: the prompt, how to answer and the grids are all on screen.
                    assert box.max_scroll_y == 0, f"{quiz.source.name}: Q{number} is taller than the screen"
                    await pilot.press("pagedown")
        finally:
            db.close()
