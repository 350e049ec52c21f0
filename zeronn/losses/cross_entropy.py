"""Softmax cross-entropy from raw class scores (logits)."""

from __future__ import annotations

from typing import Any, Optional, cast

import numpy as np

from zeronn import kernels
from zeronn._validation import check_in_range, format_shape
from zeronn.losses._checks import class_targets, distribution_targets, expect_scores, numeric_target
from zeronn.losses.loss import Loss

__all__ = ["CrossEntropyLoss"]


class CrossEntropyLoss(Loss):
    """Cross-entropy between softmax(logits) and the targets: the standard classification loss.

    Logits x (N, C) are raw scores; the softmax is built in, so the model's
    last layer should be a ``Linear`` without activation.  Targets are either
    class indices t (N,) (integers in [0, C)) or probabilities y (N, C) (e.g.
    one-hot rows: every entry >= 0, every row summing to 1; anything else is
    a ``ValueError``, as is an index outside [0, C)).

    Forward:   log p = x - logsumexp(x)     per row: p = softmax(x), x (N, C) the logits
               class indices t (N,):  l_n = -log p[n, t_n] = logsumexp(x_n) - x[n, t_n]
               probabilities y (N, C):  l_n = -sum_c y[n, c] * log p[n, c]
               label smoothing eps > 0:  y = (1 - eps) * y + eps / C  (y = onehot(t) for class indices),
               then l_n = -sum_c y[n, c] * log p[n, c]
               mean: L = sum(l) / N         one loss per sample, l (N,): "mean" divides by N
               sum:  L = sum(l)
               none: L = l
    Backward:  dl_n/dx[n, c] = p[n, c] * sum_c' y[n, c'] - y[n, c]   (N, C), with y as in forward
               = p - onehot(t) for class indices without smoothing: "softmax minus target"
               mean: dL/dx = (p * sum_c' y - y) / N
               sum:  dL/dx = p * sum_c' y - y
               none: dL/dx[n] = g_n * (p[n] * sum_c' y[n, c'] - y[n])   g = the grad_out given to backward

    Label smoothing eps gives the true class 1 - eps + eps/C and every other
    class eps/C (PyTorch's definition).

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
        self._probs: Optional[np.ndarray] = None                 # (N, C) softmax of the last forward
        self._index: Optional[np.ndarray] = None                 # (N,) class targets, or None
        self._soft: Optional[np.ndarray] = None                  # (N, C) probability targets, or None

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        x = expect_scores(self, prediction, "logits")            # (N, C)
        n, c = x.shape
        soft = self._check_target(target, n, c)
        eps = self.label_smoothing
        if not soft and not eps:                                 # class indices: one kernel, l_n and p
            nll, self._probs = kernels.softmax_cross_entropy(x, target)  # (N,), (N, C)
            self._index, self._soft = target, None
            return nll
        shifted = x - x.max(axis=1, keepdims=True)               # (N, C), every entry <= 0
        e = np.exp(shifted)                                      # (N, C)
        total = e.sum(axis=1)                                    # (N,)  sum_c exp, in [1, C]
        log_total = np.log(total)                                # (N,)  logsumexp(x) - max(x)
        self._probs = e / total[:, None]                         # (N, C) softmax, reused by backward
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
            distribution_targets(self, target)
            return True
        if target.ndim == 2:
            raise ValueError(
                f"{self!r} expects targets of shape ({n},) with class indices or ({n}, {c}) "
                f"with probabilities, got {format_shape(target.shape)}"
            )
        class_targets(self, target, n, c)
        return False

    def backward_elements(self) -> np.ndarray:
        if self._soft is None and not self.label_smoothing:      # p - onehot(t)
            return kernels.softmax_cross_entropy_backward(cast(np.ndarray, self._probs),
                                                          cast(np.ndarray, self._index), 1.0)
        p = cast(np.ndarray, self._probs).copy()                 # (N, C) softmax, from forward
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
