"""From a trained classifier's outputs to class probabilities, and their cross-entropy.

>>> import numpy as np, zeronn
>>> model = zeronn.nn.Sequential(zeronn.nn.Linear(2, 3, rng=0))
>>> p = predict_proba(model, np.zeros((4, 2)))
>>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
((4, 3), True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn.grad_mode import no_grad
from zeronn.nn.activation import LogSoftmax, Sigmoid, Softmax
from zeronn.nn.layer import Layer
from zeronn.nn.sequential import Sequential

__all__ = ["output_kind", "predict_proba", "cross_entropy"]


def _last_layer(model: Layer) -> Layer:
    while isinstance(model, Sequential) and len(model):
        model = model[-1]
    return model


def output_kind(model: Layer) -> str:
    """What the model's last layer gives: "logits", "probabilities", "log_probabilities" or "sigmoid"."""
    last = _last_layer(model)
    if isinstance(last, Softmax):
        return "probabilities"
    if isinstance(last, LogSoftmax):
        return "log_probabilities"
    if isinstance(last, Sigmoid):
        return "sigmoid"
    return "logits"


def _softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)          # (N, K), largest entry 0: exp cannot overflow
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def predict_proba(model: Layer, x: Any, *, batch_size: int = 256) -> np.ndarray:
    """Run ``model`` (in eval mode, no gradients kept) and return class probabilities, float64 (N, K).

    Logits go through a softmax; one output column (a sigmoid or a single
    logit) becomes the two columns (1 - p, p).  The model's training mode is
    put back afterwards.
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a zeronn Layer, got {type(model).__name__}")
    x = np.asarray(x)
    was_training = model.training
    model.eval()
    dtype = model.dtype or np.float32
    outputs = []
    try:
        with no_grad():
            for start in range(0, len(x), batch_size):
                batch = np.asarray(x[start:start + batch_size], dtype=dtype)
                outputs.append(np.asarray(model(batch), dtype=np.float64))
    finally:
        model.train(was_training)
    if not outputs:
        return np.zeros((0, 0))
    z = np.concatenate(outputs).reshape(len(x), -1)     # (N, K)
    kind = output_kind(model)
    if z.shape[1] == 1:
        p = z[:, 0] if kind == "sigmoid" else 1.0 / (1.0 + np.exp(-np.clip(z[:, 0], -500, 500)))
        return np.stack([1.0 - p, p], axis=1)
    if kind == "probabilities":
        return z
    if kind == "log_probabilities":
        return np.exp(z)
    return _softmax(z)


def cross_entropy(probabilities: np.ndarray, y: np.ndarray) -> float:
    """Mean of -log p(true class), with p clipped at 1e-12 (the loss ``fit`` minimises for logits)."""
    picked = probabilities[np.arange(len(y)), y]
    return float(np.mean(-np.log(np.clip(picked, 1e-12, None))))
