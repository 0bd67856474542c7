"""The ops' signatures are the ones DESIGN.md fixes: outside checks call them exactly so."""

from __future__ import annotations

import inspect

import pytest

import convquest.engine as engine

FIXED = {
    "pool_output_size": "(i, k, s=None, p=0, d=1, ceil_mode=False)",
    "conv2d": "(x, w, *, padding=0, stride=1, dilation=1, bias=None, groups=1, padding_mode='zeros')",
    "conv_transpose2d": "(x, w, *, padding=0, stride=1, dilation=1, output_padding=0, bias=None, groups=1)",
    "max_pool2d": "(x, k, *, stride=None, padding=0, dilation=1, ceil_mode=False)",
    "avg_pool2d": "(x, k, *, stride=None, padding=0, ceil_mode=False)",
    "conv1d": "(x, w, *, padding=0, stride=1, dilation=1, bias=None, groups=1, padding_mode='zeros')",
    "conv_transpose1d": "(x, w, *, padding=0, stride=1, dilation=1, output_padding=0, bias=None, groups=1)",
    "max_pool1d": "(x, k, *, stride=None, padding=0, dilation=1, ceil_mode=False)",
    "avg_pool1d": "(x, k, *, stride=None, padding=0, ceil_mode=False)",
}


def bare(function) -> str:
    """The signature without annotations, as DESIGN.md writes it."""
    parameters = [
        p.replace(annotation=inspect.Parameter.empty) for p in inspect.signature(function).parameters.values()
    ]
    return str(inspect.Signature(parameters))


@pytest.mark.parametrize("name", sorted(FIXED))
def test_signature_is_the_fixed_one(name):
    assert name in engine.__all__
    assert bare(getattr(engine, name)) == FIXED[name]
