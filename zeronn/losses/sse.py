"""The tutorial's loss: the sum of squared errors."""

from __future__ import annotations

from zeronn.losses.mse import MSELoss

__all__ = ["SSELoss"]


class SSELoss(MSELoss):
    """Sum of squared errors, the loss of the "neural network from scratch" tutorial.

    Forward:   l = (p - y)^2                element by element: p, y and l all have the same shape
               sum:  L = sum(l)             the default
               mean: L = sum(l) / n         n = l.size, every element (this is MSELoss)
               none: L = l
    Backward:  dl/dp = 2 * (p - y)
               sum:  dL/dp = 2 * (p - y)
               mean: dL/dp = 2 * (p - y) / n
               none: dL/dp = g * 2 * (p - y)   g = the grad_out given to backward (l's shape, or a scalar)

    It is ``MSELoss`` with the sum instead of the mean.  The tutorial writes
    its gradient as ``2 * (y - output)``, the negative of dL/dp, because it
    *adds* the update to the weights (gradient descent with learning rate 1).

    Parameters
    ----------
    reduction : {"sum", "mean", "none"}, default "sum"
    """

    def __init__(self, reduction: str = "sum") -> None:
        super().__init__(reduction)

    def extra_repr(self) -> str:
        return "" if self.reduction == "sum" else f"reduction={self.reduction!r}"
