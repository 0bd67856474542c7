"""A quiz's questions as an LMS holds them: drawn variants, each with its answer boxes, its correct
values and its worked solution, for `convquest quiz export` (gift.py and qti.py write them out).

Every value an item accepts is one the engine's own `check` marks right: the answers are read off
the problem (its output grid, its counts, its shapes) and then checked, never trusted, and a
one-number part the problem does not spell out is found by asking `check` about whole numbers.
A question with no such answer (cells to mark, any weights that give a target, a band of learning
rates) is not an item but a `Skipped`, with the sentence the command prints.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from convquest.classroom.quiz import Quiz, QuizQuestion
from convquest.engine.kernels import KERNELS
from convquest.engine.problems.base import Problem, Verdict
from convquest.engine.problems.ladder import rungs
from convquest.engine.problems.match_kernel import BLURS, EDGES
from convquest.play.judge import Read, Slip, judge, read, verdict_of
from convquest.practice.exam import cell_grid
from convquest.practice.topics import derive_seed

# Different seeds can draw the same problem (a narrow range, or no range at all): this many tries
# per variant asked for before the export settles for fewer.
TRIES_PER_VARIANT = 20
# A one-number part whose value the problem does not expose is searched for among these.
SEARCHED = range(-1000, 1001)
# Tolerances a decimal answer may have, widest first; the engine's check says which one holds.
TOLERANCES = (0.05, 0.01, 0.001)

# Kinds whose answer is not a number or a clear choice, and why (printed on stderr).
NOT_EXPORTED: dict[str, str] = {
    "receptive-field": "its answer is a set of input cells to mark",
    "match-kernel/locality": "its answer is a set of output cells to mark",
    "match-kernel/edit": "its answer is nine weights, and any that give the target are right",
    "learn-kernel/learning-rate": "any rate in a band is right (found by running gradient descent), not one number",
    "learn-kernel/recover": "its first part is a learning rate, and any rate in a band is right, not one number",
}


def choices(problem: Problem) -> tuple[str, ...] | None:
    """The options of a question answered from a fixed list, as its parser reads them; else None."""
    if problem.topic == "learn-kernel/gradient-sign":
        return ("up", "down")
    if problem.topic == "match-kernel/palette":
        return tuple(KERNELS[name].title for name in problem.params()["palette"])
    if problem.topic == "match-kernel/two-step":
        return tuple(f"{KERNELS[blur].title}, {KERNELS[edge].title}" for blur in BLURS for edge in EDGES)
    return None


def kernel_names(problem: Problem) -> tuple[str, ...]:
    """The kernels a pick-a-kernel question chooses among, in the palette's order."""
    if problem.topic == "match-kernel/palette":
        return tuple(problem.params()["palette"])
    if problem.topic == "match-kernel/two-step":
        return BLURS + EDGES
    return ()


@dataclass(frozen=True)
class Blank:
    """One number to type: every value that is right (solve-padding may have several), ± tolerance."""

    label: str
    values: tuple[float, ...]
    tolerance: float = 0.0
    # Every way of typing a right value that ConvQuest's parser reads as it ("2", "2.0", "2,0"),
    # for an LMS that matches the typed text exactly (Canvas's fill-in-the-blank).
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    """One of the problem's answer parts: one blank, or several for a shape (C, H, W) or a cell."""

    label: str
    blanks: tuple[Blank, ...]
    solution: str  # this part's worked solution (rung 4)


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]
    correct: int


@dataclass(frozen=True)
class Item:
    quiz_id: str
    number: int  # the quiz's question number, 1-based
    variant: int  # 1-based
    topic: str
    params: dict[str, Any]  # the problem's own: `engine.problems.from_params` rebuilds it
    prompt: str
    data: tuple[tuple[str, tuple[tuple[float, ...], ...]], ...]  # (caption, rows): grids the prompt leaves out
    pictures: tuple[tuple[str, tuple[tuple[float, ...], ...]], ...]  # (caption, rows): drawn shaded, as the board does
    notes: tuple[str, ...]  # numbers the prompt leaves out that are not grids ("filter 0: bias 1")
    parts: tuple[Part, ...]  # empty when `choice` is set
    choice: Choice | None
    solution: str  # the whole worked solution
    cells: bool  # the parts are the cells of an output to fill in
    grid: tuple[int, int] | None  # (rows, cols) when the parts are one 2-D output, in reading order

    @property
    def name(self) -> str:
        return f"{self.quiz_id}-q{self.number}-v{self.variant}"

    @property
    def blanks(self) -> tuple[Blank, ...]:
        return tuple(b for p in self.parts for b in p.blanks)


