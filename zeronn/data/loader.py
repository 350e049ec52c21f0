"""Mini-batches: cut a dataset into batches, in a new random order every epoch if asked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional, Union

import numpy as np

from zeronn._validation import check_positive_int
from zeronn.random import global_rng

__all__ = ["DataLoader", "as_sample_array"]

Batch = Union[np.ndarray, tuple[np.ndarray, np.ndarray]]


def as_sample_array(name: str, values: Any) -> np.ndarray:
    """Return ``values`` as an array whose first axis indexes samples; raise a clear error otherwise."""
    array = np.asarray(values)
    if array.dtype == object:
        raise TypeError(f"{name} must be a numeric array, got an array of Python objects "
                        "(rows of different lengths?)")
    if array.ndim == 0:
        raise ValueError(f"{name} must have a first axis of samples, got a scalar {array!r}")
    return array


class DataLoader:
    """Iterate over a dataset in mini-batches.

    Each pass (``for xb, yb in loader``) is one epoch.  With ``shuffle=True``
    every epoch draws a new permutation of the samples from the loader's own
    ``numpy.random.Generator``, so two loaders made with the same ``seed``
    give the same batches in the same order, epoch after epoch.

    Parameters
    ----------
    x : array_like of shape (n_samples, ...)
        Inputs; the first axis indexes samples.
    y : array_like of shape (n_samples, ...), optional
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
        order = self.rng.permutation(n) if self.shuffle else None
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            end = min(start + self.batch_size, n)
            if order is None:
                index: Any = slice(start, end)                    # a view, no copy
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
