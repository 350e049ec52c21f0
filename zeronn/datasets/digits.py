"""A tiny offline dataset for quick demos: scikit-learn's bundled 8x8 handwritten digits.

1,797 images of the digits 0-9 (UCI "Optical Recognition of Handwritten
Digits"), each 8x8 pixels.  They ship inside scikit-learn, so this works with
no download at all; it needs ``pip install scikit-learn`` (``zeronn[digits]``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from zeronn._validation import check_in_range
from zeronn.random import RngLike, as_rng

__all__ = ["load_digits"]

Split = tuple[np.ndarray, np.ndarray]

_MAX_PIXEL = 16          # scikit-learn's digits are counts 0-16 (pixels of a 32x32 bitmap per 4x4 block)


def _sklearn_digits() -> Any:
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError as error:
        raise ImportError(
            "load_digits needs scikit-learn, which bundles the 8x8 digits: pip install scikit-learn "
            "(or pip install 'zeronn[digits]'). Without it, use load_mnist() (downloads 11 MB once)."
        ) from error
    return sklearn_load_digits()


def load_digits(*, test_size: float = 0.2, rng: RngLike = 0) -> tuple[Split, Split]:
    """Load the 8x8 digits, shuffled and split into train and test sets.

    Same conventions as ``load_mnist``: uint8 images with values 0-255 (the
    original 0-16 scaled by 255/16 and rounded, so ``to_float`` gives [0, 1])
    and uint8 labels 0-9.

    Parameters
    ----------
    test_size : float in (0, 1), default 0.2
        Fraction of the 1,797 images put in the test set (rounded up: 360).
    rng : None, int or numpy.random.Generator, default 0
        Source of the shuffle; the default seed gives the same split every time.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x_*`` uint8 of shape (n, 8, 8), ``y_*`` uint8 of shape (n,).

    Raises
    ------
    ImportError
        scikit-learn is not installed (the message says how to install it).
    """
    test_size = check_in_range("test_size", test_size, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    digits = _sklearn_digits()
    images = np.rint(np.asarray(digits.images) * (255.0 / _MAX_PIXEL)).astype(np.uint8)   # (1797, 8, 8)
    labels = np.asarray(digits.target).astype(np.uint8)                                     # (1797,)
    order = as_rng(rng).permutation(len(labels))
    n_test = math.ceil(test_size * len(labels))
    test, train = order[:n_test], order[n_test:]
    return (images[train], labels[train]), (images[test], labels[test])
