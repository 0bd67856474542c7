"""Moodle's GIFT text format, from a quiz's drawn items (lms_items.py).

    $CATEGORY: $course$/top/ConvQuest week-3/q1

    ::week-3-q1-v1::[html]<p>A 7×7 input goes through …</p>{#5:0####<pre>o \\= …</pre>}

Each quiz question gets a category of its own holding its variants, so a Moodle quiz can take
"a random question" from it and give each student a different draw, as ConvQuest does. A one-part
question is a numerical question `{#answer:tolerance}` (several right values, as solve-padding may
have, are `{#=0:0 =1:0}`); a question of several one-number parts is one numerical question per
part, named `-p2` and so on; a choice is a multiple-choice question `{=right ~other}`. The worked
solution is the general feedback (after `####`). Text is HTML; GIFT's own characters (~ = # { } :
and the backslash) are escaped with a backslash and new lines written as `\\n`, as Moodle's own
exporter does. GIFT has no question with several answer boxes, so a grid to fill in, or a shape
C×H×W, is left to the QTI export and named in the skipped list.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from convquest.classroom.lms_items import Item, Part, Skipped, number_text, prompt_html, solution_html

SPECIAL = "~=#{}:"


def escape(text: str) -> str:
    """Text as GIFT reads it back unchanged: the backslash first, so the escapes are not doubled."""
    out = text.replace("\\", "\\\\")
    for char in SPECIAL:
        out = out.replace(char, "\\" + char)
    # A blank line would end the question, so no line breaks at all: Moodle reads \n as one.
    return out.replace("\r", "").replace("\n", "\\n")


def category(quiz_id: str, number: int) -> str:
    return f"$course$/top/ConvQuest {quiz_id}/q{number}"


def to_gift(items: Sequence[Item], header: Sequence[str] = ()) -> tuple[str, list[Skipped]]:
    """(the GIFT file, questions GIFT cannot hold). `header` lines become // comments on top."""
    # A title may hold a line break; a comment line must not, or its second half is read as a question.
    blocks = ["\n".join(f"// {' '.join(line.split())}" for line in header)] if header else []
    skipped: dict[int, Skipped] = {}
    current: int | None = None
    for item in items:
        questions = _questions(item)
        if questions is None:
            skipped.setdefault(item.number, Skipped(item.number, item.topic, _why_not(item)))
            continue
        if item.number != current:
            current = item.number
            blocks.append(f"$CATEGORY: {category(item.quiz_id, item.number)}")
        blocks += questions
    return "\n\n".join(blocks) + "\n", list(skipped.values())


def _questions(item: Item) -> list[str] | None:
    text = prompt_html(item)
    if item.choice is not None:
        options = " ".join(
            ("=" if n == item.choice.correct else "~") + escape(html.escape(option, quote=False))
            for n, option in enumerate(item.choice.options)
        )
        return [_question(item.name, text, options, item.solution)]
    # A grid split into one question per cell would repeat the whole grid for each: left to QTI.
    if (item.cells and len(item.parts) > 1) or any(len(part.blanks) != 1 for part in item.parts):
        return None
    if len(item.parts) == 1:
        return [_question(item.name, text, _numerical(item.parts[0]), item.solution)]
    count = len(item.parts)
    return [
        _question(
            f"{item.name}-p{n}",
            f"{text}<p>Part {n} of {count}: {html.escape(part.label, quote=False)}</p>",
            _numerical(part),
            part.solution,
        )
        for n, part in enumerate(item.parts, start=1)
    ]


def _question(name: str, text: str, answers: str, solution: str) -> str:
    return f"::{escape(name)}::[html]{escape(text)}{{{answers}####{escape(solution_html(solution))}}}"


def _numerical(part: Part) -> str:
    blank = part.blanks[0]
    tolerance = number_text(blank.tolerance)
    if len(blank.values) == 1:
        return f"#{number_text(blank.values[0])}:{tolerance}"
    return "#" + " ".join(f"={number_text(v)}:{tolerance}" for v in blank.values)


def _why_not(item: Item) -> str:
    if item.cells:
        what = "its answer is a grid of cells to fill in"
    else:
        # A shape or a cell: say which numbers, as the teacher would type them into QTI's boxes.
        part = next(p for p in item.parts if len(p.blanks) != 1)
        names = ", ".join(b.label.removeprefix(f"{part.label}: ") for b in part.blanks)
        what = f"its answer '{part.label}' is {len(part.blanks)} numbers ({names})"
    return f"{what}, and a GIFT question has one answer box; --format qti writes it for Canvas"
