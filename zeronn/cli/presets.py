"""Named models for ``zeronn train --model NAME``.

Every preset ends in one output per class (raw scores, "logits"; the
cross-entropy loss applies the softmax).  Image presets take input of shape
(channels, height, width); ``mlp`` and ``logistic`` flatten images first, so
they work on every dataset.

==========  ======================================================================
logistic    Flatten -> Linear(features, classes): multinomial logistic regression
mlp         Flatten -> [Linear -> activation (-> Dropout)] per hidden size -> Linear
            (hidden sizes: 64 64 for small inputs, 256 128 for images; --hidden)
lenet       LeNet-5 with ReLU and max pooling: conv 6@5x5 (padding 2) -> pool 2 ->
            conv 16@5x5 -> pool 2 -> 120 -> 84 -> classes
cnn         two blocks of [conv 3x3 -> BatchNorm -> ReLU] x 2 -> max-pool 2 -> Dropout2d(0.1),
            16 then 32 channels, then 128 -> BatchNorm -> ReLU -> Dropout -> classes
            (made for Fashion-MNIST, as examples/fashion_mnist_cnn.py; --dropout sets
            the dense layer's dropout, default 0.3)
==========  ======================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

from zeronn.cli.errors import CLIError
from zeronn.nn.flatten import Flatten
from zeronn.nn.layer import Layer
from zeronn.nn.linear import Linear
from zeronn.nn.sequential import Sequential

__all__ = ["PRESETS", "PRESET_DESCRIPTIONS", "build_preset", "default_hidden"]

PRESET_DESCRIPTIONS = {
    "logistic": "Linear(features -> classes): logistic regression, the simplest baseline",
    "mlp": "multi-layer perceptron: hidden Linear layers with an activation (--hidden, --activation)",
    "lenet": "LeNet-5 convolutional network (images only: digits, mnist, fashion-mnist)",
    "cnn": "conv + BatchNorm + Dropout network made for Fashion-MNIST (images only)",
}
PRESETS = tuple(PRESET_DESCRIPTIONS)

Shape = tuple[int, ...]


def default_hidden(n_features: int) -> tuple[int, ...]:
    """Hidden sizes of ``mlp`` when ``--hidden`` is not given: (256, 128) for images, (64, 64) otherwise."""
    return (256, 128) if n_features > 100 else (64, 64)


def _flat_size(input_shape: Shape) -> int:
    size = 1
    for dim in input_shape:
        size *= dim
    return size


def _activation(name: str) -> Layer:
    from zeronn.nn.activation import get_activation

    return get_activation(name)


def _logistic(input_shape: Shape, num_classes: int) -> Sequential:
    return Sequential(Flatten(), Linear(_flat_size(input_shape), num_classes))


def _mlp(input_shape: Shape, num_classes: int, hidden: Optional[Sequence[int]], activation: str,
         dropout: float) -> Sequential:
    from zeronn.nn.dropout import Dropout

    n_features = _flat_size(input_shape)
    sizes = tuple(hidden) if hidden else default_hidden(n_features)
    layers: list[Layer] = [Flatten()]
    previous = n_features
    for size in sizes:
        layers += [Linear(previous, size), _activation(activation)]
        if dropout > 0:
            layers.append(Dropout(dropout))
        previous = size
    layers.append(Linear(previous, num_classes))
    return Sequential(*layers)


def _require_images(name: str, input_shape: Shape, minimum: int) -> tuple[int, int, int]:
    if len(input_shape) != 3:
        raise CLIError(
            f"the {name!r} model needs images (channels, height, width), but this dataset gives "
            f"{_flat_size(input_shape)} numbers per sample; use --model mlp, or an image dataset "
            "(digits, mnist, fashion-mnist)"
        )
    channels, height, width = input_shape
    if min(height, width) < minimum:
        raise CLIError(f"the {name!r} model needs images of at least {minimum}x{minimum}, got {height}x{width}")
    return channels, height, width


def _lenet(input_shape: Shape, num_classes: int) -> Sequential:
    from zeronn.nn.conv import Conv2d
    from zeronn.nn.pooling import MaxPool2d

    channels, height, width = _require_images("lenet", input_shape, 4)
    # conv1 keeps the size (padding 2), pool halves it.  On small images (8x8 digits)
    # conv2 is padded too, so that a 5x5 kernel still fits.
    h, w = height // 2, width // 2
    pad2 = 0 if min(h, w) >= 10 else 2
    h, w = (h + 2 * pad2 - 4) // 2, (w + 2 * pad2 - 4) // 2
    return Sequential(
        Conv2d(channels, 6, 5, padding=2), _activation("relu"), MaxPool2d(2),
        Conv2d(6, 16, 5, padding=pad2), _activation("relu"), MaxPool2d(2),
        Flatten(),
        Linear(16 * h * w, 120), _activation("relu"),
        Linear(120, 84), _activation("relu"),
        Linear(84, num_classes),
    )


def _conv_block(in_channels: int, out_channels: int) -> list[Layer]:
    """[conv 3x3 (same size) -> BatchNorm -> ReLU] twice, then 2x2 max-pool and channel dropout."""
    from zeronn.nn.batchnorm import BatchNorm2d
    from zeronn.nn.conv import Conv2d
    from zeronn.nn.dropout2d import Dropout2d
    from zeronn.nn.pooling import MaxPool2d

    return [
        Conv2d(in_channels, out_channels, 3, padding=1, bias=False), BatchNorm2d(out_channels), _activation("relu"),
        Conv2d(out_channels, out_channels, 3, padding=1, bias=False), BatchNorm2d(out_channels), _activation("relu"),
        MaxPool2d(2), Dropout2d(0.1),
    ]


def _cnn(input_shape: Shape, num_classes: int, dropout: float) -> Sequential:
    from zeronn.nn.batchnorm import BatchNorm1d
    from zeronn.nn.dropout import Dropout

    channels, height, width = _require_images("cnn", input_shape, 4)
    h, w = height // 4, width // 4                   # two 2x2 poolings
    return Sequential(
        *_conv_block(channels, 16),                  # (N, 16, H/2, W/2)
        *_conv_block(16, 32),                        # (N, 32, H/4, W/4)
        Flatten(),
        Linear(32 * h * w, 128, bias=False), BatchNorm1d(128), _activation("relu"), Dropout(dropout),
        Linear(128, num_classes),
    )


def build_preset(
    name: str,
    input_shape: Shape,
    num_classes: int,
    *,
    hidden: Optional[Sequence[int]] = None,
    activation: str = "relu",
    dropout: Optional[float] = None,
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

    Raises
    ------
    CLIError
        Unknown name, or an image preset asked for non-image data.
    """
    if name not in PRESET_DESCRIPTIONS:
        raise CLIError(f"unknown model {name!r}; presets are: {', '.join(PRESETS)} (or give a .json/.yaml file)")
    if hidden and name != "mlp":
        raise CLIError(f"--hidden applies to --model mlp only, not {name!r}")
    if name == "logistic":
        return _logistic(input_shape, num_classes)
    if name == "mlp":
        return _mlp(input_shape, num_classes, hidden, activation, dropout or 0.0)
    if name == "lenet":
        return _lenet(input_shape, num_classes)
    return _cnn(input_shape, num_classes, 0.3 if dropout is None else dropout)
