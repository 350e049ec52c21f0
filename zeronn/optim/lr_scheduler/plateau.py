"""ReduceLROnPlateau: lower the learning rate when a monitored metric stops improving."""

from __future__ import annotations

import math
from typing import Any, Union

from zeronn._validation import Constraint, Interval, ListOf, Options
from zeronn.optim.lr_scheduler.scheduler import RATE, LRScheduler, _check_optimizer
from zeronn.optim.optimizer import Optimizer

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a metric has stopped improving (as PyTorch's).

    Call ``scheduler.step(metric)`` once per epoch with the value to watch
    (usually the validation loss).  At each call::

        if metric is better than best:      best = metric, bad_epochs = 0
        else:                               bad_epochs = bad_epochs + 1
        if in cooldown:                     cooldown_counter = cooldown_counter - 1, bad_epochs = 0
        if bad_epochs > patience:           for each group:
                                                new_lr = max(lr * factor, min_lr)
                                                if lr - new_lr > eps: lr = new_lr
                                            cooldown_counter = cooldown, bad_epochs = 0

    "better" (mode "min"; mode "max" turns the comparisons around):

        threshold_mode "rel":   metric < best * (1 - threshold)
        threshold_mode "abs":   metric < best - threshold

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    mode : {"min", "max"}, default "min"
        "min" for a metric that should fall (a loss), "max" for one that should rise (accuracy).
    factor : float, default 0.1
        Multiplier applied on a plateau, in (0, 1).
    patience : int, default 10
        Epochs without improvement tolerated before lowering the rate, >= 0.
    threshold : float, default 1e-4
        Smallest change that counts as an improvement, >= 0.
    threshold_mode : {"rel", "abs"}, default "rel"
        Whether ``threshold`` is relative to ``best`` or absolute.
    cooldown : int, default 0
        Epochs to wait after a reduction before counting bad epochs again, >= 0.
    min_lr : float or list of float, default 0
        Lowest learning rate (one value, or one per parameter group), >= 0.
    eps : float, default 1e-8
        A reduction smaller than this is skipped, >= 0.
    """

    _parameter_constraints = {
        "mode": Options("min", "max"),
        "factor": Interval(0.0, 1.0, closed="neither"),
        "patience": Interval(0, None, closed="left", integer=True),
        "threshold": Interval(0, None, closed="left"),
        "threshold_mode": Options("rel", "abs"),
        "cooldown": Interval(0, None, closed="left", integer=True),
        "min_lrs": ListOf(RATE),
        "eps": Interval(0, None, closed="left"),
    }
    #: What changes as the metric comes in (saved by ``state_dict`` too).
    _counter_constraints: dict[str, Constraint] = {
        "best": Interval(None, None, allow_infinite=True),
        "num_bad_epochs": Interval(0, None, closed="left", integer=True),
        "cooldown_counter": Interval(0, None, closed="left", integer=True),
    }
    counter_names = tuple(_counter_constraints)

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: Union[float, list[float]] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        self.optimizer = _check_optimizer(self, optimizer)
        self.mode: str
        self.factor: float
        self.patience: int
        self.threshold: float
        self.threshold_mode: str
        self.cooldown: int
        self.min_lrs: list[float]
        self.eps: float
        min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * len(optimizer.param_groups)
        self._set_hyperparameters(mode=mode, factor=factor, patience=patience, threshold=threshold,
                                  threshold_mode=threshold_mode, cooldown=cooldown, min_lrs=min_lrs, eps=eps)
        self.base_lrs = self._current_lrs()
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self.best = self._worst()
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def step(self, metric: Any) -> None:  # type: ignore[override]  # torch's signature: step(metrics)
        """Record this epoch's ``metric`` and lower the learning rate after a plateau."""
        try:
            current = float(metric)
        except (TypeError, ValueError):
            raise TypeError(
                f"ReduceLROnPlateau.step() expects the monitored value (a number, e.g. the validation loss), "
                f"got {metric!r:.100}"
            ) from None
        self._check_groups()
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0                            # bad epochs during cooldown do not count
        if self.num_bad_epochs > self.patience:
            self._reduce_lrs()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    @property
    def in_cooldown(self) -> bool:
        """True while reductions are paused after the last one."""
        return self.cooldown_counter > 0

    def state_dict(self) -> dict[str, Any]:
        state = super().state_dict()
        state.update({name: getattr(self, name) for name in self.counter_names})
        return state

    def _check_combination(self, values: dict[str, Any]) -> None:
        groups = len(self.optimizer.param_groups)
        if len(values["min_lrs"]) != groups:
            raise ValueError(f"ReduceLROnPlateau: expected {groups} min_lrs (one per parameter group), "
                             f"got {len(values['min_lrs'])}")

    def _state_constraints(self) -> dict[str, Constraint]:
        return {**super()._state_constraints(), **self._counter_constraints}

    def _is_better(self, current: float) -> bool:
        if self.mode == "min" and self.threshold_mode == "rel":
            return current < self.best * (1.0 - self.threshold)
        if self.mode == "min":
            return current < self.best - self.threshold
        if self.threshold_mode == "rel":
            return current > self.best * (self.threshold + 1.0)
        return current > self.best + self.threshold

    def _worst(self) -> float:
        return math.inf if self.mode == "min" else -math.inf

    def _reduce_lrs(self) -> None:
        for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
            old_lr = float(group["lr"])
            new_lr = max(old_lr * self.factor, min_lr)
            if old_lr - new_lr > self.eps:
                group["lr"] = new_lr

    def _check_groups(self) -> None:
        if len(self.min_lrs) != len(self.optimizer.param_groups):
            raise RuntimeError(
                f"ReduceLROnPlateau: the optimizer now has {len(self.optimizer.param_groups)} parameter groups, "
                f"{len(self.min_lrs)} when the scheduler was created; create the scheduler after adding every "
                "parameter group"
            )

    def _next_lrs(self) -> list[float]:  # pragma: no cover - step() is overridden
        raise RuntimeError("ReduceLROnPlateau computes its rates in step(metric)")

