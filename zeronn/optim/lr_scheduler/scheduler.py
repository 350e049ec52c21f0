"""The ``LRScheduler`` base class: change the optimizer's learning rate as training goes on.

Usage, as in PyTorch (call ``scheduler.step()`` once per epoch, after the
optimizer's steps of that epoch)::

    optimizer = SGD(model.parameters(), lr=0.1)
    scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
    for epoch in range(100):
        train_one_epoch(model, optimizer)
        scheduler.step()

Like PyTorch's, the rules are *chainable*: each step computes the new rate
from the rate the optimizer holds now (``group["lr"]``), so a rate you set by
hand, or one changed by another scheduler, is carried on.  Each docstring also
gives the closed form the rule follows when nothing else touches the rate.
"""

from __future__ import annotations

from typing import Any

from zeronn.optim.optimizer import Optimizer

__all__ = ["LRScheduler", "check_state_keys"]


class LRScheduler:
    """Base class of the learning-rate schedulers.

    Attributes
    ----------
    optimizer : Optimizer
        The optimizer whose ``param_groups[i]["lr"]`` this scheduler sets.
    base_lrs : list of float
        Each group's learning rate when the first scheduler was attached
        (stored in the group as ``"initial_lr"``).
    last_epoch : int
        Number of ``step()`` calls so far (0 right after construction).

    Notes
    -----
    A subclass implements ``_next_lrs()`` (the rates for epoch ``last_epoch``,
    computed from the current ones) and lists its constructor arguments in
    ``hyperparameter_names`` so that ``state_dict`` saves them.  The
    constructor performs step 0, which sets the starting rate.
    """

    #: Constructor arguments saved by ``state_dict`` (besides the common state).
    hyperparameter_names: tuple[str, ...] = ()

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__} expects a zeronn.optim optimizer (e.g. SGD(model.parameters())), "
                f"got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self._last_lr: list[float] = self._current_lrs()
        self.step()

    # ------------------------------------------------------------------ for subclasses
    def _next_lrs(self) -> list[float]:
        """Return the learning rate of each group for epoch ``self.last_epoch``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _next_lrs()")

    def _lrs_at_start(self) -> list[float]:
        """Return the rates of epoch 0 from ``base_lrs`` (used when ``SequentialLR`` hands over)."""
        return list(self.base_lrs)

    # ------------------------------------------------------------------ public
    def step(self) -> None:
        """Move to the next epoch and set each group's learning rate for it."""
        self._check_groups()
        self.last_epoch += 1
        self._set_lrs(self._next_lrs())

    def get_last_lr(self) -> list[float]:
        """Return the learning rate of each parameter group set by the last ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Return the scheduler's state (JSON values only): counters, rates and its arguments."""
        state = {"last_epoch": self.last_epoch, "base_lrs": list(self.base_lrs), "last_lr": list(self._last_lr)}
        state.update({name: _copy(getattr(self, name)) for name in self.hyperparameter_names})
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict`` saved (arguments included, as PyTorch does).

        The optimizer's rates are not touched: load the optimizer's own state
        dict for those.
        """
        expected = {"last_epoch", "base_lrs", "last_lr", *self.hyperparameter_names}
        check_state_keys(self, state_dict, expected)
        groups = len(self.optimizer.param_groups)
        for key in ("base_lrs", "last_lr"):
            if not isinstance(state_dict[key], list) or len(state_dict[key]) != groups:
                raise ValueError(
                    f"{type(self).__name__}.load_state_dict: {key!r} must list one rate per parameter group "
                    f"({groups}), got {state_dict[key]!r}"
                )
        self.last_epoch = int(state_dict["last_epoch"])
        self.base_lrs = list(state_dict["base_lrs"])
        self._last_lr = list(state_dict["last_lr"])
        for name in self.hyperparameter_names:
            setattr(self, name, _copy(state_dict[name]))

    def __repr__(self) -> str:
        arguments = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.hyperparameter_names)
        return f"{type(self).__name__}({arguments})"

    # ------------------------------------------------------------------ helpers
    def _current_lrs(self) -> list[float]:
        return [float(group["lr"]) for group in self.optimizer.param_groups]

    def _set_lrs(self, lrs: list[float]) -> None:
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = float(lr)
        self._last_lr = self._current_lrs()

    def _restart(self) -> None:
        """Go back to epoch 0 (``SequentialLR`` calls this when it hands over to this scheduler)."""
        self.last_epoch = 0
        self._set_lrs(self._lrs_at_start())

    def _check_groups(self) -> None:
        if len(self.base_lrs) != len(self.optimizer.param_groups):
            raise RuntimeError(
                f"{type(self).__name__}: the optimizer now has {len(self.optimizer.param_groups)} parameter "
                f"groups, {len(self.base_lrs)} when the scheduler was created; create the scheduler after "
                "adding every parameter group"
            )


def check_state_keys(owner: Any, state_dict: Any, expected: set[str]) -> None:
    """Raise ``ValueError`` unless ``state_dict`` is a dict with exactly the keys ``expected``."""
    name = type(owner).__name__
    if not isinstance(state_dict, dict):
        raise ValueError(f"{name}.load_state_dict expects a dict, got {type(state_dict).__name__}")
    missing = sorted(expected - set(state_dict))
    unknown = sorted(set(state_dict) - expected)
    if missing or unknown:
        raise ValueError(
            f"{name}.load_state_dict: the state dict does not fit {name} (missing {missing or 'nothing'}, "
            f"unknown {unknown or 'nothing'}); was it saved by a different scheduler?"
        )


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value
