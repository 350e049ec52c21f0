"""The ``Layer`` base class and the registry of layer names.

A layer is an object with ``forward(x)`` and ``backward(grad_out)``:

- ``forward`` computes the output and keeps what ``backward`` will need;
- ``backward`` receives g = dL/d(output), stores dL/d(parameter) in each
  parameter's ``grad`` and returns dL/d(input).

Layers found as attributes of a layer are its children; ``Parameter``
attributes are its parameters.  Both are discovered in the order they were
assigned, which gives the stable dotted names of ``named_parameters()``
(``"0.weight"``, ``"block.conv.bias"``).

The registry of layer names (``LAYER_REGISTRY``) is how a model file names its
layers in JSON and gets them rebuilt without running any code from the file:

- ZeroNN's own public layers (classes defined in ``zeronn.*`` whose name does
  not start with ``_``) register themselves by class name when defined;
- a user's layer registers explicitly with ``@register_layer`` (optionally
  under a namespace: ``@register_layer(namespace="myproject")`` gives
  ``"myproject.Scale"``); a user class is never registered by just being
  defined, so ``class Linear(Layer)`` in a script cannot replace ZeroNN's
  ``Linear`` for ``zeronn.load``;
- a built-in name can never be taken, and private classes (a name starting
  with ``_``) are never registered.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Optional, TypeVar, Union, overload

import numpy as np

from zeronn._validation import layer_input
from zeronn.dtype import resolve_dtype
from zeronn.grad_mode import is_grad_enabled
from zeronn.nn.parameter import Parameter
from zeronn.nn.summary import summarize

__all__ = ["Layer", "LAYER_REGISTRY", "register_layer", "registered_name", "layer_from_spec", "layer_to_spec"]

_REGISTRY: dict[str, type["Layer"]] = {}
#: Read-only view of the registered layer classes: name -> class.  Change it with ``register_layer``.
LAYER_REGISTRY: Mapping[str, type["Layer"]] = types.MappingProxyType(_REGISTRY)
_NAMES: dict[type["Layer"], str] = {}           # class -> the name it is registered under


class Layer:
    """Base class of every layer and model.

    Subclasses implement ``forward`` and ``backward``, list their buffers
    (non-trained state such as batch-norm running statistics) in
    ``buffer_names``, and return their constructor arguments from
    ``get_config`` so that ``type(layer).from_config(layer.get_config())``
    builds an identical, freshly initialised layer.

    Input rule (``layer(x)``, for every layer): real numbers (bool, int and
    float arrays, nested lists, object arrays holding only numbers) are
    converted to the layer's dtype, the dtype of its parameters.  A layer
    without parameters (ReLU, MaxPool2d, Flatten...) keeps a float32 or
    float64 array as it is and converts everything else (bool, int and
    float16 arrays, lists) to the default float dtype
    (``zeronn.get_default_dtype()``).  Anything else (complex
    numbers, strings, bytes, ``None``, ragged lists) is a ``TypeError``
    naming the layer, e.g. ``Linear(3 -> 4) expects real numbers (bool, int
    or float) as input, got complex128``.  ``forward`` itself receives the
    converted array.
    """

    #: Names of attributes holding arrays that belong to the state but are not trained.
    buffer_names: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if _is_builtin(cls) and not cls.__name__.startswith("_"):
            _register(cls, cls.__name__)

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

    def backward_parameters(self, grad_out: np.ndarray) -> None:
        """Fill the parameters' ``grad`` only: what ``Sequential.backward`` asks of a model's first
        layer with parameters, whose input (the data) needs no gradient.  Layers with a cheaper
        path than ``backward`` (Linear, Conv2d: no input-gradient product) override it."""
        self.backward(grad_out)

    def __call__(self, x: Any) -> np.ndarray:
        """Run ``forward`` on ``x`` converted by the input rule (see the class docstring)."""
        dtype = next((parameter.dtype for _, parameter in self.named_parameters()), None)
        return self.forward(layer_input(self, x, dtype))

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
                targets[key] = (getattr(layer, buffer), lambda v, owner=layer, b=buffer: setattr(owner, b, v))
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
        text = summarize(self, input_shape)
        if print_fn is not None:
            print_fn(text)
        return text


# ---------------------------------------------------------------------------------------- the registry
_LayerClass = TypeVar("_LayerClass", bound=type[Layer])


def _is_builtin(cls: type) -> bool:
    return cls.__module__ == "zeronn" or cls.__module__.startswith("zeronn.")


def _same_definition(a: type, b: type) -> bool:
    """The same class defined again (a re-imported module, a notebook cell run twice)."""
    return a.__module__ == b.__module__ and a.__qualname__ == b.__qualname__


def _register(cls: type[Layer], name: str) -> None:
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls and not _same_definition(existing, cls):
        if _is_builtin(existing):
            raise ValueError(
                f"cannot register {cls.__module__}.{cls.__qualname__} as {name!r}: that is the name of ZeroNN's "
                f"built-in {existing.__module__}.{existing.__qualname__}, which cannot be replaced; "
                f"register it under a namespace, e.g. @register_layer(namespace=\"myproject\")"
            )
        raise ValueError(
            f"cannot register {cls.__module__}.{cls.__qualname__} as {name!r}: the name is taken by "
            f"{existing.__module__}.{existing.__qualname__}; choose another name or a namespace"
        )
    old_name = _NAMES.get(cls)
    if old_name is not None and old_name != name:
        raise ValueError(f"cannot register {cls.__module__}.{cls.__qualname__} as {name!r}: "
                         f"it is already registered as {old_name!r}")
    if existing is not None:
        _NAMES.pop(existing, None)
    _REGISTRY[name] = cls
    _NAMES[cls] = name


def _check_layer_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"register_layer: {what} must be a non-empty str, got {name!r}")
    parts = name.split(".")
    if not all(part.isidentifier() for part in parts):
        raise ValueError(f"register_layer: {what} {name!r} must be Python identifiers joined by dots")
    if any(part.startswith("_") for part in parts):
        raise ValueError(f"register_layer: {what} {name!r} is private (starts with '_'); "
                         "private classes are never loadable from files")
    return name


@overload
def register_layer(cls: _LayerClass) -> _LayerClass: ...
@overload
def register_layer(*, name: Optional[str] = None,
                   namespace: Optional[str] = None) -> Callable[[_LayerClass], _LayerClass]: ...
def register_layer(
    cls: Optional[_LayerClass] = None, *, name: Optional[str] = None, namespace: Optional[str] = None
) -> Union[_LayerClass, Callable[[_LayerClass], _LayerClass]]:
    """Make a user-defined layer class loadable from model files (a class decorator).

    Parameters
    ----------
    cls : subclass of Layer
        The class (when used as ``@register_layer`` without parentheses).
    name : str, optional
        The name written in model files; the class name by default.
    namespace : str, optional
        A prefix: ``namespace="myproject"`` registers ``Scale`` as
        ``"myproject.Scale"``, which no other library's ``Scale`` can clash with.

    Returns
    -------
    The class itself, unchanged.

    Raises
    ------
    TypeError
        ``cls`` is not a subclass of ``Layer``.
    ValueError
        The name is one of ZeroNN's built-in layers, is already taken by
        another class, or is private (starts with ``_``).

    Examples
    --------
    >>> @register_layer
    ... class Scale(Layer):
    ...     def __init__(self, factor=2.0):
    ...         super().__init__()
    ...         self.factor = factor
    ...     def forward(self, x):
    ...         return x * self.factor
    ...     def get_config(self):
    ...         return {"factor": self.factor}
    >>> @register_layer(namespace="myproject")
    ... class Linear(Layer): ...          # saved as "myproject.Linear"; ZeroNN's Linear stays ZeroNN's
    """

    def decorate(layer_class: _LayerClass) -> _LayerClass:
        if not (isinstance(layer_class, type) and issubclass(layer_class, Layer)) or layer_class is Layer:
            raise TypeError(f"register_layer takes a subclass of zeronn.nn.Layer, got {layer_class!r}")
        base = _check_layer_name(layer_class.__name__ if name is None else name, "the name")
        if namespace is not None:
            base = f"{_check_layer_name(namespace, 'the namespace')}.{base}"
        _register(layer_class, base)
        return layer_class

    return decorate if cls is None else decorate(cls)


def registered_name(layer_class: type[Layer]) -> Optional[str]:
    """The name ``layer_class`` is registered under, or None when it is not registered."""
    return _NAMES.get(layer_class)


def layer_to_spec(layer: Layer) -> dict[str, Any]:
    """Describe ``layer`` as JSON-ready data: ``{"class": name, "config": {...}}``.

    ``name`` is the registered name (the class name for an unregistered class,
    which ``layer_from_spec`` will then not rebuild; ``zeronn.save`` refuses it).
    """
    cls = type(layer)
    return {"class": _NAMES.get(cls, cls.__name__), "config": layer.get_config()}


_SPEC_KEYS = frozenset({"class", "config"})


def layer_from_spec(spec: Any) -> Layer:
    """Rebuild a layer from ``layer_to_spec`` output, using only registered layer classes."""
    if not isinstance(spec, dict) or not isinstance(spec.get("class"), str):
        raise ValueError(f"a layer description must be a dict with a 'class' name, got {spec!r:.200}")
    unknown = sorted(set(spec) - _SPEC_KEYS)
    if unknown:
        raise ValueError(f"the description of layer {spec['class']!r:.100} has unknown keys {unknown!r:.200} "
                         "(valid: 'class', 'config')")
    name = spec["class"]
    if name not in _REGISTRY:
        raise ValueError(f"Unknown layer {name!r:.100}; valid choices are: {', '.join(sorted(_REGISTRY))} "
                         "(a layer of your own must be decorated with @zeronn.nn.register_layer)")
    config = spec.get("config", {})
    if not isinstance(config, dict):
        raise ValueError(f"the config of layer {name!r} must be a dict, got {type(config).__name__}")
    try:
        return _REGISTRY[name].from_config(config)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"cannot build layer {name!r} from config {config!r:.300}: {error}") from error
