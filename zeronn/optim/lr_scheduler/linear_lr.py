"""LinearLR: change the learning rate linearly over the first epochs (linear warm-up)."""

from __future__ import annotations

from zeronn._validation import Interval
from zeronn.optim.lr_scheduler.scheduler import LRScheduler
from zeronn.optim.optimizer import Optimizer

__all__ = ["LinearLR"]


class LinearLR(LRScheduler):
    """Scale the learning rate by a factor that moves linearly from ``start_factor`` to ``end_factor``.

    Left alone, the rate at epoch e is the closed form (as ``torch.optim.lr_scheduler.LinearLR``)::

        lr = base_lr * (start_factor + (end_factor - start_factor) * min(e, total_iters) / total_iters)

    With the defaults it is a linear warm-up: 1/3 of the base rate at epoch 0,
    rising to the full rate at epoch 5 and staying there.  The rule applied at
    each step is PyTorch's chainable form::

        epoch 0:                   lr = lr * start_factor
        epochs 1 .. total_iters:   lr = lr * (1 + (end_factor - start_factor)
                                               / (total_iters * start_factor + (e - 1) * (end_factor - start_factor)))
        later:                     lr unchanged

    Parameters
    ----------
    optimizer : Optimizer
        Whose learning rates to set.
    start_factor : float, default 1/3
        Factor at epoch 0, in (0, 1].
    end_factor : float, default 1.0
        Factor from epoch ``total_iters`` on, in [0, 1].
    total_iters : int, default 5
        Number of epochs the change takes, >= 1.
    """

    _parameter_constraints = {
        "start_factor": Interval(0.0, 1.0, closed="right"),
        "end_factor": Interval(0.0, 1.0, closed="both"),
        "total_iters": Interval(1, None, closed="left", integer=True),
    }

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ) -> None:
        self.start_factor: float
        self.end_factor: float
        self.total_iters: int
        self._set_hyperparameters(start_factor=start_factor, end_factor=end_factor, total_iters=total_iters)
        super().__init__(optimizer)

    def _next_lrs(self) -> list[float]:
        e, start, end = self.last_epoch, self.start_factor, self.end_factor
        lrs = self._current_lrs()
        if e == 0:
            return [lr * start for lr in lrs]
        if e > self.total_iters:
            return lrs
        factor = 1.0 + (end - start) / (self.total_iters * start + (e - 1) * (end - start))
        return [lr * factor for lr in lrs]

    def _lrs_at_start(self) -> list[float]:
        return [base_lr * self.start_factor for base_lr in self.base_lrs]
