"""The ZeroNN file container: a safetensors file with a JSON tree in its metadata.

Layout (a standard safetensors file, readable by any safetensors tool)::

    8 bytes      N, the header length (unsigned little-endian)
    N bytes      JSON header: {"__metadata__": {...}, "<tensor name>": {"dtype", "shape", "data_offsets"}, ...}
    the rest     the raw tensor bytes, one tensor after the other

``__metadata__`` (all values are strings, as safetensors requires; any other key is an error):

    format          "zeronn"
    format_version  "1"          (``FORMAT_VERSION``; a newer file is refused with a hint to upgrade)
    kind            "model", "weights" or "checkpoint"
    zeronn_version  the version that wrote the file (informative)
    tree            the JSON of ``zeronn.io.tree.encode_tree``: every non-array value and the nesting
    sha256          the checksums of the header and of every tensor (``zeronn.io.checksum``); files
                    written by older versions have none and load with a ``ModelFileWarning``

Reading (``open_archive``) checks the file in the order that costs least:
the 8-byte length against ``MAX_HEADER_BYTES`` and the file size, the JSON
header within the limits of ``zeronn.io.limits`` (size, depth, number of
values), the metadata keys, every tensor's dtype, shape and byte range against
the file size and ``max_bytes``, the tree, and the header checksum.  Only then
are tensor bytes read, each into an array of exactly its declared size, and
checked against its checksum.  A 5 GB file of garbage costs 8 bytes of reading.
Every problem is a ``ModelFileError`` that names the file.  Nothing in a file
is ever executed or unpickled: the tensors are raw numbers, the rest is JSON.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any, Optional, Union

import numpy as np

from zeronn.io.atomic import atomic_write_bytes
from zeronn.io.checksum import CHECKSUM_KEY, header_digest, is_digest, tensor_digest
from zeronn.io.errors import ModelFileError, warn_file
from zeronn.io.limits import (
    DEFAULT_MAX_BYTES,
    MAX_HEADER_BYTES,
    MAX_TENSORS,
    check_max_bytes,
    format_bytes,
    json_limit_problem,
    parse_json,
)
from zeronn.io.tree import decode_structure, encode_tree

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "KINDS",
    "Archive",
    "TensorEntry",
    "open_archive",
    "write_archive",
    "read_archive",
    "read_header",
]

PathLike = Union[str, "os.PathLike[str]"]

FORMAT_NAME = "zeronn"
#: The newest file format this version writes and reads.
FORMAT_VERSION = 1
KINDS = ("model", "weights", "checkpoint")
_METADATA_KEYS = ("format", "format_version", "kind", "zeronn_version", "tree", CHECKSUM_KEY)
_ENTRY_KEYS = frozenset({"dtype", "shape", "data_offsets"})

# safetensors dtype codes ZeroNN reads (no bfloat16/float8/complex: NumPy has no exact match for all of them).
_DTYPES = {
    "BOOL": np.dtype(np.bool_),
    "U8": np.dtype(np.uint8), "I8": np.dtype(np.int8),
    "U16": np.dtype(np.uint16), "I16": np.dtype(np.int16),
    "U32": np.dtype(np.uint32), "I32": np.dtype(np.int32),
    "U64": np.dtype(np.uint64), "I64": np.dtype(np.int64),
    "F16": np.dtype(np.float16), "F32": np.dtype(np.float32), "F64": np.dtype(np.float64),
}
_CODES = {dtype: code for code, dtype in _DTYPES.items()}
_NOT_OURS = "it is not a ZeroNN file, or it is damaged"


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
    from zeronn import __version__

    return str(__version__)


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
    described = {name: (_CODES[array.dtype.newbyteorder("=")], list(array.shape)) for name, array in tensors.items()}
    checksums = {
        "header": header_digest(metadata, described),
        "tensors": {name: tensor_digest(array) for name, array in tensors.items()},
    }
    metadata[CHECKSUM_KEY] = json.dumps(checksums, sort_keys=True, separators=(",", ":"))
    _check_writable(text, metadata, len(tensors))
    data = _safetensors_numpy().save(tensors, metadata=metadata)
    atomic_write_bytes(path, data)


def _check_writable(text: str, metadata: dict[str, str], tensor_count: int) -> None:
    """Refuse to write a file that ``read_archive`` would refuse (beyond the limits of ``zeronn.io.limits``)."""
    problem = json_limit_problem(text)
    if problem is None and len(json.dumps(metadata)) + 200 * tensor_count > MAX_HEADER_BYTES:
        problem = f"makes a header of more than {format_bytes(MAX_HEADER_BYTES)}"
    if problem is None and tensor_count > MAX_TENSORS:
        problem = f"has {tensor_count:,} arrays, more than the limit of {MAX_TENSORS:,}"
    if problem is not None:
        raise ValueError(f"cannot save this tree: its JSON part {problem}, so the file could not be read back "
                         "(keep large data in arrays, not in lists)")


# ---------------------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class TensorEntry:
    """One tensor of a file as its header describes it (nothing of it read yet)."""

    name: str
    code: str                   # safetensors dtype code: "F32", "I64", ...
    dtype: np.dtype             # the NumPy dtype it is read as (native byte order)
    shape: tuple[int, ...]
    start: int                  # byte range within the data section
    end: int

    def placeholder(self) -> np.ndarray:
        """A read-only array of this tensor's shape and dtype that takes no memory."""
        return np.broadcast_to(np.zeros((), dtype=self.dtype), self.shape)     # (shape), 0 bytes


