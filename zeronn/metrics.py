"""Scores of predictions against targets: accuracy, confusion matrix, per-class precision/recall/F1.

Every function accepts targets and predictions in the forms a network produces:

    targets ``y_true``                  predictions ``y_pred``
    (N,) integer labels                 (N, C) class scores, probabilities or logits -> argmax
    (N, 1) labels, e.g. 0./1. floats    (N,) or (N, 1) binary probabilities (or logits with
    (N, C) one-hot rows -> argmax         ``threshold=0.0``) -> 1 where y_pred > threshold
                                        (N,) or (N, 1) integer labels -> used as they are

>>> accuracy([0, 2, 1], [[0.9, 0.1, 0.0], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
0.6666666666666666
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from zeronn._validation import check_choice

__all__ = [
    "class_labels",
    "predicted_labels",
    "accuracy",
    "confusion_matrix",
    "classification_report",
    "ClassificationReport",
    "mean_squared_error",
    "mean_absolute_error",
    "get_metric",
    "METRICS",
]


# ------------------------------------------------------------------------------------------ labels
def class_labels(y_true: Any) -> np.ndarray:
    """Return integer labels (N,) from labels (N,), a label column (N, 1) or one-hot rows (N, C)."""
    y = np.asarray(y_true)
    if y.ndim == 0 or y.ndim > 2:
        raise ValueError(f"targets must have shape (N,), (N, 1) or (N, C), got {y.shape}")
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    labels = y.reshape(len(y))
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or not np.array_equal(labels, np.round(labels)):
            raise ValueError("class labels must be whole numbers; the targets hold fractional or non-finite "
                             "values (regression targets have no accuracy)")
        return labels.astype(np.int64)
    if labels.dtype.kind not in "biu":
        raise TypeError(f"class labels must be integers, got dtype {labels.dtype}")
    return labels.astype(np.int64, copy=False)


def predicted_labels(y_pred: Any, *, threshold: float = 0.5) -> np.ndarray:
    """Return integer labels (N,) from class scores (N, C), binary scores (N,)/(N, 1) or labels.

    Binary scores become 1 where ``y_pred > threshold`` (0.5 for
    probabilities; use 0.0 for logits).
    """
    scores = np.asarray(y_pred)
    if scores.ndim == 0 or scores.ndim > 2:
        raise ValueError(f"predictions must have shape (N,), (N, 1) or (N, C), got {scores.shape}")
    if scores.ndim == 2 and scores.shape[1] > 1:
        return np.argmax(scores, axis=1)
    column = scores.reshape(len(scores))
    if column.dtype.kind in "biu":
        return column.astype(np.int64, copy=False)
    return (column > threshold).astype(np.int64)


def _paired_labels(y_true: Any, y_pred: Any, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    true = class_labels(y_true)
    pred = predicted_labels(y_pred, threshold=threshold)
    if len(true) != len(pred):
        raise ValueError(f"y_true and y_pred must have the same number of samples, got {len(true)} and {len(pred)}")
    if len(true) == 0:
        raise ValueError("cannot score an empty set of predictions")
    if np.any(true < 0) or np.any(pred < 0):
        raise ValueError("class labels must be >= 0")
    _check_labels_fit_scores(true, y_pred)
    return true, pred


def _check_labels_fit_scores(true: np.ndarray, y_pred: Any) -> None:
    """With class scores (N, C) the labels must name one of the C columns.

    (Binary scores (N,) or (N, 1) are thresholded; integer targets there may
    also be regression values, so they are not checked.)
    """
    scores = np.asarray(y_pred)
    if scores.dtype.kind in "biu" or scores.ndim != 2 or scores.shape[1] < 2:
        return
    classes, high = scores.shape[1], int(true.max())
    if high >= classes:
        raise ValueError(f"the targets hold the class label {high}, but the predictions are scores for {classes} "
                         f"classes (labels 0 to {classes - 1}); check the labels or the size of the model's last "
                         "layer")


# ---------------------------------------------------------------------------------------- accuracy
def accuracy(y_true: Any, y_pred: Any, *, threshold: float = 0.5) -> float:
    """Fraction of samples whose predicted class equals the target class.

    accuracy = (number of i with pred_i == true_i) / N

    Parameters
    ----------
    y_true : array_like of shape (N,), (N, 1) or (N, C)
        Labels, a column of labels, or one-hot rows.
    y_pred : array_like of shape (N,), (N, 1) or (N, C)
        Class scores (argmax is taken), binary probabilities/logits (compared
        with ``threshold``) or labels.
    threshold : float, default 0.5
        For binary scores: 0.5 for probabilities, 0.0 for logits.

    Returns
    -------
    float in [0, 1]
    """
    true, pred = _paired_labels(y_true, y_pred, threshold)
    return float(np.count_nonzero(true == pred) / len(true))


def confusion_matrix(
    y_true: Any, y_pred: Any, *, num_classes: Optional[int] = None, threshold: float = 0.5
) -> np.ndarray:
    """Count (true class, predicted class) pairs.

    ``matrix[i, j]`` = number of samples of true class i predicted as class j
    (rows: truth, columns: prediction, as in scikit-learn); the diagonal holds
    the correct predictions.

    Parameters
    ----------
    y_true, y_pred, threshold
        As for :func:`accuracy`.
    num_classes : int, optional
        Size of the matrix; by default the largest label seen + 1 (or the
        number of score columns).

    Returns
    -------
    ndarray of shape (num_classes, num_classes), int64
    """
    true, pred = _paired_labels(y_true, y_pred, threshold)
    seen = int(max(true.max(), pred.max())) + 1
    score_columns = np.shape(y_pred)[1] if np.ndim(y_pred) == 2 else 1
    if num_classes is None:
        num_classes = max(seen, score_columns)
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < seen:
        raise ValueError(f"num_classes={num_classes!r} is too small: the labels go up to {seen - 1}")
    k = int(num_classes)
    counts = np.bincount(true * k + pred, minlength=k * k)                 # (k * k,)
    return counts.reshape(k, k).astype(np.int64)


# ---------------------------------------------------------------------------------------- report
class ClassificationReport(dict):
    """Per-class precision, recall, F1 and support, as a dict that prints as a table.

    Keys: each class name -> ``{"precision", "recall", "f1", "support"}``;
    ``"accuracy"`` -> float; ``"macro avg"`` and ``"weighted avg"`` -> the
    same four entries averaged over classes (plainly / weighted by support).
    ``str(report)`` (or ``report.text``) is the table.
    """

    def __init__(self, rows: dict[str, Any], digits: int = 3) -> None:
        super().__init__(rows)
        self.digits = digits

    @property
    def class_names(self) -> list[str]:
        """The class keys, in order."""
        return [key for key in self if key not in ("accuracy", "macro avg", "weighted avg")]

    @property
    def text(self) -> str:
        """The report as a fixed-width table."""
        names = self.class_names + ["macro avg", "weighted avg"]
        width = max(len("weighted avg"), *(len(name) for name in names))
        head = f"{'':>{width}}  {'precision':>9}  {'recall':>9}  {'f1-score':>9}  {'support':>9}"
        lines = [head, ""]
        for name in self.class_names:
            lines.append(self._row(name, self[name], width))
        total = self["weighted avg"]["support"]
        lines += ["", f"{'accuracy':>{width}}  {'':>9}  {'':>9}  {self['accuracy']:>9.{self.digits}f}  {total:>9}"]
        for name in ("macro avg", "weighted avg"):
            lines.append(self._row(name, self[name], width))
        return "\n".join(lines)

    def _row(self, name: str, row: dict[str, Any], width: int) -> str:
        d = self.digits
        return (f"{name:>{width}}  {row['precision']:>9.{d}f}  {row['recall']:>9.{d}f}  "
                f"{row['f1']:>9.{d}f}  {row['support']:>9}")

    def __str__(self) -> str:
        return self.text


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, with 0 where the denominator is 0 (scikit-learn's zero_division=0)."""
    out = np.zeros(numerator.shape, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def classification_report(
    y_true: Any,
    y_pred: Any,
    *,
    num_classes: Optional[int] = None,
    target_names: Optional[Sequence[str]] = None,
    threshold: float = 0.5,
    digits: int = 3,
) -> ClassificationReport:
    """Precision, recall, F1 and support for each class, plus accuracy and averages.

    For class c, with TP = matrix[c, c], FP = column c without TP, FN = row c without TP:

        precision = TP / (TP + FP)      of the samples predicted c, the share that are c
        recall    = TP / (TP + FN)      of the samples that are c, the share predicted c
        F1        = 2 precision recall / (precision + recall)
        support   = TP + FN             number of samples of class c

    A ratio with nothing to divide by (a class never predicted) is 0.

    Parameters
    ----------
    y_true, y_pred, threshold, num_classes
        As for :func:`confusion_matrix`.
    target_names : sequence of str, optional
        Names of the classes (default "0", "1", ...).
    digits : int, default 3
        Decimals in the printed table.

    Returns
    -------
    ClassificationReport
        A dict (see its docstring) whose ``str`` is the table.
    """
    matrix = confusion_matrix(y_true, y_pred, num_classes=num_classes, threshold=threshold)
    k = len(matrix)
    if target_names is None:
        target_names = [str(c) for c in range(k)]
    elif len(target_names) != k:
        raise ValueError(f"target_names has {len(target_names)} names for {k} classes")
    tp = np.diag(matrix).astype(np.float64)                        # (k,)
    predicted = matrix.sum(axis=0)                                 # (k,) TP + FP
    support = matrix.sum(axis=1)                                   # (k,) TP + FN
    precision = _safe_divide(tp, predicted)
    recall = _safe_divide(tp, support)
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    rows: dict[str, Any] = {}
    for c, name in enumerate(target_names):
        rows[str(name)] = {"precision": float(precision[c]), "recall": float(recall[c]), "f1": float(f1[c]),
                           "support": int(support[c])}
    total = int(support.sum())
    weights = support / total
    rows["accuracy"] = float(tp.sum() / total)
    rows["macro avg"] = {"precision": float(precision.mean()), "recall": float(recall.mean()),
                         "f1": float(f1.mean()), "support": total}
    rows["weighted avg"] = {"precision": float(precision @ weights), "recall": float(recall @ weights),
                            "f1": float(f1 @ weights), "support": total}
    return ClassificationReport(rows, digits=digits)


# ------------------------------------------------------------------------------------- regression
def mean_squared_error(y_true: Any, y_pred: Any) -> float:
    """mean((y_pred - y_true)^2) over every element."""
    true, pred = _regression_pair(y_true, y_pred)
    return float(np.mean(np.square(pred - true), dtype=np.float64))


def mean_absolute_error(y_true: Any, y_pred: Any) -> float:
    """mean(|y_pred - y_true|) over every element."""
    true, pred = _regression_pair(y_true, y_pred)
    return float(np.mean(np.abs(pred - true), dtype=np.float64))


def _regression_pair(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    true, pred = np.asarray(y_true), np.asarray(y_pred)
    if true.shape != pred.shape and (true.ndim == 0 or pred.ndim == 0 or len(true) != len(pred)
                                     or true.size != pred.size):
        raise ValueError(f"y_true and y_pred must have the same shape, got {true.shape} and {pred.shape}")
    return true.reshape(pred.shape), pred


# ---------------------------------------------------------------------------------------- by name
_BY_NAME: dict[str, Callable[..., float]] = {
    "accuracy": accuracy,
    "mse": mean_squared_error,
    "mae": mean_absolute_error,
}
METRICS = tuple(_BY_NAME)


def get_metric(name: str) -> Callable[..., float]:
    """Return the metric function called ``name`` ("accuracy", "mse", "mae")."""
    return _BY_NAME[check_choice("metric", name, METRICS)]
