"""Save and load whole models (architecture + weights) and weights alone.

A model file is a ZeroNN archive (``zeronn.io.archive``) of kind "model" whose tree is::

    {
      "architecture": {"class": "Sequential", "config": {"layers": [...]}},   # zeronn.nn.layer_to_spec
      "state_dict":   {"0.weight": array, "0.bias": array, ...},              # parameters and buffers
      "eval_modules": ["", "0", ...],      # dotted names of the layers that were in eval mode
      "frozen":       ["0.bias", ...],     # parameters with requires_grad=False
      "metadata":     {...},               # optional: the caller's JSON (input shape, class names...)
    }

(any other key is an error).  Loading goes, cheapest check first:

1. the header, its limits and its checksum (``zeronn.io.archive.open_archive``): no tensor read yet;
2. the architecture is built from registered layer classes only
   (``zeronn.nn.layer_from_spec``), under ``zeronn.nn.init.skip_init()``:
   every parameter is a zero-memory placeholder, no random numbers drawn;
3. the memory it would take is checked against ``max_bytes``, and every
   parameter's and buffer's name, shape and dtype against the file's tensor
   table;
4. only then are the tensors read (each checked against its checksum) and put
   in place of the placeholders.

So a 34 KB file describing ``Linear(8192, 8192)``, or one describing
``Linear(10**6, 10**6)``, is refused in milliseconds with no memory spent.
The weights keep the dtype they were saved with (a float64 model loads as
float64), so a save/load round trip is bit-exact.

A weights file (kind "weights") holds only ``{"state_dict": {...}}``, for
``model.load_state_dict(zeronn.io.load_weights(path))``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Optional, Union

import numpy as np

from zeronn.io.archive import Archive, open_archive, write_archive
from zeronn.io.errors import ModelFileError
from zeronn.io.limits import DEFAULT_MAX_BYTES, MAX_LAYERS, check_max_bytes, format_bytes
from zeronn.nn import init
from zeronn.nn.layer import Layer, layer_from_spec, layer_to_spec, registered_name
from zeronn.nn.parameter import Parameter

__all__ = ["save", "load", "load_metadata", "save_weights", "load_weights", "build_model"]

PathLike = Union[str, "os.PathLike[str]"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_MODEL_KEYS = ("architecture", "state_dict", "eval_modules", "frozen", "metadata")
_WEIGHTS_KEYS = ("state_dict",)


# ---------------------------------------------------------------------------------------- whole models
def save(model: Layer, path: PathLike, *, metadata: Union[dict[str, Any], None] = None) -> None:
    """Save ``model``'s architecture and weights to one file (atomically).

    Parameters
    ----------
    model : Layer
        Any ZeroNN layer or model built from registered layer classes (a layer
        class of your own needs ``@zeronn.nn.register_layer``).
    path : str or os.PathLike
        Where to write; ``.safetensors`` is a good extension (the file is a
        standard safetensors file with the architecture as JSON metadata).
    metadata : dict, optional
        JSON-serialisable facts to keep with the model (input shape, class
        names, how inputs were scaled...); read back with ``load_metadata``.

    Raises
    ------
    TypeError
        ``model`` is not a Layer, one of its layer classes is not registered,
        or its configuration is not JSON-serialisable.

    Examples
    --------
    >>> zeronn.save(model, "mnist_mlp.safetensors")
    >>> same_model = zeronn.load("mnist_mlp.safetensors")
    """
    if not isinstance(model, Layer):
        raise TypeError(f"save() takes a zeronn Layer, got {type(model).__name__}")
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict, got {type(metadata).__name__}")
    _check_registered(model)
    tree = {
        "architecture": layer_to_spec(model),
        "state_dict": _model_state(model),
        "eval_modules": [name for name, layer in model.named_modules() if not layer.training],
        "frozen": [name for name, parameter in model.named_parameters() if not parameter.requires_grad],
    }
    if metadata is not None:
        tree["metadata"] = metadata
    write_archive(path, tree, kind="model")


def _check_registered(model: Layer) -> None:
    for path, layer in model.named_modules():
        cls = type(layer)
        if registered_name(cls) is None:
            where = f" (at {path!r})" if path else ""
            raise TypeError(
                f"cannot save {cls.__module__}.{cls.__qualname__}{where}: zeronn.load could not rebuild it, "
                "because the class is not registered; decorate it with @zeronn.nn.register_layer"
            )


def load(path: PathLike, *, max_bytes: Optional[int] = DEFAULT_MAX_BYTES) -> Layer:
    """Load a model written by ``save``: check the file, build the architecture, fill in the weights.

    The model comes back exactly as saved: same classes and configuration,
    bit-identical parameters and buffers with their dtypes, same train/eval
    modes and frozen parameters.  Call ``model.eval()`` before predicting if
    it was saved in training mode.

    Parameters
    ----------
    path : str or os.PathLike
        The model file.
    max_bytes : int or None, default 2 GiB (``zeronn.io.limits.DEFAULT_MAX_BYTES``)
        The most memory the file's tensors, and the architecture it describes,
        may take; checked before anything is allocated.  Pass a larger number,
        or None for no limit, for a model you trust that is really that big.

    Raises
    ------
    ModelFileError
        The file is missing, damaged (a checksum does not match), not a model
        file, from a newer ZeroNN, beyond a limit, names an unknown layer, has
        a configuration that does not build, or holds tensors that do not fit
        the architecture.

    Warns
    -----
    zeronn.io.ModelFileWarning
        The file was written by an older ZeroNN, without checksums.
    """
    archive, tree = _open_model(path, max_bytes)
    model = build_model(tree["architecture"], tree["state_dict"], source=archive.source, max_bytes=max_bytes,
                        read_state=lambda: _state_dict_from_tree(archive.read_tree(), archive.source))
    _restore_flags(model, tree, archive.source)
    return model


def load_metadata(path: PathLike, *, max_bytes: Optional[int] = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Return the ``metadata`` dict given to ``save`` (empty when there was none).

    Checks the file as ``load`` does (header, checksums of the header,
    architecture against the tensor table) but reads no tensor data, so it
    is cheap whatever the model's size.

    Raises
    ------
    ModelFileError
        As ``load``, or when the stored metadata is not a dict.
    """
    archive, tree = _open_model(path, max_bytes)
    model = build_model(tree["architecture"], tree["state_dict"], source=archive.source, max_bytes=max_bytes)
    _restore_flags(model, tree, archive.source)                 # checks the names (the model is dropped)
    metadata = tree.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ModelFileError(f"{archive.source}: the model's metadata is not a JSON object")
    return metadata


