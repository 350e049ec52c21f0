"""The layer that does nothing."""

from __future__ import annotations

import numpy as np

from zeronn.nn.layer import Layer

__all__ = ["Identity"]


class Identity(Layer):
    """Return the input unchanged: y = x;  dx = g.  Useful as a placeholder."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(ran=True)
        return x

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        self.saved("ran")
        return grad_out
