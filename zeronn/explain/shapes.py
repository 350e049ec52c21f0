"""Live shape annotations of each kind of layer: ``(4, 3) @ (3, 4) + (4,) -> (4, 4)``.

The formulas themselves come from each class's docstring
(``zeronn.explain.docstring``); this module only says, for the arrays of one
real batch, which shapes enter each formula and which shape comes out.
``backward_shapes`` is keyed by the left-hand side of the docstring's lines
(``dW``, ``db``, ``dx``, ...).
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from zeronn.nn.activation import LogSoftmax, Softmax
from zeronn.nn.batchnorm import BatchNorm1d, BatchNorm2d
from zeronn.nn.conv import Conv2d
from zeronn.nn.layer import Layer
from zeronn.nn.linear import Linear

__all__ = ["shape_text", "forward_shapes", "backward_shapes"]


def shape_text(shape: tuple[int, ...]) -> str:
    """``(4, 3)``, ``(4,)``, ``()``."""
    return str(tuple(int(n) for n in shape))


def _s(array: Optional[np.ndarray]) -> str:
    return "?" if array is None else shape_text(np.shape(array))


def _merged_rows(x: np.ndarray, features: int) -> tuple[int, int]:
    """Linear treats (..., in) as (rows, in)."""
    return (int(np.prod(x.shape[:-1])) if x.ndim > 1 else 1), features


def forward_shapes(layer: Layer, x: np.ndarray, y: np.ndarray) -> str:
    """The shapes of ``layer``'s forward formula for input ``x`` and output ``y``."""
    if isinstance(layer, Linear):
        text = f"{_s(x)} @ {shape_text(layer.weight.shape)}"
        if layer.bias is None:
            return f"{text} -> {_s(y)}   (bias=False: no b)"
        return f"{text} + {shape_text(layer.bias.shape)} -> {_s(y)}"
    if isinstance(layer, Conv2d):
        text = f"{_s(x)} conv {shape_text(layer.weight.shape)}"
        if layer.bias is not None:
            text += f" + {shape_text(layer.bias.shape)}"
        return f"{text} -> {_s(y)}"
    if isinstance(layer, (BatchNorm1d, BatchNorm2d)):
        return f"{_s(x)} normalised per channel, * gamma + beta {shape_text((layer.num_features,))} -> {_s(y)}"
    if isinstance(layer, (Softmax, LogSoftmax)):
        return f"{_s(x)} -> {_s(y)}   (along axis {layer.dim})"
    return f"{_s(x)} -> {_s(y)}"


def backward_shapes(layer: Layer, x: np.ndarray, y: np.ndarray, g: np.ndarray,
                    dx: Optional[np.ndarray]) -> dict[str, str]:
    """For each gradient name of the docstring (``dW``, ``db``, ``dx``...), the shapes in and out."""
    shapes: dict[str, str] = {}
    if isinstance(layer, Linear):
        rows, features = _merged_rows(x, layer.in_features)
        out = layer.out_features
        shapes["dW"] = f"{shape_text((features, rows))} @ {shape_text((rows, out))} -> {shape_text(layer.weight.shape)}"
        if layer.bias is not None:
            shapes["db"] = f"{shape_text((rows, out))} summed over axis 0 -> {shape_text(layer.bias.shape)}"
        shapes["dx"] = f"{_s(g)} @ {shape_text((out, features))} -> {_s(dx if dx is not None else x)}"
        return shapes
    if isinstance(layer, Conv2d):
        n = x.shape[0]
        columns = n * int(np.prod(y.shape[2:]))
        rows = int(np.prod(layer.weight.shape[1:]))
        o = layer.weight.shape[0]
        shapes["dW"] = (f"{shape_text((o, columns))} @ {shape_text((columns, rows))} -> {shape_text((o, rows))}"
                        f" -> {shape_text(layer.weight.shape)}")
        if layer.bias is not None:
            shapes["db"] = f"{shape_text((o, columns))} summed over axis 1 -> {shape_text(layer.bias.shape)}"
        shapes["dX_col"] = f"{shape_text((rows, o))} @ {shape_text((o, columns))} -> {shape_text((rows, columns))}"
        shapes["dx"] = f"{shape_text((rows, columns))} -> {_s(dx if dx is not None else x)}"
        return shapes
    if isinstance(layer, (BatchNorm1d, BatchNorm2d)):
        channel = shape_text((layer.num_features,))
        shapes["dbeta"] = f"{_s(g)} -> {channel}"
        shapes["dgamma"] = f"{_s(g)} * {_s(y)} -> {channel}"
        shapes["dx_i"] = shapes["dx"] = f"{_s(g)} -> {_s(dx if dx is not None else x)}"
        return shapes
    for name, parameter in layer._own_parameters():
        shapes[f"d{name}"] = f"-> {shape_text(parameter.shape)}"
    if np.shape(g) == np.shape(x):
        shapes["dx"] = f"{_s(g)} element by element -> {_s(dx if dx is not None else x)}"
    else:
        shapes["dx"] = f"{_s(g)} -> {_s(dx if dx is not None else x)}"
    shapes["dxp"] = shapes["dx"]
    return shapes
