"""The small training loops the lessons use: plain forward / loss / backward / step, divergence kept visible.

``fit`` would stop a diverging run with an error; a lesson wants to *show*
the divergence, so these loops record the loss until it stops being finite
and report the step where that happened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from zeronn.grad_mode import no_grad
from zeronn.losses.loss import Loss
from zeronn.nn.layer import Layer
from zeronn.optim.optimizer import Optimizer

__all__ = ["Run", "train", "accuracy_of", "predict_logits"]


@dataclass
class Run:
    """What one training run recorded: loss per step and per epoch, accuracy per epoch, divergence."""

    label: str
    step_losses: list[float] = field(default_factory=list)
    epoch_losses: list[float] = field(default_factory=list)
    epoch_accuracies: list[float] = field(default_factory=list)
    diverged_at: Optional[int] = None               # the step whose loss was first NaN or inf
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def final_loss(self) -> Optional[float]:
        return None if self.diverged_at is not None or not self.epoch_losses else self.epoch_losses[-1]

    def epochs_to(self, accuracy: float) -> Optional[int]:
        """The first epoch (1-based) whose training accuracy reached ``accuracy``, or None."""
        for epoch, value in enumerate(self.epoch_accuracies, start=1):
            if value >= accuracy:
                return epoch
        return None


def predict_logits(model: Layer, x: np.ndarray, batch_size: int = 2048) -> np.ndarray:
    """Model outputs for ``x`` in eval mode, without keeping anything for backward."""
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            outputs = [np.asarray(model(x[i:i + batch_size])) for i in range(0, len(x), batch_size)]
    finally:
        model.train(was_training)
    return np.concatenate(outputs)


def accuracy_of(outputs: np.ndarray, y: np.ndarray) -> float:
    """Share of right answers: argmax of (N, C) scores, or output > 0.5 for (N, 1) against 0/1 targets."""
    if outputs.shape[1] == 1:
        predicted = (outputs[:, 0] > 0.5).astype(int)
        truth = np.asarray(y).reshape(-1).astype(int)
    else:
        predicted, truth = outputs.argmax(axis=1), np.asarray(y).reshape(-1).astype(int)
    return float(np.mean(predicted == truth))


def train(
    label: str,
    model: Layer,
    x: np.ndarray,
    y: np.ndarray,
    *,
    loss: Loss,
    optimizer: Optimizer,
    epochs: int,
    batch_size: Optional[int] = None,
    seed: int = 0,
    scheduler: Any = None,
    on_epoch: Optional[Callable[[int, Run], None]] = None,
    track_accuracy: bool = True,
) -> Run:
    """Train with mini-batches (``batch_size=None``: the whole set each step) and return the ``Run``.

    ``track_accuracy`` records the training accuracy after every epoch (one
    extra forward pass over ``x``).  Stops early, recording ``diverged_at``, when a loss becomes NaN or inf.
    """
    run = Run(label)
    order_rng = np.random.default_rng(seed)
    n = len(x)
    size = n if batch_size is None else batch_size
    model.train()
    for epoch in range(epochs):
        order = np.arange(n) if size >= n else order_rng.permutation(n)
        total, seen = 0.0, 0
        for start in range(0, n, size):
            index = order[start:start + size]
            xb, yb = x[index], y[index]
            with np.errstate(all="ignore"):
                value = float(loss(model(xb), yb))
                if not np.isfinite(value):
                    run.diverged_at = len(run.step_losses)
                    run.step_losses.append(float("inf"))
                    return run
                optimizer.zero_grad()
                model.backward(loss.backward())
                optimizer.step()
            run.step_losses.append(value)
            total, seen = total + value * len(index), seen + len(index)
        if scheduler is not None:
            scheduler.step()
        run.epoch_losses.append(total / seen)
        if track_accuracy:
            with np.errstate(all="ignore"):
                run.epoch_accuracies.append(accuracy_of(predict_logits(model, x), y))
        if on_epoch is not None:
            on_epoch(epoch, run)
    return run
