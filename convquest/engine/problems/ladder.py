"""The words of the hint ladder for one part of a problem, as the chapter has taught them.

The play layer climbs the same ladder for every kind: rung 1 is the diagnosis of a recognised slip
(`Verdict.diagnosis`, words only) or, where no slip is recognised, `Rungs.nudge`; rung 2 is
`formula`; rung 3 is `steps`; rung 4, the player's own choice and costing the stars, is `solution`.
Only `solution` may contain the answer: no other rung shows a number or a computation that ends in
it.

`taught` names the concepts the player has met (a chapter declares what it teaches); formulas,
diagnoses and steps use only those, so chapter 2 sees `o = i − k + 1` and never hears of
transposed convolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from convquest.engine.problems.base import Problem

# The ideas a chapter can teach, in the order the shipped curriculum teaches them.
CONCEPTS: tuple[str, ...] = (
    "padding",
    "stride",
    "dilation",
    "transposed",
    "output_padding",
    "channels",
    "bias",
    "dense",
    "receptive_field",
    "pooling",
    "groups",
)

Taught = frozenset[str]
ALL_TAUGHT: Taught = frozenset(CONCEPTS)


@dataclass(frozen=True)
class Rungs:
    nudge: str  # rung 1 when no slip is recognised: where to look, in symbols, no number ending in the answer
    formula: str  # rung 2: the formula as taught with the problem's numbers put in, not evaluated
    steps: tuple[str, ...]  # rung 3: the worked steps, all but the last
    solution: str  # rung 4: the whole worked solution, answer included
    # What rung 2 is called where it shows: most kinds have a formula there, a few a way to look.
    formula_label: str = "The formula"
    # What rung 3 is called: most kinds show the steps so far, fill-cells the sum left to add.
    steps_label: str = "The steps so far"


@runtime_checkable
class HasRungs(Protocol):
    def rungs(self, part: int, taught: Taught) -> Rungs: ...


def rungs(problem: Problem, part: int = 0, taught: Taught = ALL_TAUGHT) -> Rungs:
    """The ladder for `part`: the problem's own where its kind writes one, else built from its
    hint and worked solution."""
    if isinstance(problem, HasRungs):
        return problem.rungs(part, taught)
    solution = problem.solution()
    lines = tuple(line for line in solution.splitlines() if line.strip())
    return Rungs(nudge=problem.hint(), formula=problem.hint(), steps=lines[:-1], solution=solution)
