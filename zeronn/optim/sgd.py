"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn import kernels
from zeronn._validation import Boolean, Interval
from zeronn.nn.parameter import Parameter
from zeronn.optim.optimizer import LEARNING_RATE, Buffer, Optimizer, ParamsLike, effective_grad

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (the same update rule as ``torch.optim.SGD``).

    For each parameter p with gradient g, element by element::

        g = -g                                  if maximize
        g = g + weight_decay * p                if weight_decay != 0   (L2 penalty)
        if momentum != 0:
            b = g                               on the first step      (the momentum buffer)
            b = momentum * b + (1 - dampening) * g                     on later steps
            g = g + momentum * b                if nesterov
            g = b                               otherwise
        p = p - lr * g

    Plain SGD (``momentum=0``) walks downhill: ``p = p - lr * g``.  Momentum
    keeps a running sum of past gradients ``b``, so steps grow along directions
    where gradients agree and cancel where they oscillate.  Nesterov momentum
    looks one step ahead along ``b``.

    Parameters
    ----------
    params : iterable of Parameter, or of dict
        ``model.parameters()``, or parameter groups (dicts with ``"params"``
        and any of the hyper-parameters below).
    lr : float, default 1e-3
        Learning rate, >= 0.
    momentum : float, default 0
        Momentum factor, in [0, 1).
    dampening : float, default 0
        Fraction of each new gradient left out of the momentum buffer, in [0, 1].
    weight_decay : float, default 0
        L2 penalty factor, >= 0.
    nesterov : bool, default False
        Use Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``).
    maximize : bool, default False
        Climb the objective instead of descending it.

    Examples
    --------
    >>> optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)    # doctest: +SKIP
    """

    _parameter_constraints = {
        "lr": LEARNING_RATE,
        "momentum": Interval(0, 1, closed="left"),
        "dampening": Interval(0, 1, closed="both"),
        "weight_decay": Interval(0, None, closed="left"),
        "nesterov": Boolean(),
        "maximize": Boolean(),
    }
    _state_constraints = {"momentum_buffer": Buffer()}

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(params, defaults)

    def _check_combination(self, values: dict[str, Any]) -> None:
        if values["nesterov"] and (values["momentum"] <= 0 or values["dampening"] != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening "
                f"(got momentum={values['momentum']}, dampening={values['dampening']})"
            )

    def _init_state(self, param: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        return {}                                    # the momentum buffer is born from the first gradient

    def _update(self, param: Parameter, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        momentum, dampening, lr = group["momentum"], group["dampening"], group["lr"]
        g = effective_grad(param.data, grad, weight_decay=group["weight_decay"], maximize=group["maximize"])
        if momentum != 0:
            b = state.get("momentum_buffer")
            if b is not None:                                         # b = momentum * b + (1 - dampening) * g,
                kernels.sgd_momentum_step(param.data, g, b, lr, momentum, dampening,   # g = ..., p = p - lr * g:
                                          group["nesterov"])          # the lines of the docstring, fused
                return
            b = state["momentum_buffer"] = g.copy()                   # b = g               on the first step
            g = g + momentum * b if group["nesterov"] else b          # g = g + momentum * b   or   g = b
        kernels.sgd_step(param.data, g, lr)                           # p = p - lr * g  (a fused kernel)
