"""A reproducible subset of real MNIST for the lessons (files found through ``zeronn.datasets.load_mnist``)."""

from __future__ import annotations

import numpy as np

from zeronn.datasets.mnist import load_mnist
from zeronn.datasets.sources import MNIST_MEAN, MNIST_STD
from zeronn.datasets.transforms import to_float

__all__ = ["mnist_subset"]


def mnist_subset(n_train: int, n_test: int, *, images: bool, seed: int = 0) -> tuple[np.ndarray, ...]:
    """``(x_train, y_train, x_test, y_test)``: ``n_train`` / ``n_test`` random MNIST digits, normalised float32.

    ``images=True`` gives (N, 1, 28, 28) for a CNN, else (N, 784) for an MLP.
    Pixels are standardised with MNIST's mean and standard deviation.

    Raises
    ------
    zeronn.datasets.DatasetNotFoundError
        When the MNIST files are neither in ``$ZERONN_DATA`` nor in the cache and cannot be downloaded.
    """
    (x_train, y_train), (x_test, y_test) = load_mnist()
    rng = np.random.default_rng(seed)
    train_index = rng.choice(len(x_train), size=min(n_train, len(x_train)), replace=False)
    test_index = rng.choice(len(x_test), size=min(n_test, len(x_test)), replace=False)

    def prepare(x: np.ndarray) -> np.ndarray:
        values = (to_float(x) - np.float32(MNIST_MEAN)) / np.float32(MNIST_STD)   # (N, 28, 28)
        return values.reshape(len(x), 1, 28, 28) if images else values.reshape(len(x), 784)

    return (prepare(x_train[train_index]), y_train[train_index].astype(np.int64),
            prepare(x_test[test_index]), y_test[test_index].astype(np.int64))
