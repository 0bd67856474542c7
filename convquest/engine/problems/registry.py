"""kind → the module that generates and rebuilds it; modules load on first use."""

from __future__ import annotations

import importlib
import random
from collections.abc import Mapping
from types import ModuleType

from convquest.engine.problems.base import Fields, Problem, check_difficulty, rng_for

# Each module has VARIANTS, generate(rng, variant, difficulty) and from_params(fields, variant).
_MODULES = {
    "predict-size": "predict_size",
    "fill-cells": "fill_cells",
    "match-kernel": "match_kernel",
    "receptive-field": "receptive_field",
    "count-params": "count_params",
    "learn-kernel": "learn_kernel",
    "sequence-size": "sequence_size",
    "sequence-fill": "sequence_fill",
    "dilated-stack": "dilated_stack",
    "volume": "volume",
    "count-macs": "count_macs",
    "fill-volume": "fill_volume",
}
KINDS: tuple[str, ...] = tuple(_MODULES)


def _module(kind: str) -> ModuleType:
    if kind not in _MODULES:
        raise ValueError(f"unknown problem kind {kind!r}; the kinds are {', '.join(KINDS)}.")
    return importlib.import_module(f"convquest.engine.problems.{_MODULES[kind]}")


def variants(kind: str) -> tuple[str, ...]:
    found: tuple[str, ...] = _module(kind).VARIANTS
    return found


def generate(kind: str, seed: int, difficulty: int = 1, variant: str | None = None) -> Problem:
    """A reproducible problem: the same arguments always give an equal problem."""
    module = _module(kind)
    check_difficulty(difficulty)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be a whole number, not {seed!r}.")
    if variant is None:
        variant = random.Random(f"{kind}/variant/{seed}").choice(module.VARIANTS)
    elif variant not in module.VARIANTS:
        raise ValueError(f"unknown {kind} variant {variant!r}; the variants are {', '.join(module.VARIANTS)}.")
    problem: Problem = module.generate(rng_for(seed, kind, variant, difficulty), variant, difficulty)
    return problem


def from_params(kind: str, params: Mapping[str, object]) -> Problem:
    """Rebuild a problem from its params (as `problem.params()` gives, or a level file writes)."""
    module = _module(kind)
    fields = Fields(params, kind)
    variant = fields.choice("variant", module.VARIANTS, module.VARIANTS[0])
    problem: Problem = module.from_params(fields, variant)
    fields.refuse_unread(f"{kind}/{variant}")
    return problem
