"""Mini-batches: cut a dataset into batches, in a new random order every epoch if asked.

A dataset can be an array, an ``np.memmap`` (a file on disk read page by
page: only the rows of the current batch are ever in memory), or any object
with ``__len__`` and ``__getitem__`` that accepts an array of sample numbers
and returns that batch (as a PyTorch ``Dataset`` that supports batched
indexing does)::

    class Squares:
        def __len__(self):
            return 1_000_000
        def __getitem__(self, index):             # index: int array (batch,)
            x = np.asarray(index, np.float32)[:, None]
            return x, x ** 2                      # or just the inputs

A dataset that returns ``(inputs, targets)`` pairs is given alone
(``fit(model, dataset, None, ...)``); ``DatasetView`` wraps such objects so
that the training loop reads them like arrays, batch by batch, without ever
copying the whole dataset into memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional, Union

import numpy as np

from zeronn._validation import check_positive_int
from zeronn.random import global_rng

__all__ = ["DataLoader", "DatasetView", "as_sample_array", "inputs_and_targets", "is_dataset", "paired_views",
           "split_rows"]

Batch = Union[np.ndarray, tuple[np.ndarray, np.ndarray]]


def is_dataset(values: Any) -> bool:
    """True for an object that is not an array or a list but has ``__len__`` and ``__getitem__`` (a dataset)."""
    if isinstance(values, (np.ndarray, list, tuple, str, bytes, dict)) or isinstance(values, DatasetView):
        return False
    return hasattr(values, "__len__") and hasattr(values, "__getitem__")


class _LastBatch:
    """The most recent batch read from a pair dataset, so that its inputs and targets come from one read."""

    def __init__(self) -> None:
        self.positions: Optional[np.ndarray] = None
        self.batch: Any = None


class DatasetView:
    """An array-like window onto a dataset object: ``len``, ``shape``, ``dtype`` and batches by index.

    ``view[index]`` with an array of positions, a slice or an int reads just
    those samples (``dataset[positions]``) and returns them as an array;
    ``view.rows(start, stop)`` is a view of a contiguous part (for a
    validation split), reading nothing.  Nothing ever reads the whole dataset.

    Parameters
    ----------
    dataset : object with __len__ and __getitem__(int array)
    name : str
        What the dataset is called in error messages ("x", "dataset").
    field : int, optional
        For a dataset returning tuples: which part this view gives (0 inputs, 1 targets).
    """

    def __init__(self, dataset: Any, name: str = "x", *, field: Optional[int] = None,
                 positions: Optional[np.ndarray] = None, shared: Optional[_LastBatch] = None) -> None:
        self.dataset = dataset
        self.name = name
        self.field = field
        self._positions = positions                               # (len,) dataset sample numbers, or all
        self._shared = shared
        self._sample: Optional[np.ndarray] = None

    # ------------------------------------------------------------------ array-like facts
    def __len__(self) -> int:
        return len(self.dataset) if self._positions is None else len(self._positions)

    def _first(self) -> np.ndarray:
        if self._sample is None:
            self._sample = self[np.arange(1)] if len(self) else np.zeros((0,))
        return self._sample

    @property
    def shape(self) -> tuple[int, ...]:
        return (len(self), *self._first().shape[1:])

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        """Number of values (as ndarray.size), computed from the shape: nothing is read."""
        return int(np.prod(self.shape))

    @property
    def dtype(self) -> np.dtype:
        return self._first().dtype

    # ------------------------------------------------------------------ reading
    def _dataset_positions(self, key: Any) -> np.ndarray:
        n = len(self)
        if isinstance(key, slice):
            local = np.arange(n)[key]
        elif isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            local = np.array([key])
        else:
            local = np.asarray(key)
            if local.dtype == bool:
                local = np.flatnonzero(local)
            if local.dtype.kind not in "iu":
                raise TypeError(f"{self.name}: a dataset is indexed by sample numbers, got {local.dtype} values")
        return local if self._positions is None else self._positions[local]

    def _read(self, positions: np.ndarray) -> Any:
        shared = self._shared
        if shared is not None and shared.positions is not None and np.array_equal(shared.positions, positions):
            return shared.batch
        batch = self.dataset[positions]
        if shared is not None:
            shared.positions, shared.batch = positions.copy(), batch
        return batch

    def __getitem__(self, key: Any) -> np.ndarray:
        positions = self._dataset_positions(key)                  # (batch,)
        batch = self._read(positions)
        if self.field is not None:
            if not isinstance(batch, (tuple, list)) or len(batch) <= self.field:
                raise TypeError(f"{self.name}: the dataset's batches must be (inputs, targets) pairs, "
                                f"got {type(batch).__name__}")
            batch = batch[self.field]
        array = np.asarray(batch)                                  # one batch only
        if array.ndim == 0 or len(array) != len(positions):
            raise ValueError(f"{self.name}: dataset[{len(positions)} sample numbers] must return {len(positions)} "
                             f"samples along its first axis, got shape {array.shape}")
        if isinstance(key, (int, np.integer)):
            return array[0]
        return array

    def rows(self, start: int, stop: int) -> "DatasetView":
        """The samples start..stop-1 as a new view (nothing is read)."""
        own = np.arange(len(self)) if self._positions is None else self._positions
        return DatasetView(self.dataset, self.name, field=self.field, positions=own[start:stop], shared=self._shared)

    def __repr__(self) -> str:
        return f"DatasetView({type(self.dataset).__name__}, samples={len(self)}, field={self.field})"


def _returns_pairs(dataset: Any) -> bool:
    if len(dataset) == 0:
        return False
    first = dataset[np.arange(1)]
    return isinstance(first, (tuple, list)) and len(first) == 2


def paired_views(dataset: Any, name: str = "dataset") -> tuple[DatasetView, DatasetView]:
    """Inputs and targets views of a dataset returning ``(inputs, targets)``; each batch is read once."""
    shared = _LastBatch()
    return (DatasetView(dataset, f"{name} inputs", field=0, shared=shared),
            DatasetView(dataset, f"{name} targets", field=1, shared=shared))


def split_rows(values: Any, start: int, stop: Optional[int] = None) -> Any:
    """Rows start..stop-1 of an array (a view, no copy) or of a ``DatasetView`` (a view, nothing read)."""
    stop = len(values) if stop is None else stop
    if isinstance(values, DatasetView):
        return values.rows(start, stop)
    return values[start:stop]


def as_sample_array(name: str, values: Any) -> Any:
    """``values`` as something whose first axis indexes samples; raise a clear error otherwise.

    Arrays and memmaps come back as arrays sharing their memory (never
    copied); lists become arrays; a dataset object becomes a ``DatasetView``
    (of its inputs, when it returns pairs).
    """
    if isinstance(values, DatasetView):
        return values
    if is_dataset(values):
        if _returns_pairs(values):
            return paired_views(values, name)[0]
        return DatasetView(values, name)
    array = np.asarray(values)                                    # an array or memmap: the same memory
    if array.dtype == object:
        raise TypeError(f"{name} must be a numeric array, got an array of Python objects "
                        "(rows of different lengths?)")
    if array.ndim == 0:
        raise ValueError(f"{name} must have a first axis of samples, got a scalar {array!r}")
    return array


def inputs_and_targets(x: Any, y: Any, x_name: str = "x") -> tuple[Any, Any]:
    """(x, y) ready for batching: a pair dataset given as ``x`` with ``y=None`` is split into two views."""
    if y is None and is_dataset(x) and _returns_pairs(x):
        return paired_views(x, x_name)
    return x, y


class DataLoader:
    """Iterate over a dataset in mini-batches.

    Each pass (``for xb, yb in loader``) is one epoch.  With ``shuffle=True``
    every epoch draws a new permutation of the samples from the loader's own
    ``numpy.random.Generator``, so two loaders made with the same ``seed``
    give the same batches in the same order, epoch after epoch.

    Only one batch is in memory at a time: ``x`` and ``y`` may be memmaps or
    dataset objects (see the module docstring), read batch by batch.

    Parameters
    ----------
    x : array_like, np.memmap or dataset of shape (n_samples, ...)
        Inputs; the first axis indexes samples.  A dataset returning
        ``(inputs, targets)`` pairs is given here with ``y=None``.
    y : array_like, np.memmap or dataset of shape (n_samples, ...), optional
        Targets.  Without ``y`` the loader yields input batches alone.
    batch_size : int, default 32
        Samples per batch.  The last batch is smaller when ``n_samples`` is
        not a multiple of it, unless ``drop_last``.
    shuffle : bool, default False
        Visit the samples in a new random order every epoch.
    drop_last : bool, default False
        Skip the last, incomplete batch.
    seed : int, optional
        Seed of the loader's own shuffling generator.
    rng : numpy.random.Generator, optional
        A generator to shuffle with instead (shared, not copied).  Give
        ``seed`` or ``rng``, not both; with neither, the loader's generator
        is seeded from the library-wide one (see ``zeronn.manual_seed``).

    Yields
    ------
    xb : ndarray of shape (batch, ...)
        Without ``y``.
    (xb, yb) : tuple of ndarrays of shape (batch, ...)
        With ``y``.

    Examples
    --------
    >>> loader = DataLoader(x, y, batch_size=64, shuffle=True, seed=0)
    >>> len(loader)                 # batches per epoch
    >>> for xb, yb in loader: ...
    """

    def __init__(
        self,
        x: Any,
        y: Any = None,
        batch_size: int = 32,
        shuffle: bool = False,
        drop_last: bool = False,
        *,
        seed: Optional[int] = None,
        rng: Optional[np.random.Generator] = None,
    ) -> None:
        self.batch_size = check_positive_int("DataLoader batch_size", batch_size)
        x, y = inputs_and_targets(x, y)
        self.x = as_sample_array("x", x)
        self.y = None if y is None else as_sample_array("y", y)
        if self.y is not None and len(self.y) != len(self.x):
            raise ValueError(
                f"x and y must have the same number of samples, got {len(self.x)} inputs and {len(self.y)} targets"
            )
        if len(self.x) == 0:
            raise ValueError("DataLoader got an empty dataset (x has 0 samples)")
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.rng = self._make_rng(seed, rng)

    def _make_rng(self, seed: Optional[int], rng: Optional[np.random.Generator]) -> Optional[np.random.Generator]:
        if seed is not None and rng is not None:
            raise ValueError("DataLoader takes seed= or rng=, not both")
        if rng is not None:
            if not isinstance(rng, np.random.Generator):
                raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
            return rng
        if seed is not None:
            if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
                raise TypeError(f"seed must be an int, got {type(seed).__name__}")
            return np.random.default_rng(int(seed))
        if not self.shuffle:
            return None                      # nothing to draw: leave the library-wide generator untouched
        return np.random.default_rng(int(global_rng().integers(2**63)))

    @property
    def num_samples(self) -> int:
        """Number of samples in the dataset."""
        return len(self.x)

    def __len__(self) -> int:
        """Number of batches per epoch."""
        full, rest = divmod(self.num_samples, self.batch_size)
        return full if self.drop_last or rest == 0 else full + 1

    def __iter__(self) -> Iterator[Batch]:
        n = self.num_samples
        order = self.rng.permutation(n) if self.shuffle and self.rng is not None else None
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            end = min(start + self.batch_size, n)
            if order is None:
                index: Any = slice(start, end)                    # a view of an array, no copy
            else:
                index = order[start:end]                          # (batch,) sample numbers
            xb = self.x[index]
            yield xb if self.y is None else (xb, self.y[index])

    # ------------------------------------------------------------------ state (for exact resume)
    def state_dict(self) -> dict[str, Any]:
        """Return the shuffling generator's state (JSON values), for checkpoints."""
        return {"rng": None if self.rng is None else self.rng.bit_generator.state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore the shuffling generator's state saved by ``state_dict``."""
        if state.get("rng") is not None and self.rng is not None:
            self.rng.bit_generator.state = state["rng"]

    def __repr__(self) -> str:
        return (f"DataLoader(num_samples={self.num_samples}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")
