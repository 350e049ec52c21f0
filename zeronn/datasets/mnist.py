"""MNIST and Fashion-MNIST: 70,000 grey 28x28 images each, in 10 classes.

>>> from zeronn.datasets import load_mnist, to_float, as_images
>>> (x_train, y_train), (x_test, y_test) = load_mnist()          # doctest: +SKIP
>>> x_train.shape, x_train.dtype, y_train[:5]                    # doctest: +SKIP
((60000, 28, 28), dtype('uint8'), array([5, 0, 4, 1, 9], dtype=uint8))
>>> x = as_images(to_float(x_train))                             # doctest: +SKIP
>>> x.shape, x.dtype                                             # doctest: +SKIP
((60000, 1, 28, 28), dtype('float32'))

The files are searched as described in ``zeronn.datasets.locate`` (the
``ZERONN_DATA`` folder, the cache, system folders) and downloaded into the
cache when missing.  Every file is checked (IDX structure and checksum) each
time it is read: a damaged file raises ``DatasetError`` and is never used.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

import numpy as np

from zeronn.datasets.download import DEFAULT_TIMEOUT, download_file
from zeronn.datasets.errors import DatasetError, DatasetNotFoundError
from zeronn.datasets.idx import read_idx
from zeronn.datasets.locate import CACHE_ENV, DATA_ENV, download_dir, find_file, search_dirs
from zeronn.datasets.sources import FASHION_MNIST, MNIST, DatasetFile, DatasetSpec

__all__ = ["load_mnist", "load_fashion_mnist", "load_idx_dataset"]

PathLike = Union[str, "os.PathLike[str]"]
Split = tuple[np.ndarray, np.ndarray]


def load_mnist(*, data_dir: Optional[PathLike] = None, download: bool = True) -> tuple[Split, Split]:
    """Load MNIST, the handwritten digits 0-9 (LeCun, Cortes and Burges; CC BY-SA 3.0).

    Parameters
    ----------
    data_dir : str or path, optional
        Look only in ``data_dir/mnist/`` and ``data_dir/`` (and download there).
        By default: ``$ZERONN_DATA/mnist/``, ``$ZERONN_DATA/``, then the cache
        ``~/.cache/zeronn/mnist/`` (``$ZERONN_CACHE/mnist/`` when set).
    download : bool, default True
        Download missing files from the official mirrors into the cache
        (or ``data_dir``), verifying their checksums.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x_*``: uint8 arrays of shape (60000, 28, 28) and (10000, 28, 28),
        pixel values 0 (background) to 255 (ink);
        ``y_*``: uint8 labels of shape (60000,) and (10000,), values 0-9.

    Raises
    ------
    DatasetNotFoundError
        The files are nowhere to be found and could not be downloaded; the
        message says where to place them by hand.
    DatasetError
        A file is truncated, corrupt or fails its checksum.
    """
    return load_idx_dataset(MNIST, data_dir=data_dir, download=download)


def load_fashion_mnist(*, data_dir: Optional[PathLike] = None, download: bool = True) -> tuple[Split, Split]:
    """Load Fashion-MNIST, 28x28 photos of clothing in 10 classes (Zalando Research; MIT licence).

    Same conventions as ``load_mnist`` (folder ``fashion-mnist/``); also found in
    ``/usr/share/datasets/fashion-mnist`` where Debian's ``dataset-fashion-mnist``
    package installs it.  Class names: ``FASHION_MNIST_CLASSES[label]``.
    """
    return load_idx_dataset(FASHION_MNIST, data_dir=data_dir, download=download)


def load_idx_dataset(
    spec: DatasetSpec,
    *,
    data_dir: Optional[PathLike] = None,
    download: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> tuple[Split, Split]:
    """Find (or download), verify and read the four IDX files of ``spec``.

    ``load_mnist`` and ``load_fashion_mnist`` are this function with their
    ``DatasetSpec``; pass your own spec (e.g. ``dataclasses.replace(MNIST,
    mirrors=(...,))``) to use other mirrors.
    """
    dirs = search_dirs(spec, data_dir)
    paths = {file: find_file(file, dirs) for file in spec.files}
    missing = [file for file, path in paths.items() if path is None]
    if missing:
        target = download_dir(spec, data_dir)
        if not download:
            raise DatasetNotFoundError(_not_found_message(spec, dirs, missing, target, attempts=None))
        for file in missing:
            urls = [mirror + file.name + ".gz" for mirror in spec.mirrors]
            try:
                paths[file] = download_file(urls, target / f"{file.name}.gz", file, timeout=timeout)
            except DatasetNotFoundError as error:
                message = _not_found_message(spec, dirs, missing, target, attempts=str(error))
                raise DatasetNotFoundError(message) from None
    # the small label files first, so that a damaged or mismatched dataset is reported quickly
    train_labels, test_labels = (_read(spec, file, paths[file]) for file in (spec.train_labels, spec.test_labels))
    train_images, test_images = (_read(spec, file, paths[file]) for file in (spec.train_images, spec.test_images))
    return (train_images, train_labels), (test_images, test_labels)


def _read(spec: DatasetSpec, file: DatasetFile, path: Optional[Path]) -> np.ndarray:
    """Read one file with every check; labels must name a class."""
    if path is None:
        raise DatasetError(f"{spec.name}: no file found for {file.name}")
    try:
        array = read_idx(path, expected_shape=file.shape, expected_dtype=np.uint8, checksums=file.checksums)
    except DatasetError as error:
        hint = ""
        if path.parent.name != spec.name:
            hint = (f" (if {path.parent} holds the files of another dataset, give each dataset its own "
                    f"subfolder: {path.parent / spec.name})")
        raise DatasetError(f"{spec.title}: {error}{hint}") from None
    if array.ndim == 1 and spec.classes and array.size and int(array.max()) >= len(spec.classes):
        raise DatasetError(
            f"{spec.title}: {path}: label {int(array.max())} found, but there are only "
            f"{len(spec.classes)} classes (0-{len(spec.classes) - 1})"
        )
    return array


def _not_found_message(
    spec: DatasetSpec, dirs: list[tuple[Path, str]], missing: list[DatasetFile], target: Path,
    attempts: Optional[str],
) -> str:
    names = ", ".join(f"{file.name}.gz" for file in missing)
    searched = "\n".join(f"  {folder}   ({origin})" for folder, origin in dirs)
    lines = [f"{spec.title} not found: missing {names}.", "Searched, in order:", searched]
    if attempts is None:
        lines.append("Downloading is switched off (download=False).")
    else:
        lines.append("Downloading failed (no internet?): " + attempts)
    lines += [
        "To install the files by hand, download these files from "
        + ", ".join(spec.mirrors[:2] or (spec.homepage,))
        + " (or any copy with the same content):",
        "  " + ", ".join(f"{file.name}.gz" for file in spec.files),
        "and place them, still gzip-compressed (or decompressed, with the same names without .gz), in",
        f"  {target}",
        f"or in a folder of your choice, say D, as D/{spec.name}/ and set the environment variable "
        f"{DATA_ENV}=D (or pass data_dir=D). The cache folder can be moved with {CACHE_ENV}.",
    ]
    return "\n".join(lines)
