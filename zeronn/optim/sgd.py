"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn.nn.parameter import Parameter
from zeronn.optim._checks import check_at_least_zero, check_flag, check_fraction, check_lr
from zeronn.optim.optimizer import Optimizer, ParamsLike, effective_grad

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
        Learning rate, > 0.
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

    state_names = ("momentum_buffer",)

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

    def _check_hyperparameters(self, values: dict[str, Any]) -> dict[str, Any]:
        checked = {
            "lr": check_lr(values["lr"]),
            "momentum": check_fraction("momentum", values["momentum"]),
            "dampening": check_fraction("dampening", values["dampening"], include_one=True),
            "weight_decay": check_at_least_zero("weight_decay", values["weight_decay"]),
            "nesterov": check_flag("nesterov", values["nesterov"]),
            "maximize": check_flag("maximize", values["maximize"]),
        }
        if checked["nesterov"] and (checked["momentum"] <= 0 or checked["dampening"] != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening "
                f"(got momentum={checked['momentum']}, dampening={checked['dampening']})"
            )
        return checked

    def _init_state(self, param: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        return {}                                    # the momentum buffer is born from the first gradient

    def _update(self, param: Parameter, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        momentum, lr = group["momentum"], group["lr"]
        if momentum == 0 and group["weight_decay"] == 0:                  # plain SGD: one pass, no copy of g
            param.data -= (-lr if group["maximize"] else lr) * grad       # p = p - lr * g
            return
        d = effective_grad(param.data, grad, weight_decay=group["weight_decay"], maximize=group["maximize"])
        direction = d
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = d.copy()            # b = g
            else:
                buf *= momentum                                       # b = momentum * b + (1 - dampening) * g
                buf += d if group["dampening"] == 0 else (1 - group["dampening"]) * d
            if group["nesterov"]:
                d += momentum * buf                                   # g = g + momentum * b
            else:
                direction = buf                                       # g = b
        np.multiply(direction, lr, out=d)                             # d is our own array: reuse it
        param.data -= d                                               # p = p - lr * g