class Archive:
    """A ZeroNN file whose header has been read and checked; its tensors are read on demand.

    Made by ``open_archive``.  ``metadata`` is the checked ``__metadata__``
    (without the tree and the checksums), ``entries`` the tensors' dtypes,
    shapes and byte ranges, ``structure`` the parsed tree with ``$array``
    markers still in place, ``outline`` the tree with zero-memory stand-ins
    (``placeholders()``) for the arrays, to check shapes before reading
    anything; ``read_tree()`` reads and verifies the tensors and returns the
    real tree.
    """

    def __init__(self, path: PathLike, source: str, file_size: int, data_start: int,
                 metadata: dict[str, str], entries: dict[str, TensorEntry], structure: Any,
                 tensor_digests: Optional[dict[str, str]], outline: dict[str, Any]) -> None:
        self.path = os.fspath(path)
        self.source = source
        self.file_size = file_size
        self.data_start = data_start
        self.metadata = metadata
        self.entries = entries
        self.structure = structure
        self.tensor_digests = tensor_digests
        self.outline = outline

    @property
    def kind(self) -> str:
        """"model", "weights" or "checkpoint"."""
        return self.metadata["kind"]

    @property
    def data_bytes(self) -> int:
        """Bytes of tensor data in the file."""
        return self.file_size - self.data_start

    def placeholders(self) -> dict[str, np.ndarray]:
        """Zero-memory stand-ins (right shape and dtype) for every tensor."""
        return {name: entry.placeholder() for name, entry in self.entries.items()}

    def tree(self, tensors: dict[str, np.ndarray]) -> dict[str, Any]:
        """The tree with ``tensors`` (real arrays or ``placeholders()``) in place of the markers."""
        return decode_structure(self.structure, tensors, source=self.source)

    def read_tensors(self) -> dict[str, np.ndarray]:
        """Read every tensor into a new writable array and verify its checksum.

        Raises
        ------
        ModelFileError
            The file changed since its header was read, or a tensor's bytes do
            not match its checksum (the message names the tensor).
        """
        arrays: dict[str, np.ndarray] = {}
        try:
            with open(self.path, "rb") as handle:
                if os.fstat(handle.fileno()).st_size != self.file_size:
                    raise ModelFileError(f"{self.source} changed while it was being read; try again")
                for entry in sorted(self.entries.values(), key=lambda e: e.start):
                    arrays[entry.name] = self._read_one(handle, entry)
        except OSError as error:
            raise ModelFileError(f"cannot read {self.source}: {error.strerror or error}") from None
        return {name: arrays[name] for name in self.entries}

    def _read_one(self, handle: Any, entry: TensorEntry) -> np.ndarray:
        stored = entry.dtype.newbyteorder("<")
        array = np.empty(entry.shape, dtype=stored)                     # exactly the declared size
        flat = array.reshape(-1).view(np.uint8)                         # the same memory, as bytes
        handle.seek(self.data_start + entry.start)
        if handle.readinto(flat.data) != entry.end - entry.start:
            raise ModelFileError(f"{self.source} is truncated: tensor {entry.name!r} is cut short")
        if self.tensor_digests is not None and tensor_digest(array) != self.tensor_digests[entry.name]:
            raise ModelFileError(
                f"{self.source}: tensor {entry.name!r} does not match its SHA-256 checksum: its data was "
                "changed or damaged after the file was written"
            )
        return array if stored == entry.dtype else array.astype(entry.dtype)   # big-endian machines only

    def read_tree(self) -> dict[str, Any]:
        """Read and verify every tensor and return the complete tree."""
        return self.tree(self.read_tensors())


