"""Quiz files: what loads, every way a broken one is reported, and whose paper is whose."""

from __future__ import annotations

import pytest
from quiz_helpers import QUIZ, write_quiz

from convquest.classroom.quiz import (
    QuizFileError,
    QuizFileInvalid,
    check_quiz_file,
    is_quiz_file,
    load_quiz,
    partition_paths,
)
from convquest.cli import main
from convquest.levels.model import LevelFileError

HEAD = '[quiz]\nid = "q"\ntitle = "T"\n'
ONE_QUESTION = '[[question]]\nkind = "predict-size"\n[question.params]\nvariant = "conv"\ni = 9\nk = 3\n'


def test_a_quiz_file_loads_with_its_settings(tmp_path):
    quiz = load_quiz(write_quiz(tmp_path, feedback="after-each"))
    assert (quiz.id, quiz.title, quiz.minutes, quiz.feedback) == ("week-3", "Week 3: sizes", 20.0, "after-each")
    assert quiz.per_student and quiz.shows_score
    assert [q.kind for q in quiz.questions] == ["predict-size"] * 3
    assert quiz.questions[2].params is None and quiz.questions[2].variant == "transposed"


def test_defaults_are_per_student_at_end_and_no_time_limit(tmp_path):
    quiz = load_quiz(write_quiz(tmp_path, text=HEAD + ONE_QUESTION))
    assert (quiz.seed, quiz.minutes, quiz.feedback) == (None, None, "at-end")


def test_per_student_papers_differ_by_student_and_never_by_run(tmp_path):
    quiz = load_quiz(write_quiz(tmp_path))
    papers = {name: quiz.paper_for(name).to_json() for name in ("alice", "bob", "chen", "dana")}
    assert papers["alice"] == load_quiz(quiz.source).paper_for("alice").to_json()  # same student, same paper
    assert len(set(papers.values())) > 1
    # The fixed question is the same for everyone; the ranges are what differ.
    firsts = {quiz.paper_for(name).questions[0].params["i"] for name in papers}
    assert firsts == {9}


def test_a_fixed_seed_gives_everyone_the_same_paper(tmp_path):
    quiz = load_quiz(write_quiz(tmp_path, seed="7"))
    assert quiz.seed == 7 and not quiz.per_student
    assert quiz.paper_for("alice").to_json() == quiz.paper_for("bob").to_json()
    other = load_quiz(write_quiz(tmp_path, seed="8", name="other.toml"))
    assert other.paper_for("alice").to_json() != quiz.paper_for("alice").to_json()


def test_every_range_stays_inside_its_bounds_for_many_students(tmp_path):
    quiz = load_quiz(write_quiz(tmp_path))
    drawn = {quiz.paper_for(f"s{n}").questions[1].params["i"] for n in range(60)}
    assert drawn <= set(range(8, 17)) and len(drawn) > 3


def errors_of(tmp_path, text: str) -> list[QuizFileError]:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    return check_quiz_file(path)


