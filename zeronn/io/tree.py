"""Split a nested state tree into JSON text and a flat dict of arrays, and join them back.

A tree is a dict with str keys whose leaves are NumPy arrays or JSON values
(int of any size, float, str, bool, None, lists).  The JSON keeps the tree's
shape; each array is replaced by a small marker naming its tensor::

    {"epoch": 3, "model": {"0.weight": array}}  ->  {"epoch": 3, "model": {"0.weight": {"$array": "model.0.weight"}}}
                                                     + tensors {"model.0.weight": array}

Markers are one-key dicts whose key starts with "$":

    {"$array": name}      an ndarray stored as tensor ``name``
    {"$scalar": name}     a NumPy scalar (np.float32(1.5)...), stored as a 0-d tensor, dtype kept
    {"$float": "nan"}     a float JSON cannot hold: "nan", "inf" or "-inf"
    {"$tuple": [...]}     a tuple (lists stay lists)
    {"$dict": {...}}      a user dict that has keys starting with "$" (so they are never read as markers)

Tensor names are the dotted path of the leaf ("model.0.weight").  The JSON
says which tensor belongs where, so names are never parsed back: a dot inside
a key cannot be confused with a level of nesting, and the rare name clash
({"a.b": x, "a": {"b": y}}) just gets a suffix ("a.b#1").

Python ints are written in full (json keeps any size), so 128-bit generator
states survive exactly; finite floats are written with ``repr`` and read
back bit-exact.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from zeronn.io.errors import ModelFileError
from zeronn.io.limits import parse_json

__all__ = ["SUPPORTED_DTYPES", "encode_tree", "decode_tree", "decode_structure"]

#: dtypes a tensor may have (what safetensors stores, minus complex): numbers and bools, never objects.
SUPPORTED_DTYPES: tuple[np.dtype, ...] = tuple(
    np.dtype(name)
    for name in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                 "float16", "float32", "float64")
)

_MARKERS = ("$array", "$scalar", "$float", "$tuple", "$dict")


# ---------------------------------------------------------------------------------------- encoding
def encode_tree(tree: dict[str, Any]) -> tuple[str, dict[str, np.ndarray]]:
    """Return ``(json_text, tensors)`` for ``tree``.

    Raises
    ------
    TypeError
        A key is not a str, or a leaf is neither an array nor a JSON value;
        the message gives the path of the offending entry.
    """
    if not isinstance(tree, dict):
        raise TypeError(f"the tree to save must be a dict, got {type(tree).__name__}")
    tensors: dict[str, np.ndarray] = {}
    structure = _encode(tree, (), tensors)
    return json.dumps(structure, allow_nan=False, ensure_ascii=False, separators=(",", ":")), tensors


def _encode(node: Any, path: tuple[str, ...], tensors: dict[str, np.ndarray]) -> Any:
    if isinstance(node, dict):
        return _encode_dict(node, path, tensors)
    if isinstance(node, list):
        return [_encode(item, path + (str(i),), tensors) for i, item in enumerate(node)]
    if isinstance(node, tuple):
        return {"$tuple": [_encode(item, path + (str(i),), tensors) for i, item in enumerate(node)]}
    if isinstance(node, np.ndarray):
        return {"$array": _add_tensor(node, path, tensors)}
    if isinstance(node, np.generic):
        return {"$scalar": _add_tensor(np.asarray(node), path, tensors)}
    if node is None or isinstance(node, (bool, int, str)):
        return node
    if isinstance(node, float):
        if math.isfinite(node):
            return node
        return {"$float": "nan" if math.isnan(node) else ("inf" if node > 0 else "-inf")}
    raise TypeError(
        f"cannot save {type(node).__name__} at {_where(path)}: leaves must be NumPy arrays or JSON values "
        "(int, float, str, bool, None, lists and dicts of those)"
    )


def _encode_dict(node: dict, path: tuple[str, ...], tensors: dict[str, np.ndarray]) -> dict:
    encoded = {}
    for key, value in node.items():
        if not isinstance(key, str):
            raise TypeError(f"cannot save the key {key!r} at {_where(path)}: dict keys must be str, "
                            f"got {type(key).__name__}")
        encoded[key] = _encode(value, path + (key,), tensors)
    if any(key.startswith("$") for key in encoded):
        return {"$dict": encoded}
    return encoded


def _add_tensor(array: np.ndarray, path: tuple[str, ...], tensors: dict[str, np.ndarray]) -> str:
    if array.dtype.newbyteorder("=") not in SUPPORTED_DTYPES:
        kinds = ", ".join(str(d) for d in SUPPORTED_DTYPES)
        raise TypeError(f"cannot save the array at {_where(path)}: dtype {array.dtype} is not supported "
                        f"(supported: {kinds})")
    base = ".".join(path) or "tensor"
    name, suffix = base, 0
    while name in tensors:
        suffix += 1
        name = f"{base}#{suffix}"
    little_endian = array.dtype.newbyteorder("<")
    tensors[name] = np.asarray(array, dtype=little_endian, order="C")   # safetensors needs dense little-endian
    return name


def _where(path: tuple[str, ...]) -> str:
    return "the top level" if not path else "'" + ".".join(path) + "'"


# ---------------------------------------------------------------------------------------- decoding
def decode_tree(text: str, tensors: dict[str, np.ndarray], *, source: str) -> dict[str, Any]:
    """Rebuild the tree from ``encode_tree``'s JSON text and tensors.

    ``source`` names the file in error messages.  The JSON is parsed within
    the limits of ``zeronn.io.limits``; see ``decode_structure`` for the rest.

    Raises
    ------
    ModelFileError
        The JSON is invalid or beyond a limit, a marker is unknown or
        malformed, a tensor is missing or left over.
    """
    return decode_structure(parse_json(text, "the tree stored in the metadata", source), tensors, source=source)


def decode_structure(structure: Any, tensors: dict[str, np.ndarray], *, source: str) -> dict[str, Any]:
    """Rebuild the tree from the parsed JSON of ``encode_tree`` and its tensors.

    Every tensor must be used exactly once and every referenced tensor must
    exist.  ``tensors`` may hold zero-memory placeholders (same shapes and
    dtypes) to check a file's structure before its data is read.

    Raises
    ------
    ModelFileError
        A marker is unknown or malformed, a tensor is missing or left over.
    """
    used: set[str] = set()
    try:
        tree = _decode(structure, tensors, used, source, ())
    except RecursionError:
        raise ModelFileError(f"{source}: the tree stored in the metadata is nested too deeply") from None
    if not isinstance(tree, dict):
        raise ModelFileError(f"{source}: the tree stored in the metadata must be a JSON object, "
                             f"got {type(tree).__name__}")
    extra = sorted(set(tensors) - used)
    if extra:
        raise ModelFileError(f"{source}: the file holds tensors the tree does not mention: {_short_list(extra)}")
    return tree


def _decode(node: Any, tensors: dict, used: set, source: str, path: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        if not any(isinstance(item, (list, dict)) for item in node):
            return list(node)                                     # plain values (a history): nothing to decode
        return [_decode(item, tensors, used, source, path + (str(i),)) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        (key, value), = node.items()
        if key.startswith("$"):
            return _decode_marker(key, value, tensors, used, source, path)
    return {key: _decode(value, tensors, used, source, path + (key,)) for key, value in node.items()}


def _decode_marker(marker: str, value: Any, tensors: dict, used: set, source: str, path: tuple[str, ...]) -> Any:
    where = _where(path)
    if marker in ("$array", "$scalar"):
        if not isinstance(value, str):
            raise ModelFileError(f"{source}: the entry at {where} names a tensor with {value!r}, not a str")
        if value not in tensors:
            raise ModelFileError(f"{source}: the tensor {value!r} (for {where}) is missing from the file")
        if value in used:
            raise ModelFileError(f"{source}: the tensor {value!r} is referenced twice (again at {where})")
        used.add(value)
        array = tensors[value]
        if marker == "$array":
            return array
        if array.ndim != 0:
            raise ModelFileError(f"{source}: the scalar at {where} is stored with shape {array.shape}")
        return array[()]
    if marker == "$float":
        if value not in ("nan", "inf", "-inf"):
            raise ModelFileError(f"{source}: the float at {where} is {value!r}; expected 'nan', 'inf' or '-inf'")
        return float(value)
    if marker == "$tuple":
        if not isinstance(value, list):
            raise ModelFileError(f"{source}: the tuple at {where} must be stored as a JSON list")
        return tuple(_decode(value, tensors, used, source, path))
    if marker == "$dict":
        if not isinstance(value, dict):
            raise ModelFileError(f"{source}: the dict at {where} must be stored as a JSON object")
        return {key: _decode(item, tensors, used, source, path + (key,)) for key, item in value.items()}
    raise ModelFileError(f"{source}: unknown marker {marker!r} at {where} (valid: {', '.join(_MARKERS)})")


def _short_list(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
