"""The reference answers: ZeroNN's own layers, run in float64 on the exercise's inputs."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn.grad_mode import set_grad_enabled
from zeronn.nn.layer import Layer

__all__ = ["rng", "run_layer", "set_parameters"]


def rng(seed: int = 0) -> np.random.Generator:
    """The generator of an exercise's inputs: the same numbers at every check."""
    return np.random.default_rng(seed)


def set_parameters(layer: Layer, **values: Any) -> Layer:
    """Copy float64 ``values`` into the layer's parameters of those names (``weight=..., bias=...``)."""
    for name, value in values.items():
        getattr(layer, name).data = np.array(value, dtype=np.float64)
    return layer


def run_layer(layer: Layer, x: np.ndarray, grad_out: Any = None) -> tuple[np.ndarray, Any, dict[str, np.ndarray]]:
    """Forward ``x`` through ``layer`` and, when ``grad_out`` is given, backward.

    Returns ``(y, dx, grads)`` with ``grads`` the parameters' gradients by name
    (dx and grads are None / empty without ``grad_out``).
    """
    set_grad_enabled(True)
    layer.zero_grad()
    y = np.array(layer(np.array(x, dtype=np.float64)))
    if grad_out is None:
        return y, None, {}
    dx = layer.backward(np.array(grad_out, dtype=np.float64))
    grads = {name: np.array(param.grad) for name, param in layer.named_parameters()}
    return y, None if dx is None else np.array(dx), grads
