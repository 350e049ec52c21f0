"""Heat-maps of the network over the page's square, packed small enough to send many times a second.

The square [-6, 6]^2 is sampled on a GRID x GRID lattice (row 0 at the top,
x2 = +6).  One forward pass over the lattice gives the output map and, on
the way, every unit's activation; unit maps are sent at UNIT_GRID x UNIT_GRID
of those points (both edges and about every other row and column).  Each map is one byte per cell, base64 text:

    output, binary:      round(255 * p)                  p = sigmoid(logit), the probability of class 1
    output, regression:  round(127.5 * (clip(y, -1, 1) + 1))
    output, classes:     "output" the winning probability, "output_classes" the winning class index
    unit:                round(127.5 * (a / m + 1))       m = max |a| over the lattice (sent as "scale")
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from zeronn import functional as F
from zeronn.grad_mode import no_grad
from zeronn.nn import Linear, Sequential
from zeronn.playground.data import DOMAIN, feature_matrix

__all__ = ["GRID", "UNIT_GRID", "grid_points", "encode_bytes", "network_maps"]

GRID = 100
UNIT_GRID = 50
#: Lattice rows (and columns) kept for the unit maps: both edges and every other one between.
_UNIT_ROWS = np.rint(np.linspace(0, GRID - 1, UNIT_GRID)).astype(np.intp)


def grid_points(size: int = GRID) -> np.ndarray:
    """Lattice points (size * size, 2), row by row from the top-left corner (-6, 6)."""
    ticks = np.linspace(-DOMAIN, DOMAIN, size)
    x1, x2 = np.meshgrid(ticks, ticks[::-1])                            # (size, size) each
    return np.stack([x1.ravel(), x2.ravel()], axis=1)                   # (size * size, 2)


def encode_bytes(values: np.ndarray) -> str:
    """uint8 cells as base64 text."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=np.uint8).tobytes()).decode("ascii")


def _to_byte(fraction: np.ndarray) -> np.ndarray:
    """[0, 1] -> 0..255 (NaN as the middle)."""
    return np.rint(255.0 * np.clip(np.nan_to_num(fraction, nan=0.5), 0.0, 1.0)).astype(np.uint8)


def _unit_maps(values: np.ndarray) -> tuple[list[str], list[float]]:
    """One map per column of ``values`` (GRID*GRID, units), subsampled to UNIT_GRID, each scaled by its max |a|."""
    cells = values.reshape(GRID, GRID, -1)[_UNIT_ROWS][:, _UNIT_ROWS]     # (UNIT_GRID, UNIT_GRID, units)
    cells = np.nan_to_num(cells, nan=0.0, posinf=0.0, neginf=0.0)
    scale = np.maximum(np.abs(cells).max(axis=(0, 1)), 1e-12)            # (units,)
    encoded = _to_byte((cells / scale + 1.0) / 2.0)                     # (UNIT_GRID, UNIT_GRID, units)
    return [encode_bytes(encoded[:, :, k]) for k in range(values.shape[1])], [float(s) for s in scale]


def _output_maps(scores: np.ndarray, task: str) -> dict[str, Any]:
    """The big map from the output scores (GRID*GRID, n_outputs)."""
    if task == "binary":
        return {"output": encode_bytes(_to_byte(F.sigmoid(scores[:, 0])))}
    if task == "regression":
        return {"output": encode_bytes(_to_byte((scores[:, 0] + 1.0) / 2.0))}
    shifted = scores - scores.max(axis=1, keepdims=True)                 # (cells, classes)
    probabilities = np.exp(shifted)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return {"output": encode_bytes(_to_byte(probabilities.max(axis=1))),
            "output_classes": encode_bytes(np.argmax(probabilities, axis=1).astype(np.uint8))}


def network_maps(model: Sequential, features: list[str], task: str, inputs: np.ndarray) -> dict[str, Any]:
    """Maps of the output and of every unit, column by column (inputs, hidden layers; output last).

    ``inputs`` is ``feature_matrix(grid_points(), features)``, computed once per configuration.
    """
    columns = [_unit_maps(inputs)]
    h = inputs                                                          # (cells, k)
    with no_grad():
        for position, layer in enumerate(model.layers):
            h = layer(h)
            is_hidden_output = position + 1 < len(model.layers) and not isinstance(layer, Linear)
            if is_hidden_output:
                columns.append(_unit_maps(h))
    maps = _output_maps(h, task)
    maps["units"] = [maps_ for maps_, _ in columns]
    maps["scales"] = [scales for _, scales in columns]
    return maps


def grid_features(features: list[str]) -> np.ndarray:
    """The network's inputs at every lattice point (GRID*GRID, len(features))."""
    return feature_matrix(grid_points(), features)