@dataclass(frozen=True)
class Skipped:
    number: int
    topic: str
    reason: str

    def __str__(self) -> str:
        return f"question {self.number} ({self.topic}) skipped: {self.reason}"


def draw_items(quiz: Quiz, variants: int, seed: int = 0) -> tuple[list[Item], list[Skipped], list[str]]:
    """(items, skipped questions, notes) for `variants` draws of every question, the same for the
    same seed. A draw that cannot be an item (a two-step whose answer is several pairs; for a
    question without a variant, a variant no LMS can hold) is replaced by another draw; a question
    none of whose draws can be one is skipped; a question with fewer different problems than
    asked gives what it has, and a note says so."""
    items: list[Item] = []
    skipped: list[Skipped] = []
    notes: list[str] = []
    for spec in quiz.questions:
        drawn, left_out = _draw(quiz, spec, variants, seed)
        if not drawn:
            skipped.append(left_out[0])
            continue
        items += drawn
        exported = {item.topic for item in drawn}
        reasons = {s.topic: s.reason for s in left_out if s.topic not in exported}
        if reasons:
            notes.append(
                f"question {spec.number}: only its {', '.join(sorted(exported))} draws are exported; left out: "
                + "; ".join(f"{topic} ({reason})" for topic, reason in sorted(reasons.items()))
            )
        if len(drawn) < variants:
            notes.append(
                f"question {spec.number} ({drawn[0].topic}): {len(drawn)} different problem(s), not "
                f"{variants} (its numbers are fixed, or its ranges or its kind allow no more)"
            )
    return items, skipped, notes


def _draw(quiz: Quiz, spec: QuizQuestion, variants: int, seed: int) -> tuple[list[Item], list[Skipped]]:
    """Up to `variants` items of different problems, and the draws that could not be items."""
    seen: set[str] = set()
    items: list[Item] = []
    left_out: list[Skipped] = []
    for attempt in range(variants * TRIES_PER_VARIANT):
        question = spec.question(derive_seed("lms-export", quiz.id, seed, spec.number, attempt))
        key = repr(sorted(question.params.items()))
        if key in seen:
            continue
        seen.add(key)
        problem = question.problem()
        reason = NOT_EXPORTED.get(problem.topic) or NOT_EXPORTED.get(problem.kind)
        item = (
            Skipped(spec.number, problem.topic, reason)
            if reason
            else make_item(quiz.id, spec.number, len(items) + 1, problem)
        )
        if isinstance(item, Skipped):
            left_out.append(item)
        else:
            items.append(item)
        if len(items) == variants:
            break
    return items, left_out


def make_item(quiz_id: str, number: int, variant: int, problem: Problem) -> Item | Skipped:
    """The problem as an item, or Skipped naming the part with no fixed answer."""
    labels = tuple(problem.parts()) or ("answer",)
    options = choices(problem)
    choice = None
    parts: list[Part] = []
    if options is not None:
        right = right_answers(problem, 0) or []
        if len(right) != 1:
            return Skipped(number, problem.topic, f"{len(right)} of its choices are right, not one")
        choice = Choice(options, options.index(right[0]))
    else:
        for part, label in enumerate(labels):
            values = right_answers(problem, part)
            if not values:
                return Skipped(number, problem.topic, f"no fixed answer was found for its part '{label}'")
            parts.append(Part(label, _blanks(problem, part, label, values), rungs(problem, part).solution))
    solution = rungs(problem, 0).solution if len(labels) == 1 else problem.solution()
    data, notes = shown_data(problem.params())
    pictures: tuple[tuple[str, Grid], ...] = ()
    if hasattr(problem, "image") and hasattr(problem, "target"):
        pictures = tuple((name, _rows(getattr(problem, name))) for name in ("image", "target"))
        notes += ("Kernels to choose from:",) + tuple(
            f"{KERNELS[k].title}: {KERNELS[k].detects}" for k in kernel_names(problem)
        )
    return Item(
        quiz_id=quiz_id,
        number=number,
        variant=variant,
        topic=problem.topic,
        params=problem.params(),
        prompt=_paper_prompt(problem.prompt()),
        data=data,
        pictures=pictures,
        notes=notes,
        parts=tuple(parts),
        choice=choice,
        solution=solution,
        cells=hasattr(problem, "expected"),  # fill-cells, sequence-fill, fill-volume: one part per output cell
        grid=cell_grid(labels),
    )


def _paper_prompt(prompt: str) -> str:
    # A level asks for a grid cell by cell; an LMS question takes it whole, as the quiz does.
    return prompt.replace(", one cell at a time.", ".")


# --- the right answers --------------------------------------------------------------------------


