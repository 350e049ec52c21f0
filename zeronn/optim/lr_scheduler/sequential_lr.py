"""SequentialLR: run several schedulers one after the other (e.g. warm-up, then cosine)."""

from __future__ import annotations

import bisect
import numbers
from collections.abc import Sequence
from typing import Any

from zeronn.optim.lr_scheduler.plateau import ReduceLROnPlateau
from zeronn.optim.lr_scheduler.scheduler import LRScheduler, check_state_keys
from zeronn.optim.optimizer import Optimizer

__all__ = ["SequentialLR"]


class SequentialLR(LRScheduler):
    """Hand the learning rate from one scheduler to the next at given epochs (as PyTorch's).

    ``schedulers[0]`` runs from epoch 0; at epoch ``milestones[i]`` scheduler
    ``i + 1`` takes over, starting again from its own epoch 0 (computed from
    the base rates).  The usual warm-up then cosine decay::

        warmup = LinearLR(optimizer, start_factor=0.1, total_iters=5)
        decay = CosineAnnealingLR(optimizer, T_max=95)
        scheduler = SequentialLR(optimizer, [warmup, decay], milestones=[5])

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer every scheduler was built on.
    schedulers : sequence of LRScheduler
        At least one; not ``ReduceLROnPlateau`` (it needs a metric) nor another ``SequentialLR``.
    milestones : sequence of int
        ``len(schedulers) - 1`` increasing epochs >= 1.
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int]) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"SequentialLR expects a zeronn.optim optimizer, got {type(optimizer).__name__}")
        self._schedulers = _check_schedulers(optimizer, schedulers)
        self.milestones = _check_milestones(milestones, len(self._schedulers))
        self.optimizer = optimizer
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        for group in optimizer.param_groups:                 # undo the first step each scheduler made when built
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:
            scheduler.last_epoch -= 1
        self.last_epoch = 0
        first = self._schedulers[0]
        first.step()                                          # epoch 0 of the first scheduler
        self._last_lr = first.get_last_lr()

    @property
    def schedulers(self) -> list[LRScheduler]:
        """The schedulers, in the order they run."""
        return list(self._schedulers)

    def step(self) -> None:
        """Move to the next epoch; at a milestone the next scheduler starts from its epoch 0."""
        self.last_epoch += 1
        index = bisect.bisect_right(self.milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self.milestones[index - 1] == self.last_epoch:
            scheduler._restart()
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        return {
            "last_epoch": self.last_epoch,
            "base_lrs": list(self.base_lrs),
            "last_lr": list(self._last_lr),
            "milestones": list(self.milestones),
            "schedulers": [scheduler.state_dict() for scheduler in self._schedulers],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        check_state_keys(self, state_dict, {"last_epoch", "base_lrs", "last_lr", "milestones", "schedulers"})
        saved = state_dict["schedulers"]
        if not isinstance(saved, list) or len(saved) != len(self._schedulers):
            raise ValueError(
                f"SequentialLR.load_state_dict: expected the states of {len(self._schedulers)} schedulers, "
                f"got {len(saved) if isinstance(saved, list) else saved!r}"
            )
        for scheduler, scheduler_state in zip(self._schedulers, saved):
            scheduler.load_state_dict(scheduler_state)
        self.last_epoch = int(state_dict["last_epoch"])
        self.base_lrs = list(state_dict["base_lrs"])
        self._last_lr = list(state_dict["last_lr"])
        self.milestones = list(state_dict["milestones"])

    def __repr__(self) -> str:
        inner = ", ".join(repr(scheduler) for scheduler in self._schedulers)
        return f"SequentialLR([{inner}], milestones={self.milestones})"


def _check_schedulers(optimizer: Optimizer, schedulers: Any) -> list[LRScheduler]:
    if not isinstance(schedulers, Sequence) or len(schedulers) < 1:
        raise ValueError(f"SequentialLR expects a non-empty list of schedulers, got {schedulers!r}")
    for index, scheduler in enumerate(schedulers):
        if isinstance(scheduler, (ReduceLROnPlateau, SequentialLR)) or not isinstance(scheduler, LRScheduler):
            raise TypeError(
                f"SequentialLR: scheduler {index} is {type(scheduler).__name__}; expected StepLR, MultiStepLR, "
                "ExponentialLR, CosineAnnealingLR or LinearLR (ReduceLROnPlateau needs a metric at each step)"
            )
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"SequentialLR: scheduler {index} ({type(scheduler).__name__}) uses another optimizer")
    return list(schedulers)


def _check_milestones(milestones: Any, count: int) -> list[int]:
    values = list(milestones) if isinstance(milestones, Sequence) else None
    if values is None or len(values) != count - 1:
        raise ValueError(
            f"SequentialLR expects one milestone fewer than schedulers: {count} schedulers need {count - 1} "
            f"milestone(s), got {milestones!r}"
        )
    ok = all(isinstance(m, numbers.Integral) and not isinstance(m, bool) and m >= 1 for m in values)
    if not ok or values != sorted(set(values)):
        raise ValueError(f"SequentialLR milestones must be increasing epochs >= 1, got {milestones!r}")
    return [int(m) for m in values]
