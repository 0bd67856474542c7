"""`convquest shapes`: a network typed as a spec, reported layer by layer (docs/SHAPES.md).

Only the standard library is imported at module level: `convquest shapes --help` builds its
arguments from here and must not load NumPy.
"""

from __future__ import annotations

import argparse
import re
import sys

from convquest.commands.common import EXIT_OK, EXIT_USAGE

EXAMPLE_NAMES = ("lenet5", "alexnet", "vgg16", "mobilenet_v1")  # convquest.engine.networks.NETWORKS

_SHAPE = re.compile(r"\s*(\d+)\s*[x×X,]\s*(\d+)\s*[x×X,]\s*(\d+)\s*")


def add_shapes_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "spec",
        nargs="?",
        metavar="SPEC",
        help='the layers, separated by ";", e.g. "conv 3>64 k7 s2 p3; maxpool k3 s2 p1; conv 128 k3 p1 g4"'
        " (the syntax: docs/SHAPES.md)",
    )
    parser.add_argument(
        "--input", metavar="CxHxW", help="the input's channels, height and width, e.g. 3x224x224 (an RGB picture)"
    )
    parser.add_argument(
        "--example",
        choices=EXAMPLE_NAMES,
        help="a published network instead of a spec (its spec is printed too, to copy and change)",
    )


def _input_shape(text: str) -> tuple[int, int, int]:
    found = _SHAPE.fullmatch(text)
    if found is None:
        raise ValueError(f"--input must be channels×height×width, e.g. 3x224x224, but got {text!r}")
    c, h, w = (int(n) for n in found.groups())
    return c, h, w


def run_shapes(args: argparse.Namespace) -> int:
    from convquest.engine.netspec import analyse, format_report, torch_code
    from convquest.engine.networks import NETWORKS

    if (args.spec is None) == (args.example is None):
        return _fail("give a spec or --example NAME (one of them); `convquest shapes --help` shows both")
    heading = []
    if args.example is not None:
        network = NETWORKS[args.example]
        spec, shape_text = network.spec, args.input or "×".join(str(n) for n in network.input)
        spec_lines = [f"  {line}" for line in network.spec.splitlines()]
        heading = [network.title, 'Its spec (a new line separates layers as ";" does):', *spec_lines, ""]
    elif args.input is None:
        return _fail("give the input's shape with --input, e.g. --input 3x224x224")
    else:
        spec, shape_text = args.spec, args.input
    try:
        report = analyse(spec, _input_shape(shape_text))
    except ValueError as error:
        return _fail(str(error))
    print("\n".join([*heading, format_report(report), "", "In PyTorch:", "", torch_code(report)]))
    return EXIT_OK


def _fail(message: str) -> int:
    print(f"convquest shapes: {message}", file=sys.stderr)
    return EXIT_USAGE
