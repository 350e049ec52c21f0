"""Build a model from a JSON or YAML description (``zeronn train --model net.yaml``, ``load_architecture``).

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
description may also be a mapping ``{"layers": [...], "input_shape": [1, 28, 28]}``;
``input_shape`` (one sample, without the batch axis) is optional.

Only registered ZeroNN layer classes can be named: a description is data,
never code.  A description holds at most ``MAX_LAYERS`` layers (10,000) in
Sequential blocks nested at most 32 deep, and a file is at most 1 MB.
Before any layer is built, the parameter count of the whole model is
computed from the arguments and checked against ``zeronn.models.MAX_PARAMETERS``
(so ``Linear(10**6, 10**6)`` is refused without allocating anything).  Mistakes raise ``ArchitectureError`` (a
``ValueError``) naming the layer's position.
"""

from __future__ import annotations

import inspect
import json
import os
from dataclasses import dataclass
from typing import Any, Optional, Union

from zeronn.models.size import MAX_PARAMETERS, check_parameter_count, estimate_parameters
from zeronn.nn.activation import ACTIVATIONS, get_activation
from zeronn.nn.layer import LAYER_REGISTRY, Layer, layer_from_spec
from zeronn.nn.sequential import Sequential

__all__ = ["Architecture", "ArchitectureError", "load_architecture", "build_architecture", "read_description"]

PathLike = Union[str, "os.PathLike[str]"]
_MAX_FILE_BYTES = 1_000_000          # an architecture file is a few hundred bytes; refuse anything huge
_MAX_DEPTH = 32                      # nested Sequential blocks
MAX_LAYERS = 10_000                  # layers in one description (YAML anchors can repeat a block endlessly)


class ArchitectureError(ValueError):
    """An architecture description that cannot be built; the message says where and why."""


@dataclass
class Architecture:
    """A model built from a description, and the input shape it declared (if any)."""

    model: Layer
    input_shape: Optional[tuple[int, ...]]


class _Budget:
    """Counts the layers planned so far; refuses a description with more than ``MAX_LAYERS``."""

    def __init__(self) -> None:
        self.layers = 0

    def take(self, where: str) -> None:
        self.layers += 1
        if self.layers > MAX_LAYERS:
            raise ArchitectureError(f"{where or 'the architecture'}: more than {MAX_LAYERS:,} layers in one "
                                    "description (repeated YAML anchors?)")


@dataclass
class _Plan:
    """One layer to build: its class and arguments, checked and counted but not built yet."""

    cls: type
    args: list[Any]
    kwargs: dict[str, Any]
    where: str
    parameters: int


