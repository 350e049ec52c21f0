"""Real datasets: MNIST, Fashion-MNIST and scikit-learn's 8x8 digits, plus helpers to feed them to a network.

>>> from zeronn.datasets import load_mnist, to_float, as_images
>>> (x_train, y_train), (x_test, y_test) = load_mnist()     # doctest: +SKIP
>>> x_train = as_images(to_float(x_train))                  # doctest: +SKIP
>>> x_train.shape, x_train.dtype                            # doctest: +SKIP
((60000, 1, 28, 28), dtype('float32'))

Files are looked for in ``$ZERONN_DATA/<dataset>/``, then the cache
(``~/.cache/zeronn/<dataset>/``), then system folders, and downloaded (with
checksum verification) when missing.  See ``zeronn.datasets.locate``.
"""

from zeronn.data.memmap import csv_to_memmap, mnist_memmap
from zeronn.datasets.digits import load_digits
from zeronn.datasets.errors import DatasetError, DatasetNotFoundError
from zeronn.datasets.idx import read_idx, write_idx
from zeronn.datasets.locate import cache_dir
from zeronn.datasets.mnist import load_fashion_mnist, load_idx_dataset, load_mnist
from zeronn.datasets.sources import (
    FASHION_MNIST,
    FASHION_MNIST_CLASSES,
    FASHION_MNIST_MEAN,
    FASHION_MNIST_STD,
    MNIST,
    MNIST_CLASSES,
    MNIST_MEAN,
    MNIST_STD,
    DatasetFile,
    DatasetSpec,
)
from zeronn.datasets.transforms import as_images, normalize, to_float

__all__ = [
    "mnist_memmap",
    "csv_to_memmap",
    "load_mnist",
    "load_fashion_mnist",
    "load_digits",
    "load_idx_dataset",
    "to_float",
    "as_images",
    "normalize",
    "read_idx",
    "write_idx",
    "cache_dir",
    "DatasetError",
    "DatasetNotFoundError",
    "DatasetSpec",
    "DatasetFile",
    "MNIST",
    "FASHION_MNIST",
    "MNIST_CLASSES",
    "FASHION_MNIST_CLASSES",
    "MNIST_MEAN",
    "MNIST_STD",
    "FASHION_MNIST_MEAN",
    "FASHION_MNIST_STD",
]
