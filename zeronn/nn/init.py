"""Weight initialisers.

Each function returns a new array of the given shape.  ``fan_in`` is the number
of inputs feeding one output unit (in_features for ``Linear``,
in_channels * kh * kw for ``Conv2d``), ``fan_out`` the number of outputs fed by
one input unit.  Values are drawn in float64 and then cast, so a float32 and a
float64 model built from the same seed start from the same numbers.

Formulas (U = uniform, N = normal):

- ``rand``            U[0, 1)                                   the tutorial's ``np.random.rand``
- ``uniform``         U[low, high)
- ``normal``          N(mean, std^2)
- ``xavier_uniform``  U[-a, a],  a = gain * sqrt(6 / (fan_in + fan_out))      (Glorot & Bengio 2010)
- ``xavier_normal``   N(0, s^2), s = gain * sqrt(2 / (fan_in + fan_out))
- ``kaiming_uniform`` U[-a, a],  a = gain * sqrt(3 / fan_in),  gain = sqrt(2) for ReLU   (He et al. 2015)
- ``kaiming_normal``  N(0, s^2), s = gain / sqrt(fan_in)
- ``default``         U[-a, a],  a = 1 / sqrt(fan_in)   (PyTorch's default for Linear and Conv2d)

Building without initialising: inside ``with skip_init():`` every function
here returns a *placeholder* instead of numbers: a read-only array of the
right shape and dtype that takes no memory (all its elements share one zero,
``np.broadcast_to``).  ``zeronn.load`` builds the architecture of a file that
way, compares every parameter's shape with the tensors in the file, and only
then puts the file's arrays in place of the placeholders: a file that
describes ``Linear(10**6, 10**6)`` is refused without allocating 4 TB, and no
random numbers are drawn for weights that the file replaces anyway.  Layers
that create their arrays through this module (all of ZeroNN's do) get this
for free.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
from collections.abc import Callable, Iterator
from typing import Any, Optional

import numpy as np

from zeronn._validation import check_choice
from zeronn.dtype import resolve_dtype
from zeronn.random import RngLike, as_rng

__all__ = [
    "zeros",
    "ones",
    "constant",
    "rand",
    "uniform",
    "normal",
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "default",
    "INITIALIZERS",
    "initialize",
    "skip_init",
    "is_placeholder",
]

Shape = tuple[int, ...]

# The placeholders made inside the active ``skip_init()`` block, by id (None outside any block).
_PLACEHOLDERS: contextvars.ContextVar[Optional[dict[int, np.ndarray]]] = contextvars.ContextVar(
    "zeronn_init_placeholders", default=None
)


@contextlib.contextmanager
def skip_init() -> Iterator[None]:
    """Build layers with placeholders instead of initial values (see the module docstring).

    Inside the block ``is_placeholder`` tells the placeholders made there from
    real arrays, so that the caller can check that every one was replaced.

    Examples
    --------
    >>> with skip_init():
    ...     layer = zeronn.nn.Linear(10**6, 10**6)      # no memory, no random numbers
    ...     layer.weight.shape, is_placeholder(layer.weight.data)
    ((1000000, 1000000), True)
    """
    token = _PLACEHOLDERS.set({})
    try:
        yield
    finally:
        _PLACEHOLDERS.reset(token)


def is_placeholder(array: Any) -> bool:
    """Whether ``array`` is a placeholder made inside the active ``skip_init()`` block."""
    made = _PLACEHOLDERS.get()
    return made is not None and made.get(id(array)) is array


def _placeholder(shape: Any, dtype: Any) -> Optional[np.ndarray]:
    """A zero-memory placeholder when inside ``skip_init()``, else None."""
    made = _PLACEHOLDERS.get()
    if made is None:
        return None
    dims = (shape,) if isinstance(shape, int) else tuple(shape)
    placeholder = np.broadcast_to(np.zeros((), dtype=resolve_dtype(dtype)), dims)   # shape dims, 0 bytes
    made[id(placeholder)] = placeholder
    return placeholder


def zeros(shape: Shape, *, dtype: Any = None) -> np.ndarray:
    """All zeros."""
    placeholder = _placeholder(shape, dtype)
    if placeholder is not None:
        return placeholder
    return np.zeros(shape, dtype=resolve_dtype(dtype))


def ones(shape: Shape, *, dtype: Any = None) -> np.ndarray:
    """All ones."""
    placeholder = _placeholder(shape, dtype)
    if placeholder is not None:
        return placeholder
    return np.ones(shape, dtype=resolve_dtype(dtype))


def constant(shape: Shape, value: float, *, dtype: Any = None) -> np.ndarray:
    """Every entry equal to ``value``."""
    placeholder = _placeholder(shape, dtype)
    if placeholder is not None:
        return placeholder
    return np.full(shape, value, dtype=resolve_dtype(dtype))


def rand(shape: Shape, *, rng: RngLike = None, dtype: Any = None) -> np.ndarray:
    """U[0, 1), as the tutorial's ``np.random.rand``."""
    placeholder = _placeholder(shape, dtype)
    if placeholder is not None:
        return placeholder
    return as_rng(rng).random(shape).astype(resolve_dtype(dtype))


