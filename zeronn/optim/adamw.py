"""AdamW: Adam with decoupled weight decay."""

from __future__ import annotations

from zeronn.optim.adam import Adam
from zeronn.optim.optimizer import ParamsLike

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam with decoupled weight decay (the same update rule as ``torch.optim.AdamW``).

    For each parameter p with gradient g, at step t = 1, 2, ..., element by element::

        g = -g                                  if maximize
        p = p * (1 - lr * weight_decay)         shrink the weights directly ...
        m = beta1 * m + (1 - beta1) * g         ... so the decay never enters m and v
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)                   if amsgrad (and v_max replaces v below)
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        p = p - lr * m_hat / (sqrt(v_hat) + eps)

    With ``Adam(weight_decay=...)`` the penalty is added to the gradient and so
    gets rescaled by ``1 / sqrt(v_hat)`` like the rest of it; here every weight
    shrinks by the same factor, which usually regularises better.

    Parameters
    ----------
    params : iterable of Parameter, or of dict
        ``model.parameters()``, or parameter groups.
    lr : float, default 1e-3
        Learning rate, >= 0.
    betas : (float, float), default (0.9, 0.999)
        Decay rates of the running mean and running square, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator, > 0.
    weight_decay : float, default 1e-2
        Decoupled weight decay factor, >= 0.
    amsgrad : bool, default False
        Use the largest ``v`` seen so far (AMSGrad).
    maximize : bool, default False
        Climb the objective instead of descending it.
    """

    decoupled_weight_decay = True

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
