"""Flatten every axis after the batch axis into one."""

from __future__ import annotations

import numpy as np

from zeronn._validation import expect_grad_shape
from zeronn.nn.layer import Layer

__all__ = ["Flatten"]


class Flatten(Layer):
    """Reshape (N, d1, d2, ...) to (N, d1 * d2 * ...), e.g. conv features (N, C, H, W) -> (N, C*H*W).

    Forward:   y = x.reshape(N, -1)
    Backward:  dx = g.reshape(x.shape)
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim < 1:
            raise ValueError(f"{self!r} expects input with a batch axis, got a scalar")
        self.save_for_backward(input_shape=x.shape)
        return x.reshape(x.shape[0], self._features(x.shape))   # (N, d1*d2*...)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        input_shape = self.saved("input_shape")
        grad_out = expect_grad_shape(self, grad_out, (input_shape[0], self._features(input_shape)))
        return grad_out.reshape(input_shape)                    # (N, d1, d2, ...)

    @staticmethod
    def _features(shape: tuple[int, ...]) -> int:
        """d1 * d2 * ... (spelled out rather than -1, which NumPy cannot resolve for an empty batch)."""
        return int(np.prod(shape[1:], dtype=np.int64))