def read_description(path: PathLike) -> Any:
    """Parse a ``.json``, ``.yaml`` or ``.yml`` file into plain Python data (safe loaders only)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"architecture file not found: {path}")
    if os.path.getsize(path) > _MAX_FILE_BYTES:
        raise ArchitectureError(f"{path} is {os.path.getsize(path):,} bytes; an architecture file is at most "
                                f"{_MAX_FILE_BYTES:,}")
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArchitectureError(f"{path} is not UTF-8 text (is it really a .json/.yaml architecture file?)") from None
    if path.lower().endswith((".yaml", ".yml")):
        return _parse_yaml(text, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ArchitectureError(f"{path} is not valid JSON: {error}") from None
    except RecursionError:
        raise ArchitectureError(f"{path} is nested too deeply") from None


def _parse_yaml(text: str, path: str) -> Any:
    try:
        import yaml
    except ImportError:
        raise ImportError("reading YAML needs PyYAML: pip install pyyaml (or write the file as JSON)") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ArchitectureError(f"{path} is not valid YAML: {' '.join(str(error).split())}") from None
    except RecursionError:
        raise ArchitectureError(f"{path} is nested too deeply") from None


def load_architecture(path: PathLike, *, max_parameters: int = MAX_PARAMETERS) -> Architecture:
    """Read ``path`` and build the model it describes (see the module docstring for the format).

    Raises
    ------
    FileNotFoundError
    ArchitectureError
        The message starts with the file name.
    ImportError
        A YAML file without PyYAML installed.
    """
    try:
        return build_architecture(read_description(path), max_parameters=max_parameters)
    except ArchitectureError as error:
        text = str(error)
        prefix = os.fspath(path)
        raise ArchitectureError(text if text.startswith(prefix) else f"{prefix}: {text}") from None


def build_architecture(description: Any, *, max_parameters: int = MAX_PARAMETERS) -> Architecture:
    """Build the model from parsed data: a list of layers, a mapping with ``layers``, or a long-form spec."""
    input_shape = None
    if isinstance(description, dict) and "layers" in description and "class" not in description:
        unknown = sorted(map(str, set(description) - {"layers", "input_shape"}))
        if unknown:
            raise ArchitectureError(
                f"unknown top-level key(s) {', '.join(unknown)}; expected 'layers' and 'input_shape'")
        input_shape = _input_shape(description.get("input_shape"))
        description = description["layers"]
    plan: Plan
    budget = _Budget()
    if isinstance(description, list):
        plan = _plan_sequential(description, where="", depth=0, budget=budget)
    elif isinstance(description, (dict, str)):
        if isinstance(description, dict) and "class" in description:
            return Architecture(model=_from_long_form(description, "the model"), input_shape=input_shape)
        plan = _plan_layer(description, where="the model", depth=0, budget=budget)
    else:
        raise ArchitectureError(
            f"an architecture is a list of layers or a mapping with 'layers', got {type(description).__name__}"
        )
    check_parameter_count(_count(plan), "this architecture", limit=max_parameters)
    return Architecture(model=_build(plan), input_shape=input_shape)


def _input_shape(value: Any) -> Optional[tuple[int, ...]]:
    if value is None:
        return None
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
        raise ArchitectureError(f"input_shape must be a list of positive integers such as [1, 28, 28], got {value!r}")
    return tuple(value)


# ------------------------------------------------------------------------------------------ planning
Plan = Union[_Plan, Layer, list]       # a layer to construct, a layer already built (activations), or a block


def _plan_sequential(items: list, where: str, depth: int, budget: _Budget) -> list:
    if depth > _MAX_DEPTH:
        raise ArchitectureError(f"{where or 'the architecture'}: Sequential blocks nested more than {_MAX_DEPTH} deep")
    if not items:
        raise ArchitectureError(f"{where or 'the architecture'}: the list of layers is empty")
    return [_plan_layer(item, where=f"{where}layer {position}", depth=depth, budget=budget)
            for position, item in enumerate(items)]


def _resolve_class(name: str) -> Optional[type]:
    """Find a public layer class by exact or case-insensitive name; None if ``name`` is no class."""
    public = {key: cls for key, cls in LAYER_REGISTRY.items() if not key.startswith("_")}
    if name in public:
        return public[name]
    folded = {key.lower(): cls for key, cls in public.items()}
    return folded.get(name.lower())


def _activation_key(name: str) -> Optional[str]:
    key = name.strip().lower().replace("-", "_")
    return key if key in ACTIVATIONS else None


def _unknown_name(name: str, where: str) -> ArchitectureError:
    classes = sorted(key for key in LAYER_REGISTRY if not key.startswith("_"))
    return ArchitectureError(
        f"{where}: unknown layer {name!r}; layer classes are: {', '.join(classes)}; "
        f"activation names are: {', '.join(ACTIVATIONS)}"
    )


def _plan_layer(item: Any, where: str, depth: int, budget: _Budget) -> Plan:
    budget.take(where)
    if isinstance(item, str):
        exact = LAYER_REGISTRY.get(item) if not item.startswith("_") else None
        if exact is not None:                                    # "ReLU", "Flatten"
            return _plan_construct(exact, [], {}, item, where)
        key = _activation_key(item)
        if key is not None:                                      # "relu", "leaky_relu"
            return get_activation(key)
        cls = _resolve_class(item)                               # "flatten", "conv2d"
        if cls is None:
            raise _unknown_name(item, where)
        return _plan_construct(cls, [], {}, item, where)
    if isinstance(item, dict) and "class" in item:
        return _from_long_form(item, where)
    if isinstance(item, dict) and len(item) == 1:
        (name, arguments), = item.items()
        if not isinstance(name, str):
            raise ArchitectureError(f"{where}: a layer name must be text, got {name!r}")
        if name.lower() == "sequential":
            if not isinstance(arguments, list):
                raise ArchitectureError(f"{where}: Sequential takes a list of layers")
            return _plan_sequential(arguments, where=f"{where} > ", depth=depth + 1, budget=budget)
        cls = _resolve_class(name)
        if cls is None:
            raise _unknown_name(name, where)
        args, kwargs = _split_arguments(arguments, name, where)
        return _plan_construct(cls, args, kwargs, name, where)
    raise ArchitectureError(
        f"{where}: expected a layer name (\"relu\"), a one-key mapping ({{\"Linear\": [4, 2]}}) "
        f"or {{\"class\": ..., \"config\": ...}}, got {item!r:.120}"
    )


def _from_long_form(item: dict, where: str) -> Layer:
    config = item.get("config", {})
    name = item.get("class")
    cls = _resolve_class(name) if isinstance(name, str) else None
    if cls is not None and isinstance(name, str) and isinstance(config, dict) and name != "Sequential":
        _plan_construct(cls, [], dict(config), name, where)          # counts and checks before building
    try:
        return layer_from_spec(item)
    except (TypeError, ValueError) as error:
        raise ArchitectureError(f"{where}: {error}") from None


def _split_arguments(arguments: Any, name: str, where: str) -> tuple[list, dict]:
    if arguments is None:
        return [], {}
    if isinstance(arguments, dict):
        if not all(isinstance(key, str) for key in arguments):
            raise ArchitectureError(f"{where} ({name}): argument names must be text")
        return [], dict(arguments)
    if isinstance(arguments, list):
        if arguments and isinstance(arguments[-1], dict):
            _, kwargs = _split_arguments(arguments[-1], name, where)
            return list(arguments[:-1]), kwargs
        return list(arguments), {}
    if isinstance(arguments, (int, float, str, bool)):
        return [arguments], {}
    raise ArchitectureError(
        f"{where} ({name}): arguments must be a list, a mapping or a single value, got {arguments!r:.80}")


def _plan_construct(cls: type, args: list, kwargs: dict, name: str, where: str) -> _Plan:
    if "rng" in kwargs:
        raise ArchitectureError(f"{where} ({name}): 'rng' cannot be set from a file; seed the run instead "
                                "(zeronn.manual_seed, zeronn train --seed)")
    try:
        bound = inspect.signature(cls).bind(*args, **kwargs)
    except TypeError as error:
        raise ArchitectureError(f"{where} ({cls.__name__}): {error}") from None
    bound.apply_defaults()
    count = estimate_parameters(cls.__name__, bound.arguments)
    check_parameter_count(count, f"{where} ({cls.__name__})", limit=MAX_PARAMETERS)
    return _Plan(cls=cls, args=list(args), kwargs=dict(kwargs), where=where, parameters=count)


def _count(plan: Plan) -> int:
    if isinstance(plan, list):
        return sum(_count(item) for item in plan)
    if isinstance(plan, _Plan):
        return plan.parameters
    return plan.num_parameters()


def _build(plan: Plan) -> Layer:
    if isinstance(plan, list):
        return Sequential(*(_build(item) for item in plan))
    if isinstance(plan, Layer):
        return plan
    try:
        return plan.cls(*plan.args, **plan.kwargs)
    except (TypeError, ValueError) as error:
        raise ArchitectureError(f"{plan.where} ({plan.cls.__name__}): {error}") from None
