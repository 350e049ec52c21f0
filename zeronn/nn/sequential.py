"""A chain of layers applied one after another."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional, Union

import numpy as np

from zeronn.nn.layer import Layer, layer_from_spec, layer_to_spec

__all__ = ["Sequential"]


class Sequential(Layer):
    """Apply layers in order; backward runs them in reverse.

    Forward:   h0 = x;  h(i+1) = layer_i(h(i));  y = h(n)
    Backward:  g(n) = dL/dy;  g(i) = layer_i.backward(g(i+1)), down to the first layer with parameters;
               returns None, or g(0) = dL/dx with input_grad=True

    As in PyTorch, the data needs no gradient: by default ``backward`` stops at
    the first layer that has parameters, which fills its parameters'
    gradients and skips its input-gradient product (for a first ``Linear``
    about a fifth of an MLP's work); it returns None.  Pass
    ``input_grad=True`` to get dL/dx (gradient checks, saliency maps,
    adversarial examples, or a layer of your own that wraps a Sequential and
    must pass the gradient on).  A single layer's ``backward`` always returns dL/dx.

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

    def backward(self, grad_out: np.ndarray, input_grad: bool = False) -> Optional[np.ndarray]:  # type: ignore[override]
        """Fill every parameter's ``grad``; return dL/dx only when ``input_grad`` is True (else None)."""
        first = 0 if input_grad else self._first_with_parameters()
        if first is None:                                       # no parameters and no dL/dx wanted
            return None
        for layer in reversed(self.layers[first + 1:]):
            grad_out = layer.backward(grad_out)
        if input_grad:
            return self.layers[0].backward(grad_out) if self.layers else grad_out
        self.layers[first].backward_parameters(grad_out)        # its input needs no gradient
        return None

    def backward_parameters(self, grad_out: np.ndarray) -> None:
        """As the first layer of an outer model: ``backward`` without dL/dx."""
        self.backward(grad_out, input_grad=False)

    def _first_with_parameters(self) -> Optional[int]:
        """Position of the first layer that has parameters (None when none has)."""
        for position, layer in enumerate(self.layers):
            if layer.num_parameters() > 0:
                return position
        return None

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
