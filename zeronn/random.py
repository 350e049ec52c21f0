"""Where ZeroNN's randomness comes from.

Every random choice (initial weights, dropout masks, shuffling) draws from a
``numpy.random.Generator``.  A function or layer that takes ``rng`` accepts a
Generator, an int seed, or ``None``; ``None`` means the library-wide generator,
which :func:`manual_seed` resets.  So ``zeronn.manual_seed(0)`` followed by the
same program gives bit-identical results, as ``torch.manual_seed`` does.
"""

from __future__ import annotations

from typing import Union

import numpy as np

__all__ = ["RngLike", "as_rng", "manual_seed", "global_rng"]

RngLike = Union[None, int, np.random.Generator]

_global = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reset the library-wide generator to ``seed`` and return it."""
    global _global
    _global = np.random.default_rng(seed)
    return _global


def global_rng() -> np.random.Generator:
    """Return the library-wide generator used when ``rng=None``."""
    return _global


def as_rng(rng: RngLike = None) -> np.random.Generator:
    """Turn ``None`` / an int seed / a Generator into a Generator."""
    if rng is None:
        return _global
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}")
