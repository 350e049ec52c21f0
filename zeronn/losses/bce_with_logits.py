"""Binary cross-entropy on raw scores (logits), with the sigmoid built in."""

from __future__ import annotations

import numpy as np

from zeronn import functional as F
from zeronn.losses._checks import matching_target, probability_targets
from zeronn.losses.loss import Loss

__all__ = ["BCEWithLogitsLoss"]


class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy of sigmoid(z) against targets y in [0, 1], computed from the logits z.

    Forward:   l = -(y * log(sigmoid(z)) + (1 - y) * log(1 - sigmoid(z)))   z = the logits, element by element
               = max(z, 0) - z * y + log(1 + exp(-|z|))   the form computed: exp never overflows
               mean: L = sum(l) / n         n = l.size, every element (N * D for z of shape (N, D))
               sum:  L = sum(l)
               none: L = l
    Backward:  dl/dz = sigmoid(z) - y
               mean: dL/dz = (sigmoid(z) - y) / n
               sum:  dL/dz = sigmoid(z) - y
               none: dL/dz = g * (sigmoid(z) - y)   g = the grad_out given to backward

    Targets outside [0, 1] are a ``ValueError``.  Use it instead of
    ``Sigmoid`` + ``BCELoss``: the same loss, without the overflow and
    rounding of taking log of a sigmoid.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    """

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        z, y = matching_target(self, prediction, target)
        probability_targets(self, y)
        self._z, self._y = z, y
        return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))

    def backward_elements(self) -> np.ndarray:
        return F.sigmoid(self._z) - self._y
