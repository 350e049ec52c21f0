"""Huber loss: squared for small errors, absolute for large ones."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn._validation import check_positive_float
from zeronn.losses._checks import matching_target
from zeronn.losses.loss import Loss

__all__ = ["HuberLoss"]


class HuberLoss(Loss):
    """Squared error near the target, absolute error far from it: robust to outliers.

    Forward:   l = d^2 / 2  where |d| <= delta      d = p - y, element by element (p, y, l of one shape)
               l = delta * (|d| - delta / 2)  where |d| > delta
               mean: L = sum(l) / n         n = l.size, every element (N * D for p of shape (N, D))
               sum:  L = sum(l)
               none: L = l
    Backward:  dl/dp = clip(d, -delta, delta)   d where |d| <= delta, else delta * sign(d)
               mean: dL/dp = clip(d, -delta, delta) / n
               sum:  dL/dp = clip(d, -delta, delta)
               none: dL/dp = g * clip(d, -delta, delta)   g = the grad_out given to backward

    The two pieces meet with equal value and slope at |d| = delta.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    delta : float > 0, default 1.0
        Where the loss turns from quadratic to linear.
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = check_positive_float("delta", delta)

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        prediction, target = matching_target(self, prediction, target)
        diff = prediction - target                      # d = p - y
        self._diff = diff
        size = np.abs(diff)
        return np.where(size <= self.delta, 0.5 * diff * diff, self.delta * (size - 0.5 * self.delta))

    def backward_elements(self) -> np.ndarray:
        return np.clip(self._diff, -self.delta, self.delta)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "delta": self.delta}

    def extra_repr(self) -> str:
        return ", ".join(filter(None, [super().extra_repr(), f"delta={self.delta}"]))
