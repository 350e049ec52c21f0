"""Adam: gradient steps scaled by running estimates of the gradient's mean and square."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn import kernels
from zeronn._validation import Boolean, Interval, PairOf
from zeronn.nn.parameter import Parameter
from zeronn.optim.optimizer import LEARNING_RATE, STEP, Buffer, Optimizer, ParamsLike, effective_grad

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
    consistently small, small where they are large or noisy.

    Parameters
    ----------
    params : iterable of Parameter, or of dict
        ``model.parameters()``, or parameter groups.
    lr : float, default 1e-3
        Learning rate, >= 0.
    betas : (float, float), default (0.9, 0.999)
        Decay rates of the running mean and running square, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator to avoid division by zero, > 0 (with 0, a
        zero gradient would give 0 / 0 = NaN weights).
    weight_decay : float, default 0
        L2 penalty factor, >= 0 (added to the gradient; see ``AdamW`` for the decoupled form).
    amsgrad : bool, default False
        Use the largest ``v`` seen so far (AMSGrad).
    maximize : bool, default False
        Climb the objective instead of descending it.
    """

    _parameter_constraints = {
        "lr": LEARNING_RATE,
        "betas": PairOf(Interval(0, 1, closed="left"), item_label="beta parameter", label="betas",
                        example="(0.9, 0.999)"),
        "eps": Interval(0, None, closed="neither", label="epsilon value"),
        "weight_decay": Interval(0, None, closed="left"),
        "amsgrad": Boolean(),
        "maximize": Boolean(),
    }
    _state_constraints = {
        "step": STEP,
        "exp_avg": Buffer(),
        "exp_avg_sq": Buffer(nonnegative=True),
        "max_exp_avg_sq": Buffer(nonnegative=True),
    }

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
        if self.decoupled_weight_decay and weight_decay != 0:
            p *= 1 - lr * weight_decay                             # p = p * (1 - lr * weight_decay)   (AdamW)
        l2_penalty = 0.0 if self.decoupled_weight_decay else weight_decay
        g = effective_grad(p, grad, weight_decay=l2_penalty, maximize=group["maximize"])

        # m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g;  v_max = max(v_max, v);
        # p = p - lr * m_hat / (sqrt(v_hat) + eps): one fused kernel (its NumPy version reads like this)
        kernels.adam_step(p, g, state["exp_avg"], state["exp_avg_sq"], lr, beta1, beta2, eps, t,
                          state["max_exp_avg_sq"] if group["amsgrad"] else None)
