"""Published networks written as specs (docs/SHAPES.md), for `convquest shapes --example NAME`.

Each is written layer by layer as its paper or reference implementation has it, so its counts can
be checked against the published ones: VGG-16 138,357,544 parameters; MobileNet-v1 (1.0, 224)
4,231,976 with its classifier; AlexNet as Caffe's grouped two-tower model 60,965,224; a
LeNet-style net 61,706 (LeNet-5's layer sizes, but every C3 map sees all six S2 maps and the
subsampling has no weights: the 1998 paper's C3 has 1,516 parameters, not 2,416).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Network:
    title: str
    input: tuple[int, int, int]
    spec: str


def _vgg_block(c_out: int, convs: int) -> str:
    return "".join(f"conv {c_out} k3 p1; relu; " for _ in range(convs)) + "maxpool k2\n"


def _mobilenet_pair(c_out: int, stride: int) -> str:
    s = f" s{stride}" if stride > 1 else ""
    return f"dw k3{s} p1 nobias; bn; relu; pw {c_out} nobias; bn; relu\n"


NETWORKS = {
    "lenet5": Network(
        "LeNet-style (LeNet-5's sizes; in the 1998 paper C3 maps see only some S2 maps: 1,516 params there)",
        (1, 32, 32),
        "conv 1>6 k5; tanh; avgpool k2\nconv 6>16 k5; tanh; avgpool k2\nflatten; dense 120; tanh; dense 84; tanh; dense 10",
    ),
    "alexnet": Network(
        "AlexNet (Krizhevsky et al., 2012), Caffe's version: its two towers as groups=2",
        (3, 227, 227),
        "conv 3>96 k11 s4; relu; maxpool k3 s2\n"
        "conv 96>256 k5 p2 g2; relu; maxpool k3 s2\n"
        "conv 256>384 k3 p1; relu\nconv 384>384 k3 p1 g2; relu\nconv 384>256 k3 p1 g2; relu; maxpool k3 s2\n"
        "flatten; dense 4096; relu; dropout 0.5\ndense 4096; relu; dropout 0.5; dense 1000",
    ),
    "vgg16": Network(
        "VGG-16 (Simonyan & Zisserman, 2014), configuration D",
        (3, 224, 224),
        "".join(_vgg_block(c, n) for c, n in ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)))
        + "flatten; dense 4096; relu; dropout 0.5\ndense 4096; relu; dropout 0.5; dense 1000",
    ),
    "mobilenet_v1": Network(
        "MobileNet-v1 (Howard et al., 2017), width 1.0, 224×224",
        (3, 224, 224),
        "conv 3>32 k3 s2 p1 nobias; bn; relu\n"
        + "".join(
            _mobilenet_pair(c, s)
            for c, s in (
                (64, 1),
                (128, 2),
                (128, 1),
                (256, 2),
                (256, 1),
                (512, 2),
                *[(512, 1)] * 5,
                (1024, 2),
                (1024, 1),
            )
        )
        + "gap; flatten; dense 1000",
    ),
}
