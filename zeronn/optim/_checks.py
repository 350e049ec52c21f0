"""Hyper-parameter checks shared by the optimizers and schedulers.

Messages follow ``torch.optim`` (``Invalid learning rate: -1.0``) and add what
was expected, so the fix is obvious.  Every check returns the value as a plain
Python ``float`` / ``bool``: NumPy scalars never reach the update rules, where
an ``np.float64`` would silently promote float32 work to float64.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = ["check_lr", "check_at_least_zero", "check_fraction", "check_betas", "check_flag"]


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_lr(lr: Any) -> float:
    """Return ``lr`` as a float, or raise ``ValueError`` unless it is a finite number > 0."""
    if not _is_real(lr) or lr <= 0:
        raise ValueError(f"Invalid learning rate: {lr!r} (expected a number > 0, e.g. lr=0.01)")
    return float(lr)


def check_at_least_zero(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise unless it is a finite number >= 0."""
    if not _is_real(value) or value < 0:
        raise ValueError(f"Invalid {name} value: {value!r} (expected a number >= 0)")
    return float(value)


def check_fraction(name: str, value: Any, *, include_one: bool = False) -> float:
    """Return ``value`` as a float in [0, 1) (or [0, 1] with ``include_one``), or raise."""
    high_ok = (value <= 1) if include_one else (value < 1)
    if not _is_real(value) or value < 0 or not high_ok:
        interval = "[0, 1]" if include_one else "[0, 1)"
        raise ValueError(f"Invalid {name} value: {value!r} (expected a number in {interval})")
    return float(value)


def check_betas(betas: Any) -> tuple[float, float]:
    """Return ``betas`` as a pair of floats, each in [0, 1), or raise."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"Invalid betas: {betas!r} (expected a pair (beta1, beta2), e.g. (0.9, 0.999))")
    for index, beta in enumerate(betas):
        if not _is_real(beta) or not 0 <= beta < 1:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta!r} (expected a number in [0, 1))")
    return float(betas[0]), float(betas[1])


def check_flag(name: str, value: Any) -> bool:
    """Return ``value`` if it is a bool, or raise ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)
