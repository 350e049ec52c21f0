"""A chain of layers applied one after another."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Union

import numpy as np

from zeronn.nn.layer import Layer, layer_from_spec, layer_to_spec

__all__ = ["Sequential"]


class Sequential(Layer):
    """Apply layers in order; backward runs them in reverse.

    Forward:   h0 = x;  h(i+1) = layer_i(h(i));  y = h(n)
    Backward:  g(n) = dL/dy;  g(i) = layer_i.backward(g(i+1));  returns g(0) = dL/dx

    Layers are named by their position, so parameters are called
    ``"0.weight"``, ``"0.bias"``, ``"2.weight"``, ... as in PyTorch.

    >>> from zeronn.nn import Linear, Sigmoid
    >>> model = Sequential(Linear(3, 4), Sigmoid(), Linear(4, 1), Sigmoid())
    """

    def __init__(self, *layers: Layer) -> None:
        super().__init__()
        for position, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential takes layers, got {type(layer).__name__} at position {position}")
        self.layers = list(layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for position, layer in enumerate(self.layers):
            try:
                x = layer(x)
            except ValueError as error:
                raise ValueError(f"{error} (in layer {position} of the Sequential)") from error
        return x

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            grad_out = layer.backward(grad_out)
            if grad_out is None:        # the layers before this one hold no parameters
                return None
        return grad_out

    @property
    def needs_input_grad(self) -> bool:  # type: ignore[override]
        """Whether backward must return dL/dx.

        Setting it to False tells the leading layers, up to and including the
        first one with parameters, that nothing before them needs a gradient:
        that layer skips its input-gradient product and backward stops there,
        returning None.  ``fit`` does this, since the data needs no gradient.
        """
        return self.layers[0].needs_input_grad if self.layers else True

    @needs_input_grad.setter
    def needs_input_grad(self, value: bool) -> None:
        for layer in self.layers:
            layer.needs_input_grad = bool(value)
            if layer.num_parameters() > 0:
                break

    def named_children(self) -> Iterator[tuple[str, Layer]]:
        for position, layer in enumerate(self.layers):
            yield str(position), layer

    def append(self, layer: Layer) -> "Sequential":
        """Add ``layer`` at the end and return self."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.append takes a layer, got {type(layer).__name__}")
        self.layers.append(layer)
        return self

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __getitem__(self, index: Union[int, slice]) -> Any:
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def get_config(self) -> dict[str, Any]:
        return {"layers": [layer_to_spec(layer) for layer in self.layers]}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Sequential":
        specs = config.get("layers")
        if not isinstance(specs, list):
            raise ValueError("a Sequential config needs a list under 'layers'")
        return cls(*(layer_from_spec(spec) for spec in specs))
