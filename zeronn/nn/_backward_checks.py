"""The check every ``backward`` makes first: the incoming gradient has the shape of the output."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn._validation import format_shape

__all__ = ["expect_grad_shape"]


def expect_grad_shape(layer: Any, grad_out: Any, expected: tuple[int, ...]) -> np.ndarray:
    """Return ``grad_out`` as an array if its shape is ``expected`` (the output's), else raise ValueError.

    The message names the layer and both shapes, e.g.
    ``Linear(3 -> 2): backward() expects a gradient of shape (4, 2) (the output's), got (4, 3)``.
    """
    grad_out = np.asarray(grad_out)
    if grad_out.shape != tuple(expected):
        raise ValueError(
            f"{layer!r}: backward() expects a gradient of shape {format_shape(expected)} "
            f"(the output's), got {format_shape(grad_out.shape)}"
        )
    return grad_out
