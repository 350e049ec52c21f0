"""How many parameters a layer will hold, computed from its arguments before it is built.

Building ``Linear(10**6, 10**6)`` would try to allocate 4 TB; an architecture
file or a preset with such a layer is refused before anything is allocated.
``MAX_PARAMETERS`` is the cap: 100 million parameters, about 400 MB in
float32 (training with Adam needs about four times that: weights, gradients
and two moment buffers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["MAX_PARAMETERS", "ModelTooLargeError", "estimate_parameters", "check_parameter_count"]

MAX_PARAMETERS = 100_000_000


class ModelTooLargeError(ValueError):
    """A model description asks for more parameters than ``MAX_PARAMETERS``."""


def _int(arguments: Mapping[str, Any], name: str) -> int:
    value = arguments.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0                                      # the layer's own check reports a bad value
    return value


def _pair(value: Any) -> tuple[int, int]:
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, value
    return 0, 0


def _linear(arguments: Mapping[str, Any]) -> int:
    # weight (in_features, out_features) + bias (out_features,)
    n_in, n_out = _int(arguments, "in_features"), _int(arguments, "out_features")
    return n_in * n_out + (n_out if arguments.get("bias", True) else 0)


def _conv2d(arguments: Mapping[str, Any]) -> int:
    # weight (out_channels, in_channels, kh, kw) + bias (out_channels,)
    kh, kw = _pair(arguments.get("kernel_size"))
    c_in, c_out = _int(arguments, "in_channels"), _int(arguments, "out_channels")
    return c_out * c_in * kh * kw + (c_out if arguments.get("bias", True) else 0)


def _batchnorm(arguments: Mapping[str, Any]) -> int:
    # weight, bias, running mean, running variance: (num_features,) each
    return 4 * _int(arguments, "num_features")


_COUNTERS: dict[str, Callable[[Mapping[str, Any]], int]] = {
    "Linear": _linear,
    "Conv2d": _conv2d,
    "BatchNorm1d": _batchnorm,
    "BatchNorm2d": _batchnorm,
}


def estimate_parameters(class_name: str, arguments: Mapping[str, Any]) -> int:
    """Number of values (parameters and buffers) the layer ``class_name(**arguments)`` will allocate.

    ``arguments`` are the constructor's arguments by name, defaults included.
    Layers without parameters (activations, pooling, Flatten...) count 0;
    so do classes this module has no formula for.
    """
    counter = _COUNTERS.get(class_name)
    return 0 if counter is None else counter(arguments)


def check_parameter_count(count: int, what: str, *, limit: int = MAX_PARAMETERS) -> None:
    """Raise ``ModelTooLargeError`` when ``count`` exceeds ``limit``; ``what`` names the model or layer."""
    if count > limit:
        gigabytes = count * 4 / 1e9
        raise ModelTooLargeError(
            f"{what} would have {count:,} parameters ({gigabytes:,.1f} GB in float32), more than the limit of "
            f"{limit:,}; use smaller layers"
        )