def right_answers(problem: Problem, part: int) -> list[Any] | None:
    """Every answer to `part` that the engine's own check marks right: numbers, a shape or a cell as
    a tuple, a choice as its text. None where the right answers are no short list (cells to mark,
    any weights that give a target, a band of rates): an LMS item and the results' JSON both use it."""
    if problem.topic in NOT_EXPORTED or problem.kind in NOT_EXPORTED:
        return None
    options = choices(problem)
    if options is not None:
        return [option for option in options if _judged_right(judge(problem, option, part))]
    return _right_values(problem, part, len(problem.parts()) or 1) or None


def _candidates(problem: Problem, part: int, count: int) -> Iterator[object]:
    """What the problem says its answer to `part` is, where it says it: each is checked after."""
    expected = getattr(problem, "expected", None)
    if expected is not None and getattr(expected, "size", None) == count:
        yield expected.flat[part].item()
    for name in ("counts", "answers", "shapes"):
        values = getattr(problem, name, None)
        if isinstance(values, list) and count == 1:
            yield from values  # SolveFor: every value that works
        elif isinstance(values, (tuple, list)) and len(values) == count:
            yield values[part]
    for name in ("fields", "size"):
        method = getattr(problem, name, None)
        if callable(method):
            result = method()
            if isinstance(result, tuple) and len(result) == count:
                yield result[part]
            elif isinstance(result, int) and count == 1:
                yield result
    if count == 1 and hasattr(problem, "answer"):
        yield problem.answer


def _right_values(problem: Problem, part: int, count: int) -> list[Any]:
    def right(value: object) -> bool:
        return _value_right(problem, value, part)

    values: list[Any] = []
    for value in _candidates(problem, part, count):
        if _numbers(value) is not None and value not in values and right(value):
            values.append(value)
    if not values:
        # Only a part whose answer is one whole number is looked for; a shape or cell is not guessed.
        first = next((n for n in sorted(SEARCHED, key=abs) if right(n)), None)
        values = [] if first is None else [n for n in SEARCHED if right(n)]
    return values


def _numbers(value: object) -> tuple[float, ...] | None:
    """The value as the numbers to type: (5,) for 5, (16, 5, 5) for a shape; None if not numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return (value,) if math.isfinite(value) else None
    if isinstance(value, tuple) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return tuple(value)
    return None


_SHAPE_NAMES = {3: ("C", "H", "W")}


def _blanks(problem: Problem, part: int, label: str, values: Sequence[Any]) -> tuple[Blank, ...]:
    numbers = [n for n in map(_numbers, values) if n is not None]
    width = len(numbers[0])
    if width == 1:
        right = tuple(n[0] for n in numbers)
        return (Blank(label, right, _tolerance(problem, part, right[0]), _spellings(problem, part, right)),)
    names: tuple[str, ...] = _SHAPE_NAMES.get(width, ())
    if width == 2:
        names = ("row", "col") if "cell" in label else ("H", "W")
    names = names if len(names) == width else tuple(str(n + 1) for n in range(width))
    # A shape or a cell has one right value, so each of its numbers has one.
    return tuple(
        Blank(f"{label}: {name}", (v,), spellings=(number_text(v),)) for name, v in zip(names, numbers[0], strict=True)
    )


def _spellings(problem: Problem, part: int, values: Sequence[float]) -> tuple[str, ...]:
    found: list[str] = []
    for value in values:
        plain = number_text(value)
        candidates = [plain, f"{plain}.0", f"{plain},0"] if "." not in plain else [plain, plain.replace(".", ",")]
        for text in candidates:
            answer = read(problem, text, part)
            spelled = isinstance(answer, Read) and answer.value == value
            if spelled and text not in found and _value_right(problem, value, part):
                found.append(text)
    return tuple(found)


def _tolerance(problem: Problem, part: int, value: float) -> float:
    if not isinstance(value, float):
        return 0.0
    for tolerance in TOLERANCES:
        if _value_right(problem, value + tolerance * 0.99, part):
            return tolerance
    return 0.0


def number_text(value: float) -> str:
    """5 → "5", 2.0 → "2", 2.5 → "2.5"; a plain ASCII minus, as an LMS reads a number."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


# --- what the question shows --------------------------------------------------------------------


Grid = tuple[tuple[float, ...], ...]


