"""The ``Optimizer`` base class: parameter groups, per-parameter state, ``step`` and ``state_dict``.

An optimizer changes the parameters of a model using their gradients.  The
loop every optimizer supports, exactly as in PyTorch::

    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in batches:
        optimizer.zero_grad()                 # forget the previous gradients
        loss = loss_fn(model(x), y)
        model.backward(loss_fn.backward())    # fills every parameter.grad
        optimizer.step()                      # updates every parameter.data in place

Parameter groups let parts of a model use different hyper-parameters::

    SGD([{"params": body.parameters()},
         {"params": head.parameters(), "lr": 0.01}], lr=0.1, momentum=0.9)

Each group is a dict holding ``"params"`` and every hyper-parameter (the
optimizer's defaults fill what a group leaves out).  A learning-rate scheduler
changes ``group["lr"]`` between steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Optional, Union

import numpy as np

from zeronn._validation import (
    Constraint,
    Interval,
    Text,
    check_parameters,
    finite_array,
)
from zeronn.nn.layer import Layer
from zeronn.nn.parameter import Parameter

__all__ = ["Optimizer", "ParamsLike", "Buffer", "LEARNING_RATE", "STEP", "effective_grad"]

#: What an optimizer accepts as ``params``: parameters (``model.parameters()``),
#: ``(name, parameter)`` pairs (``model.named_parameters()``) or a list of group dicts.
ParamsLike = Union[Iterable[Parameter], Iterable[tuple[str, Parameter]], Iterable[dict[str, Any]], dict[str, Any]]

#: The learning rate of every optimizer: a number >= 0.  0 is allowed, as in PyTorch
#: (a cosine schedule ends there, and a run resumed from its end must load).
LEARNING_RATE = Interval(0, None, closed="left", label="learning rate", example="lr=0.01")

#: Keys a parameter group may hold besides "params" and the hyper-parameters:
#: "initial_lr" (and "max_lr", "min_lr" of a one-cycle schedule) are added by
#: learning-rate schedulers, "name" is a free label.
EXTRA_GROUP_CONSTRAINTS: dict[str, Constraint] = {
    "initial_lr": Interval(0, None, closed="left"),
    "max_lr": Interval(0, None, closed="left"),
    "min_lr": Interval(0, None, closed="left"),
    "name": Text(),
}
EXTRA_GROUP_KEYS = tuple(EXTRA_GROUP_CONSTRAINTS)


class Buffer:
    """What a per-parameter state array may hold: finite real numbers of the parameter's shape.

    ``nonnegative=True`` for running squares (a negative one would make
    ``sqrt`` NaN).  Loaded arrays are copied into the parameter's dtype.
    """

    def __init__(self, *, nonnegative: bool = False) -> None:
        self.nonnegative = nonnegative

    def check(self, where: str, value: Any, param: Parameter) -> np.ndarray:
        array = finite_array(where, value, param.data.shape, param.data.dtype)
        if self.nonnegative and array.size and array.min() < 0:
            raise ValueError(f"{where} holds negative values (it is a running square, so >= 0), "
                             f"e.g. {float(array.min())!r}")
        return array


#: The step counter kept in the state of Adam, RMSprop and Adagrad.
STEP = Interval(0, None, closed="left", integer=True)


class Optimizer:
    """Base class of every optimizer.

    Attributes
    ----------
    defaults : dict
        The hyper-parameters given to the constructor; they fill what a
        parameter group does not set itself.
    param_groups : list of dict
        Each dict holds ``"params"`` (a list of ``Parameter``) and the
        hyper-parameters used for them (``"lr"``, ...).  Change ``group["lr"]``
        to change the learning rate (that is what schedulers do).
    state : dict
        ``Parameter -> dict`` of the running values of that parameter (momentum
        buffers, moment estimates, step count), created by the first step that
        updates it.

    Notes
    -----
    A subclass states its hyper-parameters once, in ``_parameter_constraints``
    (name -> ``zeronn._validation`` constraint, in the constructor's order),
    and what its per-parameter state may hold in ``_state_constraints``
    (name -> ``Buffer`` or ``STEP``).  These check the constructor's
    arguments, every parameter group and every state dict loaded later.
    It implements ``_init_state(param, group) -> dict`` and
    ``_update(param, grad, state, group)`` (update ``param.data`` in place),
    and may override ``_check_combination(values)`` for rules that tie
    several hyper-parameters together (SGD's Nesterov momentum).
    A parameter is skipped by ``step`` when its ``grad`` is None or its
    ``requires_grad`` is False.
    """

    #: Each hyper-parameter and what it may be (stated once; see Notes).
    _parameter_constraints: ClassVar[dict[str, Constraint]] = {}
    #: Each name the per-parameter state may hold, and what it may be.
    _state_constraints: ClassVar[dict[str, Union[Buffer, Interval]]] = {}

    def __init__(self, params: ParamsLike, defaults: dict[str, Any]) -> None:
        self.defaults: dict[str, Any] = self._check_hyperparameters(dict(defaults))
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Parameter, dict[str, Any]] = {}
        for group in _as_param_groups(params, type(self).__name__):
            self.add_param_group(group)

    @property
    def state_names(self) -> tuple[str, ...]:
        """Every key the per-parameter state of this optimizer may hold."""
        return tuple(self._state_constraints)

    # ------------------------------------------------------------------ for subclasses
    def _check_hyperparameters(self, values: dict[str, Any]) -> dict[str, Any]:
        """Validate the hyper-parameters of one group against ``_parameter_constraints``; return them normalised."""
        name = type(self).__name__
        if not self._parameter_constraints:
            raise NotImplementedError(f"{name} does not declare its _parameter_constraints")
        checked = check_parameters(self._parameter_constraints, values, owner=name)
        self._check_combination(checked)
        return checked

    def _check_combination(self, values: dict[str, Any]) -> None:
        """Raise for hyper-parameters that are valid one by one but not together (nothing by default)."""

    def _init_state(self, param: Parameter, group: dict[str, Any]) -> dict[str, Any]:
        """Return the state of ``param`` before its first update."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _init_state()")

    def _update(self, param: Parameter, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Apply one update to ``param.data`` in place (``grad`` must not be modified)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _update()")

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters (the defaults fill the rest).

        A parameter listed twice in one group is kept once; a parameter that is
        already in another group raises ``ValueError``.
        """
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a parameter group must be a dict, got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{name}: a parameter group must have a 'params' entry, got keys {sorted(param_group)}")
        unknown = sorted(set(param_group) - set(self.defaults) - {"params", *EXTRA_GROUP_KEYS})
        if unknown:
            valid = ", ".join(sorted(self.defaults))
            raise ValueError(f"{name}: unknown option(s) {unknown} in a parameter group; valid options are: {valid}")
        params = _check_float_parameters(_unique(_as_parameter_list(param_group["params"], name)), name)
        if not params:
            raise ValueError(f"{name}: a parameter group has an empty 'params' list")
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        values = {key: param_group.get(key, default) for key, default in self.defaults.items()}
        group = {"params": params, **self._check_hyperparameters(values)}
        group.update(_extra_group_values(param_group, name))
        self.param_groups.append(group)

    def parameters(self) -> list[Parameter]:
        """Return every parameter of every group, in order (index i is key ``str(i)`` of the state dict)."""
        return [param for group in self.param_groups for param in group["params"]]

    # ------------------------------------------------------------------ the loop
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradient of every parameter: to None (default, as PyTorch) or to zeros."""
        for param in self.parameters():
            param.grad = None if set_to_none else np.zeros_like(param.data)

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()`` if one is given.

        ``closure`` (optional, as in PyTorch) recomputes the loss and the
        gradients; it is called before the update.
        """
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None or not param.requires_grad:
                    continue
                if not _is_real_array(param.grad) or param.grad.shape != param.data.shape:
                    self._raise_bad_grad(param, param.grad)
                state = self.state.get(param)
                if state is None:
                    state = self.state[param] = self._init_state(param, group)
                self._update(param, param.grad, state, group)
        return loss

    def _raise_bad_grad(self, param: Parameter, grad: Any) -> None:
        where = f"{type(self).__name__}.step(): a parameter of shape {param.data.shape}"
        if not _is_real_array(grad):
            kind = f"dtype {grad.dtype}" if isinstance(grad, np.ndarray) else type(grad).__name__
            raise TypeError(f"{where} has a gradient of {kind}; gradients must be arrays of real numbers")
        raise ValueError(f"{where} has a gradient of shape {grad.shape}; they must be equal")

    # ------------------------------------------------------------------ saving
    def state_dict(self) -> dict[str, Any]:
        """Return the optimizer's state as a tree of str keys, JSON values and array copies.

        ``{"state": {"0": {"step": 3, "exp_avg": array, ...}, ...},
        "param_groups": [{"lr": 0.001, ..., "params": [0, 1, 2]}, ...]}``:
        parameters are numbered in group order, as in PyTorch; parameters that
        were never updated have no state entry.
        """
        groups, start = [], 0
        for group in self.param_groups:
            saved = {key: _json_value(value) for key, value in group.items() if key != "params"}
            saved["params"] = list(range(start, start + len(group["params"])))
            start += len(group["params"])
            groups.append(saved)
        state = {}
        for index, param in enumerate(self.parameters()):
            if param in self.state:
                state[str(index)] = {key: _copy_value(value) for key, value in self.state[param].items()}
        return {"state": state, "param_groups": groups}

    def validate_state_dict(self, state_dict: Any) -> None:
        """Check ``state_dict`` fits this optimizer, raising ``ValueError``/``TypeError``; change nothing.

        Checked: the keys, the number of groups and of parameters per group,
        every hyper-parameter (with the constructor's constraints), the state
        names, and every state array (finite real numbers of the parameter's
        shape; running squares >= 0); step counters are integers >= 0.
        """
        self._restored(state_dict)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and state saved by ``state_dict`` (the arrays are copied).

        ``validate_state_dict`` runs first: a state dict that does not fit
        raises and leaves the optimizer exactly as it was.  A resumed run
        continues bit for bit as if it had never stopped.
        """
        self.param_groups, self.state = self._restored(state_dict)

    def _restored(self, state_dict: Any) -> tuple[list[dict[str, Any]], dict[Parameter, dict[str, Any]]]:
        """The groups and the state ``state_dict`` describes, built without touching this optimizer."""
        name = type(self).__name__
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            found = sorted(map(str, state_dict)) if isinstance(state_dict, dict) else type(state_dict).__name__
            raise ValueError(f"{name}.load_state_dict expects a dict with keys 'param_groups' and 'state', got {found}")
        saved_groups = state_dict["param_groups"]
        new_groups = self._groups_from_saved(saved_groups)
        owner_of = {                                          # saved index -> (parameter, its new group)
            str(saved_index): (param, group)
            for saved, group in zip(saved_groups, new_groups)
            for saved_index, param in zip(saved["params"], group["params"])
        }
        saved_state = state_dict["state"]
        if not isinstance(saved_state, dict):
            raise TypeError(f"{name}.load_state_dict: 'state' must be a dict, got {type(saved_state).__name__}")
        new_state: dict[Parameter, dict[str, Any]] = {}
        for key, entry in saved_state.items():
            if str(key) not in owner_of or isinstance(key, bool):
                raise ValueError(
                    f"{name}.load_state_dict: the state dict has state for parameter {key!r:.40}, "
                    f"which no parameter group lists (known: {', '.join(owner_of)})"
                )
            param, group = owner_of[str(key)]
            new_state[param] = self._state_from_saved(entry, param, group, str(key))
        return new_groups, new_state

    def _groups_from_saved(self, saved_groups: Any) -> list[dict[str, Any]]:
        name = type(self).__name__
        if not isinstance(saved_groups, (list, tuple)) or len(saved_groups) != len(self.param_groups):
            count = len(saved_groups) if isinstance(saved_groups, (list, tuple)) else f"{saved_groups!r:.60}"
            raise ValueError(
                f"{name}.load_state_dict: the state dict has {count} parameter group(s), "
                f"this optimizer has {len(self.param_groups)}"
            )
        new_groups, seen = [], set()
        for number, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            where = f"{name}.load_state_dict: parameter group {number}"
            if not isinstance(saved, dict) or not isinstance(saved.get("params"), (list, tuple)):
                raise ValueError(f"{where} must be a dict with a 'params' list")
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{where} has {len(saved['params'])} parameter(s) in the state dict, "
                    f"{len(group['params'])} in this optimizer"
                )
            for index in saved["params"]:
                if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index in seen:
                    raise ValueError(f"{where}: 'params' must list distinct parameter numbers, got {index!r:.40}")
                seen.add(index)
            unknown = sorted(map(str, set(saved) - set(self.defaults) - {"params", *EXTRA_GROUP_KEYS}))
            missing = sorted(set(self.defaults) - set(saved))
            if unknown or missing:
                raise ValueError(
                    f"{where} does not fit {name} (unknown {unknown or 'nothing'}, missing {missing or 'nothing'}); "
                    "was it saved by a different optimizer?"
                )
            try:
                values = self._check_hyperparameters({key: saved[key] for key in self.defaults})
                extra = _extra_group_values(saved, name)
            except (TypeError, ValueError) as error:
                raise type(error)(f"{where}: {error}") from None
            new_groups.append({"params": group["params"], **values, **extra})
        return new_groups

    def _state_from_saved(self, entry: Any, param: Parameter, group: dict[str, Any], index: str) -> dict[str, Any]:
        name = type(self).__name__
        where = f"{name}.load_state_dict: the state of parameter {index}"
        if not isinstance(entry, dict):
            raise TypeError(f"{where} must be a dict, got {type(entry).__name__}")
        required = set(self._init_state(param, group))
        unknown = sorted(map(str, set(entry) - set(self._state_constraints)))
        missing = sorted(required - set(entry))
        if unknown or missing:
            raise ValueError(
                f"{where} does not fit {name} (unknown {unknown or 'nothing'}, missing {missing or 'nothing'}); "
                "was it saved by a different optimizer or with other options?"
            )
        restored = {}
        for key, value in entry.items():
            constraint = self._state_constraints[key]
            if isinstance(constraint, Buffer):
                restored[key] = constraint.check(f"{where}: {key!r}", value, param)
                continue
            try:
                restored[key] = constraint.check(key, value)
            except (TypeError, ValueError):
                raise ValueError(f"{where}: {key!r} must be {constraint.describe()}, got {value!r:.60}") from None
        return restored

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        name = type(self).__name__
        count = len(self.parameters())
        if len(self.param_groups) == 1:
            return f"{name}({_format_hyper(self.param_groups[0])}; {count} parameters)"
        lines = [f"{name}("]
        for number, group in enumerate(self.param_groups):
            lines.append(f"  group {number}: {_format_hyper(group)}; {len(group['params'])} parameters")
        lines.append(")")
        return "\n".join(lines)


def effective_grad(param: np.ndarray, grad: np.ndarray, *, weight_decay: float, maximize: bool) -> np.ndarray:
    """Return  ``g = (-grad if maximize else grad) + weight_decay * param``  in the parameter's dtype.

    The result may be ``grad`` itself (when there is nothing to change):
    update rules read it and never write into it.
    """
    g = grad if grad.dtype == param.dtype else grad.astype(param.dtype)
    if maximize:
        g = -g
    if weight_decay != 0:
        g = g + weight_decay * param             # L2 penalty 0.5 * weight_decay * |p|^2 added to the loss
    return g


def _extra_group_values(group: dict[str, Any], owner: str) -> dict[str, Any]:
    """The scheduler-added keys of a group ("initial_lr", ...), checked."""
    return {key: constraint.check(key, group[key])
            for key, constraint in EXTRA_GROUP_CONSTRAINTS.items() if key in group}


# ---------------------------------------------------------------------------------------- helpers
def _as_param_groups(params: Any, owner: str) -> list[dict[str, Any]]:
    """Turn the ``params`` argument into a list of group dicts."""
    if isinstance(params, Layer):
        raise TypeError(
            f"{owner} expects model.parameters(), not the model itself: {owner}(model.parameters(), lr=...)"
        )
    if isinstance(params, (Parameter, np.ndarray)):
        raise TypeError(
            f"{owner} expects an iterable of Parameters (e.g. model.parameters()) or of group dicts, "
            f"got a single {type(params).__name__}; wrap it in a list"
        )
    if isinstance(params, dict):
        return [params]
    if not isinstance(params, Iterable) or isinstance(params, str):
        raise TypeError(f"{owner} expects an iterable of Parameters or of group dicts, got {type(params).__name__}")
    items = list(params)
    if not items:
        raise ValueError(f"{owner} got an empty parameter list")
    if all(isinstance(item, dict) for item in items):
        return items
    if any(isinstance(item, dict) for item in items):
        raise TypeError(f"{owner}: params must be all Parameters or all group dicts, not a mix")
    return [{"params": items}]


def _as_parameter_list(params: Any, owner: str) -> list[Parameter]:
    """Return the parameters of a group as a list (accepting ``(name, parameter)`` pairs too)."""
    if isinstance(params, Parameter):
        return [params]
    if isinstance(params, Layer):
        raise TypeError(f"{owner}: a group's 'params' must be model.parameters(), not the model itself")
    if not isinstance(params, Iterable) or isinstance(params, (str, dict)):
        raise TypeError(f"{owner}: a group's 'params' must be an iterable of Parameters, got {type(params).__name__}")
    result = []
    for item in params:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Parameter):
            item = item[1]                                   # from model.named_parameters()
        if not isinstance(item, Parameter):
            raise TypeError(
                f"{owner} can only optimize zeronn.nn.Parameter objects, but one of the params is "
                f"{type(item).__name__}"
            )
        result.append(item)
    return result


def _is_real_array(values: Any) -> bool:
    return isinstance(values, np.ndarray) and values.dtype.kind in "fiu"


def _check_float_parameters(params: list[Parameter], owner: str) -> list[Parameter]:
    """Refuse parameters that cannot take a fractional update (int, bool, complex or object data)."""
    for position, param in enumerate(params):
        if not isinstance(param.data, np.ndarray) or param.data.dtype.kind != "f":
            kind = getattr(param.data, "dtype", type(param.data).__name__)
            raise TypeError(f"{owner} can only optimize floating-point parameters; parameter {position} of the "
                            f"group holds {kind} (create it from a float array, e.g. np.zeros(3))")
    return params


def _unique(params: list[Parameter]) -> list[Parameter]:
    """Drop repeats (a weight shared by two layers must be updated once per step)."""
    unique, seen = [], set()
    for param in params:
        if id(param) not in seen:
            seen.add(id(param))
            unique.append(param)
    return unique


def _json_value(value: Any) -> Any:
    """Hyper-parameter as a JSON value (tuples become lists)."""
    return [_json_value(v) for v in value] if isinstance(value, (tuple, list)) else value


def _copy_value(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def _format_hyper(group: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in group.items() if key not in ("params", "initial_lr"))
