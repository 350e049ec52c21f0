"""The ``Layer`` base class and the registry of layer names.

A layer is an object with ``forward(x)`` and ``backward(grad_out)``:

- ``forward`` computes the output and keeps what ``backward`` will need;
- ``backward`` receives g = dL/d(output), stores dL/d(parameter) in each
  parameter's ``grad`` and returns dL/d(input).

Layers found as attributes of a layer are its children; ``Parameter``
attributes are its parameters.  Both are discovered in the order they were
assigned, which gives the stable dotted names of ``named_parameters()``
(``"0.weight"``, ``"block.conv.bias"``).

Every subclass is registered by its class name, so a model file can name its
layers in JSON and be rebuilt without running any code from the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional

import numpy as np

from zeronn.dtype import resolve_dtype
from zeronn.grad_mode import is_grad_enabled
from zeronn.nn.parameter import Parameter

__all__ = ["Layer", "LAYER_REGISTRY", "layer_from_spec", "layer_to_spec"]

LAYER_REGISTRY: dict[str, type["Layer"]] = {}


class Layer:
    """Base class of every layer and model.

    Subclasses implement ``forward`` and ``backward``, list their buffers
    (non-trained state such as batch-norm running statistics) in
    ``buffer_names``, and return their constructor arguments from
    ``get_config`` so that ``type(layer).from_config(layer.get_config())``
    builds an identical, freshly initialised layer.
    """

    #: Names of attributes holding arrays that belong to the state but are not trained.
    buffer_names: tuple[str, ...] = ()

    #: When False, ``backward`` may skip computing dL/d(input) and return None.
    #: Only the first layer of a model can use this (its input is the data, which
    #: needs no gradient); ``fit`` sets it on the model, which passes it to its
    #: first layer.  Layers without a cheaper path simply ignore it.
    needs_input_grad: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        LAYER_REGISTRY[cls.__name__] = cls

    def __init__(self) -> None:
        self.training = True
        self._saved: dict[str, Any] = {}

    # ------------------------------------------------------------------ computing
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute the output for input ``x`` (and keep what backward needs)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement forward()")

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Given dL/d(output), fill the parameters' ``grad`` and return dL/d(input)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement backward()")

    def __call__(self, x: Any) -> np.ndarray:
        if not isinstance(x, np.ndarray):
            x = np.asarray(x)
        return self.forward(x)

    def save_for_backward(self, **arrays: Any) -> None:
        """Keep arrays for ``backward``; keeps nothing under ``zeronn.no_grad()``."""
        if is_grad_enabled():
            self._saved.update(arrays)
        else:
            self._saved.clear()

    def saved(self, name: str) -> Any:
        """Return an array kept by ``save_for_backward``; RuntimeError if there is none."""
        try:
            return self._saved[name]
        except KeyError:
            raise RuntimeError(
                f"{self!r}: backward() called before forward() "
                "(or forward() ran inside zeronn.no_grad(), which keeps nothing for backward)"
            ) from None

    def clear_saved(self) -> None:
        """Drop everything kept for backward, here and in every child."""
        for layer in self.modules():
            layer._saved.clear()

    # ------------------------------------------------------------------ structure
    def named_children(self) -> Iterator[tuple[str, "Layer"]]:
        """Yield ``(name, layer)`` for each direct sub-layer, in assignment order."""
        for name, value in vars(self).items():
            if isinstance(value, Layer):
                yield name, value

    def children(self) -> Iterator["Layer"]:
        """Yield the direct sub-layers."""
        for _, child in self.named_children():
            yield child

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, "Layer"]]:
        """Yield ``(dotted_name, layer)`` for this layer and every layer below it."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator["Layer"]:
        """Yield this layer and every layer below it."""
        for _, layer in self.named_modules():
            yield layer

    def _own_parameters(self) -> Iterator[tuple[str, Parameter]]:
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield name, value

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Yield ``(dotted_name, parameter)`` for every parameter, e.g. ``("0.weight", p)``."""
        for path, layer in self.named_modules(prefix):
            for name, parameter in layer._own_parameters():
                yield (f"{path}.{name}" if path else name), parameter

    def parameters(self) -> list[Parameter]:
        """Return every parameter of this layer and its sub-layers, in a stable order."""
        return [parameter for _, parameter in self.named_parameters()]

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """Yield ``(dotted_name, array)`` for every buffer (e.g. running statistics)."""
        for path, layer in self.named_modules(prefix):
            for name in layer.buffer_names:
                yield (f"{path}.{name}" if path else name), getattr(layer, name)

    def num_parameters(self) -> int:
        """Total number of trainable scalars."""
        return sum(parameter.size for parameter in self.parameters())

    # ------------------------------------------------------------------ modes
    def train(self, mode: bool = True) -> "Layer":
        """Put this layer and its sub-layers in training mode (dropout active, batch statistics)."""
        for layer in self.modules():
            layer.training = bool(mode)
        return self

    def eval(self) -> "Layer":
        """Put this layer and its sub-layers in evaluation mode."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to None."""
        for parameter in self.parameters():
            parameter.zero_grad()

    def to(self, dtype: Any) -> "Layer":
        """Convert parameters and float buffers to ``dtype`` (float32 or float64), in place."""
        dtype = resolve_dtype(dtype)
        for parameter in self.parameters():
            parameter.data = parameter.data.astype(dtype, copy=False)
            parameter.grad = None
        for layer in self.modules():
            for name in layer.buffer_names:
                value = getattr(layer, name)
                if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                    setattr(layer, name, value.astype(dtype, copy=False))
            layer._saved.clear()
        return self

    def double(self) -> "Layer":
        """Convert to float64 in place (as ``torch.nn.Module.double``)."""
        return self.to(np.float64)

    def float(self) -> "Layer":
        """Convert to float32 in place (as ``torch.nn.Module.float``)."""
        return self.to(np.float32)

    @property
    def dtype(self) -> Optional[np.dtype]:
        """dtype of the first parameter (None for a layer without parameters)."""
        for parameter in self.parameters():
            return parameter.dtype
        return None

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, np.ndarray]:
        """Return a dict ``dotted_name -> array copy`` of all parameters and buffers."""
        state = {name: parameter.data.copy() for name, parameter in self.named_parameters()}
        state.update({name: np.array(value, copy=True) for name, value in self.named_buffers()})
        return state

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> None:
        """Copy arrays from ``state`` into the parameters and buffers.

        Every name and shape is checked before anything is changed, so a
        mismatch leaves the layer exactly as it was.
        """
        targets = self._state_targets()
        missing = [name for name in targets if name not in state]
        unexpected = [name for name in state if name not in targets]
        if strict and (missing or unexpected):
            raise KeyError(
                f"state_dict does not fit {type(self).__name__}: missing {missing or 'nothing'}, "
                f"unexpected {unexpected or 'nothing'}"
            )
        new_values = {}
        for name, (current, _) in targets.items():
            if name not in state:
                continue
            value = np.asarray(state[name])
            if value.shape != np.shape(current):
                raise ValueError(
                    f"state_dict entry {name!r} has shape {value.shape}, the model expects {np.shape(current)}"
                )
            new_values[name] = value
        for name, value in new_values.items():
            current, setter = targets[name]
            setter(value.astype(np.asarray(current).dtype, copy=True))

    def _state_targets(self) -> dict[str, tuple[Any, Any]]:
        """Map each state name to (current value, function that sets a new value)."""
        targets: dict[str, tuple[Any, Any]] = {}
        for name, parameter in self.named_parameters():
            targets[name] = (parameter.data, lambda v, p=parameter: setattr(p, "data", v))
        for path, layer in self.named_modules():
            for buffer in layer.buffer_names:
                key = f"{path}.{buffer}" if path else buffer
                targets[key] = (getattr(layer, buffer), lambda v, l=layer, b=buffer: setattr(l, b, v))
        return targets

    # ------------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments as a JSON-serialisable dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Layer":
        """Build a new layer of this class from ``get_config()``'s output."""
        return cls(**config)

    # ------------------------------------------------------------------ display
    def extra_repr(self) -> str:
        """The text inside the parentheses of ``repr`` (as ``torch.nn.Module.extra_repr``)."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        for name, child in children:
            child_text = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child_text}")
        lines.append(")")
        return "\n".join(lines)

    def summary(self, input_shape: tuple[int, ...], *, print_fn: Any = print) -> str:
        """Print (and return) a table of layers, output shapes and parameter counts.

        ``input_shape`` is the shape of one sample, without the batch axis.
        """
        from zeronn.nn.summary import summarize

        text = summarize(self, input_shape)
        if print_fn is not None:
            print_fn(text)
        return text


def layer_to_spec(layer: Layer) -> dict[str, Any]:
    """Describe ``layer`` as JSON-ready data: ``{"class": name, "config": {...}}``."""
    return {"class": type(layer).__name__, "config": layer.get_config()}


def layer_from_spec(spec: Any) -> Layer:
    """Rebuild a layer from ``layer_to_spec`` output, using only registered layer classes."""
    if not isinstance(spec, dict) or not isinstance(spec.get("class"), str):
        raise ValueError(f"a layer description must be a dict with a 'class' name, got {spec!r:.200}")
    name = spec["class"]
    if name not in LAYER_REGISTRY:
        raise ValueError(f"Unknown layer {name!r}; valid choices are: {', '.join(sorted(LAYER_REGISTRY))}")
    config = spec.get("config", {})
    if not isinstance(config, dict):
        raise ValueError(f"the config of layer {name!r} must be a dict, got {type(config).__name__}")
    try:
        return LAYER_REGISTRY[name].from_config(config)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"cannot build layer {name!r} from config {config!r:.300}: {error}") from error
