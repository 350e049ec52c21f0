"""Build a model from a JSON or YAML architecture file (``zeronn train --model net.yaml``).

The short form is a list of layers, applied in order (a ``Sequential``)::

    # net.yaml                                  # the same as net.json
    - Flatten                                   # ["Flatten",
    - Linear: [784, 128]                        #  {"Linear": [784, 128]},
    - relu                                      #  "relu",
    - Dropout: 0.2                              #  {"Dropout": 0.2},
    - Linear: {in_features: 128, out_features: 10}   #  {"Linear": {"in_features": 128, "out_features": 10}}]

Each item is one of:

- a name alone: a layer class without arguments (``Flatten``, ``ReLU``) or an
  activation name (``relu``, ``tanh``, ``leaky_relu``..., see
  ``zeronn.nn.get_activation``);
- a one-key mapping ``{Name: arguments}`` where the arguments are a list
  (positional, as in Python: ``{Conv2d: [1, 8, 3]}``), a mapping (keywords:
  ``{Conv2d: {in_channels: 1, out_channels: 8, kernel_size: 3, padding: 1}}``),
  a list ending with a mapping (both: ``{Conv2d: [1, 8, 3, {padding: 1}]}``) or a
  single value (``{Dropout: 0.5}``);
- ``{Sequential: [...]}``: a nested block in the same short form;
- the long form ZeroNN itself writes, ``{"class": "Linear", "config": {...}}``.

Class names follow PyTorch (``Linear``, ``Conv2d``, ``MaxPool2d``,
``BatchNorm2d``...) and may be written in any case (``conv2d``).  The whole
file may also be a mapping ``{"layers": [...], "input_shape": [1, 28, 28]}``;
``input_shape`` (one sample, without the batch axis) is optional.

The model must end with one output per class (logits: no Softmax at the end,
``zeronn train`` applies the cross-entropy loss to the raw scores).  Only
registered ZeroNN layer classes can be named: a file is data, never code.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Optional, Union

from zeronn.cli.errors import CLIError
from zeronn.nn.layer import LAYER_REGISTRY, Layer, layer_from_spec

__all__ = ["Architecture", "load_architecture", "build_architecture", "read_description"]


@dataclass
class Architecture:
    """A model built from a description, and the input shape it declared (if any)."""

    model: Layer
    input_shape: Optional[tuple[int, ...]]


def read_description(path: Union[str, "os.PathLike[str]"]) -> Any:
    """Parse a ``.json``, ``.yaml`` or ``.yml`` file into plain Python data (safe loaders only)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"architecture file not found: {path}")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.lower().endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError:
            raise ImportError("reading YAML needs PyYAML: pip install pyyaml (or write the file as JSON)") from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise CLIError(f"{path} is not valid YAML: {' '.join(str(error).split())}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CLIError(f"{path} is not valid JSON: {error}") from None


def load_architecture(path: Union[str, "os.PathLike[str]"]) -> Architecture:
    """Read ``path`` and build the model it describes (see the module docstring for the format)."""
    try:
        return build_architecture(read_description(path))
    except CLIError as error:
        raise CLIError(f"{os.fspath(path)}: {error}") from None


def build_architecture(description: Any) -> Architecture:
    """Build the model from already-parsed data (a list, or a mapping with ``layers``, or a long-form spec)."""
    input_shape = None
    if isinstance(description, dict) and "layers" in description and "class" not in description:
        unknown = sorted(set(description) - {"layers", "input_shape"})
        if unknown:
            raise CLIError(f"unknown top-level key(s) {', '.join(unknown)}; expected 'layers' and 'input_shape'")
        input_shape = _input_shape(description.get("input_shape"))
        description = description["layers"]
    if isinstance(description, list):
        model = _build_sequential(description, where="")
    elif isinstance(description, (dict, str)):
        model = _build_layer(description, where="the model")
    else:
        raise CLIError(
            f"an architecture is a list of layers or a mapping with 'layers', got {type(description).__name__}"
        )
    return Architecture(model=model, input_shape=input_shape)


def _input_shape(value: Any) -> Optional[tuple[int, ...]]:
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, int) and v > 0 for v in value):
        raise CLIError(f"input_shape must be a list of positive integers such as [1, 28, 28], got {value!r}")
    return tuple(value)


