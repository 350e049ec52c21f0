"""Mean absolute error."""

from __future__ import annotations

import numpy as np

from zeronn.losses._checks import matching_target
from zeronn.losses.loss import Loss

__all__ = ["L1Loss"]


class L1Loss(Loss):
    """Absolute error between prediction and target, averaged by default.

    Forward:   l = |p - y|                  element by element: p, y and l all have the same shape
               mean: L = sum(l) / n         n = l.size, every element (N * D for p of shape (N, D))
               sum:  L = sum(l)
               none: L = l
    Backward:  dl/dp = sign(p - y)          0 where p = y, as in PyTorch
               mean: dL/dp = sign(p - y) / n
               sum:  dL/dp = sign(p - y)
               none: dL/dp = g * sign(p - y)   g = the grad_out given to backward (l's shape, or a scalar)

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    """

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        prediction, target = matching_target(self, prediction, target)
        diff = prediction - target                      # p - y
        self._diff = diff
        return np.abs(diff)

    def backward_elements(self) -> np.ndarray:
        return np.sign(self._diff)
