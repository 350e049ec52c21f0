"""The ``Loss`` base class: a scalar score of predictions against targets, and its gradient."""

from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from zeronn._validation import check_choice, format_shape, real_array
from zeronn.losses._checks import prediction_array, target_array

__all__ = ["Loss", "REDUCTIONS"]

REDUCTIONS = ("mean", "sum", "none")


class Loss:
    """Base class of every loss.

    Use it like PyTorch's, then ask it for the gradient::

        loss = loss_fn(prediction, target)      # a float (or per-element array with reduction="none")
        grad = loss_fn.backward()               # dL/d(prediction), same shape as prediction
        model.backward(grad)

    Subclasses implement ``forward(prediction, target)`` returning the
    per-element (unreduced) losses, and ``backward_elements()`` returning
    d(per-element loss)/d(prediction) for the last call.  The base class
    applies the reduction and its gradient:

        mean:  L = sum(l) / n     dL/dp = dl/dp / n      (n = number of reduced elements)
        sum:   L = sum(l)         dL/dp = dl/dp
        none:  L = l              dL/dp = grad_out * dl/dp

    What every loss accepts (see ``zeronn.losses._checks``): predictions
    and targets of real numbers (bool, int or float; complex, text, object
    and ragged input is a ``TypeError`` naming the loss); targets without
    NaN or inf.  An empty batch is a ``ValueError`` with reduction "mean"
    (the mean of no losses is undefined; PyTorch would return NaN); "sum"
    gives 0.0 and "none" an empty array.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
    """

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = check_choice("reduction", reduction, REDUCTIONS)
        self._elements: Optional[np.ndarray] = None

    def __call__(self, prediction: Any, target: Any) -> Union[float, np.ndarray]:
        prediction = prediction_array(self, prediction)
        target = target_array(self, target)
        if prediction.size == 0 and self.reduction == "mean":
            raise ValueError(f"{self!r} got an empty batch (prediction of shape {format_shape(prediction.shape)}): "
                             "the mean of no losses is undefined; use reduction='sum' or give at least one sample")
        elements = self.forward(prediction, target)
        self._elements = elements
        if self.reduction == "none":
            return elements
        total = elements.sum(dtype=np.float64)
        return float(total / elements.size) if self.reduction == "mean" else float(total)

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Return the unreduced losses and keep what ``backward_elements`` needs."""
        raise NotImplementedError(f"{type(self).__name__} does not implement forward()")

    def backward_elements(self) -> np.ndarray:
        """Return d(sum of unreduced losses)/d(prediction) for the last call, ignoring the reduction."""
        raise NotImplementedError(f"{type(self).__name__} does not implement backward_elements()")

    def backward(self, grad_out: Union[float, np.ndarray] = 1.0) -> np.ndarray:
        """Return dL/d(prediction) for the last call, scaled by ``grad_out``.

        ``grad_out`` is dL_total/dL: a scalar for "mean"/"sum", an array of the
        loss's shape (or a scalar) for "none".  Anything else is a
        ``ValueError`` naming the loss and both shapes.
        """
        if self._elements is None:
            raise RuntimeError(f"{self!r}: backward() called before the loss was computed")
        scale = real_array(f"{self!r}.backward()", grad_out, "grad_out")
        if self.reduction != "none" and scale.ndim != 0:
            raise ValueError(f"{self!r}.backward() expects a scalar grad_out for reduction={self.reduction!r} "
                             f"(the loss is one number), got shape {format_shape(scale.shape)}")
        if self.reduction == "none" and scale.ndim != 0 and scale.shape != self._elements.shape:
            raise ValueError(f"{self!r}.backward() expects grad_out of the loss's shape "
                             f"{format_shape(self._elements.shape)} (or a scalar), got {format_shape(scale.shape)}")
        grad = self.backward_elements()
        n = self._elements.size
        if self.reduction == "none":
            return grad * self._expand(scale.astype(grad.dtype, copy=False), grad.shape)
        factor = float(scale) / n if self.reduction == "mean" else float(scale)
        return grad * grad.dtype.type(factor)

    def _expand(self, per_element: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        """Broadcast a per-element weight (the loss's shape) to the prediction's shape."""
        if per_element.ndim == 0 or per_element.shape == shape:
            return per_element
        return per_element.reshape(per_element.shape + (1,) * (len(shape) - per_element.ndim))

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments (JSON-serialisable)."""
        return {"reduction": self.reduction}

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"
