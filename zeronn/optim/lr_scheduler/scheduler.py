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

from typing import Any, ClassVar

from zeronn._validation import Constraint, Interval, ListOf, check_parameters, check_state_keys
from zeronn.optim.optimizer import Optimizer

__all__ = ["LRScheduler", "RATE", "EPOCH"]

#: A learning rate a scheduler may set or save: a number >= 0.
RATE = Interval(0, None, closed="left")
#: ``last_epoch`` as saved: the number of ``step()`` calls so far (-1: a scheduler of a
#: ``SequentialLR`` whose turn has not come yet).
EPOCH = Interval(-1, None, closed="left", integer=True)


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
    A subclass states its constructor arguments once, in
    ``_parameter_constraints`` (name -> ``zeronn._validation`` constraint);
    its ``__init__`` passes them to ``_set_hyperparameters`` (which checks
    them and sets them as attributes) before calling ``LRScheduler.__init__``.
    The same constraints check every state dict loaded later, and
    ``state_dict`` saves them (``hyperparameter_names`` lists them).  It
    implements ``_next_lrs()`` (the rates for epoch ``last_epoch``, computed
    from the current ones).  The constructor performs step 0, which sets the
    starting rate.
    """

    #: Each constructor argument and what it may be (stated once; see Notes).
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {}
    #: Constructor arguments saved by ``state_dict`` (set from ``_parameter_constraints``).
    hyperparameter_names: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_parameter_constraints" in vars(cls):
            cls.hyperparameter_names = tuple(cls._parameter_constraints)

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = _check_optimizer(self, optimizer)
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

    def _set_hyperparameters(self, **values: Any) -> None:
        """Check the constructor's arguments against ``_parameter_constraints`` and set them as attributes."""
        checked = check_parameters(self._parameter_constraints, values, owner=type(self).__name__)
        self._check_combination(checked)
        for name, value in checked.items():
            setattr(self, name, value)

    def _check_combination(self, values: dict[str, Any]) -> None:
        """Raise for arguments that are valid one by one but not together (nothing by default)."""

    def _state_constraints(self) -> dict[str, Constraint]:
        """What each entry of this scheduler's state dict may be."""
        groups = len(self.optimizer.param_groups)
        common: dict[str, Constraint] = {"last_epoch": EPOCH}
        for key in ("base_lrs", "last_lr"):
            common[key] = ListOf(RATE, length=groups, label=f"{key} (one rate per parameter group)")
        return {**common, **self._parameter_constraints}

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

    def validate_state_dict(self, state_dict: Any) -> None:
        """Check ``state_dict`` fits this scheduler, raising ``ValueError``/``TypeError``; change nothing.

        Checked: the keys, ``last_epoch`` (an integer >= -1), one rate >= 0
        per parameter group in ``base_lrs`` and ``last_lr``, and every
        argument with the constructor's constraints.
        """
        self._restored(state_dict)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what ``state_dict`` saved (arguments included, as PyTorch does).

        ``validate_state_dict`` runs first: a state dict that does not fit
        raises and leaves the scheduler as it was.  The optimizer's rates are
        not touched: load the optimizer's own state dict for those.
        """
        for name, value in self._restored(state_dict).items():
            setattr(self, "_last_lr" if name == "last_lr" else name, value)

    def _restored(self, state_dict: Any) -> dict[str, Any]:
        """The checked values of ``state_dict`` (by state-dict key), without touching this scheduler."""
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        constraints = self._state_constraints()
        unchecked = [key for key in self.hyperparameter_names if key not in constraints]
        check_state_keys(where, state_dict, [*constraints, *unchecked],
                         hint="; was it saved by a different scheduler?")
        try:
            values = check_parameters(constraints, {key: state_dict[key] for key in constraints}, owner=name)
            self._check_combination({key: values[key] for key in self._parameter_constraints})
        except (TypeError, ValueError) as error:
            raise type(error)(f"{where}: {error}") from None
        values.update({key: _copy(state_dict[key]) for key in unchecked})
        return values

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


def _check_optimizer(owner: Any, optimizer: Any) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{type(owner).__name__} expects a zeronn.optim optimizer (e.g. SGD(model.parameters())), "
            f"got {type(optimizer).__name__}"
        )
    return optimizer


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value
