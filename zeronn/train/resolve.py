"""Turn what the user passed to ``fit`` (names or objects) into a loss, an optimizer and a scheduler."""

from __future__ import annotations

from typing import Any, Callable, Optional, Union

from zeronn.nn.layer import Layer

__all__ = ["resolve_loss", "resolve_optimizer", "resolve_scheduler", "is_plateau_scheduler"]


def resolve_loss(loss: Any) -> Any:
    """A loss name ("mse", "cross_entropy"...) or a loss object -> a loss object with a scalar reduction."""
    if isinstance(loss, str):
        from zeronn.losses import get_loss

        loss = get_loss(loss)
    if not callable(loss) or not callable(getattr(loss, "backward", None)):
        raise TypeError(f"loss must be a loss name (e.g. 'cross_entropy') or a zeronn loss object, "
                        f"got {type(loss).__name__}")
    if getattr(loss, "reduction", "mean") not in ("mean", "sum"):
        raise ValueError(f"training needs a loss that returns one number per batch: {loss!r} has "
                         f"reduction={loss.reduction!r}; use reduction='mean' or 'sum'")
    return loss


def _optimizer_parameter_ids(optimizer: Any) -> Optional[set[int]]:
    groups = getattr(optimizer, "param_groups", None)
    if not isinstance(groups, list):
        return None
    return {id(p) for group in groups if isinstance(group, dict) for p in group.get("params", [])}


def resolve_optimizer(optimizer: Any, model: Layer, lr: Optional[float]) -> Any:
    """An optimizer name ("sgd", "adam"...) or object -> an optimizer over ``model``'s parameters.

    ``lr`` is passed to a named optimizer; with an optimizer object it is an
    error (the object already has its learning rate).
    """
    if isinstance(optimizer, str):
        from zeronn.optim import get_optimizer

        kwargs = {} if lr is None else {"lr": lr}
        return get_optimizer(optimizer, model.parameters(), **kwargs)
    if not callable(getattr(optimizer, "step", None)) or not callable(getattr(optimizer, "zero_grad", None)):
        raise TypeError(f"optimizer must be an optimizer name (e.g. 'adam') or a zeronn optimizer object, "
                        f"got {type(optimizer).__name__}")
    if lr is not None:
        raise ValueError(f"lr={lr!r} is only used with an optimizer given by name; {type(optimizer).__name__} "
                         "already has its learning rate (set it when you build the optimizer)")
    held = _optimizer_parameter_ids(optimizer)
    model_ids = {id(p) for p in model.parameters()}
    if held is not None and model_ids and not held & model_ids:
        raise ValueError(f"the {type(optimizer).__name__} optimizer does not hold any parameter of this model: "
                         "build it with model.parameters() of the model you train")
    return optimizer


def resolve_scheduler(scheduler: Union[None, str, Callable[[Any], Any], Any], optimizer: Any) -> Any:
    """None, a scheduler name, a function ``optimizer -> scheduler`` or a scheduler object -> scheduler or None.

    A function is handy when the optimizer is given by name:
    ``scheduler=lambda opt: StepLR(opt, step_size=10)``.
    """
    if scheduler is None:
        return None
    if isinstance(scheduler, str):
        from zeronn.optim import get_scheduler

        return get_scheduler(scheduler, optimizer)
    if not callable(getattr(scheduler, "step", None)) and callable(scheduler):
        scheduler = scheduler(optimizer)
    if not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"scheduler must be a scheduler object, a scheduler name or a function optimizer -> "
                        f"scheduler, got {type(scheduler).__name__}")
    if getattr(scheduler, "optimizer", optimizer) is not optimizer:
        raise ValueError(f"the {type(scheduler).__name__} scheduler was built for another optimizer than the one "
                         "used for training")
    return scheduler


def is_plateau_scheduler(scheduler: Any) -> bool:
    """True for ReduceLROnPlateau, whose ``step`` takes the monitored value."""
    from zeronn.optim.lr_scheduler import ReduceLROnPlateau

    return isinstance(scheduler, ReduceLROnPlateau)
