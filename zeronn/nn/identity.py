"""The layer that does nothing."""

from __future__ import annotations

import numpy as np

from zeronn._validation import expect_grad_shape
from zeronn.nn.layer import Layer

__all__ = ["Identity"]


class Identity(Layer):
    """Return the input unchanged; useful as a placeholder.

    Forward:   y = x
    Backward:  dx = g
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.save_for_backward(input_shape=x.shape)
        return x

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        return expect_grad_shape(self, grad_out, self.saved("input_shape"))
