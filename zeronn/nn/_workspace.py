"""Scratch arrays a layer reuses from one batch to the next (private helper).

Allocating a fresh multi-megabyte array every batch costs page faults and
keeps the allocator busy; a layer that needs the same big temporary every
step (the im2col matrix of a convolution, a padded copy of its input) asks
its ``Workspace`` for it instead.  While gradients are enabled the array is
kept and handed out again when the next request has the same shape, dtype
and memory layout.  Under ``zeronn.no_grad()`` nothing is kept: the
workspace lets go of its arrays and hands out temporaries, so inference holds
no extra memory.

``recycled`` goes one step further, for arrays a layer *returns* (its
output, or the input gradient): it hands back last call's array only when
nothing outside the workspace refers to it any more (no variable, no view,
no cache of another layer), which CPython's reference count tells exactly.
A caller that still holds last batch's output therefore never sees it
overwritten; a training loop, which drops it, gets the memory back without
the allocator returning it to the system and faulting it in again (measured
here: a few milliseconds per step of page faults for a small CNN).
"""

from __future__ import annotations

import sys
from typing import Any, Optional

import numpy as np

from zeronn.grad_mode import is_grad_enabled

__all__ = ["Workspace"]


def _axis_order(array: np.ndarray) -> tuple[int, ...]:
    """Axes from the largest memory stride to the smallest: the array's memory layout."""
    return tuple(sorted(range(array.ndim), key=lambda axis: -abs(array.strides[axis])))


def _new(shape: tuple[int, ...], dtype: np.dtype, layout_of: Optional[np.ndarray]) -> np.ndarray:
    if layout_of is not None:
        return np.empty_like(layout_of, dtype=dtype, shape=shape)   # same memory layout (axis order)
    return np.empty(shape, dtype=dtype)


def _references(arrays: dict[str, np.ndarray], name: str) -> int:
    """Reference count of ``arrays[name]`` as seen from here (CPython); 0 where it cannot be known."""
    if not hasattr(sys, "getrefcount"):
        return 0
    array = arrays[name]
    return sys.getrefcount(array)


#: What ``_references`` reports for an array only the dict refers to.  Measured rather than assumed
#: (3 on CPython 3.11: the dict, the local name, the call's argument), since interpreters differ.
_UNUSED = _references({"probe": np.empty(1)}, "probe")


class Workspace:
    """Named scratch arrays, reused while gradients are enabled.

    ``get(name, shape, dtype, fill)`` returns an array of that shape and dtype.
    ``fill`` (a number) is written only when the array is newly made, so a
    caller that never writes some region (the border of a padded copy) can
    rely on it keeping that value.  ``layout_of`` (an array with as many axes)
    asks for its memory layout (order of axes in memory) instead of C order.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def _fits(self, array: Optional[np.ndarray], shape: tuple[int, ...], dtype: np.dtype,
              layout_of: Optional[np.ndarray]) -> bool:
        return (
            array is not None and array.shape == shape and array.dtype == dtype
            and (_axis_order(array) == _axis_order(layout_of) if layout_of is not None else array.flags.c_contiguous)
        )

    def get(
        self, name: str, shape: tuple[int, ...], dtype: Any, fill: Optional[float] = None,
        *, layout_of: Optional[np.ndarray] = None,
    ) -> np.ndarray:
        """Return the kept array ``name`` if it fits, else a new one (kept unless under no_grad)."""
        dtype, shape = np.dtype(dtype), tuple(shape)
        keep = is_grad_enabled()
        if not keep:
            self._arrays.clear()
        array = self._arrays.get(name)
        if self._fits(array, shape, dtype, layout_of):
            return array  # type: ignore[return-value]
        array = _new(shape, dtype, layout_of)
        if fill is not None:
            array.fill(fill)
        if keep:
            self._arrays[name] = array
        return array

    def recycled(
        self, name: str, shape: tuple[int, ...], dtype: Any, *, layout_of: Optional[np.ndarray] = None
    ) -> np.ndarray:
        """Return an array to be handed to the caller: last call's one if no one else still refers to it.

        Outside the workspace the array is referenced by nothing only when its
        reference count is what it is for an array held by the workspace alone
        (``_UNUSED``).  Any live view of it (``y.T``, a reshape) holds a
        reference through ``.base`` and prevents reuse.  Where reference counts
        are unknown (not CPython) nothing is reused.  Contents are undefined.
        Under ``no_grad`` nothing is kept.
        """
        dtype, shape = np.dtype(dtype), tuple(shape)
        if not is_grad_enabled():
            self._arrays.clear()
            return _new(shape, dtype, layout_of)
        unused = name in self._arrays and _UNUSED > 0 and _references(self._arrays, name) == _UNUSED
        if unused and self._fits(self._arrays[name], shape, dtype, layout_of):
            return self._arrays[name]
        array = _new(shape, dtype, layout_of)
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
