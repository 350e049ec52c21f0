"""SequentialLR: run several schedulers one after the other (e.g. warm-up, then cosine)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from zeronn._validation import Constraint, Interval, ListOf
from zeronn.optim.lr_scheduler.plateau import ReduceLROnPlateau
from zeronn.optim.lr_scheduler.scheduler import LRScheduler, _check_optimizer
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

    _parameter_constraints = {
        "milestones": ListOf(Interval(1, None, closed="left", integer=True), increasing=True),
    }

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int]) -> None:
        self.optimizer = _check_optimizer(self, optimizer)
        self._schedulers = _check_schedulers(optimizer, schedulers)
        self.milestones: list[int]
        self._set_hyperparameters(milestones=list(milestones) if isinstance(milestones, range) else milestones)
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

    def _check_combination(self, values: dict[str, Any]) -> None:
        count = len(self._schedulers)
        if len(values["milestones"]) != count - 1:
            raise ValueError(
                f"SequentialLR expects one milestone fewer than schedulers: {count} schedulers need {count - 1} "
                f"milestone(s), got {values['milestones']!r}"
            )

    def _state_constraints(self) -> dict[str, Constraint]:
        constraints = super()._state_constraints()
        constraints["schedulers"] = ListOf(_AnyState(), length=len(self._schedulers))
        return constraints

    def _restored(self, state_dict: Any) -> dict[str, Any]:
        values = super()._restored(state_dict)
        for number, (scheduler, saved) in enumerate(zip(self._schedulers, values["schedulers"])):
            try:
                scheduler.validate_state_dict(saved)
            except (TypeError, ValueError) as error:
                raise type(error)(f"SequentialLR.load_state_dict: scheduler {number}: {error}") from None
        return values

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore every scheduler and the hand-over state; everything is checked before anything changes."""
        values = self._restored(state_dict)
        for scheduler, saved in zip(self._schedulers, values.pop("schedulers")):
            scheduler.load_state_dict(saved)
        for name, value in values.items():
            setattr(self, "_last_lr" if name == "last_lr" else name, value)

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



class _AnyState(Constraint):
    """A scheduler's own state dict (checked by that scheduler)."""

    def describe(self) -> str:
        return "a scheduler state dict"

    def check(self, name: str, value: Any) -> Any:
        if not isinstance(value, dict):
            raise self._type_error(name, value)
        return value
