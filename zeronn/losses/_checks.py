"""What a loss accepts as prediction and target; every message names the loss and both shapes.

The rules, shared by every loss (the generic array rule is ``zeronn._validation.real_array``):

- prediction and target are real numbers (bool, int or float arrays or
  lists); complex, text, object and ragged input is a ``TypeError``;
- targets hold no NaN or infinity (a NaN target silently poisons the mean);
- an empty batch is a ``ValueError`` for reduction "mean" (the mean of no
  losses is undefined; PyTorch returns NaN) and works for "sum" (0) and
  "none" (an empty array);
- losses on probabilities or classes check their range (``probability_targets``,
  ``class_targets``, ``distribution_targets``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn._validation import check_finite, format_shape, real_array

__all__ = [
    "as_float",
    "prediction_array",
    "target_array",
    "numeric_target",
    "matching_target",
    "probability_targets",
    "class_targets",
    "distribution_targets",
    "expect_scores",
]

#: How far a row of probability targets may sum from 1 (float32 rounding of a few classes).
SUM_TOLERANCE = 1e-4


def as_float(values: np.ndarray) -> np.ndarray:
    """Return ``values`` with a floating dtype (integers and booleans become float64)."""
    return values if values.dtype.kind == "f" else values.astype(np.float64)


def prediction_array(loss: Any, prediction: Any) -> np.ndarray:
    """The prediction as a float array, or a ``TypeError`` naming ``loss``."""
    return as_float(real_array(loss, prediction, "prediction"))


def target_array(loss: Any, target: Any) -> np.ndarray:
    """The target as an array of real numbers without NaN or inf, or an error naming ``loss``."""
    values = real_array(loss, target, "target")
    check_finite(loss, values, "the target")
    return values


def numeric_target(loss: Any, target: np.ndarray) -> None:
    """Raise a TypeError naming ``loss`` unless ``target`` holds real numbers (or booleans)."""
    if target.dtype.kind not in "fiub":
        raise TypeError(f"{loss!r} expects a numeric target, got an array of dtype {target.dtype}")


def matching_target(loss: Any, prediction: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (prediction, target) as floats of the prediction's dtype, after checking the shapes agree.

    PyTorch would broadcast (N, 1) against (N,) into (N, N) with only a
    warning; here that common mistake is an error with a hint.
    """
    prediction = as_float(prediction)
    numeric_target(loss, target)
    if target.shape != prediction.shape:
        hint = ""
        if target.size == prediction.size:
            hint = f"; reshape the target with y.reshape{format_shape(prediction.shape)}"
        raise ValueError(
            f"{loss!r} expects prediction and target of the same shape, got prediction "
            f"{format_shape(prediction.shape)} and target {format_shape(target.shape)}{hint}"
        )
    return prediction, target.astype(prediction.dtype, copy=False)


def probability_targets(loss: Any, target: np.ndarray) -> None:
    """Raise ``ValueError`` naming ``loss`` unless every target lies in [0, 1] (binary cross-entropy)."""
    if target.size and (target.min() < 0 or target.max() > 1):
        raise ValueError(
            f"{loss!r} expects targets in [0, 1] (0/1 labels or probabilities), got values from "
            f"{float(target.min()):.4g} to {float(target.max()):.4g}"
        )


def expect_scores(loss: Any, scores: np.ndarray, what: str) -> np.ndarray:
    """Check ``scores`` is a float (batch, classes) array; return it as floats."""
    if scores.ndim != 2:
        raise ValueError(f"{loss!r} expects {what} of shape (batch, classes), got {format_shape(scores.shape)}")
    return as_float(scores)


def class_targets(loss: Any, target: np.ndarray, batch: int, classes: int) -> np.ndarray:
    """Check ``target`` holds one integer class index in [0, classes) per sample; return it."""
    if target.shape != (batch,):
        raise ValueError(
            f"{loss!r} expects class-index targets of shape ({batch},) for a batch of {batch}, "
            f"got {format_shape(target.shape)}"
        )
    if target.dtype.kind not in "iu":
        raise ValueError(
            f"{loss!r} expects integer class indices as targets, got dtype {target.dtype}; "
            "convert them with y.astype(np.int64)"
        )
    if batch:
        low, high = int(target.min()), int(target.max())
        if low < 0 or high >= classes:
            bad = low if low < 0 else high
            raise ValueError(
                f"{loss!r}: class index {bad} is out of range for {classes} classes "
                f"(valid indices are 0 to {classes - 1})"
            )
    return target


def distribution_targets(loss: Any, target: np.ndarray) -> None:
    """Check probability targets (N, C): every entry >= 0 and every row summing to 1."""
    if not target.size:
        return
    if target.min() < 0:
        row = int(np.argwhere(target < 0)[0, 0])
        raise ValueError(f"{loss!r} expects probability targets >= 0, got {float(target.min()):.4g} "
                         f"(in row {row})")
    sums = target.sum(axis=1, dtype=np.float64)                  # (N,)
    off = np.abs(sums - 1.0) > SUM_TOLERANCE
    if off.any():
        row = int(np.argmax(off))
        raise ValueError(f"{loss!r} expects each row of probability targets to sum to 1, row {row} sums to "
                         f"{sums[row]:.6g}; for class indices give an integer array of shape ({len(target)},)")
