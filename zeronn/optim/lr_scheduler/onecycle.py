"""OneCycleLR: Leslie Smith's one-cycle policy, warm up to ``max_lr`` then anneal far below the start."""

from __future__ import annotations

import math
from typing import Any, Optional, Union

from zeronn._validation import Boolean, Interval, ListOf, Options
from zeronn.optim.lr_scheduler.scheduler import LRScheduler
from zeronn.optim.optimizer import Optimizer

__all__ = ["OneCycleLR"]

_POSITIVE = Interval(0, None, closed="neither")
_MOMENTUM = Interval(0, 1, closed="left")


def _anneal_cos(start: float, end: float, pct: float) -> float:
    """Cosine from ``start`` (pct 0) to ``end`` (pct 1)."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _anneal_linear(start: float, end: float, pct: float) -> float:
    """Straight line from ``start`` (pct 0) to ``end`` (pct 1)."""
    return (end - start) * pct + start


class OneCycleLR(LRScheduler):
    """The one-cycle learning-rate policy, step for step as ``torch.optim.lr_scheduler.OneCycleLR``.

    Call ``step()`` after every *batch* (not every epoch).  With
    ``initial_lr = max_lr / div_factor`` and ``min_lr = initial_lr / final_div_factor``,
    and T = total_steps, the rate at step t follows phases, each annealed
    (cosine by default) from its start value to its end value::

        two phases (default):   t in [0, pct_start*T - 1]           initial_lr -> max_lr
                                t in [pct_start*T - 1, T - 1]        max_lr     -> min_lr
        three_phase=True:       t in [0, pct_start*T - 1]           initial_lr -> max_lr
                                t in [.., 2*pct_start*T - 2]         max_lr     -> initial_lr
                                t in [.., T - 1]                     initial_lr -> min_lr

        within a phase from step a to step b:  pct = (t - a) / (b - a)
        cos:     value = end + (start - end) / 2 * (cos(pi * pct) + 1)
        linear:  value = start + (end - start) * pct

    With ``cycle_momentum`` the momentum (SGD's ``momentum``, or beta1 of
    Adam-like optimizers' ``betas``) runs the opposite way, from
    ``max_momentum`` down to ``base_momentum`` while the rate rises, and back
    (in three phases the last phase stays at ``max_momentum``).  As in
    PyTorch the optimizer's momentum is set at construction (so SGD built with
    ``momentum=0`` gets momentum cycling), and an optimizer with neither
    ``momentum`` nor ``betas`` raises ``ValueError``: pass ``cycle_momentum=False``.

    Stepping more than ``total_steps`` times raises ``ValueError``, as in PyTorch.

    Parameters
    ----------
    optimizer : Optimizer
    max_lr : float or list of float
        Peak learning rate (one per parameter group, or one for all).
    total_steps : int, optional
        Number of steps of the cycle; or give ``epochs`` and ``steps_per_epoch``.
    epochs, steps_per_epoch : int, optional
        ``total_steps = epochs * steps_per_epoch``.
    pct_start : float in [0, 1], default 0.3
        Share of the cycle spent raising the rate.
    anneal_strategy : {"cos", "linear"}, default "cos"
    cycle_momentum : bool, default True
    base_momentum, max_momentum : float or list of float, default 0.85, 0.95
    div_factor : float, default 25
        initial_lr = max_lr / div_factor.
    final_div_factor : float, default 1e4
        min_lr = initial_lr / final_div_factor.
    three_phase : bool, default False
        Use the three-phase schedule above (fastai's original form).

    Examples
    --------
    >>> scheduler = OneCycleLR(optimizer, max_lr=0.1, epochs=10, steps_per_epoch=len(loader))  # doctest: +SKIP
    >>> for epoch in range(10):                                                                  # doctest: +SKIP
    ...     for xb, yb in loader:
    ...         ...; optimizer.step(); scheduler.step()
    """

    _parameter_constraints = {
        "max_lr": ListOf(_POSITIVE, nonempty=True),
        "total_steps": Interval(1, None, closed="left", integer=True),
        "pct_start": Interval(0, 1, closed="both"),
        "anneal_strategy": Options("cos", "linear"),
        "cycle_momentum": Boolean(),
        "base_momentum": ListOf(_MOMENTUM, nonempty=True),
        "max_momentum": ListOf(_MOMENTUM, nonempty=True),
        "div_factor": _POSITIVE,
        "final_div_factor": _POSITIVE,
        "three_phase": Boolean(),
    }

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: Union[float, list[float]],
        total_steps: Optional[int] = None,
        epochs: Optional[int] = None,
        steps_per_epoch: Optional[int] = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: Union[float, list[float]] = 0.85,
        max_momentum: Union[float, list[float]] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
    ) -> None:
        groups = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 1   # else: base class raises
        self.max_lr: list[float]
        self.total_steps: int
        self.pct_start: float
        self.anneal_strategy: str
        self.cycle_momentum: bool
        self.base_momentum: list[float]
        self.max_momentum: list[float]
        self.div_factor: float
        self.final_div_factor: float
        self.three_phase: bool
        self._set_hyperparameters(
            max_lr=_per_group("max_lr", max_lr, groups),
            total_steps=_total_steps(total_steps, epochs, steps_per_epoch),
            pct_start=pct_start, anneal_strategy=anneal_strategy, cycle_momentum=cycle_momentum,
            base_momentum=_per_group("base_momentum", base_momentum, groups),
            max_momentum=_per_group("max_momentum", max_momentum, groups),
            div_factor=div_factor, final_div_factor=final_div_factor, three_phase=three_phase,
        )
        if isinstance(optimizer, Optimizer):
            self._prepare(optimizer)
        super().__init__(optimizer)

    def _prepare(self, optimizer: Optimizer) -> None:
        """Set each group's starting rate (and momentum), as PyTorch's constructor does."""
        for group, max_lr in zip(optimizer.param_groups, self.max_lr):
            group["initial_lr"] = max_lr / self.div_factor
        self._use_betas = "betas" in optimizer.defaults
        if not self.cycle_momentum:
            return
        if "momentum" not in optimizer.defaults and not self._use_betas:
            raise ValueError(f"OneCycleLR: {type(optimizer).__name__} has neither momentum nor betas to cycle; "
                             "pass cycle_momentum=False")
        for group, momentum in zip(optimizer.param_groups, self.max_momentum):
            self._set_momentum(group, momentum)

    def _set_momentum(self, group: dict[str, Any], momentum: float) -> None:
        if self._use_betas:
            group["betas"] = (momentum, *tuple(group["betas"])[1:])
        else:
            group["momentum"] = momentum

    def _phases(self) -> list[tuple[float, str, str, str, str]]:
        """(end step, start rate, end rate, start momentum, end momentum) of each phase."""
        t, p = self.total_steps, self.pct_start
        if self.three_phase:
            return [(float(p * t) - 1, "initial", "max", "max_m", "base_m"),
                    (float(2 * p * t) - 2, "max", "initial", "base_m", "max_m"),
                    (t - 1, "initial", "min", "max_m", "max_m")]
        return [(float(p * t) - 1, "initial", "max", "max_m", "base_m"),
                (t - 1, "max", "min", "base_m", "max_m")]

    def _next_lrs(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times; the cycle has total_steps={self.total_steps}")
        anneal = _anneal_cos if self.anneal_strategy == "cos" else _anneal_linear
        phases = self._phases()
        lrs = []
        for index, group in enumerate(self.optimizer.param_groups):
            initial = self.base_lrs[index]
            values = {"initial": initial, "max": self.max_lr[index], "min": initial / self.final_div_factor,
                      "max_m": self.max_momentum[index], "base_m": self.base_momentum[index]}
            start_step = 0.0
            for number, (end_step, lr_from, lr_to, m_from, m_to) in enumerate(phases):
                if step <= end_step or number == len(phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    lrs.append(anneal(values[lr_from], values[lr_to], pct))
                    if self.cycle_momentum:
                        self._set_momentum(group, anneal(values[m_from], values[m_to], pct))
                    break
                start_step = end_step
        return lrs


def _per_group(name: str, value: Any, groups: int) -> Any:
    """One value per parameter group: a single number is repeated; a list must have one per group."""
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(f"OneCycleLR: {name} lists {len(value)} values, the optimizer has {groups} "
                             "parameter group(s)")
        return list(value)
    return [value] * max(groups, 1)


def _total_steps(total_steps: Optional[int], epochs: Optional[int], steps_per_epoch: Optional[int]) -> Any:
    if total_steps is not None:
        return total_steps
    if epochs is None or steps_per_epoch is None:
        raise ValueError("OneCycleLR: give total_steps, or epochs and steps_per_epoch")
    for name, value in (("epochs", epochs), ("steps_per_epoch", steps_per_epoch)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"OneCycleLR: {name} must be a positive integer, got {value!r}")
    return epochs * steps_per_epoch
