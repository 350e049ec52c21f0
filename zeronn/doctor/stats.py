"""Statistics of one layer's output: the numbers explain mode prints and the doctor records.

For an output array y of any shape (N, ...):

    mean, std, min, max       over every element
    zeros                     share of elements exactly 0
    saturated                 share of elements within SATURATION_MARGIN of the activation's limits:
                              Sigmoid y <= 0.01 or y >= 0.99 (its slope y(1-y) is below 0.0099 there),
                              Tanh |y| >= 0.99 (slope 1 - y^2 below 0.0199); None for other layers
    samples                   N, the number of samples in the batch
    dead                      ReLU only: share of units (axis 1: features or channels) that are 0 for
                              every sample of the batch (and every position of a feature map); else None
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from zeronn.nn.activation import ReLU, Sigmoid, Tanh
from zeronn.nn.layer import Layer

__all__ = ["SATURATION_MARGIN", "output_stats", "saturated_share", "dead_share", "alive_units", "value_sample"]

#: Distance from an activation's limit (0 or 1 for Sigmoid, -1 or 1 for Tanh) counted as saturated.
SATURATION_MARGIN = 0.01

#: Number of output values kept per layer and sampled step for the histograms.
SAMPLE_SIZE = 512


def saturated_share(layer: Layer, y: np.ndarray) -> Optional[float]:
    """Share of ``y`` stuck near the limits of a Sigmoid or Tanh ``layer``; None for other layers."""
    if isinstance(layer, Sigmoid):
        return float(np.mean(np.abs(y - 0.5) >= 0.5 - SATURATION_MARGIN)) if y.size else 0.0
    if isinstance(layer, Tanh):
        return float(np.mean(np.abs(y) >= 1 - SATURATION_MARGIN)) if y.size else 0.0
    return None


def alive_units(layer: Layer, y: np.ndarray) -> Optional[np.ndarray]:
    """For a ReLU layer: which units (axis 1) are > 0 for some sample (and position), bool (units,); else None."""
    if not isinstance(layer, ReLU) or y.ndim < 2 or y.shape[0] == 0:
        return None
    other_axes = (0, *range(2, y.ndim))
    return np.any(y > 0, axis=other_axes)                       # (units,)


def dead_share(layer: Layer, y: np.ndarray) -> Optional[float]:
    """Share of a ReLU layer's units (axis 1) that output 0 for the whole batch; None for other layers."""
    alive = alive_units(layer, y)
    return None if alive is None else float(1.0 - alive.mean())


def value_sample(y: np.ndarray, size: int = SAMPLE_SIZE) -> np.ndarray:
    """At most ``size`` values of ``y`` taken at an even stride (float32), for histograms."""
    flat = y.reshape(-1)
    stride = max(1, flat.size // size)
    return np.asarray(flat[::stride][:size], dtype=np.float32)


def output_stats(layer: Layer, y: Any) -> dict[str, Optional[float]]:
    """``{"mean", "std", "min", "max", "zeros", "saturated", "dead"}`` of ``layer``'s output ``y``."""
    y = np.asarray(y)
    if y.size == 0 or y.dtype.kind not in "fiub":
        return {"mean": None, "std": None, "min": None, "max": None, "zeros": None,
                "saturated": None, "dead": None, "samples": int(y.shape[0]) if y.ndim else 0}
    with np.errstate(all="ignore"):
        return {
            "mean": float(y.mean()),
            "std": float(y.std()),
            "min": float(y.min()),
            "max": float(y.max()),
            "zeros": float(np.count_nonzero(y == 0) / y.size),
            "saturated": saturated_share(layer, y),
            "dead": dead_share(layer, y),
            "samples": int(y.shape[0]) if y.ndim else 1,
        }
