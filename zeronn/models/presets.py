"""Named models: ``logistic``, ``mlp``, ``lenet`` and ``cnn`` (``zeronn train --model NAME``).

Every preset ends in one output per class (raw scores, "logits"; the
cross-entropy loss applies the softmax).  Image presets take input of shape
(channels, height, width); ``mlp`` and ``logistic`` flatten images first, so
they work on every dataset.

==========  ======================================================================
logistic    Flatten -> Linear(features, classes): multinomial logistic regression
mlp         Flatten -> [Linear -> activation (-> Dropout)] per hidden size -> Linear
            (hidden sizes: 64 64 for small inputs, 256 128 for images)
lenet       LeNet-5 with ReLU and max pooling: conv 6@5x5 (padding 2) -> pool 2 ->
            conv 16@5x5 -> pool 2 -> 120 -> 84 -> classes
cnn         two blocks of [conv 3x3 -> BatchNorm -> ReLU] x 2 -> max-pool 2 -> Dropout2d(0.1),
            16 then 32 channels, then 128 -> BatchNorm -> ReLU -> Dropout -> classes
            (made for Fashion-MNIST, as examples/fashion_mnist_cnn.py; ``dropout``
            sets the dense layer's dropout, default 0.3)
==========  ======================================================================

Each preset is first written as an architecture description (the same
short form as architecture files, see ``zeronn.models.architecture``), then
built by ``build_architecture``, which checks the parameter count before
allocating anything.  ``preset_description`` returns that description.

>>> from zeronn.models import mlp
>>> model = mlp((2,), 3, hidden=(16,))
>>> model.num_parameters()                  # 2*16 + 16 + 16*3 + 3
99
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Optional

from zeronn.models.architecture import build_architecture
from zeronn.models.size import MAX_PARAMETERS, ModelTooLargeError
from zeronn.nn.activation import ACTIVATIONS
from zeronn.nn.sequential import Sequential

__all__ = [
    "PRESETS", "PRESET_DESCRIPTIONS", "build_preset", "preset_description", "default_hidden",
    "logistic", "mlp", "lenet", "cnn",
]

PRESET_DESCRIPTIONS = {
    "logistic": "Linear(features -> classes): logistic regression, the simplest baseline",
    "mlp": "multi-layer perceptron: hidden Linear layers with an activation (--hidden, --activation)",
    "lenet": "LeNet-5 convolutional network (images only: digits, mnist, fashion-mnist)",
    "cnn": "conv + BatchNorm + Dropout network made for Fashion-MNIST (images only)",
}
PRESETS = tuple(PRESET_DESCRIPTIONS)

Shape = tuple[int, ...]
Description = list[Any]


def default_hidden(n_features: int) -> tuple[int, ...]:
    """Hidden sizes of ``mlp`` when none are given: (256, 128) for images (> 100 features), (64, 64) otherwise."""
    return (256, 128) if n_features > 100 else (64, 64)


def _check_shape(input_shape: Any, num_classes: Any) -> tuple[Shape, int]:
    shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else None
    if not shape or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape):
        raise ValueError(f"input_shape must be a tuple of positive ints such as (2,) or (1, 28, 28), "
                         f"got {input_shape!r}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive int, got {num_classes!r}")
    return shape, num_classes


def _linear(n_in: int, n_out: int, *, bias: bool = True) -> dict[str, Any]:
    return {"Linear": {"in_features": n_in, "out_features": n_out, "bias": bias}}


def _logistic(shape: Shape, num_classes: int) -> Description:
    return ["Flatten", _linear(math.prod(shape), num_classes)]


def _mlp(shape: Shape, num_classes: int, hidden: Optional[Sequence[int]], activation: str,
         dropout: float) -> Description:
    n_features = math.prod(shape)
    sizes = tuple(hidden) if hidden is not None else default_hidden(n_features)
    if not sizes or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in sizes):
        raise ValueError(f"mlp hidden sizes must be positive ints, got {hidden!r}")
    if activation.strip().lower().replace("-", "_") not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; valid choices are: {', '.join(ACTIVATIONS)}")
    if not 0 <= dropout < 1:
        raise ValueError(f"mlp dropout must be in [0, 1), got {dropout}")
    layers: Description = ["Flatten"]
    previous = n_features
    for size in sizes:
        layers += [_linear(previous, size), activation]
        if dropout > 0:
            layers.append({"Dropout": dropout})
        previous = size
    return layers + [_linear(previous, num_classes)]


def _require_images(name: str, shape: Shape, minimum: int) -> tuple[int, int, int]:
    if len(shape) != 3:
        raise ValueError(
            f"the {name!r} model needs images (channels, height, width), but this dataset gives "
            f"{math.prod(shape)} numbers per sample; use the mlp model, or an image dataset "
            "(digits, mnist, fashion-mnist)"
        )
    channels, height, width = shape
    if min(height, width) < minimum:
        raise ValueError(f"the {name!r} model needs images of at least {minimum}x{minimum}, got {height}x{width}")
    return channels, height, width


def _conv(c_in: int, c_out: int, kernel: int, padding: int, *, bias: bool = True) -> dict[str, Any]:
    return {"Conv2d": {"in_channels": c_in, "out_channels": c_out, "kernel_size": kernel, "padding": padding,
                       "bias": bias}}


def _lenet(shape: Shape, num_classes: int) -> Description:
    channels, height, width = _require_images("lenet", shape, 4)
    # conv1 keeps the size (padding 2), pool halves it.  On small images (8x8 digits)
    # conv2 is padded too, so that a 5x5 kernel still fits.
    h, w = height // 2, width // 2
    pad2 = 0 if min(h, w) >= 10 else 2
    h, w = (h + 2 * pad2 - 4) // 2, (w + 2 * pad2 - 4) // 2
    return [
        _conv(channels, 6, 5, 2), "relu", {"MaxPool2d": 2},          # (N, 6, H/2, W/2)
        _conv(6, 16, 5, pad2), "relu", {"MaxPool2d": 2},             # (N, 16, h, w)
        "Flatten",                                                   # (N, 16*h*w)
        _linear(16 * h * w, 120), "relu",
        _linear(120, 84), "relu",
        _linear(84, num_classes),
    ]


def _conv_block(c_in: int, c_out: int) -> Description:
    """[conv 3x3 (same size) -> BatchNorm -> ReLU] twice, then 2x2 max-pool and channel dropout."""
    return [
        _conv(c_in, c_out, 3, 1, bias=False), {"BatchNorm2d": c_out}, "relu",
        _conv(c_out, c_out, 3, 1, bias=False), {"BatchNorm2d": c_out}, "relu",
        {"MaxPool2d": 2}, {"Dropout2d": 0.1},
    ]


def _cnn(shape: Shape, num_classes: int, dropout: float) -> Description:
    channels, height, width = _require_images("cnn", shape, 4)
    if not 0 <= dropout < 1:
        raise ValueError(f"cnn dropout must be in [0, 1), got {dropout}")
    h, w = height // 4, width // 4                   # two 2x2 poolings
    return [
        *_conv_block(channels, 16),                  # (N, 16, H/2, W/2)
        *_conv_block(16, 32),                        # (N, 32, H/4, W/4)
        "Flatten",
        _linear(32 * h * w, 128, bias=False), {"BatchNorm1d": 128}, "relu", {"Dropout": dropout},
        _linear(128, num_classes),
    ]


def preset_description(
    name: str,
    input_shape: Shape,
    num_classes: int,
    *,
    hidden: Optional[Sequence[int]] = None,
    activation: str = "relu",
    dropout: Optional[float] = None,
) -> Description:
    """The architecture description (short form, JSON-ready) of preset ``name``; see ``build_preset``."""
    if name not in PRESET_DESCRIPTIONS:
        raise ValueError(f"unknown model {name!r}; presets are: {', '.join(PRESETS)} (or give a .json/.yaml file)")
    if hidden is not None and name != "mlp":
        raise ValueError(f"hidden sizes apply to the mlp model only, not {name!r}")
    if activation != "relu" and name != "mlp":
        raise ValueError(f"the activation can be chosen for the mlp model only, not {name!r}")
    shape, num_classes = _check_shape(input_shape, num_classes)
    if name == "logistic":
        if dropout:
            raise ValueError("the logistic model has no dropout")
        return _logistic(shape, num_classes)
    if name == "mlp":
        return _mlp(shape, num_classes, hidden, activation, dropout or 0.0)
    if name == "lenet":
        if dropout:
            raise ValueError("the lenet model has no dropout")
        return _lenet(shape, num_classes)
    return _cnn(shape, num_classes, 0.3 if dropout is None else dropout)


def build_preset(
    name: str,
    input_shape: Shape,
    num_classes: int,
    *,
    hidden: Optional[Sequence[int]] = None,
    activation: str = "relu",
    dropout: Optional[float] = None,
    max_parameters: int = MAX_PARAMETERS,
) -> Sequential:
    """Build the preset ``name`` for samples of ``input_shape`` and ``num_classes`` outputs.

    Parameters
    ----------
    name : {"logistic", "mlp", "lenet", "cnn"}
    input_shape : tuple of int
        One sample's shape without the batch axis: (features,) or (channels, height, width).
    num_classes : int
    hidden : sequence of int, optional
        Hidden sizes of ``mlp`` (default ``default_hidden``).
    activation : str, default "relu"
        Activation of ``mlp`` (any ``zeronn.nn.get_activation`` name).
    dropout : float, optional
        Dropout rate: ``mlp`` 0 (none), ``cnn`` 0.3 (its dense layer).
    max_parameters : int
        Refuse (``ModelTooLargeError``) before allocating when the model would be larger.

    Raises
    ------
    ValueError
        Unknown name, bad sizes, an image preset asked for non-image data, or too many parameters.
    """
    description = preset_description(name, input_shape, num_classes, hidden=hidden, activation=activation,
                                      dropout=dropout)
    try:
        model = build_architecture(description, max_parameters=max_parameters).model
    except ModelTooLargeError as error:
        raise ModelTooLargeError(f"the {name} model: {error}") from None
    if not isinstance(model, Sequential):
        raise TypeError(f"preset {name!r} did not build a Sequential")          # a bug in this module
    return model


def logistic(input_shape: Shape, num_classes: int) -> Sequential:
    """Flatten -> Linear(features, num_classes): multinomial logistic regression."""
    return build_preset("logistic", input_shape, num_classes)


def mlp(input_shape: Shape, num_classes: int, *, hidden: Optional[Sequence[int]] = None, activation: str = "relu",
        dropout: float = 0.0) -> Sequential:
    """Flatten -> [Linear -> activation (-> Dropout)] per hidden size -> Linear(..., num_classes)."""
    return build_preset("mlp", input_shape, num_classes, hidden=hidden, activation=activation, dropout=dropout)


def lenet(input_shape: Shape = (1, 28, 28), num_classes: int = 10) -> Sequential:
    """LeNet-5 with ReLU and max pooling, for images of shape (channels, height, width)."""
    return build_preset("lenet", input_shape, num_classes)


def cnn(input_shape: Shape = (1, 28, 28), num_classes: int = 10, *, dropout: float = 0.3) -> Sequential:
    """Two conv-BatchNorm-ReLU blocks with pooling and dropout, then a 128-unit dense layer (Fashion-MNIST)."""
    return build_preset("cnn", input_shape, num_classes, dropout=dropout)
