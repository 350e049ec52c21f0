"""Model files written by ``zeronn train`` and the facts the other commands need about them.

The model itself goes through ``zeronn.io.save`` / ``zeronn.io.load`` (weights
in safetensors, architecture as JSON; never pickle).  What the command line
also needs to know — the input shape of one sample, the class names, how raw
inputs were scaled, which dataset and seed the model was trained on — is a
small JSON document, the model's *info*:

    {"format": "zeronn-cli-info", "version": 1,
     "input_shape": [1, 28, 28], "classes": ["0", ..., "9"], "output": "logits",
     "data": {"kind": "images", "spec": {...}, "preprocessing": {"kind": "scale", "divide_by": 255.0}},
     "model": {"source": "lenet"}, "training": {...}}

The info is stored inside the model file (``zeronn.io.save(..., metadata=info)``,
read back with ``zeronn.io.load_metadata``) and, for people to read, beside it
as ``<name>.json`` (``model.safetensors`` -> ``model.json``); the copy inside
the file comes first.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Optional, Union

from zeronn.cli.errors import CLIError
from zeronn.nn.layer import Layer

__all__ = ["INFO_FORMAT", "save_model", "load_model", "info_path", "infer_input_shape"]

INFO_FORMAT = "zeronn-cli-info"
PathLike = Union[str, "os.PathLike[str]"]


def info_path(model_path: PathLike) -> str:
    """Where the info sidecar of ``model_path`` lives: the same name with ``.json``."""
    root, _ = os.path.splitext(os.fspath(model_path))
    return root + ".json"


def save_model(model: Layer, path: PathLike, info: dict[str, Any]) -> list[str]:
    """Save ``model`` with its ``info`` inside the model file and beside it; return the paths written."""
    from zeronn import io

    info = {"format": INFO_FORMAT, "version": 1, **info}
    path = os.fspath(path)
    io.save(model, path, metadata=info)
    _write_json(info_path(path), info)          # also beside it: readable by people and by any version
    return [path, info_path(path)]


def _read_embedded_info(path: str) -> Optional[dict[str, Any]]:
    """The info stored inside the model file (None for a model saved without it)."""
    from zeronn import io

    metadata = io.load_metadata(path)
    return metadata if metadata.get("format") == INFO_FORMAT else None


def _read_sidecar(path: str) -> Optional[dict[str, Any]]:
    sidecar = info_path(path)
    if not os.path.isfile(sidecar):
        return None
    try:
        with open(sidecar, encoding="utf-8") as handle:
            info = json.load(handle)
    except (OSError, ValueError) as error:
        raise CLIError(f"cannot read the model's info file {sidecar}: {error}") from None
    if not isinstance(info, dict) or info.get("format") != INFO_FORMAT:
        return None          # some other JSON file that happens to share the name
    return info


def load_model(path: PathLike) -> tuple[Layer, dict[str, Any]]:
    """Load a model file and its info (an empty dict when there is none), model in eval mode.

    Raises
    ------
    FileNotFoundError
        No such file.
    zeronn.io.ModelFileError
        The file is damaged or not a model file.
    """
    from zeronn import io

    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"model file not found: {path}")
    if os.path.isdir(path):
        candidate = os.path.join(path, "model.safetensors")
        if not os.path.isfile(candidate):
            raise CLIError(f"{path} is a folder without a model.safetensors file")
        path = candidate
    model = io.load(path)
    model.eval()
    info = _read_embedded_info(path) or _read_sidecar(path) or {}
    if not info.get("input_shape"):
        shape = infer_input_shape(model)
        if shape is not None:
            info["input_shape"] = list(shape)
    return model, info


def infer_input_shape(model: Layer) -> Optional[tuple[int, ...]]:
    """Guess one sample's shape from the first layers, for models saved without info.

    A leading ``Linear(n, ...)`` takes (n,); ``Flatten`` then ``Linear(n, ...)``
    with n a square number takes a square one-channel image.  Anything else: None.
    """
    from zeronn.nn.flatten import Flatten
    from zeronn.nn.linear import Linear
    from zeronn.nn.sequential import Sequential

    layers = list(model) if isinstance(model, Sequential) else [model]
    flatten_first = bool(layers) and isinstance(layers[0], Flatten)
    first = layers[1] if flatten_first and len(layers) > 1 else layers[0] if layers else None
    if not isinstance(first, Linear):
        return None
    n = first.in_features
    if flatten_first:
        side = math.isqrt(n)
        return (1, side, side) if side * side == n else (n,)
    return (n,)


def _write_json(path: str, data: Any) -> None:
    from zeronn.io.atomic import atomic_write_bytes

    atomic_write_bytes(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
