"""Binary cross-entropy on probabilities."""

from __future__ import annotations

import numpy as np

from zeronn.losses._checks import matching_target, probability_targets
from zeronn.losses.loss import Loss

__all__ = ["BCELoss"]

#: Floor of each log term, as in PyTorch: a prediction of exactly 0 or 1 costs at most 100, not inf.
LOG_FLOOR = -100.0
#: Floor of p * (1 - p) in the gradient, as in PyTorch.
GRAD_EPS = 1e-12


class BCELoss(Loss):
    """Binary cross-entropy between predicted probabilities p in [0, 1] and targets y in [0, 1].

    Forward:   l = -(y * max(log(p), -100) + (1 - y) * max(log(1 - p), -100))   element by element
               mean: L = sum(l) / n         n = l.size, every element (N * D for p of shape (N, D))
               sum:  L = sum(l)
               none: L = l
    Backward:  dl/dp = (p - y) / max(p * (1 - p), 1e-12)
               mean: dL/dp = (p - y) / max(p * (1 - p), 1e-12) / n
               sum:  dL/dp = (p - y) / max(p * (1 - p), 1e-12)
               none: dL/dp = g * (p - y) / max(p * (1 - p), 1e-12)   g = the grad_out given to backward

    The floors are PyTorch's: a prediction of exactly 0 or 1 costs at most 100,
    not inf, and its gradient stays finite.  p and y have the same shape.

    Predictions outside [0, 1] and targets outside [0, 1] are a ``ValueError``
    (a target of 2 would give a negative "loss").  Feed it the output of a ``Sigmoid``.  For raw scores use
    ``BCEWithLogitsLoss``, which fuses the sigmoid and is more accurate.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    """

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        p, y = matching_target(self, prediction, target)
        probability_targets(self, y)
        if p.size and (p.min() < 0 or p.max() > 1):
            raise ValueError(
                f"{self!r} expects probabilities in [0, 1] (e.g. the output of Sigmoid), got values "
                f"from {p.min():.4g} to {p.max():.4g}; for raw scores use BCEWithLogitsLoss"
            )
        self._p, self._y = p, y
        with np.errstate(divide="ignore"):                  # log(0) = -inf, floored just below
            log_p = np.maximum(np.log(p), LOG_FLOOR)
            log_1mp = np.maximum(np.log1p(-p), LOG_FLOOR)
        return -(y * log_p + (1 - y) * log_1mp)

    def backward_elements(self) -> np.ndarray:
        p, y = self._p, self._y
        return (p - y) / np.maximum(p * (1 - p), GRAD_EPS)
