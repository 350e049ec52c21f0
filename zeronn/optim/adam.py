"""Adam: gradient steps scaled by running estimates of the gradient's mean and square."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from zeronn.nn.parameter import Parameter
from zeronn.optim._checks import check_at_least_zero, check_betas, check_flag, check_lr
from zeronn.optim.optimizer import Optimizer, ParamsLike, effective_grad

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam (the same update rule as ``torch.optim.Adam``).

    For each parameter p with gradient g, at step t = 1, 2, ..., element by element::

        g = -g                                  if maximize
        g = g + weight_decay * p                if weight_decay != 0   (L2 penalty)
        m = beta1 * m + (1 - beta1) * g         running mean of g        (m starts at 0)
        v = beta2 * v + (1 - beta2) * g * g     running mean of g squared (v starts at 0)
        v_max = max(v_max, v)                   if amsgrad (and v_max replaces v below)
        m_hat = m / (1 - beta1 ** t)            undo the pull towards the zero start
        v_hat = v / (1 - beta2 ** t)
        p = p - lr * m_hat / (sqrt(v_hat) + eps)

    Each parameter gets its own step size: large where gradients are
    consistently small, small where they are large or noisy.  (In the code the
    bias corrections are folded into scalars, as PyTorch does:
    ``p = p - (lr / (1 - beta1**t)) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)``.)

    Parameters
    ----------
    params : iterable of Parameter, or of dict
        ``model.parameters()``, or parameter groups.
    lr : float, default 1e-3
        Learning rate, > 0.
    betas : (float, float), default (0.9, 0.999)
        Decay rates of the running mean and running square, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator to avoid division by zero, >= 0.
    weight_decay : float, default 0
        L2 penalty factor, >= 0 (added to the gradient; see ``AdamW`` for the decoupled form).
    amsgrad : bool, default False
        Use the largest ``v`` seen so far (AMSGrad).
    maximize : bool, default False
        Climb the objective instead of descending it.
    """

    state_names = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")

    #: AdamW sets this: weight decay shrinks p directly instead of entering the gradient.
    decoupled_weight_decay = False

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_hyperparameters(self, values: dict[str, Any]) -> dict[str, Any]:
        return {
            "lr": check_lr(values["lr"]),
            "betas": check_betas(values["betas"]),
            "eps": check_at_least_zero("epsilon", values["eps"]),
            "weight_decay": check_at_least_zero("weight_decay", values["weight_decay"]),
            "amsgrad": check_flag("amsgrad", values["amsgrad"]),
            "maximize": check_flag("maximize", values["maximize"]),
        }

    def _init_state(self, param: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": 0, "exp_avg": np.zeros_like(param.data), "exp_avg_sq": np.zeros_like(param.data)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.zeros_like(param.data)
        return state

    def _update(self, param: Parameter, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2), eps, weight_decay = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        p = param.data
        state["step"] += 1
        t = state["step"]
        if self.decoupled_weight_decay:
            if weight_decay != 0:
                p *= 1 - lr * weight_decay                         # p = p * (1 - lr * weight_decay)
            g = effective_grad(p, grad, weight_decay=0.0, maximize=group["maximize"])
        else:
            g = effective_grad(p, grad, weight_decay=weight_decay, maximize=group["maximize"])

        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1                                                 # m = beta1 * m + (1 - beta1) * g
        m += (1 - beta1) * g
        v *= beta2                                                 # v = beta2 * v + (1 - beta2) * g * g
        work = np.multiply(g, g, out=g)                            # g is our own copy: reuse it as work space
        work *= 1 - beta2
        v += work
        if group["amsgrad"]:
            v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])   # v_max = max(v_max, v)

        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        denom = np.sqrt(v, out=work)                               # sqrt(v_hat) + eps
        denom /= math.sqrt(bias_correction2)
        denom += eps
        step = np.divide(m, denom, out=work)                       # m / denom
        step *= lr / bias_correction1
        p -= step                                                  # p = p - lr * m_hat / (sqrt(v_hat) + eps)
