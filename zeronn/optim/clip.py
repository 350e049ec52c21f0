"""Gradient clipping: keep one bad batch from throwing the parameters far away.

Call it between backward and ``optimizer.step()``::

    model.backward(loss_fn.backward())
    total_norm = clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Union

import numpy as np

from zeronn._validation import Boolean, Interval
from zeronn.nn.parameter import Parameter

__all__ = ["clip_grad_norm_", "clip_grad_value_"]

ParametersLike = Union[Parameter, Iterable[Parameter]]

#: A bound on gradients: a number >= 0 (inf means no bound).
_BOUND = Interval(0, None, closed="left", allow_infinite=True)
#: The p of a p-norm: a number > 0, or inf for the largest absolute value.
_NORM_TYPE = Interval(0, None, closed="neither", allow_infinite=True, example="2.0 or 'inf'")


def clip_grad_norm_(
    parameters: ParametersLike,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    The gradients are treated as one long vector (same semantics as
    ``torch.nn.utils.clip_grad_norm_``)::

        total_norm = ( sum over every element x of every gradient of |x| ** norm_type ) ** (1 / norm_type)
                     (for norm_type = inf: the largest |x|)
        coef = max_norm / (total_norm + 1e-6)
        if coef < 1:  every grad = grad * coef

    The direction of the update is kept; only its length shrinks.  Each
    gradient is replaced by a new, scaled array (never changed in place, so an
    array shared with other code is left alone).  Parameters whose ``grad`` is
    None are ignored.

    Parameters
    ----------
    parameters : Parameter or iterable of Parameter
        Usually ``model.parameters()``.
    max_norm : float
        Largest allowed norm, >= 0.
    norm_type : float, default 2.0
        The p of the p-norm, > 0, or ``float("inf")`` (also ``"inf"``) for the largest absolute value.
    error_if_nonfinite : bool, default False
        Raise ``RuntimeError`` when the total norm is NaN or infinite (instead
        of scaling the gradients by a non-finite factor).

    Returns
    -------
    float
        The total norm of the gradients before clipping.
    """
    max_norm = _BOUND.check("max_norm", max_norm)
    norm_type = _NORM_TYPE.check("norm_type", _inf_from_text(norm_type))
    error_if_nonfinite = Boolean().check("error_if_nonfinite", error_if_nonfinite)
    grads = [(p, p.grad) for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return 0.0
    total_norm = _total_norm([grad for _, grad in grads], norm_type)
    if error_if_nonfinite and not math.isfinite(total_norm):
        raise RuntimeError(
            f"The total norm of order {norm_type} of the gradients is {total_norm}, so it cannot be clipped; "
            "the loss probably diverged (try a lower learning rate), or pass error_if_nonfinite=False"
        )
    coef = max_norm / (total_norm + 1e-6)
    if not coef >= 1.0:                               # a NaN or inf norm scales too, as in PyTorch
        with np.errstate(invalid="ignore"):           # inf * 0 -> NaN: the gradients were unusable anyway
            for param, grad in grads:
                param.grad = grad * coef
    return total_norm


def clip_grad_value_(parameters: ParametersLike, clip_value: float) -> None:
    """Clip every gradient element to ``[-clip_value, clip_value]`` (as ``torch.nn.utils.clip_grad_value_``).

    Each gradient is replaced by a new, clipped array; parameters whose
    ``grad`` is None are ignored.

    Parameters
    ----------
    parameters : Parameter or iterable of Parameter
        Usually ``model.parameters()``.
    clip_value : float
        Largest allowed absolute value, >= 0.
    """
    clip_value = _BOUND.check("clip_value", clip_value)
    for param in _as_list(parameters):
        if param.grad is not None:
            param.grad = np.clip(param.grad, -clip_value, clip_value)


def _total_norm(grads: list[np.ndarray], norm_type: float) -> float:
    """p-norm of all gradients seen as one vector: the p-norm of their individual p-norms."""
    if norm_type == math.inf:
        return max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    if norm_type == 2.0:
        norms = [float(np.linalg.norm(g.ravel())) for g in grads]
        return math.sqrt(math.fsum(n * n for n in norms))
    norms = [float(np.sum(np.abs(g) ** norm_type)) ** (1.0 / norm_type) for g in grads]
    return math.fsum(n**norm_type for n in norms) ** (1.0 / norm_type)


def _as_list(parameters: Any) -> list[Parameter]:
    if isinstance(parameters, Parameter):
        return [parameters]
    if not isinstance(parameters, Iterable) or isinstance(parameters, (str, dict)):
        raise TypeError(f"expected a Parameter or an iterable of Parameters, got {type(parameters).__name__}")
    params = list(parameters)
    for param in params:
        if not isinstance(param, Parameter):
            raise TypeError(
                f"expected zeronn.nn.Parameter objects (e.g. model.parameters()), got {type(param).__name__}"
            )
    return params


def _inf_from_text(norm_type: Any) -> Any:
    """``"inf"`` (any case) means ``math.inf``, as in PyTorch; anything else is checked as it is."""
    return math.inf if isinstance(norm_type, str) and norm_type.lower() == "inf" else norm_type
