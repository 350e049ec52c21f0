"""Split a dataset into a training part and a test (or validation) part."""

from __future__ import annotations

import math
import numbers
from typing import Any, Optional, Union

import numpy as np

from zeronn.data.loader import as_sample_array
from zeronn.metrics import class_labels
from zeronn.random import RngLike, as_rng

__all__ = ["train_test_split"]


def _test_count(n: int, test_size: Union[float, int]) -> int:
    """Number of test samples: ceil(test_size * n) for a fraction, test_size itself for an int."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"test_size must be a fraction in (0, 1) or a number of samples, got {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test < n:
            raise ValueError(f"test_size={n_test} samples must be between 1 and {n - 1} for {n} samples")
        return n_test
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be a fraction in (0, 1) or a number of samples, got {test_size!r}")
    n_test = math.ceil(round(test_size * n, 9))        # round first: 0.1 * 30 is 3.0000000000000004
    if n_test >= n:
        raise ValueError(f"test_size={test_size} leaves no training samples out of {n}")
    return n_test


def _stratified_test_indices(labels: np.ndarray, n_test: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``n_test`` indices so each class is represented in proportion (largest-remainder rounding)."""
    classes, counts = np.unique(labels, return_counts=True)
    ideal = counts * (n_test / len(labels))                      # (n_classes,) fractional shares
    take = np.floor(ideal).astype(np.int64)
    shortfall = n_test - int(take.sum())
    if shortfall > 0:
        by_remainder = np.argsort(-(ideal - take), kind="stable")
        take[by_remainder[:shortfall]] += 1
    chosen = []
    for cls, k in zip(classes, take):
        members = np.flatnonzero(labels == cls)
        chosen.append(rng.permutation(members)[:k])
    return rng.permutation(np.concatenate(chosen))


def train_test_split(
    x: Any,
    y: Any = None,
    *,
    test_size: Union[float, int] = 0.2,
    shuffle: bool = True,
    stratify: bool = False,
    seed: RngLike = None,
) -> tuple[np.ndarray, ...]:
    """Split arrays into random train and test subsets.

    Parameters
    ----------
    x : array_like of shape (n_samples, ...)
    y : array_like of shape (n_samples, ...), optional
    test_size : float in (0, 1) or int, default 0.2
        Fraction of the samples (rounded up) or number of samples in the test part.
    shuffle : bool, default True
        Pick the test samples at random; with False the last ``test_size``
        samples are the test part (order kept).
    stratify : bool, default False
        Keep each class's share the same in both parts (``y`` must hold class
        labels or one-hot rows).
    seed : None, int or numpy.random.Generator
        Source of the random choice (None: the library-wide generator).

    Returns
    -------
    x_train, x_test : ndarray
        Without ``y``.
    x_train, x_test, y_train, y_test : ndarray
        With ``y`` (scikit-learn's order).
    """
    x = as_sample_array("x", x)
    y = None if y is None else as_sample_array("y", y)
    n = len(x)
    if y is not None and len(y) != n:
        raise ValueError(f"x and y must have the same number of samples, got {n} inputs and {len(y)} targets")
    if n < 2:
        raise ValueError(f"train_test_split needs at least 2 samples, got {n}")
    n_test = _test_count(n, test_size)
    train, test = _split_indices(n, n_test, y, shuffle=shuffle, stratify=stratify, seed=seed)
    if y is None:
        return x[train], x[test]
    return x[train], x[test], y[train], y[test]


def _split_indices(
    n: int, n_test: int, y: Optional[np.ndarray], *, shuffle: bool, stratify: bool, seed: RngLike
) -> tuple[np.ndarray, np.ndarray]:
    """Return (train indices, test indices); both in random order when shuffling."""
    if not shuffle:
        if stratify:
            raise ValueError("stratify=True needs shuffle=True")
        return np.arange(n - n_test), np.arange(n - n_test, n)
    rng = as_rng(seed)
    if not stratify:
        order = rng.permutation(n)
        return order[n_test:], order[:n_test]
    if y is None:
        raise ValueError("stratify=True needs the class labels y")
    test = _stratified_test_indices(class_labels(y), n_test, rng)
    is_test = np.zeros(n, dtype=bool)
    is_test[test] = True
    return rng.permutation(np.flatnonzero(~is_test)), test