def open_archive(path: PathLike, *, kind: Union[str, tuple[str, ...]],
                 max_bytes: Optional[int] = DEFAULT_MAX_BYTES) -> Archive:
    """Read and check the header of a ZeroNN file, without reading its tensors.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    kind : str or tuple of str
        The kind(s) of file expected ("model", "weights", "checkpoint").
    max_bytes : int or None, default ``zeronn.io.limits.DEFAULT_MAX_BYTES`` (2 GiB)
        Refuse files with more tensor data than this; None for no limit.

    Returns
    -------
    Archive

    Raises
    ------
    ModelFileError
        The file is missing, not a file, truncated, not a ZeroNN file, of
        another kind, from a newer ZeroNN, beyond a limit, inconsistent, or its
        header does not match its checksum.

    Warns
    -----
    ModelFileWarning
        The file has no checksums (written by an older ZeroNN): it is read,
        but damage cannot be detected.
    """
    expected = (kind,) if isinstance(kind, str) else tuple(kind)
    for one in expected:
        _check_kind(one)
    max_bytes = check_max_bytes(max_bytes)
    source = _describe(path)
    file_size, header_bytes = _read_header_bytes(path, source)
    header = _parse_header(header_bytes, source)
    metadata = _check_metadata(header, expected, source)
    data_start = 8 + len(header_bytes)
    entries = _check_tensor_entries(header, file_size - data_start, source)
    if max_bytes is not None and file_size - data_start > max_bytes:
        raise ModelFileError(
            f"{source} holds {format_bytes(file_size - data_start)} of tensor data, more than the limit of "
            f"max_bytes={max_bytes} ({format_bytes(max_bytes)}); if you trust this file, pass a larger "
            "max_bytes= (or max_bytes=None)"
        )
    structure = parse_json(metadata["tree"], "the tree stored in the metadata", source)
    outline = decode_structure(structure, {name: entry.placeholder() for name, entry in entries.items()},
                               source=source)
    digests = _check_checksums(metadata, entries, source)
    return Archive(path, source, file_size, data_start,
                   {key: value for key, value in metadata.items() if key not in ("tree", CHECKSUM_KEY)},
                   entries, structure, digests, outline)