def _open_model(path: PathLike, max_bytes: Optional[int]) -> tuple[Archive, dict[str, Any]]:
    """The checked archive and its tree with zero-memory placeholders for the tensors."""
    archive = open_archive(path, kind="model", max_bytes=check_max_bytes(max_bytes))
    tree = dict(archive.outline)
    _check_keys(tree, _MODEL_KEYS, archive.source)
    if "architecture" not in tree:
        raise ModelFileError(f"{archive.source}: the model file has no architecture")
    tree["state_dict"] = _state_dict_from_tree(tree, archive.source)
    return archive, tree


def _check_keys(tree: dict[str, Any], known: tuple[str, ...], source: str) -> None:
    unknown = sorted(set(tree) - set(known))
    if unknown:
        shown = ", ".join(f"{key!r:.60}" for key in unknown[:5])
        raise ModelFileError(f"{source}: unknown entries {shown} in the file (valid: {', '.join(known)}); "
                             "the file is damaged or was edited")


def build_model(
    spec: Any,
    state: dict[str, np.ndarray],
    *,
    source: str,
    max_bytes: Optional[int] = DEFAULT_MAX_BYTES,
    read_state: Optional[Callable[[], dict[str, np.ndarray]]] = None,
) -> Layer:
    """Build the architecture ``spec`` and fill it with ``state``, checking everything before allocating.

    The layers are built under ``zeronn.nn.init.skip_init()`` (zero-memory
    placeholders); then the memory they need is checked against
    ``max_bytes``, and every name, shape and dtype against ``state`` (real
    arrays, or placeholders of the file's tensors).  Only then the real
    arrays are put in place: ``state`` itself, or what ``read_state()``
    returns (``load`` reads the file's tensors there, after all the checks).

    Raises
    ------
    ModelFileError
        Naming ``source``: unknown layer class, configuration that does not
        build, too much memory, tensors that do not fit.
    """
    with init.skip_init():
        model = _build_architecture(spec, source)
        _check_memory(model, source, check_max_bytes(max_bytes))
        setters = _check_state(model, state, source)
        if read_state is None:
            _assign_state(setters, state)
        else:
            real = read_state()
            _check_state(model, real, source)
            _assign_state(setters, real)
        _check_no_placeholder_left(model, source)
    return model


