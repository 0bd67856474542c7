"""Quiz files: a teacher's paper as TOML, validated like level files, turned into a paper per student.

    [quiz]
    id = "week-3"                 # lowercase letters, digits, hyphens: results are kept under it
    title = "Week 3: padding and stride"
    seed = "per-student"          # each student numbers of their own, from their id, in questions
                                  # of one shape for all (Quiz.paper_for); or a whole number: the
                                  # same paper for everyone (default "per-student")
    minutes = 20                  # optional time limit, counted from the student's first start
    feedback = "at-end"           # "none" | "after-each" | "at-end" (default "at-end")
    grid_marking = "per-cell"     # a grid question: "per-cell" (8 of 9 right is 8/9) | "all-or-nothing"

    [[question]]                  # one table per question, in order; at least one
    kind = "predict-size"         # a level kind (engine.problems.KINDS)
    [question.params]             # fixed params as in a level file; ranges [lo, hi] drawn from the seed
    variant = "conv"
    i = [6, 12]
    k = 3

    [[question]]
    kind = "fill-cells"
    variant = "strided"           # or no params: the engine generates one of this variant
    difficulty = 2                # 1 to 3 (default 1)

Every problem is a QuizFileError (a LevelFileError naming the file, the question and the field),
and a file with any problem is refused whole. Params are checked exactly as level params are, by
the level loader's own checks (ranges, then the engine at the corners and at sample seeds).
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from convquest.engine.problems.signature import Signature, signature
from convquest.levels.loader import ID_PATTERN, engine_problems, parse_toml, range_problems
from convquest.levels.model import LevelFileError, ranges, resolve_params
from convquest.practice.exam import MAX_QUESTIONS, Paper, Question, jsonable
from convquest.practice.records import GRID_MARKING
from convquest.practice.topics import derive_seed

if TYPE_CHECKING:
    from convquest.engine.problems.base import Problem

PER_STUDENT = "per-student"
FEEDBACK = ("none", "after-each", "at-end")
MAX_MINUTES = 24 * 60
# A per-student draw is redrawn until it has the reference's shape (QuizQuestion.fair); every
# shipped kind needs far fewer (tests/classroom/test_fair_papers.py measures the most).
MAX_DRAWS = 500
# Students whose papers the file's check deals, as levels are tried at sample seeds: every load
# (each student's `quiz sit` too) pays for them, so a few.
FAIRNESS_SAMPLES = 4
# The tallest grid the quiz screen shows at 80×24 beside its prompt, how-to line and answer box
# without scrolling: the reference draw is one whose grids are no taller.
BOARD_ROWS = 8

QUIZ_KEYS = {"id", "title", "seed", "minutes", "feedback", "grid_marking"}
QUESTION_KEYS = {"kind", "params", "variant", "difficulty"}

_QUIZ_TABLE = re.compile(r"^\s*\[\s*quiz\s*\]\s*(#.*)?$", re.MULTILINE)


class QuizFileError(LevelFileError):
    """One thing wrong with a quiz file; `level` holds the question's number (1-based)."""

    def __str__(self) -> str:
        where = [str(self.file)]
        if self.level is not None:
            where.append(f"question {self.level}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        return ": ".join(where + [self.message])


class QuizFileInvalid(Exception):
    """The quiz file was refused; `errors` lists every problem found in it."""

    def __init__(self, errors: Sequence[QuizFileError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(map(str, self.errors)))


class UnfairQuestion(ValueError):
    """No draw in MAX_DRAWS had the reference's signature: the question's ranges give papers of
    different shapes too rarely alike to deal one to each student."""


@dataclass(frozen=True)
class FairDraw:
    """A student's question and how it was found: `draws` seeds tried until one matched."""

    question: Question
    signature: Signature
    draws: int


@dataclass(frozen=True)
class QuizQuestion:
    number: int  # 1-based
    kind: str
    params: Mapping[str, object] | None  # None: generated from (variant, difficulty)
    variant: str | None
    difficulty: int
    # quiz id → its reference draw, found once: every student's paper is matched against it.
    _references: dict[str, FairDraw] = field(default_factory=dict, compare=False, repr=False)

    def problem(self, seed: int) -> Problem:
        from convquest.engine import problems

        if self.params is not None:
            return problems.from_params(self.kind, resolve_params(self.params, seed))
        return problems.generate(self.kind, seed, difficulty=self.difficulty, variant=self.variant)

    def question(self, seed: int) -> Question:
        """The question this spec gives for `seed`, as the exam paper stores it."""
        return self._drawn(seed, 1).question

    def reference(self, quiz_id: str) -> FairDraw:
        """The draw every student's is made like: the first of the quiz's own draws whose grids fit
        the quiz screen at 80×24 (BOARD_ROWS), or the first draw if the params allow none that fit."""
        if quiz_id not in self._references:
            # Params without ranges give one problem whatever the seed: one draw says it all.
            count = 1 if self.params is not None and not ranges(self.params) else MAX_DRAWS
            seeds = (derive_seed("quiz-reference", quiz_id, self.number, n) for n in range(count))
            draws = (self._drawn(seed, n + 1) for n, seed in enumerate(seeds))
            first = next(draws)
            fitting = (d for d in itertools.chain([first], draws) if d.signature.tallest <= BOARD_ROWS)
            self._references[quiz_id] = next(fitting, first)
        return self._references[quiz_id]

    def fair(self, quiz_id: str, student: str) -> FairDraw:
        """The draw for `student` of the reference's signature: the student's own seeds
        are tried in order until one matches, so the same student always gets the same question.
        UnfairQuestion if none of MAX_DRAWS does."""
        want = self.reference(quiz_id).signature
        outline = replace(want, output=None)
        for n in range(MAX_DRAWS):
            # The first seed is the one papers were drawn from before they were made fair.
            seed = derive_seed("quiz", quiz_id, student, self.number, *([n] if n else []))
            problem = self.problem(seed)
            # The output's shape costs a trace: most draws that miss, miss on something cheaper.
            if signature(problem, output=False) == outline and signature(problem) == want:
                return self._found(problem, seed, n + 1)
        change = (
            "narrow the ranges so every draw has the same shapes"
            if self.params is not None
            else "choose another variant or difficulty"
        )
        raise UnfairQuestion(
            f"in {MAX_DRAWS} draws for a student ({student}) none had the reference paper's shape ({want}); "
            f"{change}, or give the quiz a fixed seed"
        )

    def _drawn(self, seed: int, draws: int) -> FairDraw:
        return self._found(self.problem(seed), seed, draws)

    def _found(self, problem: Problem, seed: int, draws: int) -> FairDraw:
        question = Question(self.number, problem.topic, seed, self.difficulty, jsonable(problem.params()))
        return FairDraw(question, signature(problem), draws)


@dataclass(frozen=True)
class Quiz:
    id: str
    title: str
    seed: int | None  # None: per student
    minutes: float | None
    feedback: str
    questions: tuple[QuizQuestion, ...]
    source: Path
    grid_marking: str = GRID_MARKING[0]  # "per-cell": 8 of 9 cells right is 8/9 of the mark

    @property
    def per_student(self) -> bool:
        return self.seed is None

    @property
    def shows_score(self) -> bool:
        return self.feedback != "none"

    def paper_for(self, student: str) -> Paper:
        """The student's paper: the same for everyone with a fixed seed, else drawn from their id,
        each question of the shape of the quiz's reference draw (QuizQuestion.fair), so no student
        gets a larger grid or an extra step to take than another.

        Seeds go through derive_seed (not hash()), so the paper is the same on every run and
        machine: a student who reconnects, or whose results are re-marked, gets the same problems.
        """
        base = student if self.per_student else self.seed
        paper_seed = derive_seed("quiz", self.id, base)
        if self.per_student:
            questions = tuple(self._fair(q, student).question for q in self.questions)
        else:
            questions = tuple(q.question(derive_seed("quiz", self.id, base, q.number)) for q in self.questions)
        return Paper(paper_seed, tuple(dict.fromkeys(q.topic for q in questions)), questions)

    def _fair(self, question: QuizQuestion, student: str) -> FairDraw:
        """The student's own draw of the reference's shape. The file's check (fairness_problems) has
        found one for every sample student; a student for whom none of MAX_DRAWS matches, rarer
        still, sits the reference question itself, which is the same shape, rather than no quiz."""
        try:
            return question.fair(self.id, student)
        except UnfairQuestion:
            return question.reference(self.id)


def is_quiz_file(path: Path) -> bool:
    """Whether `path` is a quiz file (it has a [quiz] table) rather than a chapter of levels.

    A file that is not valid TOML counts as a quiz when a line says [quiz], so its syntax error is
    reported by the quiz checker and not as a chapter missing its [chapter] table.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return False
    try:
        return isinstance(tomllib.loads(text).get("quiz"), dict)
    except (tomllib.TOMLDecodeError, RecursionError):  # RecursionError: nested too deeply for tomllib
        return bool(_QUIZ_TABLE.search(text))


def partition_paths(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(level paths, quiz files) from what `convquest levels check` was given.

    Folders are opened so a pack holding both kinds is split file by file; a path that does not
    exist stays with the level paths, whose checker reports it.
    """
    levels: list[Path] = []
    quizzes: list[Path] = []
    for path in map(Path, paths):
        files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
        for file in files:
            (quizzes if file.is_file() and is_quiz_file(file) else levels).append(file)
    return levels, quizzes


def check_quiz_file(path: Path) -> list[QuizFileError]:
    """Every problem in the quiz file; an empty list means it loads."""
    return _read(Path(path))[1]


def load_quiz(path: Path) -> Quiz:
    quiz, errors = _read(Path(path))
    if quiz is None or errors:
        raise QuizFileInvalid(errors)
    return quiz


# --- reading and checking -----------------------------------------------------------------------


def _read(path: Path) -> tuple[Quiz | None, list[QuizFileError]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [QuizFileError(path, f"cannot be read: {exc.strerror or exc}")]
    data, problem = parse_toml(raw, "quiz file")
    if data is None:
        return None, [QuizFileError(path, problem)]
    return _build(path, data)


def _build(path: Path, data: Mapping[str, object]) -> tuple[Quiz | None, list[QuizFileError]]:
    errors = [
        QuizFileError(path, f"unknown top-level key '{key}' (expected [quiz] and [[question]])", field=key)
        for key in data.keys() - {"quiz", "question"}
    ]
    head = data.get("quiz")
    if not isinstance(head, dict):
        errors.append(
            QuizFileError(
                path, "must have one [quiz] table (id, title, and optionally seed, minutes, feedback)", field="quiz"
            )
        )
        head = {}
    else:
        errors += _check_head(path, head)

    raw = data.get("question")
    if raw is None or raw == []:
        errors.append(QuizFileError(path, "the quiz has no questions; add at least one [[question]]", field="question"))
        raw = []
    elif not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        errors.append(QuizFileError(path, "questions must be written as [[question]] tables", field="question"))
        raw = []
    elif len(raw) > MAX_QUESTIONS:
        errors.append(
            QuizFileError(path, f"a quiz has at most {MAX_QUESTIONS} questions, not {len(raw)}", field="question")
        )
        raw = []

    questions = []
    for number, table in enumerate(raw, start=1):
        question, problems = _build_question(path, number, table)
        errors += problems
        if question is not None:
            questions.append(question)
    if errors:
        return None, errors
    seed = head.get("seed", PER_STUDENT)
    minutes = head.get("minutes")
    quiz = Quiz(
        id=head["id"],
        title=head["title"].strip(),
        seed=None if seed == PER_STUDENT else seed,
        minutes=None if minutes is None else float(minutes),
        feedback=head.get("feedback", "at-end"),
        questions=tuple(questions),
        source=path,
        grid_marking=head.get("grid_marking", GRID_MARKING[0]),
    )
    errors = fairness_problems(quiz)
    return (None, errors) if errors else (quiz, [])


def fairness_problems(quiz: Quiz) -> list[QuizFileError]:
    """A per-student question whose draws are too rarely of one shape to deal a fair paper, found
    by dealing the papers of FAIRNESS_SAMPLES sample students (as levels are tried at sample seeds)."""
    if not quiz.per_student:
        return []
    errors = []
    for question in quiz.questions:
        try:
            for n in range(1, FAIRNESS_SAMPLES + 1):
                question.fair(quiz.id, f"sample student {n}")
        except UnfairQuestion as exc:
            # A generated question's draws are the engine's: no one field of the file is to blame.
            where = "params" if question.params is not None else None
            message = f"per-student papers cannot be made fair: {exc}"
            errors.append(QuizFileError(quiz.source, message, level=str(question.number), field=where))
    return errors


def _check_head(path: Path, head: Mapping[str, object]) -> list[QuizFileError]:
    def error(message: str, key: str) -> QuizFileError:
        return QuizFileError(path, message, field=f"quiz.{key}")

    errors = [
        error(f"unknown key (expected one of: {', '.join(sorted(QUIZ_KEYS))})", key)
        for key in head
        if key not in QUIZ_KEYS
    ]
    for key in ("id", "title"):
        value = head.get(key)
        if value is None:
            errors.append(error("missing (must be a string)", key))
        elif not isinstance(value, str):
            errors.append(error(f"must be a string, not {_describe(value)}", key))
        elif not value.strip():
            errors.append(error("must not be empty", key))
    quiz_id = head.get("id")
    if isinstance(quiz_id, str) and quiz_id.strip() and not ID_PATTERN.match(quiz_id):
        errors.append(error(f"'{quiz_id}' must use only lowercase letters, digits and hyphens", "id"))
    if "seed" in head:
        seed = head["seed"]
        if not (seed == PER_STUDENT or (isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0)):
            errors.append(error(f'must be "{PER_STUDENT}" or a whole number 0 or more, not {_shown(seed)}', "seed"))
    if "minutes" in head:
        minutes = head["minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)):
            errors.append(error(f"must be a number of minutes, not {_describe(minutes)}", "minutes"))
        elif not 0 < minutes <= MAX_MINUTES:
            errors.append(
                error(
                    f"must be more than 0 and at most {MAX_MINUTES} (a day), not {minutes:g}; "
                    "leave it out for no time limit",
                    "minutes",
                )
            )
    if "feedback" in head and head["feedback"] not in FEEDBACK:
        errors.append(
            error(f"must be one of {', '.join(repr(f) for f in FEEDBACK)}, not {_shown(head['feedback'])}", "feedback")
        )
    if "grid_marking" in head and head["grid_marking"] not in GRID_MARKING:
        errors.append(
            error(
                f"must be one of {', '.join(repr(g) for g in GRID_MARKING)}, not {_shown(head['grid_marking'])}",
                "grid_marking",
            )
        )
    return errors


def _build_question(
    path: Path, number: int, table: Mapping[str, object]
) -> tuple[QuizQuestion | None, list[QuizFileError]]:
    from convquest.engine.problems import KINDS, variants

    def error(message: str, field: str | None) -> QuizFileError:
        return QuizFileError(path, message, level=str(number), field=field)

    errors = [
        error(f"unknown key (expected one of: {', '.join(sorted(QUESTION_KEYS))})", key)
        for key in table
        if key not in QUESTION_KEYS
    ]
    kind = table.get("kind")
    if kind is None:
        errors.append(error(f"missing (one of: {', '.join(KINDS)})", "kind"))
    elif not isinstance(kind, str) or kind not in KINDS:
        errors.append(error(f"unknown kind {_shown(kind)} (known kinds: {', '.join(KINDS)})", "kind"))
        kind = None
    params = table.get("params")
    if params is not None and not isinstance(params, dict):
        errors.append(error(f"must be a table, not {_describe(params)}", "params"))
    if params is not None and ("variant" in table or "difficulty" in table):
        # Either the teacher wrote the problem, or the engine draws one: both at once is ambiguous.
        errors.append(
            error(
                "give either [question.params] (a problem you wrote) or variant/difficulty "
                "(one the engine draws), not both; put the variant inside params",
                "variant" if "variant" in table else "difficulty",
            )
        )
    difficulty = table.get("difficulty", 1)
    if "difficulty" in table and (isinstance(difficulty, bool) or difficulty not in (1, 2, 3)):
        errors.append(error(f"must be 1, 2 or 3, not {_shown(difficulty)}", "difficulty"))
    variant = table.get("variant")
    if variant is not None and kind is not None and variant not in variants(kind):
        errors.append(
            error(f"unknown {kind} variant {_shown(variant)} (its variants: {', '.join(variants(kind))})", "variant")
        )
    if errors or kind is None:
        return None, errors
    if isinstance(params, dict):
        # The level loader's own checks, so a params table means the same in a quiz as in a level.
        problems = range_problems(path, str(number), params) or engine_problems(path, str(number), kind, params)
        if problems:
            return None, [QuizFileError(path, p.message, level=str(number), field=p.field) for p in problems]
    # Each field was checked above; the casts only tell mypy what the checks established.
    return (
        QuizQuestion(
            number,
            kind,
            cast("Mapping[str, object] | None", params),
            cast("str | None", variant),
            cast(int, difficulty),
        ),
        [],
    )


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    kinds = {str: "a string", int: "an integer", float: "a number", list: "a list", dict: "a table"}
    return kinds.get(type(value), type(value).__name__)


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else _describe(value)
