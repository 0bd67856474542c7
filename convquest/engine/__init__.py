"""The engine: pure NumPy convolution arithmetic, ops, step traces, kernels and images.

No Textual, no I/O, no global state. The names below are the engine's public face (see
docs/ARCHITECTURE.md); everything else in the package is free to change.
"""

from convquest.engine.arithmetic import (
    PADDING_MODES,
    Layer,
    RFInfo,
    conv_output_shape,
    conv_output_size,
    conv_padding,
    conv_params,
    dense_params,
    effective_kernel,
    padding_for,
    pool_output_shape,
    pool_output_size,
    receptive_cells,
    receptive_field,
    shapes_through,
    solve_padding,
    solve_stride,
    transposed_output_shape,
    transposed_output_size,
)
from convquest.engine.images import IMAGES, Image
from convquest.engine.kernels import KERNELS, Kernel
from convquest.engine.learn import FitStep, fit_kernel, stable_rate
from convquest.engine.ops import avg_pool2d, conv2d, conv_transpose2d, max_pool2d
from convquest.engine.photos import PHOTOS, Photo
from convquest.engine.traces import (
    ConvStep,
    ConvTrace,
    Paint,
    PoolStep,
    PoolTrace,
    TransposedTrace,
    avg_pool2d_trace,
    conv2d_trace,
    conv_transpose2d_trace,
    max_pool2d_trace,
)

__all__ = [
    "IMAGES",
    "KERNELS",
    "PADDING_MODES",
    "PHOTOS",
    "ConvStep",
    "ConvTrace",
    "FitStep",
    "Image",
    "Kernel",
    "Layer",
    "Paint",
    "Photo",
    "PoolStep",
    "PoolTrace",
    "RFInfo",
    "TransposedTrace",
    "avg_pool2d",
    "avg_pool2d_trace",
    "conv2d",
    "conv2d_trace",
    "conv_output_shape",
    "conv_output_size",
    "conv_padding",
    "conv_params",
    "conv_transpose2d",
    "conv_transpose2d_trace",
    "dense_params",
    "effective_kernel",
    "fit_kernel",
    "max_pool2d",
    "max_pool2d_trace",
    "padding_for",
    "pool_output_shape",
    "pool_output_size",
    "receptive_cells",
    "receptive_field",
    "shapes_through",
    "solve_padding",
    "solve_stride",
    "stable_rate",
    "transposed_output_shape",
    "transposed_output_size",
]
