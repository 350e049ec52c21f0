"""Loss and metrics over a whole epoch, accumulated batch by batch; batched evaluation of a model."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from zeronn.dtype import get_default_dtype
from zeronn.grad_mode import no_grad
from zeronn.metrics import accuracy, get_metric
from zeronn.nn.layer import Layer
from zeronn.train.data_checks import check_labels_fit_output

__all__ = [
    "DEFAULT_METRICS",
    "EVAL_BATCH_SIZE",
    "MetricFunction",
    "resolve_metrics",
    "looks_like_classes",
    "input_dtype",
    "cast_batch",
    "cast_target",
    "EpochTotals",
    "score",
    "run_predict",
]

#: The default of ``fit``'s and ``evaluate``'s ``metrics``: accuracy, skipped when the targets are not classes.
DEFAULT_METRICS: tuple[str, ...] = ("accuracy",)
#: Batch size of validation, ``evaluate`` and ``predict`` (no backward, so larger batches are cheap).
EVAL_BATCH_SIZE = 256

MetricFunction = Callable[[np.ndarray, np.ndarray], float]


def looks_like_classes(y: np.ndarray) -> bool:
    """True when targets are class labels: integers/bools, or floats that are all 0 or 1 (binary, one-hot)."""
    if y.dtype.kind in "biu":
        return True
    if y.dtype.kind != "f":
        return False
    return bool(np.all((y == 0) | (y == 1)))


def _uses_logits(loss: Any) -> bool:
    """A binary loss on logits (BCEWithLogitsLoss): its predictions are thresholded at 0, not 0.5."""
    return "WithLogits" in type(loss).__name__


def resolve_metrics(
    metrics: Union[Sequence[Union[str, MetricFunction]], None],
    y: Optional[np.ndarray],
    loss: Any = None,
) -> list[tuple[str, MetricFunction]]:
    """Turn metric names/functions into ``[(name, function(y_true, y_pred) -> float)]``.

    "accuracy" thresholds binary predictions at 0 when ``loss`` works on
    logits, else at 0.5.  With the default metrics, accuracy is silently
    left out when the targets are not classes (regression); asked for
    explicitly, that is an error.
    """
    if metrics is None:
        return []
    if isinstance(metrics, str) or callable(metrics):
        metrics = (metrics,)
    if not isinstance(metrics, Iterable):
        raise TypeError(f"metrics must be a sequence of metric names or functions, got {type(metrics).__name__}")
    is_default = metrics is DEFAULT_METRICS
    resolved = []
    for metric in metrics:
        if callable(metric):
            resolved.append((getattr(metric, "__name__", type(metric).__name__), metric))
            continue
        function = get_metric(metric)
        if function is accuracy:
            if y is not None and not looks_like_classes(y):
                if is_default:
                    continue
                raise ValueError("metric 'accuracy' needs class targets (integer labels, 0/1 values or one-hot "
                                 "rows); these targets look like regression values: use metrics=('mae',) or ()")
            function = functools.partial(accuracy, threshold=0.0 if _uses_logits(loss) else 0.5)
        resolved.append((metric, function))
    names = [name for name, _ in resolved]
    if len(set(names)) != len(names):
        raise ValueError(f"metric names must be unique, got {names}")
    return resolved


def input_dtype(model: Layer) -> np.dtype:
    """The dtype inputs are cast to: the model's parameters' (the library default for a model without any)."""
    return model.dtype or get_default_dtype()


def cast_batch(values: Any, dtype: np.dtype) -> Any:
    """Cast an input batch (float or integer, e.g. uint8 pixels) to ``dtype`` without copying when it already is."""
    if values is None or values.dtype == dtype:
        return values
    return values.astype(dtype, copy=False)


def cast_target(values: Any, dtype: np.dtype) -> Any:
    """Float targets follow the model's dtype; integer labels stay integers."""
    if values is None or values.dtype.kind != "f" or values.dtype == dtype:
        return values
    return values.astype(dtype, copy=False)


class EpochTotals:
    """Sums batch losses and metrics, weighted by batch size, into epoch values.

    For a loss with reduction "mean" the epoch loss is the sample-weighted
    mean of the batch losses; for "sum" it is their sum (the total over the
    data, like the tutorial's sum of squared errors).
    """

    def __init__(self, metrics: list[tuple[str, MetricFunction]], reduction: str = "mean") -> None:
        self.metrics = metrics
        self.reduction = reduction
        self.samples = 0
        self.loss_total = 0.0
        self.metric_totals = [0.0] * len(metrics)

    def add(self, loss_value: Optional[float], output: np.ndarray, target: np.ndarray) -> None:
        n = len(output)
        self.samples += n
        if loss_value is not None:
            self.loss_total += loss_value if self.reduction == "sum" else loss_value * n
        for i, (_, function) in enumerate(self.metrics):
            self.metric_totals[i] += float(function(target, output)) * n

    def result(self, prefix: str = "", with_loss: bool = True) -> dict[str, float]:
        logs: dict[str, float] = {}
        if with_loss:
            logs[prefix + "loss"] = self.loss_total if self.reduction == "sum" else self.loss_total / self.samples
        for (name, _), total in zip(self.metrics, self.metric_totals):
            logs[prefix + name] = total / self.samples
        return logs


def _batches(x: np.ndarray, batch_size: int) -> Iterable[slice]:
    for start in range(0, len(x), batch_size):
        yield slice(start, start + batch_size)


def score(
    model: Layer,
    x: np.ndarray,
    y: np.ndarray,
    loss: Any,
    metrics: list[tuple[str, MetricFunction]],
    *,
    batch_size: int = EVAL_BATCH_SIZE,
    prefix: str = "",
) -> dict[str, float]:
    """Loss (if ``loss`` is given) and metrics of ``model`` on ``(x, y)``, in eval mode under ``no_grad``."""
    dtype = input_dtype(model)
    totals = EpochTotals(metrics, getattr(loss, "reduction", "mean"))
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            for part in _batches(x, batch_size):
                xb, yb = cast_batch(x[part], dtype), cast_target(y[part], dtype)
                output = model(xb)
                check_labels_fit_output("fit" if prefix else "evaluate", output, yb, "y_val" if prefix else "y",
                                        offset=part.start)
                totals.add(None if loss is None else float(loss(output, yb)), output, yb)
    finally:
        model.train(was_training)
    return totals.result(prefix, with_loss=loss is not None)


def run_predict(model: Layer, x: np.ndarray, *, batch_size: int = EVAL_BATCH_SIZE) -> np.ndarray:
    """The model's outputs for every row of ``x``, computed in batches in eval mode under ``no_grad``."""
    dtype = input_dtype(model)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            outputs = [model(cast_batch(x[part], dtype)) for part in _batches(x, batch_size)]
    finally:
        model.train(was_training)
    return np.concatenate(outputs, axis=0)
