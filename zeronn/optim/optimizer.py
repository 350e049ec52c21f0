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

import numbers
from collections.abc import Callable, Iterable
from typing import Any, Optional, Union

import numpy as np

from zeronn.nn.layer import Layer
from zeronn.nn.parameter import Parameter

__all__ = ["Optimizer", "ParamsLike", "effective_grad"]

#: What an optimizer accepts as ``params``: parameters (``model.parameters()``),
#: ``(name, parameter)`` pairs (``model.named_parameters()``) or a list of group dicts.
ParamsLike = Union[Iterable[Parameter], Iterable[tuple[str, Parameter]], Iterable[dict[str, Any]], dict[str, Any]]

#: Keys a parameter group may hold besides "params" and the hyper-parameters:
#: "initial_lr" is added by learning-rate schedulers, "name" is a free label.
EXTRA_GROUP_KEYS = ("initial_lr", "name")


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
    A subclass passes its defaults to ``__init__`` and implements three methods:
    ``_check_hyperparameters(values) -> dict`` (validate and return them as
    plain floats / bools), ``_init_state(param, group) -> dict`` and
    ``_update(param, grad, state, group)`` (update ``param.data`` in place).
    It lists every name its state may hold in ``state_names``.
    A parameter is skipped by ``step`` when its ``grad`` is None or its
    ``requires_grad`` is False.
    """

    #: Every key the per-parameter state of this optimizer may hold.
    state_names: tuple[str, ...] = ()

    def __init__(self, params: ParamsLike, defaults: dict[str, Any]) -> None:
        self.defaults: dict[str, Any] = self._check_hyperparameters(dict(defaults))
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Parameter, dict[str, Any]] = {}
        for group in _as_param_groups(params, type(self).__name__):
            self.add_param_group(group)

    # ------------------------------------------------------------------ for subclasses
    def _check_hyperparameters(self, values: dict[str, Any]) -> dict[str, Any]:
        """Validate the hyper-parameters of one group and return them normalised."""
        raise NotImplementedError(f"{type(self).__name__} does not implement _check_hyperparameters()")

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
        params = _unique(_as_parameter_list(param_group["params"], name))
        if not params:
            raise ValueError(f"{name}: a parameter group has an empty 'params' list")
        taken = {id(p) for group in self.param_groups for p in group["params"]}
        if any(id(p) in taken for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        values = {key: param_group.get(key, default) for key, default in self.defaults.items()}
        group = {"params": params, **self._check_hyperparameters(values)}
        group.update({key: param_group[key] for key in EXTRA_GROUP_KEYS if key in param_group})
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
                if param.grad.shape != param.data.shape:
                    self._raise_grad_shape(param)
                state = self.state.get(param)
                if state is None:
                    state = self.state[param] = self._init_state(param, group)
                self._update(param, param.grad, state, group)
        return loss

    def _raise_grad_shape(self, param: Parameter) -> None:
        raise ValueError(
            f"{type(self).__name__}.step(): a parameter of shape {param.data.shape} has a gradient of "
            f"shape {param.grad.shape}; they must be equal"
        )

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

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and state saved by ``state_dict`` (the arrays are copied).

        Everything is checked before anything changes: the number of groups and
        of parameters per group, the state names, every array's shape.  A
        resumed run continues bit for bit as if it had never stopped.
        """
        name = type(self).__name__
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            found = sorted(state_dict) if isinstance(state_dict, dict) else type(state_dict).__name__
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
            raise ValueError(f"{name}.load_state_dict: 'state' must be a dict, got {type(saved_state).__name__}")
        new_state: dict[Parameter, dict[str, Any]] = {}
        for key, entry in saved_state.items():
            if key not in owner_of:
                raise ValueError(
                    f"{name}.load_state_dict: the state dict has state for parameter {key!r}, "
                    f"which no parameter group lists (known: {', '.join(owner_of)})"
                )
            param, group = owner_of[key]
            new_state[param] = self._state_from_saved(entry, param, group, key)
        self.param_groups = new_groups
        self.state = new_state

    def _groups_from_saved(self, saved_groups: Any) -> list[dict[str, Any]]:
        name = type(self).__name__
        if not isinstance(saved_groups, (list, tuple)) or len(saved_groups) != len(self.param_groups):
            count = len(saved_groups) if isinstance(saved_groups, (list, tuple)) else saved_groups
            raise ValueError(
                f"{name}.load_state_dict: the state dict has {count} parameter group(s), "
                f"this optimizer has {len(self.param_groups)}"
            )
        new_groups = []
        for number, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if not isinstance(saved, dict) or not isinstance(saved.get("params"), (list, tuple)):
                raise ValueError(
                    f"{name}.load_state_dict: parameter group {number} must be a dict with a 'params' list"
                )
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: parameter group {number} has {len(saved['params'])} parameter(s) "
                    f"in the state dict, {len(group['params'])} in this optimizer"
                )
            unknown = sorted(set(saved) - set(self.defaults) - {"params", *EXTRA_GROUP_KEYS})
            missing = sorted(set(self.defaults) - set(saved))
            if unknown or missing:
                raise ValueError(
                    f"{name}.load_state_dict: parameter group {number} does not fit {name} "
                    f"(unknown {unknown or 'nothing'}, missing {missing or 'nothing'}); "
                    "was it saved by a different optimizer?"
                )
            values = {key: _from_json(saved[key], self.defaults[key]) for key in self.defaults}
            restored = {"params": group["params"], **self._check_hyperparameters(values)}
            restored.update({key: saved[key] for key in EXTRA_GROUP_KEYS if key in saved})
            new_groups.append(restored)
        return new_groups

    def _state_from_saved(self, entry: Any, param: Parameter, group: dict[str, Any], index: str) -> dict[str, Any]:
        name = type(self).__name__
        where = f"{name}.load_state_dict: the state of parameter {index}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} must be a dict, got {type(entry).__name__}")
        required = set(self._init_state(param, group))
        unknown = sorted(set(entry) - set(self.state_names))
        missing = sorted(required - set(entry))
        if unknown or missing:
            raise ValueError(
                f"{where} does not fit {name} (unknown {unknown or 'nothing'}, missing {missing or 'nothing'}); "
                "was it saved by a different optimizer or with other options?"
            )
        restored = {}
        for key, value in entry.items():
            if key == "step":
                if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{where}: 'step' must be an integer >= 0, got {value!r}")
                restored[key] = int(value)
                continue
            array = np.asarray(value)
            if array.shape != param.data.shape:
                raise ValueError(
                    f"{where}: {key!r} has shape {array.shape}, the parameter has shape {param.data.shape}"
                )
            restored[key] = array.astype(param.data.dtype, copy=True)
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
    """Return a new array  ``d = (-grad if maximize else grad) + weight_decay * param``.

    ``d`` has the parameter's dtype and never shares memory with ``grad``, so
    the update rules may work in it in place.
    """
    d = grad.astype(param.dtype, copy=True)
    if maximize:
        np.negative(d, out=d)
    if weight_decay != 0:
        d += weight_decay * param                # L2 penalty 0.5 * weight_decay * |p|^2 added to the loss
    return d


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


def _from_json(value: Any, default: Any) -> Any:
    """Undo ``_json_value``: a list where the default is a tuple becomes a tuple again."""
    return tuple(value) if isinstance(default, tuple) and isinstance(value, list) else value


def _copy_value(value: Any) -> Any:
    return value.copy() if isinstance(value, np.ndarray) else value


def _format_hyper(group: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in group.items() if key not in ("params", "initial_lr"))
