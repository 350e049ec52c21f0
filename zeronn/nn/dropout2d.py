"""Channel-wise inverted dropout for feature maps."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn._validation import check_probability, expect_ndim
from zeronn.nn.layer import Layer
from zeronn.random import RngLike, as_rng

__all__ = ["Dropout2d"]


class Dropout2d(Layer):
    """Zero whole channels of (N, C, H, W) feature maps with probability ``p`` during training.

    Forward (training):  m ~ Bernoulli(1 - p), one draw per (sample, channel), shape (N, C, 1, 1);
                         y = x * m / (1 - p)            (m broadcast over H and W)
    Forward (eval):      y = x
    Backward:            dx = g * m / (1 - p)           (dx = g in eval mode)

    Neighbouring pixels of a feature map are strongly correlated, so dropping
    single pixels (``Dropout``) barely regularises a convolutional layer; dropping
    a whole channel does (Tompson et al. 2015).  As in ``Dropout``, the kept
    channels are divided by (1 - p) so the expected activation is unchanged.

    Parameters
    ----------
    p : float in [0, 1), default 0.5
        Probability of zeroing a channel.
    rng : None, int or numpy.random.Generator
        Source of the masks.
    """

    def __init__(self, p: float = 0.5, *, rng: RngLike = None) -> None:
        super().__init__()
        self.p = check_probability("dropout probability p", p)
        self.rng = as_rng(rng)

    def forward(self, x: np.ndarray) -> np.ndarray:
        expect_ndim(self, x, 4, ("batch", "channels", "height", "width"))
        if not self.training or self.p == 0.0:
            self.save_for_backward(scaled_mask=None)
            return x
        n, c = x.shape[:2]
        keep = self.rng.random((n, c, 1, 1)) >= self.p                     # (N, C, 1, 1)
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        scaled_mask = keep.astype(dtype) / dtype.type(1.0 - self.p)         # (N, C, 1, 1)  m / (1 - p)
        self.save_for_backward(scaled_mask=scaled_mask)
        return x * scaled_mask                                              # (N, C, H, W)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        scaled_mask = self.saved("scaled_mask")                             # (N, C, 1, 1) or None
        return grad_out if scaled_mask is None else grad_out * scaled_mask  # (N, C, H, W)

    def get_config(self) -> dict[str, Any]:
        return {"p": self.p}

    def extra_repr(self) -> str:
        return f"p={self.p}"
