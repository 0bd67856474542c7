"""The predict-size kind: one square layer, a non-square layer, solving for p or s, a small network."""

from __future__ import annotations

import random

from convquest.engine.problems import layer_size
from convquest.engine.problems.base import Fields, Problem
from convquest.engine.problems.network import generate_network, network_from_params
from convquest.engine.problems.predict_pair import generate_pair, pair_from_params
from convquest.engine.problems.solve import generate_solve, solve_from_params

VARIANTS = layer_size.LAYER_VARIANTS + ("non-square", "solve-padding", "solve-stride", "network")
_SOLVE_FOR = {"solve-padding": "p", "solve-stride": "s"}


def generate(rng: random.Random, variant: str, difficulty: int) -> Problem:
    if variant in layer_size.LAYER_VARIANTS:
        return layer_size.generate_layer(rng, variant, difficulty)
    if variant == "non-square":
        return generate_pair(rng, difficulty)
    if variant in _SOLVE_FOR:
        return generate_solve(rng, _SOLVE_FOR[variant], difficulty)
    return generate_network(rng, difficulty)


def from_params(fields: Fields, variant: str) -> Problem:
    if variant in layer_size.LAYER_VARIANTS:
        return layer_size.layer_from_params(fields, variant)
    if variant == "non-square":
        return pair_from_params(fields)
    if variant in _SOLVE_FOR:
        return solve_from_params(fields, _SOLVE_FOR[variant])
    return network_from_params(fields)
