"""Mean squared error."""

from __future__ import annotations

import numpy as np

from zeronn.losses._checks import matching_target
from zeronn.losses.loss import Loss

__all__ = ["MSELoss"]


class MSELoss(Loss):
    """Squared error between prediction and target, averaged by default.

    Forward:   l = (p - y)^2                element by element: p, y and l all have the same shape
               mean: L = sum(l) / n         n = l.size, every element (N * D for p of shape (N, D))
               sum:  L = sum(l)
               none: L = l
    Backward:  dl/dp = 2 * (p - y)
               mean: dL/dp = 2 * (p - y) / n
               sum:  dL/dp = 2 * (p - y)
               none: dL/dp = g * 2 * (p - y)   g = the grad_out given to backward (l's shape, or a scalar)

    p is the prediction, y the target; they must have the same shape (no
    broadcasting).  ``backward(g)`` multiplies the mean and sum gradients by
    the scalar g too (default 1), as the chain rule says.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    """

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        prediction, target = matching_target(self, prediction, target)
        diff = prediction - target                      # p - y, same shape as p
        self._diff = diff
        return diff * diff

    def backward_elements(self) -> np.ndarray:
        return 2 * self._diff
