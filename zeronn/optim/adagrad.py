"""Adagrad: gradient steps divided by the root of the sum of all past squared gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn._validation import Boolean, Interval
from zeronn.nn.parameter import Parameter
from zeronn.optim.optimizer import LEARNING_RATE, STEP, Buffer, Optimizer, ParamsLike, effective_grad

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (the same update rule as ``torch.optim.Adagrad``).

    For each parameter p with gradient g, at step t = 1, 2, ..., element by element::

        g = -g                                  if maximize
        g = g + weight_decay * p                if weight_decay != 0   (L2 penalty)
        lr_t = lr / (1 + (t - 1) * lr_decay)
        G = G + g * g                           sum of squared gradients (G starts at initial_accumulator_value)
        p = p - lr_t * g / (sqrt(G) + eps)

    Parameters whose gradients have been large take smaller steps; since ``G``
    only grows, the steps shrink over time.

    Parameters
    ----------
    params : iterable of Parameter, or of dict
        ``model.parameters()``, or parameter groups.
    lr : float, default 1e-2
        Learning rate, >= 0.
    lr_decay : float, default 0
        Learning-rate decay per step, >= 0.
    weight_decay : float, default 0
        L2 penalty factor, >= 0.
    initial_accumulator_value : float, default 0
        Starting value of ``G``, >= 0.
    eps : float, default 1e-10
        Added to the denominator, > 0 (with 0, a zero gradient gives 0 / 0 = NaN).
    maximize : bool, default False
        Climb the objective instead of descending it.
    """

    _parameter_constraints = {
        "lr": LEARNING_RATE,
        "lr_decay": Interval(0, None, closed="left"),
        "weight_decay": Interval(0, None, closed="left"),
        "initial_accumulator_value": Interval(0, None, closed="left"),
        "eps": Interval(0, None, closed="neither", label="epsilon value"),
        "maximize": Boolean(),
    }
    _state_constraints = {"step": STEP, "sum": Buffer(nonnegative=True)}

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "eps": eps,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _init_state(self, param: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        return {"step": 0, "sum": np.full_like(param.data, group["initial_accumulator_value"])}

    def _update(self, param: Parameter, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] += 1
        t = state["step"]
        g = effective_grad(param.data, grad, weight_decay=group["weight_decay"], maximize=group["maximize"])
        lr_t = group["lr"] / (1 + (t - 1) * group["lr_decay"])     # lr_t = lr / (1 + (t - 1) * lr_decay)
        G = state["sum"]
        G += g * g                                                 # G = G + g * g
        param.data -= lr_t * g / (np.sqrt(G) + group["eps"])      # p = p - lr_t * g / (sqrt(G) + eps)
