"""A trainable array and the gradient of the loss with respect to it."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from zeronn.nn import init

__all__ = ["Parameter"]


class Parameter:
    """A learnable array: ``data`` holds the values, ``grad`` holds dL/d(data).

    Gradients accumulate, as in PyTorch: each ``backward`` adds to ``grad``,
    and ``optimizer.zero_grad()`` (or ``model.zero_grad()``) resets it to
    ``None`` before the next step.

    Parameters
    ----------
    data : array_like
        Initial values. Kept as a NumPy array of its own dtype.
    requires_grad : bool, default True
        When False the optimizers leave this parameter unchanged (frozen).
    """

    __slots__ = ("data", "grad", "requires_grad")

    def __init__(self, data: Any, *, requires_grad: bool = True) -> None:
        # a placeholder of zeronn.nn.init.skip_init() is kept as it is (copying it would allocate it)
        self.data: np.ndarray = data if init.is_placeholder(data) else np.array(data, copy=True)
        self.grad: Optional[np.ndarray] = None
        self.requires_grad = bool(requires_grad)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of ``data``."""
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        """dtype of ``data``."""
        return self.data.dtype

    @property
    def size(self) -> int:
        """Number of scalars in ``data``."""
        return self.data.size

    def accumulate_grad(self, grad: np.ndarray) -> None:
        """Add ``grad`` (same shape as ``data``) to ``self.grad``."""
        if self.grad is None:
            self.grad = grad
        else:
            self.grad = self.grad + grad

    def zero_grad(self) -> None:
        """Forget the accumulated gradient."""
        self.grad = None

    def __repr__(self) -> str:
        return f"Parameter(shape={self.shape}, dtype={self.dtype})"
