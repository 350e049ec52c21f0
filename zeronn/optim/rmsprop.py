"""RMSprop: gradient steps divided by a running root-mean-square of the gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn._validation import Boolean, Interval
from zeronn.nn.parameter import Parameter
from zeronn.optim.optimizer import LEARNING_RATE, STEP, Buffer, Optimizer, ParamsLike, effective_grad

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (the same update rule as ``torch.optim.RMSprop``).

    For each parameter p with gradient g, element by element::

        g = -g                                  if maximize
        g = g + weight_decay * p                if weight_decay != 0   (L2 penalty)
        v = alpha * v + (1 - alpha) * g * g     running mean of g squared (v starts at 0)
        if centered:
            a = alpha * a + (1 - alpha) * g     running mean of g (a starts at 0)
            s = sqrt(v - a * a) + eps           running standard deviation of g
        else:
            s = sqrt(v) + eps                   running root-mean-square of g
        if momentum > 0:
            b = momentum * b + g / s            (b starts at 0)
            p = p - lr * b
        else:
            p = p - lr * g / s

    Dividing by ``s`` gives every parameter a step of about ``lr``, whatever
    the scale of its gradient.  (When rounding makes ``v - a * a`` slightly
    negative, it is taken as 0; PyTorch would produce NaN there.)

    Parameters
    ----------
    params : iterable of Parameter, or of dict
        ``model.parameters()``, or parameter groups.
    lr : float, default 1e-2
        Learning rate, >= 0.
    alpha : float, default 0.99
        Decay rate of the running averages, in [0, 1).
    eps : float, default 1e-8
        Added to the denominator, > 0 (with 0, a zero gradient gives 0 / 0 = NaN).
    weight_decay : float, default 0
        L2 penalty factor, >= 0.
    momentum : float, default 0
        Momentum factor, in [0, 1).
    centered : bool, default False
        Divide by the running standard deviation instead of the root mean square.
    maximize : bool, default False
        Climb the objective instead of descending it.
    """

    _parameter_constraints = {
        "lr": LEARNING_RATE,
        "alpha": Interval(0, 1, closed="left"),
        "eps": Interval(0, None, closed="neither", label="epsilon value"),
        "weight_decay": Interval(0, None, closed="left"),
        "momentum": Interval(0, 1, closed="left"),
        "centered": Boolean(),
        "maximize": Boolean(),
    }
    _state_constraints = {
        "step": STEP,
        "square_avg": Buffer(nonnegative=True),
        "grad_avg": Buffer(),
        "momentum_buffer": Buffer(),
    }

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        state = {"step": 0, "square_avg": np.zeros_like(param.data)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(param.data)
        if group["centered"]:
            state["grad_avg"] = np.zeros_like(param.data)
        return state

    def _update(self, param: Parameter, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, alpha, eps, momentum = group["lr"], group["alpha"], group["eps"], group["momentum"]
        state["step"] += 1
        g = effective_grad(param.data, grad, weight_decay=group["weight_decay"], maximize=group["maximize"])

        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * g * g                                   # v = alpha * v + (1 - alpha) * g * g
        if group["centered"]:
            a = state["grad_avg"]
            a *= alpha
            a += (1 - alpha) * g                                   # a = alpha * a + (1 - alpha) * g
            s = np.sqrt(np.maximum(v - a * a, 0)) + eps            # s = sqrt(v - a * a) + eps
        else:
            s = np.sqrt(v) + eps                                   # s = sqrt(v) + eps
        if momentum > 0:
            b = state["momentum_buffer"]
            b *= momentum
            b += g / s                                             # b = momentum * b + g / s
            param.data -= lr * b                                   # p = p - lr * b
        else:
            param.data -= lr * g / s                               # p = p - lr * g / s
