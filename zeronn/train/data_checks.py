"""Checks of the data given to ``fit``, ``evaluate`` and ``predict``, before any training starts.

Each check raises a ``ValueError`` or ``TypeError`` that names the function
and the argument (``fit: y holds 2 NaN or infinite values, the first in
sample 17``), so a mistake in the data is caught before the first epoch and
never shows up later as a ZeroDivisionError or a NaN loss.

What is checked:

- ``x`` and ``y`` hold real numbers (bool, int or float; see
  ``zeronn._validation.real_array``), with a first axis of samples;
- they have the same number of samples, and at least one;
- they hold no NaN or infinity;
- validation data obeys the same rules, and ``validation_split`` leaves
  samples on both sides;
- integer class labels fit the model's output (``check_labels_fit_output``:
  label 7 for a model with 3 outputs is an error, with or without a loss).

Memory: in-memory arrays are scanned in blocks of about ``SCAN_ELEMENTS``
values (no full-size temporary); a ``numpy.memmap`` or a dataset object
(see ``zeronn.data.loader``) is never read whole: only its first and last
``SAMPLE_ROWS`` samples are checked (a NaN in the middle of a file on disk
is caught later, batch by batch, by the NaN-loss diagnosis).
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from zeronn._validation import format_shape, real_array
from zeronn.data.loader import DatasetView, as_sample_array, inputs_and_targets, is_dataset

__all__ = [
    "SCAN_ELEMENTS",
    "SAMPLE_ROWS",
    "sample_array",
    "check_finite_samples",
    "check_data_pair",
    "check_inputs",
    "check_validation_pair",
    "check_validation_data",
    "split_point",
    "check_labels_fit_output",
]

#: Values scanned at once when looking for NaN/inf in an in-memory array (bounds the temporary).
SCAN_ELEMENTS = 1 << 22
#: Samples scanned at each end of a memory-mapped array.
SAMPLE_ROWS = 1024


def _is_on_disk(values: np.ndarray) -> bool:
    """A memory-mapped array (or a view of one): reading all of it could mean reading gigabytes."""
    if isinstance(values, DatasetView):
        return True                                               # a dataset object: maybe far larger than memory
    base: Any = values
    while base is not None:
        if isinstance(base, np.memmap):
            return True
        base = getattr(base, "base", None) if isinstance(base, np.ndarray) else None
    return False


def sample_array(where: str, name: str, values: Any) -> Any:
    """``values`` as an array of real numbers with a first axis of samples, or an error naming ``name``.

    A memory map stays a memory map and a dataset object becomes a
    ``DatasetView`` read batch by batch (only a few samples are read here,
    to check their kind).
    """
    if values is None:
        raise ValueError(f"{where}: {name} is None; give an array with one row per sample")
    if isinstance(values, DatasetView) or is_dataset(values):
        view = as_sample_array(name, values)
        for block in _row_blocks(view):
            real_array(where, view[block], name)                 # the samples at both ends: real numbers?
        return view
    array = real_array(where, values, name)
    if array.ndim == 0:
        raise ValueError(f"{where}: {name} must have a first axis of samples, got a single number {array!r}")
    return array


def _row_blocks(values: Any) -> list[slice]:
    """Slices of rows to scan: all of them in blocks, or only both ends of a memory map or a dataset."""
    n = len(values)
    if isinstance(values, DatasetView) or _is_on_disk(values):
        if n > 2 * SAMPLE_ROWS:
            return [slice(0, SAMPLE_ROWS), slice(n - SAMPLE_ROWS, n)]
        return [slice(0, n)] if n else []
    per_row = max(1, math.prod(values.shape[1:]))
    rows = max(1, SCAN_ELEMENTS // per_row)
    return [slice(start, min(start + rows, n)) for start in range(0, n, rows)]


def check_finite_samples(where: str, name: str, values: Any) -> None:
    """Raise ``ValueError`` naming ``name`` and the first bad sample if ``values`` holds NaN or inf."""
    if len(values) == 0 or (isinstance(values, np.ndarray) and values.dtype.kind != "f"):
        return
    for block in _row_blocks(values):
        part = np.asarray(values[block])                          # (rows, ...) a bounded part
        if part.dtype.kind != "f":
            continue
        finite = np.isfinite(part)                                # (rows, ...) bool
        if finite.all():
            continue
        bad_rows = ~finite.reshape(len(finite), -1).all(axis=1)   # (rows,)
        first = (block.start or 0) + int(np.argmax(bad_rows))
        count = int(finite.size - np.count_nonzero(finite))
        raise ValueError(f"{where}: {name} holds {count} NaN or infinite value(s) in this part of the data, the "
                         f"first in sample {first}; clean the data first (drop those rows or fill them, e.g. "
                         "with np.nan_to_num)")


def check_inputs(where: str, x: Any, name: str = "x") -> Any:
    """Check the inputs of ``predict`` (or ``fit``): real numbers, at least one sample, no NaN/inf."""
    x = sample_array(where, name, x)
    if len(x) == 0:
        raise ValueError(f"{where}: {name} has 0 samples (an empty dataset of shape {format_shape(x.shape)}); "
                         "give at least one")
    check_finite_samples(where, name, x)
    return x


def check_data_pair(where: str, x: Any, y: Any, x_name: str = "x", y_name: str = "y") -> tuple[Any, Any]:
    """Check inputs and targets together; return them as arrays (memory maps and datasets untouched).

    A dataset of ``(inputs, targets)`` pairs may come as ``x`` with ``y=None``.

    Raises naming the argument when either is not real numbers, is empty,
    holds NaN/inf, or when they differ in their number of samples.
    """
    x, y = inputs_and_targets(x, y, x_name)                      # a dataset of (inputs, targets) pairs
    if y is None:
        raise ValueError(f"{where}: {y_name} is None; training and evaluation need targets")
    x = sample_array(where, x_name, x)
    y = sample_array(where, y_name, y)
    if len(x) != len(y):
        raise ValueError(f"{where}: {x_name} and {y_name} must have the same number of samples, got {len(x)} "
                         f"inputs and {len(y)} targets ({x_name} {format_shape(x.shape)}, "
                         f"{y_name} {format_shape(y.shape)})")
    if len(x) == 0:
        raise ValueError(f"{where}: {x_name} and {y_name} have 0 samples (an empty dataset); give at least one")
    check_finite_samples(where, x_name, x)
    check_finite_samples(where, y_name, y)
    return x, y


def check_validation_pair(where: str, validation_data: Any) -> tuple[Any, Any]:
    """Return ``(x_val, y_val)`` from ``validation_data``, or a ``TypeError`` when it is not a pair."""
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        got = f"a {type(validation_data).__name__}"
        if isinstance(validation_data, (tuple, list)):
            got += f" of {len(validation_data)} items"
        raise TypeError(f"{where}: validation_data must be a pair (x_val, y_val), got {got}")
    return validation_data[0], validation_data[1]


def check_validation_data(where: str, validation_data: Any) -> tuple[Any, Any]:
    """Check ``validation_data=(x_val, y_val)`` like the training data; return the pair."""
    x_val, y_val = check_validation_pair(where, validation_data)
    return check_data_pair(where, x_val, y_val, "x_val", "y_val")


def split_point(where: str, samples: int, validation_split: float) -> int:
    """Index where the validation part starts: the last ceil(validation_split * samples) samples.

    Raises when the split leaves no training sample or no validation sample.
    """
    validation = math.ceil(round(samples * validation_split, 9))
    split_at = samples - validation
    if split_at <= 0 or validation == 0:
        empty = "training" if split_at <= 0 else "validation"
        raise ValueError(f"{where}: validation_split={validation_split} of {samples} samples leaves an empty part "
                         f"for {empty} ({split_at} for training, {validation} for validation)")
    return split_at


def check_labels_fit_output(where: str, output: np.ndarray, y: np.ndarray,
                            y_name: str = "y", offset: Optional[int] = None) -> None:
    """Raise ``ValueError`` when integer class labels ``y`` do not fit the model's ``output``.

    With C > 1 output columns, integer labels (N,) or (N, 1) must lie in
    [0, C).  A single output is not checked (its integer targets may be
    regression values; binary losses check their own targets), nor are
    targets that are not integers (float values, one-hot rows): the loss and
    the metrics decide.  ``offset`` is the position of this batch in the data
    (for the message).
    """
    if y.dtype.kind not in "iu" or output.ndim != 2 or output.shape[1] < 2 or len(y) == 0:
        return
    if y.ndim not in (1, 2) or (y.ndim == 2 and y.shape[1] != 1):
        return
    classes = output.shape[1]
    low_seen, high_seen = int(y.min()), int(y.max())
    if low_seen >= 0 and high_seen < classes:
        return
    bad = low_seen if low_seen < 0 else high_seen
    index = int(np.argmax(y.reshape(-1) == bad)) + (offset or 0)
    raise ValueError(f"{where}: {y_name} holds the label {bad} (sample {index}), but the model's output has "
                     f"{classes} classes (labels 0 to {classes - 1}); check the labels or the size of the last "
                     "layer")
