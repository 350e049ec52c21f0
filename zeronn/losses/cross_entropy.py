"""Softmax cross-entropy from raw class scores (logits)."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from zeronn._ones import ones
from zeronn._validation import check_in_range, format_shape
from zeronn.losses._checks import class_targets, expect_scores, numeric_target
from zeronn.losses.loss import Loss

__all__ = ["CrossEntropyLoss"]


def _row_max(x: np.ndarray) -> np.ndarray:
    """Largest entry of each row of a (N, C) array, as (N,).

    NumPy reduces along a short contiguous row (C = 10 classes) one row at a
    time; reducing the transposed copy along its first axis runs over all N
    rows at once, with vector instructions: about 3x faster for (128, 10).
    """
    return np.ascontiguousarray(x.T).max(axis=0)                 # (N,)


def _row_sum(x: np.ndarray) -> np.ndarray:
    """Sum of each row of a (N, C) array, as (N,), by a matrix-vector product (3x faster than sum(axis=1))."""
    return x @ ones(x.shape[1], x.dtype)                         # (N, C) @ (C,) -> (N,)


class CrossEntropyLoss(Loss):
    """Cross-entropy between softmax(logits) and the targets: the standard classification loss.

    Logits x (N, C) are raw scores; the softmax is built in, so the model's
    last layer should be a ``Linear`` without activation.  Targets are either
    class indices t (N,) (integers in [0, C)) or probabilities y (N, C) (e.g.
    one-hot rows).  With log p = log_softmax(x) = x - logsumexp(x) per row:

      class indices:  l_n = -log p[n, t_n] = logsumexp(x_n) - x[n, t_n]
      probabilities:  l_n = -sum_c y[n, c] * log p[n, c]
      gradient:       dl_n/dx[n, c] = p[n, c] * sum_c' y[n, c'] - y[n, c]
                      (= p - onehot(t) for class indices: "softmax minus target")

    Label smoothing eps replaces the target by (1 - eps) * y + eps / C, so
    the true class gets 1 - eps + eps/C and every other class eps/C (PyTorch's
    definition).  "mean" divides by N, the number of samples.

    Example: logits [0, ln 3] and class 1 give p = [1/4, 3/4] and
    l = -ln(3/4) = 0.2877; the gradient is [1/4, 3/4 - 1] = [0.25, -0.25].

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    label_smoothing : float in [0, 1], default 0.0
    """

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.label_smoothing = check_in_range("label_smoothing", label_smoothing, 0.0, 1.0)
        self._exp: Optional[np.ndarray] = None

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        x = expect_scores(self, prediction, "logits")            # (N, C)
        n, c = x.shape
        soft = self._check_target(target, n, c)
        eps = self.label_smoothing
        shifted = x - _row_max(x)[:, None]                       # (N, C), every entry <= 0
        e = np.exp(shifted)                                      # (N, C)
        total = _row_sum(e)                                      # (N,)  sum_c exp, in [1, C]
        log_total = np.log(total)                                # (N,)  logsumexp(x) - max(x)
        self._exp, self._total = e, total                        # softmax = e / total, reused by backward
        if soft:
            y = target.astype(x.dtype, copy=False)               # (N, C) probabilities
            if eps:
                y = (1 - eps) * y + eps / c
            self._index, self._soft = None, y
            log_p = shifted - log_total[:, None]                 # (N, C)
            return -(y * log_p).sum(axis=1)                      # (N,)
        self._index, self._soft = target, None
        nll = log_total - shifted[np.arange(n), target]          # (N,)  -log p[n, t_n]
        if not eps:
            return nll
        uniform = log_total - shifted.mean(axis=1)               # (N,)  -mean_c log p[n, c]
        return (1 - eps) * nll + eps * uniform

    def _check_target(self, target: np.ndarray, n: int, c: int) -> bool:
        """Return True for probability targets (N, C), False for valid class indices (N,); else raise."""
        numeric_target(self, target)
        if target.shape == (n, c):
            return True
        if target.ndim == 2:
            raise ValueError(
                f"{self!r} expects targets of shape ({n},) with class indices or ({n}, {c}) "
                f"with probabilities, got {format_shape(target.shape)}"
            )
        class_targets(self, target, n, c)
        return False

    def backward_elements(self) -> np.ndarray:
        p = self._exp / self._total[:, None]                     # (N, C) softmax, from forward
        if self._soft is not None:
            y = self._soft
            return p * y.sum(axis=1, keepdims=True) - y
        n, c = p.shape
        eps = self.label_smoothing
        p[np.arange(n), self._index] -= 1 - eps                  # p - (1 - eps) * onehot
        if eps:
            p -= eps / c                                         # ... - eps / C
        return p

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "label_smoothing": self.label_smoothing}

    def extra_repr(self) -> str:
        smoothing = f"label_smoothing={self.label_smoothing}" if self.label_smoothing else ""
        return ", ".join(filter(None, [super().extra_repr(), smoothing]))
