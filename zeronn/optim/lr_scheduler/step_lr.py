"""StepLR: multiply the learning rate by ``gamma`` every ``step_size`` epochs."""

from __future__ import annotations

from zeronn._validation import Interval
from zeronn.optim.lr_scheduler.scheduler import LRScheduler
from zeronn.optim.optimizer import Optimizer

__all__ = ["StepLR"]


class StepLR(LRScheduler):
    """Decay the learning rate by ``gamma`` every ``step_size`` epochs (as ``torch.optim.lr_scheduler.StepLR``).

    Rule at epoch e (e = 1, 2, ...)::

        lr = lr * gamma     if e is a multiple of step_size
        lr = lr             otherwise

    so that, left alone, ``lr = base_lr * gamma ** (e // step_size)``:
    with lr=0.1, step_size=30, gamma=0.1 the rate is 0.1 for epochs 0-29,
    0.01 for 30-59, 0.001 for 60-89...

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    step_size : int
        Epochs between two decays, >= 1.
    gamma : float, default 0.1
        Factor applied at each decay, > 0.
    """

    _parameter_constraints = {
        "step_size": Interval(1, None, closed="left", integer=True),
        "gamma": Interval(0, None, closed="neither"),
    }

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        self.step_size: int
        self.gamma: float
        self._set_hyperparameters(step_size=step_size, gamma=gamma)
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        lrs = self._current_lrs()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return lrs
        return [lr * self.gamma for lr in lrs]
