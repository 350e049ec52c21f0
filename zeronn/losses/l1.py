"""Mean absolute error."""

from __future__ import annotations

import numpy as np

from zeronn.losses._checks import matching_target
from zeronn.losses.loss import Loss

__all__ = ["L1Loss"]


class L1Loss(Loss):
    """Absolute error between prediction and target, averaged by default.

    Per element:  l = |p - y|                 dl/dp = sign(p - y)   (0 where p = y, as in PyTorch)

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
