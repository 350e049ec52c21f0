"""MultiStepLR: multiply the learning rate by ``gamma`` at chosen epochs."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

from zeronn._validation import check_positive_float
from zeronn.optim.lr_scheduler.scheduler import LRScheduler
from zeronn.optim.optimizer import Optimizer

__all__ = ["MultiStepLR"]


class MultiStepLR(LRScheduler):
    """Decay the learning rate by ``gamma`` at each milestone epoch (as ``torch.optim.lr_scheduler.MultiStepLR``).

    Rule at epoch e (e = 1, 2, ...)::

        lr = lr * gamma ** k    where k = how many times e appears in milestones (usually 0 or 1)

    so that, left alone, ``lr = base_lr * gamma ** (number of milestones <= e)``:
    with lr=0.1, milestones=[30, 80], gamma=0.1 the rate is 0.1 for epochs
    0-29, 0.01 for 30-79 and 0.001 from 80 on.

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    milestones : iterable of int
        Epochs (>= 1) at which to decay.
    gamma : float, default 0.1
        Factor applied at each milestone, > 0.
    """

    hyperparameter_names = ("milestones", "gamma")

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1) -> None:
        self.milestones = _check_milestones(milestones)
        self.gamma = check_positive_float("gamma", gamma)
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        lrs = self._current_lrs()
        count = self.milestones.count(self.last_epoch)
        if count == 0:
            return lrs
        return [lr * self.gamma**count for lr in lrs]


def _check_milestones(milestones: Iterable[int]) -> list[int]:
    """Return the milestones as a sorted list of ints >= 1, or raise."""
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, Iterable):
        raise TypeError(f"milestones must be a list of epochs (ints >= 1), got {milestones!r}")
    values = list(milestones)
    if not values or not all(isinstance(m, numbers.Integral) and not isinstance(m, bool) and m >= 1 for m in values):
        raise ValueError(f"milestones must be a non-empty list of epochs (ints >= 1), got {milestones!r}")
    return sorted(int(m) for m in values)
