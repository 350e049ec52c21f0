"""Datasets as memory-mapped ``.npy`` files: written once, then opened in a blink and read page by page.

A memory map (``np.memmap``) is an array whose numbers stay in a file: the
operating system reads the pages that are touched and may drop them again
when memory is short.  Training from one keeps only the current batch in the
process's own memory, so a dataset can be far larger than the RAM.

>>> from zeronn.data import write_memmap, open_memmap
>>> write_memmap("big/x.npy", batches_of_rows, shape=(10_000_000, 784), dtype="uint8")   # doctest: +SKIP
>>> x = open_memmap("big/x.npy")                    # np.memmap, nothing read yet
>>> zeronn.fit(model, x, y, ...)                    # doctest: +SKIP

The files are standard ``.npy`` files (``np.load(path, mmap_mode="r")``
opens them too).  ``mnist_memmap`` converts MNIST or Fashion-MNIST once and
reuses the files afterwards; ``csv_to_memmap`` streams a CSV file of any
size into a features file and a labels file, a few thousand rows at a time.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from typing import Any, Literal, Optional, Union

import numpy as np

from zeronn.data.csv import finite_number, spells_number

__all__ = ["write_memmap", "open_memmap", "mnist_memmap", "csv_to_memmap"]

PathLike = Union[str, "os.PathLike[str]"]


def _temporary(path: str) -> str:
    return f"{path}.partial-{os.getpid()}"


def write_memmap(path: PathLike, data: Any, *, shape: Optional[tuple[int, ...]] = None,
                 dtype: Any = None) -> np.memmap:
    """Write ``data`` to the ``.npy`` file ``path`` (atomically) and return it opened read-only as a memmap.

    Parameters
    ----------
    path : str or os.PathLike
    data : array_like, or an iterable of row blocks
        An array is written as it is.  An iterable (a generator, a list of
        arrays) gives consecutive blocks of rows, each of shape (rows, ...):
        only one block needs to be in memory, so the file may be larger than RAM.
    shape, dtype : optional
        Needed with an iterable: the whole array's shape and dtype.

    Returns
    -------
    np.memmap
        The written file, read-only.

    Raises
    ------
    ValueError
        Blocks whose shapes do not add up to ``shape``.
    """
    path = os.fspath(path)
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    blockwise = isinstance(data, Iterable) and not isinstance(data, np.ndarray) and not (
        isinstance(data, (list, tuple)) and shape is None)
    if not blockwise:
        array = np.asarray(data, dtype=dtype)
        blocks: Iterable[Any] = [array]
        shape, dtype = array.shape, array.dtype
    else:
        if shape is None or dtype is None:
            raise ValueError(f"write_memmap({path!r}): writing blocks of rows needs shape= and dtype= of the whole")
        blocks = data
    shape = tuple(int(d) for d in shape)
    temporary = _temporary(path)
    out = np.lib.format.open_memmap(temporary, mode="w+", dtype=np.dtype(dtype), shape=shape)
    try:
        row = 0
        for block in blocks:
            block = np.asarray(block)
            if block.shape[1:] != shape[1:] or row + len(block) > shape[0]:
                raise ValueError(f"write_memmap({path!r}): a block of shape {block.shape} does not fit rows "
                                 f"{row}.. of an array of shape {shape}")
            out[row:row + len(block)] = block
            row += len(block)
        if row != shape[0]:
            raise ValueError(f"write_memmap({path!r}): the blocks gave {row} rows, shape says {shape[0]}")
        out.flush()
        del out
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return open_memmap(path)


def open_memmap(path: PathLike, mode: Literal["r", "r+", "c"] = "r") -> np.memmap:
    """Open a ``.npy`` file as a memmap (read-only by default); nothing is read until it is used.

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        Not a ``.npy`` file (the message names it).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"memmap file not found: {path}")
    try:
        array = np.load(path, mmap_mode=mode, allow_pickle=False)
    except ValueError as error:
        raise ValueError(f"{path} is not a .npy array file: {error}") from None
    if not isinstance(array, np.memmap):
        raise ValueError(f"{path} cannot be memory-mapped (an object array?)")
    return array


