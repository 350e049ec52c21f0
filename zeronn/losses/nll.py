"""Negative log-likelihood of log-probabilities."""

from __future__ import annotations

import numpy as np

from zeronn.losses._checks import class_targets, expect_scores
from zeronn.losses.loss import Loss

__all__ = ["NLLLoss"]


class NLLLoss(Loss):
    """Negative log-likelihood: minus the log-probability given to the true class.

    Forward:   l_n = -a[n, t_n]             a (N, C) log-probabilities, t (N,) class indices in [0, C)
               mean: L = sum(l) / N         one loss per sample, l (N,): "mean" divides by N
               sum:  L = sum(l)
               none: L = l
    Backward:  dl_n/da[n, c] = -1 if c = t_n, else 0   that is, -onehot(t) (N, C)
               mean: dL/da = -onehot(t) / N
               sum:  dL/da = -onehot(t)
               none: dL/da[n] = -g_n * onehot(t_n)   g = the grad_out given to backward ((N,) or a scalar)

    The input a holds log-probabilities (the output of ``LogSoftmax``).
    ``LogSoftmax`` followed by ``NLLLoss`` equals ``CrossEntropyLoss``.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    """

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        a = expect_scores(self, prediction, "log-probabilities")
        n, c = a.shape
        t = class_targets(self, target, n, c)                    # (N,)
        self._shape, self._dtype, self._index = a.shape, a.dtype, t
        return -a[np.arange(n), t]                               # (N,)

    def backward_elements(self) -> np.ndarray:
        grad = np.zeros(self._shape, dtype=self._dtype)          # (N, C)
        grad[np.arange(self._shape[0]), self._index] = -1
        return grad