def read_archive(path: PathLike, *, kind: Union[str, tuple[str, ...]],
                 max_bytes: Optional[int] = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Read a file written by ``write_archive`` and return its tree.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    kind : str or tuple of str
        The kind(s) of file expected ("model", "weights", "checkpoint").
    max_bytes : int or None, default 2 GiB
        Refuse files with more tensor data than this; None for no limit.

    Returns
    -------
    dict
        The tree as written; arrays come back as writable arrays of the same
        dtype and shape, NumPy scalars as NumPy scalars, tuples as tuples.

    Raises
    ------
    ModelFileError
        The file is missing, not a file, truncated, corrupted (a checksum does
        not match), not a ZeroNN file, of another kind, from a newer ZeroNN,
        beyond a limit, or inconsistent.
    """
    return open_archive(path, kind=kind, max_bytes=max_bytes).read_tree()


def read_header(path: PathLike) -> dict[str, str]:
    """Return the ``__metadata__`` of a ZeroNN file (format, version, kind...) after checking it is one.

    Cheap: reads the header, not the tensors.  Useful to tell a model file
    from a checkpoint before loading it.
    """
    return dict(open_archive(path, kind=KINDS, max_bytes=None).metadata)


def _describe(path: Any) -> str:
    try:
        return f"'{os.fspath(path)}'"
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}") from None


def _read_header_bytes(path: PathLike, source: str) -> tuple[int, bytes]:
    """Return (file size, the N header bytes), reading 8 + N bytes at most, N checked first."""
    if not os.path.exists(path):
        raise ModelFileError(f"cannot read {source}: no such file")
    if not os.path.isfile(path):
        raise ModelFileError(f"cannot read {source}: it is not a file (a folder?)")
    try:
        with open(path, "rb") as handle:
            file_size = os.fstat(handle.fileno()).st_size
            if file_size < 8:
                raise ModelFileError(f"{source} is too short ({file_size} bytes) to be a ZeroNN file: "
                                     "it is empty or truncated")
            size = int.from_bytes(handle.read(8), "little")
            if size > MAX_HEADER_BYTES:
                raise ModelFileError(f"{source}: the header claims {size} bytes, which is absurd (the limit is "
                                     f"{format_bytes(MAX_HEADER_BYTES)}); {_NOT_OURS}")
            if 8 + size > file_size:
                raise ModelFileError(f"{source} is truncated: the header needs {size} bytes but only "
                                     f"{file_size - 8} follow ({_NOT_OURS})")
            data = handle.read(size)
    except OSError as error:
        raise ModelFileError(f"cannot read {source}: {error.strerror or error}") from None
    if len(data) != size:
        raise ModelFileError(f"{source} is truncated: the header is cut short")
    return file_size, data


def _parse_header(data: bytes, source: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ModelFileError(f"{source}: the header is not valid JSON (not UTF-8: {error}); {_NOT_OURS}") from None
    header = parse_json(text, "the header", source)
    if not isinstance(header, dict):
        raise ModelFileError(f"{source}: the header is not a JSON object; {_NOT_OURS}")
    metadata = header.get("__metadata__")
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT_NAME:
        raise ModelFileError(
            f"{source} is not a ZeroNN file: its metadata has no \"format\": \"{FORMAT_NAME}\" "
            "(a safetensors file written by another program? read it with safetensors.numpy.load_file)"
        )
    bad = [key for key, value in metadata.items() if not isinstance(value, str)]
    if bad:
        raise ModelFileError(f"{source}: metadata values must be strings, {bad[0]!r} is not")
    return header


def _check_metadata(header: dict[str, Any], expected: tuple[str, ...], source: str) -> dict[str, str]:
    metadata: dict[str, str] = header["__metadata__"]
    version_text = metadata.get("format_version", "")
    if not (version_text.isascii() and version_text.isdigit()) or int(version_text) < 1:
        raise ModelFileError(f"{source}: invalid format_version {version_text!r:.40} in its metadata")
    version = int(version_text)
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{source} was written by a newer ZeroNN (format {version}, zeronn "
            f"{metadata.get('zeronn_version', '?'):.40}); this version reads format {FORMAT_VERSION} — upgrade zeronn"
        )
    kind = metadata.get("kind")
    if kind not in KINDS:
        raise ModelFileError(f"{source}: unknown kind {kind!r:.40} in its metadata (valid: {', '.join(KINDS)})")
    unknown = sorted(set(metadata) - set(_METADATA_KEYS))
    if unknown:
        raise ModelFileError(
            f"{source}: its metadata has unknown entries {_short_list(unknown)} (valid: {', '.join(_METADATA_KEYS)}); "
            "the file is damaged or was edited"
        )
    if kind not in expected:
        wanted = " or ".join(expected)
        raise ModelFileError(f"{source} is a ZeroNN {kind} file, not a {wanted} file{_kind_hint(kind)}")
    if "tree" not in metadata:
        raise ModelFileError(f"{source}: its metadata has no 'tree' entry; the file is damaged")
    return metadata


def _kind_hint(kind: str) -> str:
    hints = {
        "model": " (load it with zeronn.load)",
        "weights": " (load it with zeronn.io.load_weights and model.load_state_dict)",
        "checkpoint": " (resume from it with fit(..., resume_from=path))",
    }
    return hints[kind]


def _check_tensor_entries(header: dict[str, Any], available: int, source: str) -> dict[str, TensorEntry]:
    """Check dtype, shape and byte range of every tensor entry; the ranges must tile the data exactly."""
    names = [name for name in header if name != "__metadata__"]
    if len(names) > MAX_TENSORS:
        raise ModelFileError(f"{source} lists {len(names):,} tensors, more than the limit of {MAX_TENSORS:,}")
    entries = {name: _tensor_entry(name, header[name], source) for name in names}
    position = 0
    for entry in sorted(entries.values(), key=lambda e: (e.start, e.end)):
        if entry.start != position:
            if entry.start > available or position > available:
                break                                   # reported as truncated below
            raise ModelFileError(f"{source}: the tensors' byte ranges overlap or leave gaps (at tensor "
                                 f"{entry.name!r:.80}); the file is damaged")
        position = entry.end
    end_max = max((entry.end for entry in entries.values()), default=0)
    if end_max > available:
        raise ModelFileError(f"{source} is truncated: the tensors need {end_max} bytes of data, "
                             f"only {available} are there")
    if position < available:
        raise ModelFileError(f"{source} has {available - position} unexpected bytes after the tensor data; "
                             "the file is damaged")
    return entries


def _tensor_entry(name: str, entry: Any, source: str) -> TensorEntry:
    where = f"{source}: tensor {name!r:.80}"
    if not isinstance(entry, dict):
        raise ModelFileError(f"{where} has an invalid header entry")
    unknown = sorted(set(entry) - _ENTRY_KEYS)
    if unknown:
        raise ModelFileError(f"{where} has unknown header fields {_short_list(unknown)} "
                             "(valid: dtype, shape, data_offsets)")
    code = entry.get("dtype")
    dtype = _DTYPES.get(code) if isinstance(code, str) else None
    if dtype is None:
        raise ModelFileError(
            f"{where} has dtype {code!r:.40}, which ZeroNN does not read "
            f"(valid: {', '.join(_DTYPES)}; object arrays and pickles are never loaded)"
        )
    shape: Any = entry.get("shape")
    offsets: Any = entry.get("data_offsets")
    if not _is_int_list(shape) or any(n < 0 for n in shape) or len(shape) > 32:
        raise ModelFileError(f"{where} has an invalid shape {shape!r:.80}")
    if not _is_int_list(offsets) or len(offsets) != 2 or not 0 <= offsets[0] <= offsets[1]:
        raise ModelFileError(f"{where} has invalid data_offsets {offsets!r:.80}")
    if offsets[1] - offsets[0] != math.prod(shape) * dtype.itemsize:
        raise ModelFileError(f"{where}: its byte range does not match shape {tuple(shape)!r:.80} and dtype {dtype}")
    return TensorEntry(name, str(code), dtype, tuple(shape), offsets[0], offsets[1])


def _is_int_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(n, int) and not isinstance(n, bool) for n in value)


def _check_checksums(metadata: dict[str, str], entries: dict[str, TensorEntry],
                     source: str) -> Optional[dict[str, str]]:
    """Verify the header checksum; return the tensors' checksums (None, with a warning, for older files)."""
    if CHECKSUM_KEY not in metadata:
        warn_file(f"{source} has no checksums (it was written by an older ZeroNN): it is loaded, but damage to "
                  "it cannot be detected; save it again to add them")
        return None
    checksums = parse_json(metadata[CHECKSUM_KEY], "the checksum entry", source)
    tensors = checksums.get("tensors") if isinstance(checksums, dict) else None
    valid = (
        isinstance(checksums, dict) and set(checksums) == {"header", "tensors"} and is_digest(checksums["header"])
        and isinstance(tensors, dict) and all(is_digest(value) for value in tensors.values())
    )
    if not valid or not isinstance(tensors, dict):
        raise ModelFileError(f"{source}: its checksum entry is malformed; the file is damaged")
    if set(tensors) != set(entries):
        raise ModelFileError(f"{source}: its checksums list other tensors than the file holds; the file is damaged")
    described = {name: (entry.code, list(entry.shape)) for name, entry in entries.items()}
    if header_digest(metadata, described) != checksums["header"]:
        raise ModelFileError(
            f"{source}: its header does not match its SHA-256 checksum: the architecture, metadata or tensor "
            "table was changed or damaged after the file was written"
        )
    return tensors


def _short_list(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(f"{name!r:.60}" for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
