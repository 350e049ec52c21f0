"""Argument and input checks shared by every part of ZeroNN.

Each check raises a ``ValueError`` or ``TypeError`` whose message says what was
expected and what came.  None of them uses ``assert``: user mistakes must still
be caught under ``python -O``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "check_positive_int",
    "check_nonnegative_int",
    "check_positive_float",
    "check_nonnegative_float",
    "check_probability",
    "check_in_range",
    "check_choice",
    "pair",
    "format_shape",
    "expect_shape",
    "expect_ndim",
]


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_positive_int(name: str, value: Any) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 1."""
    if not _is_int(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_nonnegative_int(name: str, value: Any) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 0."""
    if not _is_int(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def check_positive_float(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number > 0."""
    if not _is_real(value) or not np.isfinite(value) or value <= 0:
        raise ValueError(f"Invalid {name} value: {value!r} (expected a number > 0)")
    return float(value)


def check_nonnegative_float(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number >= 0."""
    if not _is_real(value) or not np.isfinite(value) or value < 0:
        raise ValueError(f"Invalid {name} value: {value!r} (expected a number >= 0)")
    return float(value)


def check_probability(name: str, value: Any) -> float:
    """Return ``value`` as a float in [0, 1), or raise."""
    return check_in_range(name, value, 0.0, 1.0, high_inclusive=False)


def check_in_range(
    name: str, value: Any, low: float, high: float, *, low_inclusive: bool = True, high_inclusive: bool = True
) -> float:
    """Return ``value`` as a float if ``low <= value <= high`` (bounds as asked), else raise."""
    if not _is_real(value) or not np.isfinite(value):
        raise ValueError(f"Invalid {name} value: {value!r} (expected a number)")
    above = value >= low if low_inclusive else value > low
    below = value <= high if high_inclusive else value < high
    if not (above and below):
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        raise ValueError(f"Invalid {name} value: {value!r} (expected a number in {left}{low}, {high}{right})")
    return float(value)


def check_choice(kind: str, value: Any, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; else raise listing the valid ones.

    >>> check_choice("activation", "relu", ["relu", "tanh"])
    'relu'
    """
    choices = sorted(choices)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"Unknown {kind} {value!r}; valid choices are: {', '.join(choices)}")
    return value


def pair(name: str, value: Any, *, minimum: int = 1) -> tuple[int, int]:
    """Turn an int or a pair of ints into a pair, checking each is >= ``minimum``."""
    items = (value, value) if _is_int(value) else tuple(value) if isinstance(value, Sequence) else None
    if items is None or len(items) != 2 or not all(_is_int(v) and v >= minimum for v in items):
        raise ValueError(f"{name} must be an integer >= {minimum} or a pair of them, got {value!r}")
    return int(items[0]), int(items[1])


def format_shape(shape: Sequence[Any]) -> str:
    """Format a shape like NumPy does, names allowed: ``(batch, 3)``, ``(5,)``."""
    parts = [str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def expect_ndim(owner: Any, x: np.ndarray, ndim: int, described: Sequence[Any]) -> None:
    """Raise if ``x`` does not have ``ndim`` dimensions; ``described`` names the expected axes."""
    if x.ndim != ndim:
        raise ValueError(f"{owner!r} expects input of shape {format_shape(described)}, got {format_shape(x.shape)}")


def expect_shape(owner: Any, x: np.ndarray, pattern: Sequence[Any], hint: str = "") -> None:
    """Raise unless ``x.shape`` matches ``pattern``.

    ``pattern`` holds ints (that axis must have exactly that size) and strings
    (any size, the string names the axis), e.g. ``("batch", 3)``.
    """
    ok = x.ndim == len(pattern) and all(isinstance(p, str) or p == s for p, s in zip(pattern, x.shape))
    if not ok:
        message = f"{owner!r} expects input of shape {format_shape(pattern)}, got {format_shape(x.shape)}"
        raise ValueError(message + (f"; {hint}" if hint else ""))