def _build_architecture(spec: Any, source: str) -> Layer:
    if not isinstance(spec, dict):
        raise ModelFileError(f"{source}: the model file has no architecture (expected a dict with a 'class')")
    layers = _count_layers(spec)
    if layers > MAX_LAYERS:
        raise ModelFileError(f"{source}: the architecture describes {layers:,} layers, more than the limit of "
                             f"{MAX_LAYERS:,}; the file is damaged or hostile")
    try:
        return layer_from_spec(spec)
    except RecursionError:
        raise ModelFileError(f"{source}: the architecture is nested too deeply to rebuild") from None
    except MemoryError:
        raise ModelFileError(f"{source}: the architecture cannot be rebuilt: it needs more memory than there is "
                             "(one of its layers creates its arrays without zeronn.nn.init)") from None
    except Exception as error:  # any constructor may reject a tampered config in its own way
        raise ModelFileError(f"{source}: the architecture cannot be rebuilt: {error}") from None


def _count_layers(node: Any) -> int:
    """Layer descriptions (dicts with a "class") in an architecture, counted without building any."""
    if isinstance(node, dict):
        return int("class" in node) + sum(_count_layers(value) for value in node.values())
    if isinstance(node, list):
        return sum(_count_layers(item) for item in node)
    return 0


def _check_memory(model: Layer, source: str, max_bytes: Optional[int]) -> None:
    """Refuse an architecture whose parameters and buffers would take more than ``max_bytes``."""
    if max_bytes is None:
        return
    arrays = [value for value, _ in _state_setters(model).values() if isinstance(value, np.ndarray)]
    needed = sum(array.size * array.itemsize for array in arrays)       # the memory once allocated
    if needed > max_bytes:
        numbers = sum(array.size for array in arrays)
        raise ModelFileError(
            f"{source}: the architecture would take {format_bytes(needed)} ({numbers:,} numbers in its "
            f"parameters and buffers), more than the limit of max_bytes={max_bytes} ({format_bytes(max_bytes)}); "
            "the file is damaged or hostile — if you trust it, pass a larger max_bytes= (or max_bytes=None)"
        )


def _state_dict_from_tree(tree: dict[str, Any], source: str) -> dict[str, np.ndarray]:
    state = tree.get("state_dict")
    if not isinstance(state, dict):
        raise ModelFileError(f"{source}: the file has no state_dict")
    for name, value in state.items():
        if not isinstance(value, np.ndarray):
            raise ModelFileError(f"{source}: state_dict entry {name!r} is {type(value).__name__}, not an array")
    return state


Setters = dict[str, tuple[Any, Callable[[np.ndarray], None]]]


def _check_state(model: Layer, state: dict[str, np.ndarray], source: str) -> Setters:
    """Check every tensor's name, shape and dtype against the built model; return the setters."""
    setters = _state_setters(model)
    missing = [name for name in setters if name not in state]
    unexpected = [name for name in state if name not in setters]
    if missing or unexpected:
        raise ModelFileError(
            f"{source}: the weights do not fit the architecture {type(model).__name__}: "
            f"missing {_names(missing)}, unexpected {_names(unexpected)}"
        )
    for name, (current, _) in setters.items():
        _check_tensor(name, state[name], np.asarray(current), source)
    return setters


def _assign_state(setters: Setters, state: dict[str, np.ndarray]) -> None:
    for name, (_, setter) in setters.items():
        setter(state[name])


def _check_no_placeholder_left(model: Layer, source: str) -> None:
    """Every array a layer made in ``skip_init`` must have been replaced by one from the file."""
    for path, layer in model.named_modules():
        for attribute, value in vars(layer).items():
            data = value.data if isinstance(value, Parameter) else value
            if init.is_placeholder(data):
                where = f"{path}.{attribute}" if path else attribute
                raise ModelFileError(
                    f"{source}: {type(layer).__name__} keeps an array {where!r} that is neither a parameter nor "
                    "a listed buffer, so the file cannot provide it; add it to the layer's buffer_names"
                )


def _check_tensor(name: str, value: np.ndarray, current: np.ndarray, source: str) -> None:
    if value.shape != current.shape:
        raise ModelFileError(
            f"{source}: tensor {name!r} has shape {value.shape}, the architecture needs {current.shape}"
        )
    dtype_fits = value.dtype in _FLOATS if current.dtype in _FLOATS else value.dtype == current.dtype
    if not dtype_fits:
        wanted = "float32 or float64" if current.dtype in _FLOATS else str(current.dtype)
        raise ModelFileError(f"{source}: tensor {name!r} has dtype {value.dtype}, the architecture needs {wanted}")


