"""Inverted dropout."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn._validation import check_probability, expect_grad_shape
from zeronn.nn.layer import Layer
from zeronn.random import RngLike, as_rng

__all__ = ["Dropout"]


class Dropout(Layer):
    """Zero each input with probability ``p`` during training; identity in eval mode.

    Forward:   training: m ~ Bernoulli(1 - p) per element;  y = x * m / (1 - p)
               eval:     y = x
    Backward:  dx = g * m / (1 - p)     (dx = g in eval mode)

    Dividing by (1 - p) during training ("inverted" dropout) keeps the expected
    activation unchanged, so nothing has to be rescaled at test time.

    Parameters
    ----------
    p : float in [0, 1), default 0.5
        Probability of zeroing an element.
    rng : None, int or numpy.random.Generator
        Source of the masks.
    """

    def __init__(self, p: float = 0.5, *, rng: RngLike = None) -> None:
        super().__init__()
        self.p = check_probability("dropout probability p", p)
        self.rng = as_rng(rng)

    def mask_shape(self, x: np.ndarray) -> tuple[int, ...]:
        """Shape of the mask m: one draw per element here (``Dropout2d`` draws one per channel)."""
        return x.shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        shape = self.mask_shape(x)
        if not self.training or self.p == 0.0:
            self.save_for_backward(scaled_mask=None, input_shape=x.shape)
            return x
        keep = self.rng.random(shape) >= self.p                                 # m, broadcast against x
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        scaled_mask = keep.astype(dtype) / dtype.type(1.0 - self.p)             # m / (1 - p)
        self.save_for_backward(scaled_mask=scaled_mask, input_shape=x.shape)
        return x * scaled_mask

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        scaled_mask = self.saved("scaled_mask")
        grad_out = expect_grad_shape(self, grad_out, self.saved("input_shape"))
        return grad_out if scaled_mask is None else grad_out * scaled_mask

    def get_config(self) -> dict[str, Any]:
        return {"p": self.p}

    def extra_repr(self) -> str:
        return f"p={self.p}"