def _build_sequential(items: list, where: str) -> Layer:
    from zeronn.nn.sequential import Sequential

    if not items:
        raise CLIError(f"{where or 'the architecture'}: the list of layers is empty")
    layers = [_build_layer(item, where=f"{where}layer {position}") for position, item in enumerate(items)]
    return Sequential(*layers)


def _resolve_class(name: str) -> Optional[type]:
    """Find a layer class by exact or case-insensitive name; None if ``name`` is no class."""
    if name in LAYER_REGISTRY:
        return LAYER_REGISTRY[name]
    folded = {key.lower(): cls for key, cls in LAYER_REGISTRY.items() if not key.startswith("_")}
    return folded.get(name.lower())


def _activation(name: str) -> Optional[Layer]:
    try:
        from zeronn.nn.activation import ACTIVATIONS, get_activation
    except ImportError:
        return None
    key = name.strip().lower().replace("-", "_")
    return get_activation(key) if key in ACTIVATIONS else None


def _unknown_name(name: str, where: str) -> CLIError:
    try:
        from zeronn.nn.activation import ACTIVATIONS
    except ImportError:
        ACTIVATIONS = ()
    classes = sorted(key for key in LAYER_REGISTRY if not key.startswith("_"))
    return CLIError(
        f"{where}: unknown layer {name!r}; layer classes are: {', '.join(classes)}; "
        f"activation names are: {', '.join(ACTIVATIONS)}"
    )


def _build_layer(item: Any, where: str) -> Layer:
    if isinstance(item, str):
        if item in LAYER_REGISTRY:                   # "ReLU", "Flatten"
            return _construct(LAYER_REGISTRY[item], [], {}, item, where)
        activation = _activation(item)               # "relu", "leaky_relu"
        if activation is not None:
            return activation
        cls = _resolve_class(item)            # "flatten", "conv2d" (without arguments)
        if cls is None:
            raise _unknown_name(item, where)
        return _construct(cls, [], {}, item, where)
    if isinstance(item, dict) and "class" in item:
        try:
            return layer_from_spec(item)
        except ValueError as error:
            raise CLIError(f"{where}: {error}") from None
    if isinstance(item, dict) and len(item) == 1:
        (name, arguments), = item.items()
        if not isinstance(name, str):
            raise CLIError(f"{where}: a layer name must be text, got {name!r}")
        if name.lower() == "sequential":
            if not isinstance(arguments, list):
                raise CLIError(f"{where}: Sequential takes a list of layers")
            return _build_sequential(arguments, where=f"{where} > ")
        cls = _resolve_class(name)
        if cls is None:
            raise _unknown_name(name, where)
        args, kwargs = _split_arguments(arguments, name, where)
        return _construct(cls, args, kwargs, name, where)
    raise CLIError(
        f"{where}: expected a layer name (\"relu\"), a one-key mapping ({{\"Linear\": [4, 2]}}) "
        f"or {{\"class\": ..., \"config\": ...}}, got {item!r:.120}"
    )


def _split_arguments(arguments: Any, name: str, where: str) -> tuple[list, dict]:
    if arguments is None:
        return [], {}
    if isinstance(arguments, dict):
        return [], dict(arguments)
    if isinstance(arguments, list):
        if arguments and isinstance(arguments[-1], dict):
            return list(arguments[:-1]), dict(arguments[-1])
        return list(arguments), {}
    if isinstance(arguments, (int, float, str, bool)):
        return [arguments], {}
    raise CLIError(f"{where} ({name}): arguments must be a list, a mapping or a single value, got {arguments!r:.80}")


def _construct(cls: type, args: list, kwargs: dict, name: str, where: str) -> Layer:
    if "rng" in kwargs:
        raise CLIError(f"{where} ({name}): 'rng' cannot be set from a file; use zeronn train --seed")
    try:
        return cls(*args, **kwargs)
    except (TypeError, ValueError) as error:
        raise CLIError(f"{where} ({cls.__name__}): {error}") from None
