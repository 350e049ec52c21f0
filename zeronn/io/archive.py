"""The ZeroNN file container: a safetensors file with a JSON tree in its metadata.

Layout (a standard safetensors file, readable by any safetensors tool)::

    8 bytes      N, the header length (unsigned little-endian)
    N bytes      JSON header: {"__metadata__": {...}, "<tensor name>": {"dtype", "shape", "data_offsets"}, ...}
    the rest     the raw tensor bytes

``__metadata__`` (all values are strings, as safetensors requires):

    format          "zeronn"
    format_version  "1"          (``FORMAT_VERSION``; a newer file is refused with a hint to upgrade)
    kind            "model", "weights" or "checkpoint"
    zeronn_version  the version that wrote the file (informative)
    tree            the JSON of ``zeronn.io.tree.encode_tree``: every non-array value and the nesting

Reading checks every part before using it and turns every problem into a
``ModelFileError`` that names the file.  Nothing in a file is ever executed or
unpickled: the tensors are raw numbers, the rest is JSON.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Union

import numpy as np

from zeronn.io.atomic import atomic_write_bytes
from zeronn.io.errors import ModelFileError
from zeronn.io.tree import decode_tree, encode_tree

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "KINDS", "write_archive", "read_archive", "read_header"]

PathLike = Union[str, "os.PathLike[str]"]

FORMAT_NAME = "zeronn"
#: The newest file format this version writes and reads.
FORMAT_VERSION = 1
KINDS = ("model", "weights", "checkpoint")

# safetensors dtype codes ZeroNN reads (no bfloat16/float8/complex: NumPy has no exact match for all of them).
_DTYPES = {
    "BOOL": np.dtype(np.bool_),
    "U8": np.dtype(np.uint8), "I8": np.dtype(np.int8),
    "U16": np.dtype(np.uint16), "I16": np.dtype(np.int16),
    "U32": np.dtype(np.uint32), "I32": np.dtype(np.int32),
    "U64": np.dtype(np.uint64), "I64": np.dtype(np.int64),
    "F16": np.dtype(np.float16), "F32": np.dtype(np.float32), "F64": np.dtype(np.float64),
}
_MAX_HEADER_BYTES = 100 * 1024 * 1024     # the limit safetensors itself applies


def _safetensors_numpy():
    """Import ``safetensors.numpy`` (an optional dependency) with a helpful message when it is missing."""
    try:
        import safetensors.numpy as safetensors_numpy
    except ImportError:
        raise ImportError(
            "ZeroNN model files need the 'safetensors' package: pip install zeronn[io] "
            "(or pip install safetensors)"
        ) from None
    return safetensors_numpy


def _check_kind(kind: Any) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(repr(k) for k in KINDS)}, got {kind!r}")
    return kind


def _zeronn_version() -> str:
    import zeronn

    return str(getattr(zeronn, "__version__", "unknown"))


# ---------------------------------------------------------------------------------------- writing
def write_archive(path: PathLike, tree: dict[str, Any], *, kind: str) -> None:
    """Write ``tree`` to ``path`` as a ZeroNN file, atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The file to create or replace.  Its folder must exist.
    tree : dict
        Nested dict with str keys; leaves are NumPy arrays (numeric or bool)
        or JSON values (int of any size, float incl. nan/inf, str, bool, None,
        lists/tuples of those).
    kind : {"model", "weights", "checkpoint"}
        What the file holds; ``read_archive`` checks it.

    Notes
    -----
    The bytes go to a temporary file in the same folder, which is fsync'ed
    and then renamed onto ``path``: after a crash at any moment, ``path``
    holds either the previous file or the complete new one.

    Raises
    ------
    TypeError
        A key is not a str or a leaf cannot be stored (message gives its path).
    ValueError
        Unknown ``kind``.
    OSError
        From the file system (the previous file is then untouched).
    """
    _check_kind(kind)
    text, tensors = encode_tree(tree)
    metadata = {
        "format": FORMAT_NAME,
        "format_version": str(FORMAT_VERSION),
        "kind": kind,
        "zeronn_version": _zeronn_version(),
        "tree": text,
    }
    data = _safetensors_numpy().save(tensors, metadata=metadata)
    atomic_write_bytes(path, data)


# ---------------------------------------------------------------------------------------- reading
def read_archive(path: PathLike, *, kind: Union[str, tuple[str, ...]]) -> dict[str, Any]:
    """Read a file written by ``write_archive`` and return its tree.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    kind : str or tuple of str
        The kind(s) of file expected ("model", "weights", "checkpoint").

    Returns
    -------
    dict
        The tree as written; arrays come back as writable arrays of the same
        dtype and shape, NumPy scalars as NumPy scalars, tuples as tuples.

    Raises
    ------
    ModelFileError
        The file is missing, not a file, truncated, corrupted, not a ZeroNN
        file, of another kind, from a newer ZeroNN, or inconsistent.
    """
    expected = (kind,) if isinstance(kind, str) else tuple(kind)
    for one in expected:
        _check_kind(one)
    source = _describe(path)
    data = _read_bytes(path, source)
    header, metadata, offset = _parse_header(data, source)
    _check_metadata(metadata, expected, source)
    _check_tensor_entries(header, len(data) - offset, source)
    tensors = _decode_tensors(data, source)
    return decode_tree(metadata["tree"], tensors, source=source)


def read_header(path: PathLike) -> dict[str, str]:
    """Return the ``__metadata__`` of a ZeroNN file (format, version, kind...) after checking it is one.

    Cheap: reads the header, not the tensors' values.  Useful to tell a model
    file from a checkpoint before loading it.
    """
    source = _describe(path)
    data = _read_bytes(path, source)
    _, metadata, _ = _parse_header(data, source)
    _check_metadata(metadata, KINDS, source)
    return {key: value for key, value in metadata.items() if key != "tree"}


def _describe(path: Any) -> str:
    try:
        return f"'{os.fspath(path)}'"
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}") from None


def _read_bytes(path: PathLike, source: str) -> bytes:
    if not os.path.exists(path):
        raise ModelFileError(f"cannot read {source}: no such file")
    if not os.path.isfile(path):
        raise ModelFileError(f"cannot read {source}: it is not a file (a folder?)")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise ModelFileError(f"cannot read {source}: {error.strerror or error}") from None


def _parse_header(data: bytes, source: str) -> tuple[dict, dict, int]:
    """Return (header, metadata, offset of the tensor bytes)."""
    not_ours = "it is not a ZeroNN file, or it is damaged"
    if len(data) < 8:
        raise ModelFileError(f"{source} is too short ({len(data)} bytes) to be a ZeroNN file: "
                             "it is empty or truncated")
    size = int.from_bytes(data[:8], "little")
    if size > _MAX_HEADER_BYTES:
        raise ModelFileError(f"{source}: the header claims {size} bytes, which is absurd; {not_ours}")
    if 8 + size > len(data):
        raise ModelFileError(f"{source} is truncated: the header needs {size} bytes but only {len(data) - 8} "
                             f"follow ({not_ours})")
    try:
        header = json.loads(data[8 : 8 + size].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ModelFileError(f"{source}: the header is not valid JSON ({error}); {not_ours}") from None
    if not isinstance(header, dict):
        raise ModelFileError(f"{source}: the header is not a JSON object; {not_ours}")
    metadata = header.get("__metadata__")
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise ModelFileError(
            f"{source} is not a ZeroNN file: its metadata has no \"format\": \"{FORMAT_NAME}\" "
            "(a safetensors file written by another program? read it with safetensors.numpy.load_file)"
        )
    bad = [key for key, value in metadata.items() if not isinstance(value, str)]
    if bad:
        raise ModelFileError(f"{source}: metadata values must be strings, {bad[0]!r} is not")
    return header, metadata, 8 + size


def _check_metadata(metadata: dict[str, str], expected: tuple[str, ...], source: str) -> None:
    version_text = metadata.get("format_version", "")
    if not version_text.isdigit() or int(version_text) < 1:
        raise ModelFileError(f"{source}: invalid format_version {version_text!r} in its metadata")
    version = int(version_text)
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{source} was written by a newer ZeroNN (format {version}, zeronn "
            f"{metadata.get('zeronn_version', '?')}); this version reads format {FORMAT_VERSION} — upgrade zeronn"
        )
    kind = metadata.get("kind")
    if kind not in KINDS:
        raise ModelFileError(f"{source}: unknown kind {kind!r} in its metadata (valid: {', '.join(KINDS)})")
    if kind not in expected:
        wanted = " or ".join(expected)
        raise ModelFileError(f"{source} is a ZeroNN {kind} file, not a {wanted} file{_kind_hint(kind)}")
    if "tree" not in metadata:
        raise ModelFileError(f"{source}: its metadata has no 'tree' entry; the file is damaged")


def _kind_hint(kind: str) -> str:
    hints = {
        "model": " (load it with zeronn.load)",
        "weights": " (load it with zeronn.io.load_weights and model.load_state_dict)",
        "checkpoint": " (resume from it with fit(..., resume_from=path))",
    }
    return hints[kind]


def _check_tensor_entries(header: dict, available: int, source: str) -> None:
    """Check dtype, shape and byte range of every tensor entry; the ranges must tile the data exactly."""
    end_max = 0
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        where = f"{source}: tensor {name!r}"
        if not isinstance(entry, dict):
            raise ModelFileError(f"{where} has an invalid header entry")
        dtype = _DTYPES.get(entry.get("dtype")) if isinstance(entry.get("dtype"), str) else None
        if dtype is None:
            raise ModelFileError(
                f"{where} has dtype {entry.get('dtype')!r}, which ZeroNN does not read "
                f"(valid: {', '.join(_DTYPES)}; object arrays and pickles are never loaded)"
            )
        shape, offsets = entry.get("shape"), entry.get("data_offsets")
        if not _is_int_list(shape) or any(n < 0 for n in shape):
            raise ModelFileError(f"{where} has an invalid shape {shape!r}")
        if not _is_int_list(offsets) or len(offsets) != 2 or not 0 <= offsets[0] <= offsets[1]:
            raise ModelFileError(f"{where} has invalid data_offsets {offsets!r}")
        if offsets[1] - offsets[0] != math.prod(shape) * dtype.itemsize:
            raise ModelFileError(f"{where}: its byte range does not match shape {tuple(shape)} and dtype {dtype}")
        end_max = max(end_max, offsets[1])
    if end_max > available:
        raise ModelFileError(f"{source} is truncated: the tensors need {end_max} bytes of data, "
                             f"only {available} are there")
    if end_max < available:
        raise ModelFileError(f"{source} has {available - end_max} unexpected bytes after the tensor data; "
                             "the file is damaged")


def _is_int_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(n, int) and not isinstance(n, bool) for n in value)


def _decode_tensors(data: bytes, source: str) -> dict[str, np.ndarray]:
    """Decode the tensors with safetensors, as writable native arrays (safetensors returns read-only views)."""
    try:
        views = _safetensors_numpy().load(data)
    except ImportError:
        raise
    except Exception as error:  # safetensors raises its own error types; report them as a damaged file
        raise ModelFileError(f"{source}: the tensor data is damaged ({type(error).__name__}: {error})") from None
    return {name: np.array(view, dtype=view.dtype.newbyteorder("=")) for name, view in views.items()}
