"""Save and load whole models (architecture + weights) and weights alone.

A model file is a ZeroNN archive (``zeronn.io.archive``) of kind "model" whose tree is::

    {
      "architecture": {"class": "Sequential", "config": {"layers": [...]}},   # zeronn.nn.layer_to_spec
      "state_dict":   {"0.weight": array, "0.bias": array, ...},              # parameters and buffers
      "eval_modules": ["", "0", ...],      # dotted names of the layers that were in eval mode
      "frozen":       ["0.bias", ...],     # parameters with requires_grad=False
      "metadata":     {...},               # optional: the caller's JSON (input shape, class names...)
    }

Loading rebuilds the model only through the registry of layer classes
(``zeronn.nn.layer_from_spec``), then checks every tensor's name, shape and
dtype against the rebuilt architecture before copying anything in.  The
weights keep the dtype they were saved with (a float64 model loads as
float64), so a save/load round trip is bit-exact.

A weights file (kind "weights") holds only ``{"state_dict": {...}}``, for
``model.load_state_dict(zeronn.io.load_weights(path))``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Union

import numpy as np

from zeronn.io.archive import read_archive, write_archive
from zeronn.io.errors import ModelFileError
from zeronn.nn.layer import Layer, layer_from_spec, layer_to_spec

__all__ = ["save", "load", "load_metadata", "save_weights", "load_weights"]

PathLike = Union[str, "os.PathLike[str]"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


# ---------------------------------------------------------------------------------------- whole models
def save(model: Layer, path: PathLike, *, metadata: Union[dict[str, Any], None] = None) -> None:
    """Save ``model``'s architecture and weights to one file (atomically).

    Parameters
    ----------
    model : Layer
        Any ZeroNN layer or model built from registered layer classes.
    path : str or os.PathLike
        Where to write; ``.safetensors`` is a good extension (the file is a
        standard safetensors file with the architecture as JSON metadata).
    metadata : dict, optional
        JSON-serialisable facts to keep with the model (input shape, class
        names, how inputs were scaled...); read back with ``load_metadata``.

    Raises
    ------
    TypeError
        ``model`` is not a Layer, or its configuration is not JSON-serialisable.

    Examples
    --------
    >>> zeronn.save(model, "mnist_mlp.safetensors")
    >>> same_model = zeronn.load("mnist_mlp.safetensors")
    """
    if not isinstance(model, Layer):
        raise TypeError(f"save() takes a zeronn Layer, got {type(model).__name__}")
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict, got {type(metadata).__name__}")
    tree = {
        "architecture": layer_to_spec(model),
        "state_dict": _model_state(model),
        "eval_modules": [name for name, layer in model.named_modules() if not layer.training],
        "frozen": [name for name, parameter in model.named_parameters() if not parameter.requires_grad],
    }
    if metadata is not None:
        tree["metadata"] = metadata
    write_archive(path, tree, kind="model")


def load(path: PathLike) -> Layer:
    """Load a model written by ``save``: rebuild the architecture, then fill in the weights.

    The model comes back exactly as saved: same classes and configuration,
    bit-identical parameters and buffers with their dtypes, same train/eval
    modes and frozen parameters.  Call ``model.eval()`` before predicting if
    it was saved in training mode.

    Raises
    ------
    ModelFileError
        The file is missing, damaged, not a model file, from a newer ZeroNN,
        names an unknown layer, has a configuration that does not build, or
        holds tensors that do not fit the architecture.
    """
    source = f"'{os.fspath(path)}'"
    tree = read_archive(path, kind="model")
    model = _build_architecture(tree.get("architecture"), source)
    state = _state_dict_from_tree(tree, source)
    _assign_state(model, state, source)
    _restore_flags(model, tree, source)
    return model


def load_metadata(path: PathLike) -> dict[str, Any]:
    """Return the ``metadata`` dict given to ``save`` (empty when there was none).

    Raises
    ------
    ModelFileError
        As ``load``, or when the stored metadata is not a dict.
    """
    tree = read_archive(path, kind="model")
    metadata = tree.get("metadata", {})
    if not isinstance(metadata, dict):
        raise ModelFileError(f"'{os.fspath(path)}': the model's metadata is not a JSON object")
    return metadata


def _build_architecture(spec: Any, source: str) -> Layer:
    if not isinstance(spec, dict):
        raise ModelFileError(f"{source}: the model file has no architecture (expected a dict with a 'class')")
    try:
        return layer_from_spec(spec)
    except RecursionError:
        raise ModelFileError(f"{source}: the architecture is nested too deeply to rebuild") from None
    except Exception as error:  # any constructor may reject a tampered config in its own way
        raise ModelFileError(f"{source}: the architecture cannot be rebuilt: {error}") from None


def _state_dict_from_tree(tree: dict[str, Any], source: str) -> dict[str, np.ndarray]:
    state = tree.get("state_dict")
    if not isinstance(state, dict):
        raise ModelFileError(f"{source}: the file has no state_dict")
    for name, value in state.items():
        if not isinstance(value, np.ndarray):
            raise ModelFileError(f"{source}: state_dict entry {name!r} is {type(value).__name__}, not an array")
    return state


def _assign_state(model: Layer, state: dict[str, np.ndarray], source: str) -> None:
    """Check every tensor against the freshly built model, then set them all (nothing set if one is wrong)."""
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
    for name, (_, setter) in setters.items():
        setter(state[name])


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
        setters[name] = (parameter.data, lambda value, p=parameter: setattr(p, "data", value))
    for path, layer in model.named_modules():
        for buffer in layer.buffer_names:
            current = getattr(layer, buffer)
            if current is None:
                continue
            key = f"{path}.{buffer}" if path else buffer
            setters[key] = (current, _buffer_setter(layer, buffer, current))
    return setters


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


def load_weights(path: PathLike) -> dict[str, np.ndarray]:
    """Return the state dict stored in a weights file (or in a model file).

    Returns
    -------
    dict of str -> ndarray
        ``"0.weight" -> array`` ..., ready for ``model.load_state_dict``.

    Raises
    ------
    ModelFileError
        The file is missing, damaged, not a weights or model file, or from a newer ZeroNN.
    """
    source = f"'{os.fspath(path)}'"
    tree = read_archive(path, kind=("weights", "model"))
    return _state_dict_from_tree(tree, source)
