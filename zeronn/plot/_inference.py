"""Running a model for a picture: evaluation mode, no caches, in batches.

Drawing must not change the model: every layer's ``training`` flag is put
back exactly as it was (also when something fails), and ``zeronn.no_grad()``
keeps the layers from overwriting what their backward would need.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from zeronn.dtype import get_default_dtype
from zeronn.grad_mode import no_grad
from zeronn.nn.layer import Layer

__all__ = ["evaluation", "model_dtype", "predict_in_batches"]


@contextlib.contextmanager
def evaluation(model: Any) -> Iterator[None]:
    """Within the block: ``model`` in eval mode and under ``no_grad``; modes restored afterwards."""
    if not isinstance(model, Layer):
        with no_grad():
            yield
        return
    modes = [(layer, layer.training) for layer in model.modules()]
    model.eval()
    try:
        with no_grad():
            yield
    finally:
        for layer, training in modes:
            layer.training = training


def model_dtype(model: Any) -> np.dtype:
    """dtype of the model's parameters, or the library default for models without any."""
    dtype = model.dtype if isinstance(model, Layer) else None
    return np.dtype(dtype) if dtype is not None else get_default_dtype()


def predict_in_batches(model: Any, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """Return ``model(x)`` computed ``batch_size`` rows at a time, in eval mode without caches."""
    if not callable(model):
        raise TypeError(f"expected a model (a zeronn Layer or a callable), got {type(model).__name__}")
    outputs = []
    with evaluation(model):
        for start in range(0, len(x), batch_size):
            outputs.append(np.asarray(model(x[start:start + batch_size])))
    return np.concatenate(outputs, axis=0)
