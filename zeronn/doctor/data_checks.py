"""Checks on the data before training: input scale and class balance.

``check_data(x, y)`` runs them on whole arrays; the ``Doctor`` runs the same
rules on what it saw of the first epoch (the first batch's inputs, every
target of the first epoch).  Thresholds and sources are in ``zeronn.doctor.rules``.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from zeronn.doctor.finding import Finding, sort_findings
from zeronn.doctor.rules import class_imbalance_findings, unscaled_inputs_findings
from zeronn.lang import resolve_lang

__all__ = ["check_data", "class_counts_of", "TASKS"]

#: What ``check_data``'s ``task`` may say.
TASKS = ("classification", "regression")

#: Rows looked at for the input statistics (an even sample of larger data).
_MAX_ROWS = 10_000


def class_counts_of(y: np.ndarray) -> dict[int, int]:
    """``{label: count}`` for class targets: integer labels (N,), one-hot rows (N, C) or 0/1 values (N, 1).

    Returns an empty dict for targets that are not classes (regression values).
    """
    y = np.asarray(y)
    if y.size == 0:
        return {}
    if y.dtype.kind in "biu":
        labels = y.reshape(len(y), -1)
        if labels.shape[1] != 1:
            return _one_hot_counts(labels)
        values, counts = np.unique(labels[:, 0], return_counts=True)
        return {int(v): int(c) for v, c in zip(values, counts)}
    if y.dtype.kind != "f":
        return {}
    rows = y.reshape(len(y), -1)
    if not np.all((rows == 0) | (rows == 1)):
        return {}
    if rows.shape[1] == 1:
        values, counts = np.unique(rows[:, 0].astype(np.int64), return_counts=True)
        return {int(v): int(c) for v, c in zip(values, counts)}
    return _one_hot_counts(rows)


def _one_hot_counts(rows: np.ndarray) -> dict[int, int]:
    if not np.all(rows.sum(axis=1) == 1):
        return {}
    counts = rows.astype(np.int64).sum(axis=0)                   # (C,)
    return {int(label): int(count) for label, count in enumerate(counts)}


def _sample_rows(x: np.ndarray) -> np.ndarray:
    if len(x) <= _MAX_ROWS:
        return x
    return x[:: len(x) // _MAX_ROWS][:_MAX_ROWS]


def check_data(x: Any, y: Any = None, *, task: Optional[str] = None, lang: Optional[str] = None) -> list[Finding]:
    """Check training data before training; return the findings (most serious first).

    Parameters
    ----------
    x : array_like of shape (n_samples, ...)
        Inputs.  Checked for NaN/inf and for their scale (``unscaled_inputs``).
    y : array_like of shape (n_samples, ...), optional
        Targets.  Class targets are checked for balance (``class_imbalance``).
    task : {"classification", "regression"}, optional
        Default: classification when ``y`` looks like class labels.
    lang : {"en", "zh"}, optional

    Returns
    -------
    list of Finding
        Empty when nothing is wrong.
    """
    lang = resolve_lang(lang)
    if task is not None and task not in TASKS:
        raise ValueError(f"check_data: unknown task {task!r}; valid choices are: {', '.join(TASKS)}")
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise TypeError(f"check_data: x must be a numeric array, got dtype {x.dtype}")
    if x.ndim == 0:
        raise ValueError("check_data: x must have a first axis of samples, got a scalar")
    findings = unscaled_inputs_findings(_sample_rows(x), lang)
    if y is not None and task != "regression":
        y = np.asarray(y)
        if len(y) != len(x):
            raise ValueError(f"check_data: x has {len(x)} samples, y has {len(y)}")
        counts = class_counts_of(y)
        if task == "classification" and not counts:
            raise ValueError("check_data: task='classification' needs class targets (integer labels or one-hot rows)")
        findings += class_imbalance_findings(counts, lang)
    return sort_findings(findings)