def shown_data(params: dict[str, Any]) -> tuple[tuple[tuple[str, Grid], ...], tuple[str, ...]]:
    """The grids of numbers in the params (an input, a kernel, each channel of a volume, each
    filter's slices) and the numbers beside them (a filter's bias), which the board draws and the
    prompt leaves out. Top-level scalars, 1-D sequences and layers are in the prompt already."""
    grids: list[tuple[str, Grid]] = []
    notes: list[str] = []

    def walk(name: str, value: Any, top: bool) -> None:
        if _is_grid(value):
            grids.append((f"{name} ({len(value)}×{len(value[0])})", tuple(tuple(row) for row in value)))
        elif isinstance(value, list) and value and all(_is_grid(v) for v in value):
            for n, channel in enumerate(value):
                walk(f"{name}, channel {n}", channel, False)
        elif isinstance(value, list) and value and all(isinstance(v, dict) and _holds_grids(v) for v in value):
            for n, entry in enumerate(value):
                for key, inner in entry.items():
                    walk(f"{_singular(name)} {n} {key}", inner, False)
        elif not top and isinstance(value, (int, float)) and not isinstance(value, bool):
            notes.append(f"{name}: {number_text(value)}")

    for name, value in params.items():
        walk(name, value, True)
    return tuple(grids), tuple(notes)


def _rows(array: Any) -> Grid:
    return tuple(tuple(row) for row in array.tolist())


def _holds_grids(entry: dict[str, Any]) -> bool:
    # A filter (slices and a bias) is data the prompt leaves out; a layer (k, s, p) is in the prompt.
    return any(_is_grid(v) or (isinstance(v, list) and bool(v) and all(map(_is_grid, v))) for v in entry.values())


def _is_grid(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(row, list) and row for row in value)
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for row in value for v in row)
    )


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


# --- HTML, which both Moodle and Canvas show ----------------------------------------------------

_CELL = "border:1px solid #999;padding:2px 8px;text-align:right;font-family:monospace"


def prompt_html(item: Item, blank: Callable[[int], str] | None = None) -> str:
    """The question as HTML: the prompt, its grids as tables, and, when `blank(n)` is given, the
    answer boxes (an output grid as a table of boxes, else one labelled box per line)."""
    out = [_paragraphs(item.prompt)]
    out += [_table(caption, rows) for caption, rows in item.data]
    out += [_table(caption, rows, shaded=True) for caption, rows in item.pictures]
    if item.notes:
        out.append("<p>" + "<br>".join(html.escape(n, quote=False) for n in item.notes) + "</p>")
    if blank is not None:
        count = len(item.blanks)
        if item.grid is not None and count == item.grid[0] * item.grid[1]:
            rows, cols = item.grid
            cells = [[blank(r * cols + c) for c in range(cols)] for r in range(rows)]
            out.append(_table("output", cells, escape=False))
        else:
            out.append(
                "<p>"
                + "<br>".join(f"{html.escape(b.label, quote=False)}: {blank(n)}" for n, b in enumerate(item.blanks))
                + "</p>"
            )
    return "".join(out)


def solution_html(text: str) -> str:
    # The working lines up numbers in columns (an output grid): monospace keeps them lined up.
    return f"<pre>{html.escape(text, quote=False)}</pre>"


def _paragraphs(text: str) -> str:
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in block.splitlines()) + "</p>"
        for block in text.split("\n\n")
        if block.strip()
    )


def _table(caption: str, rows: Sequence[Sequence[object]], *, escape: bool = True, shaded: bool = False) -> str:
    numbers = [v for row in rows for v in row if isinstance(v, (int, float))]
    low, high = (min(numbers), max(numbers)) if shaded and numbers else (0, 0)

    def cell(value: object) -> str:
        text = number_text(value) if isinstance(value, (int, float)) else str(value)
        if shaded and isinstance(value, float):
            text = f"{value:.3g}"  # a blurred picture's ninths: the shade shows it, three figures say it
        text = html.escape(text, quote=False) if escape else text
        if not shaded or not isinstance(value, (int, float)):
            return f'<td style="{_CELL}">{text}</td>'
        # Dark for the least, light for the most, as the board shades a picture.
        grey = round(255 * (value - low) / (high - low)) if high > low else 128
        ink = "#000" if grey > 127 else "#fff"
        return f'<td style="{_CELL};background:rgb({grey},{grey},{grey});color:{ink}">{text}</td>'

    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
    return f'<table style="border-collapse:collapse;margin:6px 0"><caption>{html.escape(caption, quote=False)}</caption>{body}</table>'


def _judged_right(verdict: Verdict | Slip) -> bool:
    return not isinstance(verdict, Slip) and verdict.correct


def _value_right(problem: Problem, value: object, part: int) -> bool:
    """The engine marks `value` (already a parsed answer, as the problem's own parser would give it)
    right; a value of the wrong type or shape for this part is simply not right."""
    try:
        return _judged_right(verdict_of(problem, Read(str(value), value), part))
    except (TypeError, IndexError):
        return False
