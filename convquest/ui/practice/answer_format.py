"""How to type an answer to a problem, in the engine's own words."""

from __future__ import annotations

from convquest.practice.exam import cell_grid, cell_maps, join_grid


def answer_format(problem, part: int) -> str:
    """How to type this part, in the engine's own words: the sentence its parser gives for text
    that is no answer at all ("Type a whole number, like 5."). Shown before the first try: in an
    exam a refused answer costs time, and in practice a guess at the format teaches nothing."""
    from convquest.play.judge import Slip, read

    given = read(problem, "?", part)
    return given.message.split(" — could not read", 1)[0].strip() if isinstance(given, Slip) else ""


def grid_example(rows: int, cols: int) -> str:
    """A grid typed row by row, as many rows as it has (up to a few): "1 2; 3 4" for a 2×2."""
    shown = rows if rows <= 4 else 2
    return join_grid([str(n) for n in range(1, shown * cols + 1)], cols) + ("; …" if shown < rows else "")


def how_to_answer(problem, labels: tuple[str, ...], grid: tuple[int, int] | None) -> str:
    """The "How to answer" lines under a question's prompt, shared by the exam and the quiz: for a
    whole output grid, the row-by-row syntax with a small example; else each distinct format of the
    parts once ("" when the parser gives none, or the answer boxes say it: a map per filter)."""
    if grid is not None:
        rows, cols = grid
        return (
            f"How to answer: type the whole {rows}×{cols} output, row by row, rows separated by ';' "
            f"(like {grid_example(rows, cols)} for a {rows}×{cols} grid)."
        )
    if cell_maps(labels) is not None:
        # A map per filter: each box says how to type its map (its placeholder has the example).
        # A line here would push a difficulty-3 layer's figure or its boxes off an 80×24 screen.
        return ""
    formats = dict.fromkeys(answer_format(problem, p) for p in range(len(labels)))
    return "\n".join(f"How to answer: {f}" for f in formats if f)


def answer_parts(problem) -> tuple[tuple[str, ...], tuple[int, int] | None]:
    """A question's answer-box labels ("answer" for a one-part problem) and, when they are the
    cells of one output, its (rows, cols): one box then takes the whole grid."""
    labels = tuple(problem.parts()) or ("answer",)
    return labels, cell_grid(labels)


def question_text(problem, number: int, labels: tuple[str, ...], grid: tuple[int, int] | None) -> str:
    """A question as the exam and the quiz show it: "Q<number>. <prompt>", then how to answer."""
    how = how_to_answer(problem, labels, grid)
    prompt = problem.prompt()
    if cell_maps(labels) is not None:
        # A level asks for a grid cell by cell; a paper takes it map by map, as the line below says.
        prompt = prompt.replace(", one cell at a time.", ".")
    return f"Q{number}. {prompt}" + (f"\n\n{how}" if how else "")
