"""ExponentialLR: multiply the learning rate by ``gamma`` every epoch."""

from __future__ import annotations

from zeronn._validation import Interval
from zeronn.optim.lr_scheduler.scheduler import LRScheduler
from zeronn.optim.optimizer import Optimizer

__all__ = ["ExponentialLR"]


class ExponentialLR(LRScheduler):
    """Decay the learning rate by ``gamma`` every epoch (as ``torch.optim.lr_scheduler.ExponentialLR``).

    Rule at epoch e (e = 1, 2, ...)::

        lr = lr * gamma

    so that, left alone, ``lr = base_lr * gamma ** e``.

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    gamma : float
        Factor applied every epoch, > 0 (e.g. 0.95).
    """

    _parameter_constraints = {"gamma": Interval(0, None, closed="neither")}

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self.gamma: float
        self._set_hyperparameters(gamma=gamma)
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        lrs = self._current_lrs()
        if self.last_epoch == 0:
            return lrs
        return [lr * self.gamma for lr in lrs]
