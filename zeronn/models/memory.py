"""About how much memory training a model takes per batch, measured on one sample before training starts.

``zeronn train --batch-size 1000000000`` on MNIST would put all 60,000 images
through LeNet at once: its convolutions alone would need tens of gigabytes.
``training_bytes`` runs one sample through the model, adds up what every
layer returns (and, for a convolution, its unfolded input), and scales that
to a batch:

    bytes per batch ~ batch_size * 3 * (sum of the layer outputs of one sample + unfolded conv inputs)
                      + 4 * parameter bytes

(3: each output is kept for backward, its gradient is computed, and a work
buffer of the same size is common; 4: weights, gradients and Adam's two moment
buffers.)  It is an estimate for refusing the hopeless, not an exact count.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from typing import Optional

import numpy as np

from zeronn.grad_mode import no_grad
from zeronn.nn.conv import Conv2d
from zeronn.nn.layer import Layer

__all__ = ["sample_activation_bytes", "training_bytes", "physical_memory_bytes"]


@contextlib.contextmanager
def _measuring(model: Layer, totals: list[int]) -> Iterator[None]:
    """Within the block, every leaf layer's call adds its output's bytes (and a conv's unfolded input) to totals."""
    leaves = [layer for layer in model.modules() if not list(layer.named_children())]
    for layer in leaves:
        original = layer.forward

        def measured(x: np.ndarray, _layer: Layer = layer, _forward: object = original) -> np.ndarray:
            y = _forward(x)                                                  # type: ignore[operator]
            totals.append(int(np.asarray(y).nbytes))
            if isinstance(_layer, Conv2d):                                   # im2col: (C_in*kh*kw, H_out*W_out)
                kh, kw = _layer.kernel_size
                totals.append(int(_layer.in_channels * kh * kw * math.prod(np.shape(y)[2:]) * np.asarray(y).itemsize))
            return y

        object.__setattr__(layer, "forward", measured)
    try:
        yield
    finally:
        for layer in leaves:
            vars(layer).pop("forward", None)


def sample_activation_bytes(model: Layer, input_shape: tuple[int, ...]) -> int:
    """Bytes of all layer outputs (and unfolded conv inputs) for one sample of ``input_shape``."""
    dtype = model.dtype or np.float32
    x = np.zeros((1, *input_shape), dtype=dtype)                             # (1, *input_shape)
    totals: list[int] = []
    was_training = model.training
    model.eval()
    try:
        with no_grad(), _measuring(model, totals):
            model(x)
    finally:
        model.train(was_training)
    return sum(totals) + x.nbytes


def training_bytes(model: Layer, input_shape: tuple[int, ...], batch_size: int) -> int:
    """Estimated peak bytes of one training step with ``batch_size`` samples (see the module docstring)."""
    parameter_bytes = sum(p.data.nbytes for p in model.parameters())
    return batch_size * 3 * sample_activation_bytes(model, input_shape) + 4 * parameter_bytes


def physical_memory_bytes() -> Optional[int]:
    """The machine's physical memory in bytes, or None where the system does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None
