"""Read-only vectors of ones, kept for reuse (private helper).

A sum over the rows of a (N, K) array, ``g.sum(axis=0)``, is faster as the
matrix-vector product ``ones(N) @ g``, and a sum along short rows
``e.sum(axis=1)`` as ``e @ ones(K)``.  Making the ones costs about as much as
the product for small arrays, so the few sizes a training run needs (batch
size, last short batch, number of classes) are kept here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["ones"]


@lru_cache(maxsize=32)
def _cached(length: int, dtype: np.dtype) -> np.ndarray:
    vector = np.ones(length, dtype)
    vector.flags.writeable = False                  # shared: nobody may change it
    return vector


def ones(length: int, dtype: Any) -> np.ndarray:
    """A read-only vector of ``length`` ones of ``dtype`` (the same array for the same arguments)."""
    return _cached(int(length), np.dtype(dtype))
