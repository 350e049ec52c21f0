"""Scratch arrays a layer reuses from one batch to the next (private helper).

Allocating a fresh multi-megabyte array every batch costs page faults and
keeps the allocator busy; a layer that needs the same big temporary every
step (the im2col matrix of a convolution, a padded copy of its input) asks
its ``Workspace`` for it instead.  While gradients are enabled the array is
kept and handed out again when the next request has the same shape and
dtype.  Under ``zeronn.no_grad()`` nothing is kept: the workspace lets go of
its arrays and hands out temporaries, so inference holds no extra memory.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from zeronn.grad_mode import is_grad_enabled

__all__ = ["Workspace"]


class Workspace:
    """Named scratch arrays, reused while gradients are enabled.

    ``get(name, shape, dtype, fill)`` returns an array of that shape and dtype.
    ``fill`` (a number) is written only when the array is newly made, so a
    caller that never writes some region (the border of a padded copy) can
    rely on it keeping that value.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: Any, fill: Optional[float] = None) -> np.ndarray:
        """Return the kept array ``name`` if it fits, else a new one (kept unless under no_grad)."""
        dtype = np.dtype(dtype)
        keep = is_grad_enabled()
        if not keep:
            self._arrays.clear()
        array = self._arrays.get(name)
        if array is not None and array.shape == tuple(shape) and array.dtype == dtype:
            return array
        array = np.empty(shape, dtype=dtype) if fill is None else np.full(shape, fill, dtype=dtype)
        if keep:
            self._arrays[name] = array
        return array

    def clear(self) -> None:
        """Let go of every kept array."""
        self._arrays.clear()

    def nbytes(self) -> int:
        """Bytes held by the kept arrays."""
        return sum(array.nbytes for array in self._arrays.values())

    def __deepcopy__(self, memo: dict[int, Any]) -> "Workspace":
        return Workspace()                                      # scratch contents never need copying

    def __repr__(self) -> str:
        return f"Workspace({', '.join(self._arrays)})"