def uniform(shape: Shape, low: float = 0.0, high: float = 1.0, *, rng: RngLike = None, dtype: Any = None) -> np.ndarray:
    """U[low, high)."""
    placeholder = _placeholder(shape, dtype)
    if placeholder is not None:
        return placeholder
    return as_rng(rng).uniform(low, high, size=shape).astype(resolve_dtype(dtype))


def normal(shape: Shape, mean: float = 0.0, std: float = 1.0, *, rng: RngLike = None, dtype: Any = None) -> np.ndarray:
    """N(mean, std^2)."""
    placeholder = _placeholder(shape, dtype)
    if placeholder is not None:
        return placeholder
    return as_rng(rng).normal(mean, std, size=shape).astype(resolve_dtype(dtype))


def xavier_uniform(
    shape: Shape, fan_in: int, fan_out: int, *, gain: float = 1.0, rng: RngLike = None, dtype: Any = None
) -> np.ndarray:
    """Glorot uniform: U[-a, a] with a = gain * sqrt(6 / (fan_in + fan_out))."""
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform(shape, -bound, bound, rng=rng, dtype=dtype)


def xavier_normal(
    shape: Shape, fan_in: int, fan_out: int, *, gain: float = 1.0, rng: RngLike = None, dtype: Any = None
) -> np.ndarray:
    """Glorot normal: N(0, s^2) with s = gain * sqrt(2 / (fan_in + fan_out))."""
    return normal(shape, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng=rng, dtype=dtype)


def kaiming_uniform(
    shape: Shape, fan_in: int, *, gain: float = math.sqrt(2.0), rng: RngLike = None, dtype: Any = None
) -> np.ndarray:
    """He uniform: U[-a, a] with a = gain * sqrt(3 / fan_in); gain sqrt(2) suits ReLU."""
    bound = gain * math.sqrt(3.0 / fan_in)
    return uniform(shape, -bound, bound, rng=rng, dtype=dtype)


def kaiming_normal(
    shape: Shape, fan_in: int, *, gain: float = math.sqrt(2.0), rng: RngLike = None, dtype: Any = None
) -> np.ndarray:
    """He normal: N(0, s^2) with s = gain / sqrt(fan_in)."""
    return normal(shape, 0.0, gain / math.sqrt(fan_in), rng=rng, dtype=dtype)


def default(shape: Shape, fan_in: int, *, rng: RngLike = None, dtype: Any = None) -> np.ndarray:
    """PyTorch's default for Linear / Conv2d weights and biases: U[-1/sqrt(fan_in), 1/sqrt(fan_in)]."""
    bound = 1.0 / math.sqrt(fan_in)
    return uniform(shape, -bound, bound, rng=rng, dtype=dtype)


def _by_name() -> dict[str, Callable[..., np.ndarray]]:
    return {
        "zeros": lambda shape, fan_in, fan_out, rng, dtype: zeros(shape, dtype=dtype),
        "ones": lambda shape, fan_in, fan_out, rng, dtype: ones(shape, dtype=dtype),
        "rand": lambda shape, fan_in, fan_out, rng, dtype: rand(shape, rng=rng, dtype=dtype),
        "uniform": lambda shape, fan_in, fan_out, rng, dtype: uniform(shape, -0.05, 0.05, rng=rng, dtype=dtype),
        "normal": lambda shape, fan_in, fan_out, rng, dtype: normal(shape, 0.0, 0.01, rng=rng, dtype=dtype),
        "xavier_uniform": lambda shape, fan_in, fan_out, rng, dtype: xavier_uniform(
            shape, fan_in, fan_out, rng=rng, dtype=dtype
        ),
        "xavier_normal": lambda shape, fan_in, fan_out, rng, dtype: xavier_normal(
            shape, fan_in, fan_out, rng=rng, dtype=dtype
        ),
        "kaiming_uniform": lambda shape, fan_in, fan_out, rng, dtype: kaiming_uniform(
            shape, fan_in, rng=rng, dtype=dtype
        ),
        "kaiming_normal": lambda shape, fan_in, fan_out, rng, dtype: kaiming_normal(
            shape, fan_in, rng=rng, dtype=dtype
        ),
        "default": lambda shape, fan_in, fan_out, rng, dtype: default(shape, fan_in, rng=rng, dtype=dtype),
    }


#: Initialiser names accepted by layers' ``weight_init`` / ``bias_init`` arguments.
#: ``uniform`` means U[-0.05, 0.05) and ``normal`` N(0, 0.01^2) when chosen by name, as in Keras.
INITIALIZERS: dict[str, Callable[..., np.ndarray]] = _by_name()


def initialize(
    name: str, shape: Shape, *, fan_in: int, fan_out: int, rng: RngLike = None, dtype: Any = None
) -> np.ndarray:
    """Create an array with the initialiser called ``name`` (one of ``INITIALIZERS``)."""
    check_choice("initializer", name, INITIALIZERS)
    return INITIALIZERS[name](shape, fan_in, fan_out, as_rng(rng), dtype)
