"""Build a loss from its name: ``get_loss("cross_entropy", label_smoothing=0.1)``."""

from __future__ import annotations

from typing import Any, Union

from zeronn._validation import check_choice
from zeronn.losses.bce import BCELoss
from zeronn.losses.bce_with_logits import BCEWithLogitsLoss
from zeronn.losses.cross_entropy import CrossEntropyLoss
from zeronn.losses.huber import HuberLoss
from zeronn.losses.l1 import L1Loss
from zeronn.losses.loss import Loss
from zeronn.losses.mse import MSELoss
from zeronn.losses.nll import NLLLoss
from zeronn.losses.sse import SSELoss

__all__ = ["LOSSES", "get_loss"]

_BY_NAME: dict[str, type[Loss]] = {
    "mse": MSELoss,
    "sse": SSELoss,
    "l1": L1Loss,
    "huber": HuberLoss,
    "bce": BCELoss,
    "bce_with_logits": BCEWithLogitsLoss,
    "cross_entropy": CrossEntropyLoss,
    "nll": NLLLoss,
}

#: Names accepted by ``get_loss``.
LOSSES: tuple[str, ...] = tuple(_BY_NAME)


def get_loss(name: Union[str, Loss], **kwargs: Any) -> Loss:
    """Build a new loss from its name.

    Parameters
    ----------
    name : str or Loss
        One of ``LOSSES``: "mse", "sse", "l1", "huber", "bce",
        "bce_with_logits", "cross_entropy", "nll" (case is ignored and "-"
        counts as "_").  A ``Loss`` object is returned unchanged.
    **kwargs
        Constructor arguments, e.g. ``reduction="sum"`` or ``delta=2.0``.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    if isinstance(name, Loss):
        if kwargs:
            raise TypeError(f"get_loss got a ready {name!r} and also arguments {sorted(kwargs)}")
        return name
    if not isinstance(name, str):
        raise TypeError(f"loss must be a name or a Loss, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_")
    check_choice("loss", key if key in _BY_NAME else name, LOSSES)
    return _BY_NAME[key](**kwargs)