def _model_state(model: Layer) -> dict[str, np.ndarray]:
    """Copies of the parameters and buffers; a buffer set to None (not tracked) is left out."""
    return {name: np.array(current, copy=True) for name, (current, _) in _state_setters(model).items()}


def _state_setters(model: Layer) -> dict[str, tuple[Any, Callable[[np.ndarray], None]]]:
    """Map each state name to (current value, function that stores a new array as it is, dtype kept)."""
    setters: dict[str, tuple[Any, Callable[[np.ndarray], None]]] = {}
    for name, parameter in model.named_parameters():
        setters[name] = (parameter.data, _parameter_setter(parameter))
    for path, layer in model.named_modules():
        for buffer in layer.buffer_names:
            current = getattr(layer, buffer)
            if current is None:
                continue
            key = f"{path}.{buffer}" if path else buffer
            setters[key] = (current, _buffer_setter(layer, buffer, current))
    return setters


def _parameter_setter(parameter: Parameter) -> Callable[[np.ndarray], None]:
    def set_data(value: np.ndarray) -> None:
        parameter.data = value

    return set_data


def _buffer_setter(layer: Layer, name: str, current: Any) -> Callable[[np.ndarray], None]:
    """Store arrays as arrays, and give scalars back their kind (a Python int counter stays an int)."""
    if isinstance(current, np.ndarray):
        return lambda value: setattr(layer, name, value)
    if isinstance(current, np.generic):
        return lambda value: setattr(layer, name, value[()])
    return lambda value: setattr(layer, name, value.item())


def _restore_flags(model: Layer, tree: dict[str, Any], source: str) -> None:
    modules = dict(model.named_modules())
    parameters = dict(model.named_parameters())
    eval_modules = _name_list(tree, "eval_modules", modules, source)
    frozen = _name_list(tree, "frozen", parameters, source)
    for name, layer in modules.items():
        layer.training = name not in eval_modules
    for name in frozen:
        parameters[name].requires_grad = False


def _name_list(tree: dict[str, Any], key: str, known: dict[str, Any], source: str) -> set[str]:
    names = tree.get(key, [])
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ModelFileError(f"{source}: {key!r} must be a list of names")
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ModelFileError(f"{source}: {key!r} names {_names(unknown)}, which the architecture does not have")
    return set(names)


def _names(names: list[str], limit: int = 10) -> str:
    if not names:
        return "nothing"
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


# ---------------------------------------------------------------------------------------- weights alone
def save_weights(model_or_state_dict: Union[Layer, dict[str, Any]], path: PathLike) -> None:
    """Save only the weights (parameters and buffers) of a model, or a state dict, to ``path``.

    Parameters
    ----------
    model_or_state_dict : Layer or dict of str -> array
        A model (its ``state_dict()`` is saved) or a flat dict of arrays.
    path : str or os.PathLike
        Where to write (atomically).

    Examples
    --------
    >>> zeronn.io.save_weights(model, "weights.safetensors")
    >>> model.load_state_dict(zeronn.io.load_weights("weights.safetensors"))
    """
    if isinstance(model_or_state_dict, Layer):
        state = model_or_state_dict.state_dict()
    elif isinstance(model_or_state_dict, dict):
        state = {}
        for name, value in model_or_state_dict.items():
            if not isinstance(name, str):
                raise TypeError(f"state_dict keys must be str, got {name!r}")
            state[name] = np.asarray(value)
    else:
        kind = type(model_or_state_dict).__name__
        raise TypeError(f"save_weights() takes a zeronn Layer or a state dict, got {kind}")
    write_archive(path, {"state_dict": state}, kind="weights")


def load_weights(path: PathLike, *, max_bytes: Optional[int] = DEFAULT_MAX_BYTES) -> dict[str, np.ndarray]:
    """Return the state dict stored in a weights file (or in a model file).

    Parameters
    ----------
    path : str or os.PathLike
        The weights or model file.
    max_bytes : int or None, default 2 GiB
        Refuse files with more tensor data than this (None: no limit).

    Returns
    -------
    dict of str -> ndarray
        ``"0.weight" -> array`` ..., ready for ``model.load_state_dict``.

    Raises
    ------
    ModelFileError
        The file is missing, damaged (a checksum does not match), not a weights
        or model file, beyond a limit, or from a newer ZeroNN.
    """
    archive = open_archive(path, kind=("weights", "model"), max_bytes=check_max_bytes(max_bytes))
    _check_keys(archive.outline, _WEIGHTS_KEYS if archive.kind == "weights" else _MODEL_KEYS, archive.source)
    return _state_dict_from_tree(archive.read_tree(), archive.source)