def where(error: QuizFileError) -> tuple:
    return error.level, error.field


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[quiz]\ntitle = "T"\n' + ONE_QUESTION, [(None, "quiz.id")]),
        ('[quiz]\nid = "Week 3"\ntitle = "T"\n' + ONE_QUESTION, [(None, "quiz.id")]),
        (HEAD + "minutes = 0\n" + ONE_QUESTION, [(None, "quiz.minutes")]),
        (HEAD + 'minutes = "ten"\n' + ONE_QUESTION, [(None, "quiz.minutes")]),
        (HEAD + 'feedback = "always"\n' + ONE_QUESTION, [(None, "quiz.feedback")]),
        (HEAD + 'seed = "random"\n' + ONE_QUESTION, [(None, "quiz.seed")]),
        (HEAD + 'colour = "blue"\n' + ONE_QUESTION, [(None, "quiz.colour")]),
        (HEAD, [(None, "question")]),
        (HEAD + '[[question]]\nkind = "guess-size"\n', [("1", "kind")]),
        (HEAD + ONE_QUESTION + '[[question]]\nvariant = "conv"\n', [("2", "kind")]),
        (HEAD + '[[question]]\nkind = "predict-size"\nvariant = "spiral"\n', [("1", "variant")]),
        (HEAD + '[[question]]\nkind = "predict-size"\ndifficulty = 4\n', [("1", "difficulty")]),
        (HEAD + ONE_QUESTION + "p = [3, 1]\n", [("1", "params.p")]),
        (HEAD + ONE_QUESTION + "stride = 2\n", [("1", "params.stride")]),
        (
            HEAD + '[[question]]\nkind = "predict-size"\n[question.params]\nvariant = "conv"\ni = 3\nk = 5\n',
            [("1", "params.k")],
        ),
        (
            HEAD + '[[question]]\nkind = "predict-size"\nvariant = "conv"\n[question.params]\ni = 9\nk = 3\n',
            [("1", "variant")],
        ),
    ],
)
def test_a_broken_file_names_the_question_and_field(tmp_path, text, expected):
    errors = errors_of(tmp_path, text)
    assert [where(e) for e in errors] == expected, [str(e) for e in errors]
    for error in errors:
        assert isinstance(error, LevelFileError)  # `levels check` reports it like a level file's
        assert str(error).startswith(f"{tmp_path / 'broken.toml'}: ")
        if error.level is not None:
            assert f": question {error.level}: field '{error.field}': " in str(error)


def test_every_problem_is_reported_at_once(tmp_path):
    errors = errors_of(
        tmp_path,
        '[quiz]\nid = "q"\ntitle = ""\nfeedback = "x"\n'
        '[[question]]\nkind = "nope"\n[[question]]\nkind = "predict-size"\ndifficulty = 0\n',
    )
    assert [where(e) for e in errors] == [
        (None, "quiz.title"),
        (None, "quiz.feedback"),
        ("1", "kind"),
        ("2", "difficulty"),
    ]


def test_not_toml_or_not_utf8_is_one_clear_error(tmp_path):
    assert "is not valid TOML" in errors_of(tmp_path, "[quiz]\nid = \n")[0].message
    path = tmp_path / "latin.toml"
    path.write_bytes(b'[quiz]\ntitle = "caf\xe9"\n')
    assert "is not UTF-8" in check_quiz_file(path)[0].message


def test_load_refuses_a_broken_file_with_every_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(HEAD + 'minutes = -1\n[[question]]\nkind = "x"\n', encoding="utf-8")
    with pytest.raises(QuizFileInvalid) as caught:
        load_quiz(path)
    assert len(caught.value.errors) == 2


def test_quiz_files_are_told_apart_from_chapters_even_when_broken(tmp_path):
    good = write_quiz(tmp_path)
    broken = tmp_path / "broken-quiz.toml"
    broken.write_text("[quiz]\nid = = 1\n", encoding="utf-8")
    chapter = tmp_path / "chapter.toml"
    chapter.write_text('[chapter]\nid = "c"\n', encoding="utf-8")
    assert is_quiz_file(good) and is_quiz_file(broken) and not is_quiz_file(chapter)
    levels, quizzes = partition_paths([tmp_path, tmp_path / "missing.toml"])
    assert sorted(quizzes) == sorted([good, broken])
    assert levels == [chapter, tmp_path / "missing.toml"]


def test_levels_check_takes_quiz_files(tmp_path, capsys):
    good = write_quiz(tmp_path)
    assert main(["levels", "check", str(good)]) == 0
    # Issue 14.10: it printed "OK: 0 file(s), 0 level(s), 1 quiz file(s)"; it says what was checked.
    quiz = load_quiz(good)
    assert (
        capsys.readouterr().out == f"OK: {good.name} (a quiz file: “{quiz.title}”, {len(quiz.questions)} questions)\n"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(QUIZ.format(feedback="loud", seed='"per-student"'), encoding="utf-8")
    assert main(["levels", "check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: field 'quiz.feedback': must be one of" in err
    assert "1 problem(s) in 1 file(s)" in err
