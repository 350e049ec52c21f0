"""From a trained classifier's outputs to class probabilities, and their cross-entropy."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["output_kind", "class_probabilities", "cross_entropy"]


def _last_layer(model: Any) -> Any:
    while hasattr(model, "layers") and len(model.layers):
        model = model.layers[-1]
    return model


def output_kind(model: Any) -> str:
    """What the model's last layer gives: "logits", "probabilities", "log_probabilities" or "sigmoid"."""
    name = type(_last_layer(model)).__name__
    return {"Softmax": "probabilities", "LogSoftmax": "log_probabilities", "Sigmoid": "sigmoid"}.get(name, "logits")


def _softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=1, keepdims=True)          # (N, K), largest entry 0: exp cannot overflow
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def class_probabilities(model: Any, x: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
    """Run ``model`` (in eval mode, no gradients kept) and return probabilities, float64 (N, K).

    Logits go through a softmax; one output column (a sigmoid or a single
    logit) becomes the two columns (1 - p, p).
    """
    from zeronn.grad_mode import no_grad

    model.eval()
    dtype = model.dtype or np.float32
    outputs = []
    with no_grad():
        for start in range(0, len(x), batch_size):
            batch = np.asarray(x[start:start + batch_size], dtype=dtype)
            outputs.append(np.asarray(model(batch), dtype=np.float64))
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
