"""CosineAnnealingLR: lower the learning rate along half a cosine wave."""

from __future__ import annotations

import math

from zeronn._validation import Interval
from zeronn.optim.lr_scheduler.scheduler import LRScheduler
from zeronn.optim.optimizer import Optimizer

__all__ = ["CosineAnnealingLR"]


class CosineAnnealingLR(LRScheduler):
    """Anneal the learning rate from its base value to ``eta_min`` along a cosine (as PyTorch's).

    Left alone, the rate at epoch e is the closed form::

        lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * e / T_max)) / 2

    which falls slowly at first, fastest in the middle, and reaches
    ``eta_min`` at ``e = T_max``; after that it climbs back up along the same
    wave (period ``2 * T_max``), as in PyTorch.

    The rule applied at each step is PyTorch's chainable form, which gives the
    closed form when nothing else changes the rate::

        lr = eta_min + (lr - eta_min) * (1 + cos(pi * e / T_max)) / (1 + cos(pi * (e - 1) / T_max))
        (at the bottom of the wave, where that ratio is 0/0:
         lr = lr + (base_lr - eta_min) * (1 - cos(pi / T_max)) / 2)

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    T_max : int
        Number of epochs from the base rate down to ``eta_min``, >= 1.
    eta_min : float, default 0
        Lowest learning rate, >= 0.
    """

    _parameter_constraints = {
        "T_max": Interval(1, None, closed="left", integer=True),
        "eta_min": Interval(0, None, closed="left"),
    }

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        self.T_max: int
        self.eta_min: float
        self._set_hyperparameters(T_max=T_max, eta_min=eta_min)
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        e, period, eta_min = self.last_epoch, self.T_max, self.eta_min
        lrs = self._current_lrs()
        if e == 0:
            return lrs
        if (e - 1 - period) % (2 * period) == 0:                 # just past the bottom: restart the climb
            return [
                lr + (base_lr - eta_min) * (1 - math.cos(math.pi / period)) / 2
                for lr, base_lr in zip(lrs, self.base_lrs)
            ]
        ratio = (1 + math.cos(math.pi * e / period)) / (1 + math.cos(math.pi * (e - 1) / period))
        return [ratio * (lr - eta_min) + eta_min for lr in lrs]

    def _lrs_at_start(self) -> list[float]:
        return [
            self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * 0 / self.T_max)) / 2
            for base_lr in self.base_lrs
        ]
