"""Mean squared error."""

from __future__ import annotations

import numpy as np

from zeronn.losses._checks import matching_target
from zeronn.losses.loss import Loss

__all__ = ["MSELoss"]


class MSELoss(Loss):
    """Squared error between prediction and target, averaged by default.

    Per element:  l = (p - y)^2               dl/dp = 2 * (p - y)
    Reduced:      mean: L = sum(l) / n   (n = number of elements);  sum: L = sum(l)

    Prediction and target must have the same shape (no broadcasting).

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
