"""MultiStepLR: multiply the learning rate by ``gamma`` at chosen epochs."""

from __future__ import annotations

from collections.abc import Iterable

from zeronn._validation import Interval, ListOf
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

    _parameter_constraints = {
        "milestones": ListOf(Interval(1, None, closed="left", integer=True), nonempty=True, sort=True,
                             example="milestones=[30, 80]"),
        "gamma": Interval(0, None, closed="neither"),
    }

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1) -> None:
        self.milestones: list[int]
        self.gamma: float
        one_pass = isinstance(milestones, Iterable) and not isinstance(milestones, (list, tuple, str, bytes))
        as_list = list(milestones) if one_pass else milestones       # e.g. a range or a generator
        self._set_hyperparameters(milestones=as_list, gamma=gamma)
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        lrs = self._current_lrs()
        count = self.milestones.count(self.last_epoch)
        if count == 0:
            return lrs
        return [lr * self.gamma**count for lr in lrs]

