"""Build optimizers and schedulers from their names (for ``fit``, the command line and config files).

>>> get_optimizer("adam", model.parameters(), lr=1e-3)          # doctest: +SKIP
>>> get_scheduler("cosine", optimizer, T_max=20)                 # doctest: +SKIP
"""

from __future__ import annotations

import inspect
from typing import Any

from zeronn._validation import check_choice
from zeronn.optim.adagrad import Adagrad
from zeronn.optim.adam import Adam
from zeronn.optim.adamw import AdamW
from zeronn.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    LRScheduler,
    MultiStepLR,
    ReduceLROnPlateau,
    StepLR,
)
from zeronn.optim.optimizer import Optimizer, ParamsLike
from zeronn.optim.rmsprop import RMSprop
from zeronn.optim.sgd import SGD

__all__ = ["OPTIMIZERS", "SCHEDULERS", "get_optimizer", "get_scheduler"]

_OPTIMIZER_CLASSES: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
}

_SCHEDULER_CLASSES: dict[str, type[LRScheduler]] = {
    "step": StepLR,
    "multistep": MultiStepLR,
    "exponential": ExponentialLR,
    "cosine": CosineAnnealingLR,
    "linear": LinearLR,
    "plateau": ReduceLROnPlateau,
}

#: Names accepted by ``get_optimizer``.
OPTIMIZERS: tuple[str, ...] = tuple(_OPTIMIZER_CLASSES)

#: Names accepted by ``get_scheduler``.
SCHEDULERS: tuple[str, ...] = tuple(_SCHEDULER_CLASSES)


def get_optimizer(name: str, params: ParamsLike, **kwargs: Any) -> Optimizer:
    """Create the optimizer called ``name`` (one of ``OPTIMIZERS``, any case) for ``params``.

    ``kwargs`` are its hyper-parameters (``lr=0.1, momentum=0.9`` ...); an
    unknown name or argument raises an error listing the valid ones.
    """
    cls = _OPTIMIZER_CLASSES[_lookup("optimizer", name, OPTIMIZERS)]
    _check_kwargs(cls, kwargs, skip=("self", "params"))
    return cls(params, **kwargs)


def get_scheduler(name: str, optimizer: Optimizer, **kwargs: Any) -> LRScheduler:
    """Create the learning-rate scheduler called ``name`` (one of ``SCHEDULERS``) for ``optimizer``.

    Names: "step" (StepLR), "multistep" (MultiStepLR), "exponential"
    (ExponentialLR), "cosine" (CosineAnnealingLR), "linear" (LinearLR, linear
    warm-up), "plateau" (ReduceLROnPlateau).
    """
    cls = _SCHEDULER_CLASSES[_lookup("scheduler", name, SCHEDULERS)]
    _check_kwargs(cls, kwargs, skip=("self", "optimizer"))
    return cls(optimizer, **kwargs)


def _lookup(kind: str, name: Any, choices: tuple[str, ...]) -> str:
    key = name.lower() if isinstance(name, str) else name
    return check_choice(kind, key, choices)


def _check_kwargs(cls: type, kwargs: dict[str, Any], skip: tuple[str, ...]) -> None:
    """Raise ``TypeError`` naming the accepted arguments if ``kwargs`` has an unknown one or lacks a required one."""
    parameters = {name: p for name, p in inspect.signature(cls).parameters.items() if name not in skip}
    accepted = ", ".join(parameters)
    unknown = sorted(set(kwargs) - set(parameters))
    if unknown:
        raise TypeError(f"{cls.__name__} got unexpected argument(s) {unknown}; it accepts: {accepted}")
    missing = [name for name, p in parameters.items() if p.default is inspect.Parameter.empty and name not in kwargs]
    if missing:
        example = ", ".join(f"{name}=..." for name in missing)
        raise TypeError(f"{cls.__name__} needs {example} (it accepts: {accepted})")
