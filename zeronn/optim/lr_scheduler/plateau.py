"""ReduceLROnPlateau: lower the learning rate when a monitored metric stops improving."""

from __future__ import annotations

import math
from typing import Any, Union

from zeronn._validation import check_choice, check_in_range, check_nonnegative_float, check_nonnegative_int
from zeronn.optim.lr_scheduler.scheduler import LRScheduler, check_state_keys
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

    hyperparameter_names = (
        "mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lrs", "eps",
    )
    #: What changes as the metric comes in (saved by ``state_dict`` too).
    counter_names = ("best", "num_bad_epochs", "cooldown_counter")

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
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"ReduceLROnPlateau expects a zeronn.optim optimizer (e.g. SGD(model.parameters())), "
                f"got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.mode = check_choice("mode", mode, ("min", "max"))
        self.factor = check_in_range("factor", factor, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
        self.patience = check_nonnegative_int("patience", patience)
        self.threshold = check_nonnegative_float("threshold", threshold)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = check_nonnegative_int("cooldown", cooldown)
        self.min_lrs = _check_min_lrs(min_lr, len(optimizer.param_groups))
        self.eps = check_nonnegative_float("eps", eps)
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

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        expected = {"last_epoch", "base_lrs", "last_lr", *self.hyperparameter_names, *self.counter_names}
        check_state_keys(self, state_dict, expected)
        LRScheduler.load_state_dict(self, {k: v for k, v in state_dict.items() if k not in self.counter_names})
        self.best = float(state_dict["best"])
        self.num_bad_epochs = int(state_dict["num_bad_epochs"])
        self.cooldown_counter = int(state_dict["cooldown_counter"])

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


def _check_min_lrs(min_lr: Any, groups: int) -> list[float]:
    if isinstance(min_lr, (list, tuple)):
        if len(min_lr) != groups:
            raise ValueError(f"expected {groups} min_lrs (one per parameter group), got {len(min_lr)}")
        return [check_nonnegative_float("min_lr", value) for value in min_lr]
    return [check_nonnegative_float("min_lr", min_lr)] * groups