# ---------------------------------------------------------------------------------------- MNIST
def _mnist_folder(name: str, folder: Optional[PathLike]) -> str:
    if folder is not None:
        return os.fspath(folder)
    from zeronn.datasets import FASHION_MNIST, MNIST, cache_dir

    spec = MNIST if name == "mnist" else FASHION_MNIST
    return os.path.join(str(cache_dir(spec)), "memmap")


def mnist_memmap(name: str = "mnist", split: str = "train", *, folder: Optional[PathLike] = None,
                 data_dir: Optional[PathLike] = None) -> tuple[np.memmap, np.memmap]:
    """MNIST or Fashion-MNIST as memmaps: ``x`` uint8 (n, 1, 28, 28) and ``y`` int64 (n,).

    The first call reads the IDX files (``zeronn.datasets.load_mnist``) and
    writes ``<name>-<split>-x.npy`` and ``-y.npy`` into ``folder`` (default: the
    dataset's cache folder, ``.../memmap``); later calls only open them.

    Parameters
    ----------
    name : {"mnist", "fashion-mnist"}
    split : {"train", "test"}
    folder : str or os.PathLike, optional
    data_dir : str or os.PathLike, optional
        Where the IDX files are (as ``load_mnist``'s ``data_dir``).
    """
    if name not in ("mnist", "fashion-mnist"):
        raise ValueError(f"mnist_memmap: name must be 'mnist' or 'fashion-mnist', got {name!r}")
    if split not in ("train", "test"):
        raise ValueError(f"mnist_memmap: split must be 'train' or 'test', got {split!r}")
    root = _mnist_folder(name, folder)
    x_path, y_path = (os.path.join(root, f"{name}-{split}-{part}.npy") for part in ("x", "y"))
    if not (os.path.isfile(x_path) and os.path.isfile(y_path)):
        from zeronn.datasets import load_fashion_mnist, load_mnist

        loader = load_mnist if name == "mnist" else load_fashion_mnist
        train, test = loader(data_dir=data_dir)
        x, y = train if split == "train" else test
        write_memmap(y_path, np.asarray(y, dtype=np.int64))
        write_memmap(x_path, np.asarray(x, dtype=np.uint8)[:, None])              # (n, 1, 28, 28)
    return open_memmap(x_path), open_memmap(y_path)


