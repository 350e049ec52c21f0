"""Input checks shared by the losses; every message names the loss and both shapes."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn._validation import format_shape

__all__ = ["as_float", "numeric_target", "matching_target", "class_targets", "expect_scores"]


def as_float(values: np.ndarray) -> np.ndarray:
    """Return ``values`` with a floating dtype (integers and booleans become float64)."""
    return values if values.dtype.kind == "f" else values.astype(np.float64)


def numeric_target(loss: Any, target: np.ndarray) -> None:
    """Raise a TypeError naming ``loss`` unless ``target`` holds numbers (or booleans)."""
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
