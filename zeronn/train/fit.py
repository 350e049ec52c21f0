"""``fit``, ``evaluate`` and ``predict`` as plain functions (Keras-style), built on ``Trainer``."""

from __future__ import annotations

import os
from typing import Any, Optional, Sequence, Union

import numpy as np

from zeronn._validation import check_positive_int
from zeronn.nn.layer import Layer
from zeronn.train.callbacks import Callback
from zeronn.train.data_checks import check_data_pair, check_inputs
from zeronn.train.history import History
from zeronn.train.resolve import resolve_loss
from zeronn.train.scoring import DEFAULT_METRICS, EVAL_BATCH_SIZE, resolve_metrics, run_predict, score
from zeronn.train.trainer import Trainer

__all__ = ["fit", "evaluate", "predict"]


def fit(
    model: Layer,
    x: Any,
    y: Any,
    *,
    loss: Any,
    optimizer: Any,
    epochs: int,
    batch_size: int = 32,
    validation_data: Optional[tuple[Any, Any]] = None,
    validation_split: float = 0.0,
    scheduler: Any = None,
    callbacks: Sequence[Callback] = (),
    metrics: Any = DEFAULT_METRICS,
    shuffle: bool = True,
    seed: Any = None,
    verbose: Union[str, int] = "auto",
    resume_from: Union[None, str, "os.PathLike[str]"] = None,
    lr: Optional[float] = None,
    clip_grad_norm: Optional[float] = None,
) -> History:
    """Train ``model`` on ``(x, y)`` and return the per-epoch ``History``.

    >>> history = zeronn.fit(model, x, y, loss="cross_entropy", optimizer="adam", lr=1e-3, epochs=20,
    ...                      validation_split=0.2, callbacks=[EarlyStopping(patience=3)])

    Builds a :class:`~zeronn.train.Trainer` with ``loss``, ``optimizer``,
    ``lr``, ``scheduler``, ``callbacks``, ``metrics``, ``seed``, ``verbose``
    and ``clip_grad_norm`` and calls its ``fit`` with the rest; see both for
    every argument.  ``loss`` and ``optimizer`` may be names ("mse",
    "cross_entropy", "sgd", "adam"...) or objects; ``lr`` goes to an
    optimizer given by name.  ``resume_from`` continues an interrupted run
    from a ``ModelCheckpoint`` file (or folder) so that it ends with the same
    weights, bit for bit, as a run never interrupted.
    """
    trainer = Trainer(model, loss=loss, optimizer=optimizer, lr=lr, scheduler=scheduler, callbacks=callbacks,
                      metrics=metrics, seed=seed, verbose=verbose, clip_grad_norm=clip_grad_norm)
    return trainer.fit(x, y, epochs=epochs, batch_size=batch_size, validation_data=validation_data,
                       validation_split=validation_split, shuffle=shuffle, resume_from=resume_from)


def evaluate(
    model: Layer,
    x: Any,
    y: Any,
    *,
    loss: Any = None,
    batch_size: int = EVAL_BATCH_SIZE,
    metrics: Any = DEFAULT_METRICS,
) -> dict[str, float]:
    """Loss and metrics of ``model`` on ``(x, y)``, computed in batches in eval mode under ``zeronn.no_grad()``.

    Parameters
    ----------
    model : Layer
    x, y : array_like of shape (n_samples, ...)
    loss : str or Loss, optional
        Adds ``"loss"`` to the result.  Give it also for a binary model with
        ``BCEWithLogitsLoss``: accuracy then thresholds the logits at 0 (else at 0.5).
    batch_size : int, default 256
    metrics : sequence of str or callable, default ("accuracy",)
        As for ``fit``.

    Returns
    -------
    dict
        ``{"loss": ..., "accuracy": ...}``.
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a zeronn Layer, got {type(model).__name__}")
    x, y = check_data_pair("evaluate", x, y)
    loss_fn = None if loss is None else resolve_loss(loss)
    return score(model, x, y, loss_fn, resolve_metrics(metrics, y, loss_fn),
                 batch_size=check_positive_int("batch_size", batch_size))


def predict(model: Layer, x: Any, *, batch_size: int = EVAL_BATCH_SIZE) -> np.ndarray:
    """The outputs of ``model`` for every row of ``x``, computed in batches in eval mode under ``no_grad``.

    Returns
    -------
    ndarray of shape (n_samples, ...)
        Raw outputs (scores, logits or probabilities, whatever the last layer gives);
        ``outputs.argmax(axis=1)`` gives class labels.
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a zeronn Layer, got {type(model).__name__}")
    return run_predict(model, check_inputs("predict", x), batch_size=check_positive_int("batch_size", batch_size))