# ---------------------------------------------------------------------------------------- CSV
def _csv_rows(path: str, delimiter: str) -> Iterable[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        try:
            yield from csv.reader(handle, delimiter=delimiter)
        except UnicodeDecodeError as error:
            raise ValueError(f"{path} is not valid utf-8 text ({error.reason} at byte {error.start} of a block); "
                             "convert it first, or read it with zeronn.data.read_csv(path, encoding=...)") from None


def _is_number(text: str) -> bool:
    """Whether ``text`` is a finite number that fits float32 (the same rule as ``zeronn.data.read_csv``)."""
    value = finite_number(text)
    return value is not None and abs(value) <= np.finfo(np.float32).max


def csv_to_memmap(csv_path: PathLike, folder: PathLike, *, label_column: Union[int, str] = -1,
                  delimiter: str = ",", block_rows: int = 10_000) -> tuple[np.memmap, np.memmap, list[str]]:
    """Stream a CSV file of any size into ``folder/x.npy`` (float32 features) and ``folder/y.npy`` (int64 labels).

    Two passes over the file: the first counts the rows and collects the label
    names, the second fills the memmaps ``block_rows`` rows at a time.  A
    header line is recognised (its cells are not all numbers) and skipped.
    Labels are numbered in sorted order; ``folder/classes.json`` keeps their names.
    If the three files exist already they are opened instead.

    Returns
    -------
    x : np.memmap of float32, shape (n, n_features)
    y : np.memmap of int64, shape (n,)
    classes : list of str
        ``classes[y[i]]`` is the label of row i.

    Raises
    ------
    ValueError
        Rows of different lengths or a feature that is not a number (naming the line and column).
    """
    folder, csv_path = os.fspath(folder), os.fspath(csv_path)
    paths = [os.path.join(folder, name) for name in ("x.npy", "y.npy", "classes.json")]
    if all(os.path.isfile(p) for p in paths):
        with open(paths[2], encoding="utf-8") as handle:
            return open_memmap(paths[0]), open_memmap(paths[1]), list(json.load(handle))
    first = next(iter(_csv_rows(csv_path, delimiter)), None)
    if first is None:
        raise ValueError(f"{csv_path} is empty")
    header = isinstance(label_column, str) or not all(
        spells_number(cell) for i, cell in enumerate(first) if i != _label_index(first, label_column, None))
    label = _label_index(first, label_column, first if header else None)
    features = [i for i in range(len(first)) if i != label]
    count, labels = _first_pass(csv_path, delimiter, header, len(first), label)
    classes = sorted(labels, key=lambda v: (not _is_number(v), float(v) if _is_number(v) else 0.0, v))
    os.makedirs(folder, exist_ok=True)
    temporary = [_temporary(p) for p in paths[:2]]
    x = np.lib.format.open_memmap(temporary[0], mode="w+", dtype=np.float32, shape=(count, len(features)))
    y = np.lib.format.open_memmap(temporary[1], mode="w+", dtype=np.int64, shape=(count,))
    try:
        _second_pass(csv_path, delimiter, header, features, label, {name: k for k, name in enumerate(classes)},
                     x, y, block_rows)
        x.flush()
        y.flush()
        del x, y
        for done, path in zip(temporary, paths):
            os.replace(done, path)
    except BaseException:
        for path in temporary:
            if os.path.exists(path):
                os.remove(path)
        raise
    with open(paths[2], "w", encoding="utf-8") as handle:
        json.dump(classes, handle)
    return open_memmap(paths[0]), open_memmap(paths[1]), classes


def _first_pass(path: str, delimiter: str, header: bool, width: int, label: int) -> tuple[int, set[str]]:
    """Number of data rows and the set of label names (checking that every row has ``width`` cells)."""
    count, labels = 0, set()
    rows = iter(_csv_rows(path, delimiter))
    if header:
        next(rows)
    for line, row in enumerate(rows, start=2 if header else 1):
        if len(row) != width:
            raise ValueError(f"{path}, line {line}: {len(row)} cells, the first row has {width}")
        labels.add(row[label])
        count += 1
    return count, labels


def _second_pass(path: str, delimiter: str, header: bool, features: list[int], label: int,
                 number: dict[str, int], x: np.ndarray, y: np.ndarray, block_rows: int) -> None:
    """Fill ``x`` and ``y`` from the rows, ``block_rows`` rows at a time."""
    rows = iter(_csv_rows(path, delimiter))
    if header:
        next(rows)
    block: list[list[float]] = []
    codes: list[int] = []
    start = 0
    for line, row in enumerate(rows, start=2 if header else 1):
        bad = next((i for i in features if not _is_number(row[i])), None)
        if bad is not None:
            raise ValueError(f"{path}, line {line}, column {bad + 1}: {row[bad]!r} is not a finite number "
                             "(nan, inf and values beyond float32 are refused)")
        block.append([float(row[i]) for i in features])
        codes.append(number[row[label]])
        if len(block) == block_rows:
            x[start:start + len(block)] = block                                 # (block_rows, n_features)
            y[start:start + len(block)] = codes
            start, block, codes = start + len(block), [], []
    if block:
        x[start:start + len(block)] = block
        y[start:start + len(block)] = codes


def _label_index(first: list[str], label_column: Union[int, str], names: Optional[list[str]]) -> int:
    if isinstance(label_column, str):
        if names is None or label_column not in names:
            raise ValueError(f"label column {label_column!r} is not in the CSV header {names}")
        return names.index(label_column)
    index = label_column % len(first) if -len(first) <= label_column < len(first) else None
    if index is None:
        raise ValueError(f"label_column={label_column} is out of range for rows of {len(first)} cells")
    return index
