"""The floating-point type new parameters are created with.

float32 is the default because it is about twice as fast as float64 for the
matrix products that dominate training; float64 is there for gradient checks
and for anyone who wants the extra precision.

>>> import zeronn
>>> zeronn.set_default_dtype("float64")   # every layer made after this is float64
>>> zeronn.set_default_dtype("float32")
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["get_default_dtype", "set_default_dtype", "resolve_dtype"]

_ALLOWED = (np.dtype(np.float32), np.dtype(np.float64))
_default = np.dtype(np.float32)


def resolve_dtype(dtype: Any = None) -> np.dtype:
    """Return ``dtype`` as a NumPy float dtype; ``None`` means the current default."""
    if dtype is None:
        return _default
    try:
        resolved = np.dtype(dtype)
    except TypeError as error:
        raise TypeError(f"dtype must be float32 or float64, got {dtype!r}") from error
    if resolved not in _ALLOWED:
        raise TypeError(f"dtype must be float32 or float64, got {resolved}")
    return resolved


def get_default_dtype() -> np.dtype:
    """Return the dtype new parameters are created with (float32 unless changed)."""
    return _default


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype new parameters are created with: ``"float32"`` or ``"float64"``."""
    global _default
    _default = resolve_dtype(dtype)
