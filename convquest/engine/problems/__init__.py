"""Seeded problem generators for every level kind, and the answers' checks and diagnoses.

    problem = generate("predict-size", seed=7, difficulty=2, variant="transposed")
    problem = from_params("predict-size", {"variant": "conv", "i": 7, "k": 3, "p": 1, "s": 2})
    answer = problem.parse_answer(typed_text, part)   # ValueError: a typing slip, show it inline
    verdict = problem.check(answer, part)             # Verdict(correct, explanation, diagnosis, mistake)
    stars(rung)                                       # 3, 2, 1 or 0 by the hint rung reached

A problem is a frozen dataclass: equal seeds give equal problems, `problem.params()` is JSON and
`from_params(problem.kind, problem.params())` rebuilds an equal problem. Every answer is derived
from the engine (arithmetic, ops, traces), never stored. `parts()` labels the answer parts; the UI
asks for them in order and passes the part number to `parse_answer` and `check`. A `ValueError`
from `parse_answer` is never a wrong answer: its message is a sentence for the player. A wrong
answer's `Verdict.mistake` is a stable key (reports count them); `diagnosis` says it with numbers.

Answer syntax per kind (what `parse_answer` reads; `check` takes the parsed value):

predict-size
    conv, padding, stride, dilation, transposed, pool: one whole number, the output's side ("5";
    "5x5" is read as 5). solve-padding / solve-stride: one whole number, p or s; any value that
    works is right, and the explanation lists every one. non-square: "H×W" — "5x7", "5 x 7",
    "5×7", "5,7" or "5 7", height first → (5, 7). network: one part per layer, each "C×H×W"
    (same separators) → (C, H, W).
count-params
    Two parts, conv layer then dense layer, each a whole number ("50_348_032" is fine).
fill-cells
    One part per output cell, row-major (labels "(r,c)"); each a whole number ("-3"). avgpool
    reads a number with up to one decimal ("2.5", "2,5"), right within 0.05 of the mean;
    generated avgpool problems always have whole means. The board reads `problem.input`,
    `problem.kernel` (None for pooling), `problem.expected` and `problem.trace` (the engine's
    ConvTrace / TransposedTrace / PoolTrace, the same one the animation uses).
match-kernel
    palette: a kernel's name ("sobel_x"), title ("Sobel x") or its 1-based number in
    `problem.palette`. edit: 3 rows of 3 whole numbers, rows split by ";" or new lines, numbers
    by spaces or commas: "1 0 -1; 2 0 -2; 1 0 -1" → a 3×3 int array (check also takes any 3×3
    nested sequence). two-step: two names, blur then edge: "gaussian, sobel_x" (or "then", "+").
    The board reads `problem.image`, `problem.target` and `problem.apply(choice)`.
    translation: one output cell "row,col" (also "row col" or "(row, col)"), counting from 0.
    locality: a set of output cells, as for receptive-field below.
receptive-field
    A set of input cells (row, col), counting from 0, inside the image only (cells in padding
    are not part of the answer): a rectangle "r0..r1, c0..c1" (also "r0-r1, c0-c1"; a single
    number for one row or column: "2, 0..3"), or a list "r,c; r,c; ..." (also "(r,c) (r,c)").
    The UI may pass the marked cells straight to `check` as a set of (row, col) tuples.
"""

from convquest.engine.problems.base import Problem, Verdict
from convquest.engine.problems.registry import KINDS, from_params, generate, variants
from convquest.engine.problems.stars import stars

__all__ = ["KINDS", "Problem", "Verdict", "from_params", "generate", "stars", "variants"]
