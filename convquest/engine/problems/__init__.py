"""Problem generators (draft docstring, see below)."""

from convquest.engine.problems.base import Problem, Verdict
from convquest.engine.problems.registry import KINDS, from_params, generate, variants
from convquest.engine.problems.stars import stars

__all__ = ["KINDS", "Problem", "Verdict", "from_params", "generate", "stars", "variants"]
