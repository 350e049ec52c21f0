"""Reading and writing IDX files, the format MNIST and Fashion-MNIST are distributed in.

An IDX file is a big-endian header followed by the raw array, C order:

    bytes 0-1    0x00 0x00
    byte  2      type code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte  3      number of dimensions d
    then d       uint32 sizes, e.g. 60000, 28, 28
    then         prod(sizes) values of the given type, big-endian

So the first four bytes read as one integer, the "magic number", are
type * 256 + d: 2051 (0x0803) for uint8 images (N, rows, cols) and 2049
(0x0801) for uint8 labels (N,).  The distributed files are gzip-compressed;
``read_idx`` accepts both forms (it looks at the first bytes, not the name).

Every check that can fail says which file, what it expected and what it found,
through ``DatasetError``: a damaged file is never turned into an array.
"""

from __future__ import annotations

import gzip
import hashlib
import math
import os
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional, Union

import numpy as np

from zeronn.datasets.errors import DatasetError

__all__ = ["read_idx", "write_idx", "idx_magic", "verify_checksum", "preferred_checksum"]

PathLike = Union[str, "os.PathLike[str]"]

_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES: dict[np.dtype, int] = {dtype.newbyteorder("="): code for code, dtype in _TYPES.items()}

_GZIP_MAGIC = b"\x1f\x8b"
_MAX_DIMS = 16
_MAX_BYTES = 1 << 32          # 4 GiB: a header claiming more is corrupt, not a dataset of this library
_CHECKSUM_PREFERENCE = ("sha256", "md5")


def idx_magic(dtype: Any, ndim: int) -> int:
    """The magic number of an IDX file holding ``ndim``-dimensional ``dtype`` data (uint8 images: 2051)."""
    dtype = np.dtype(dtype).newbyteorder("=")
    if dtype not in _CODES:
        raise TypeError(f"IDX files hold uint8, int8, int16, int32, float32 or float64 data, not {dtype}")
    return _CODES[dtype] * 256 + ndim


def _describe_magic(magic: int) -> str:
    code, ndim = magic >> 8, magic & 0xFF
    kind = _TYPES[code].newbyteorder("=").name if code in _TYPES else f"unknown type 0x{code:02x}"
    return f"{magic} ({kind}, {ndim} dimension{'s' if ndim != 1 else ''})"


def preferred_checksum(checksums: Mapping[str, str]) -> tuple[str, str]:
    """Pick the algorithm to verify: SHA-256 when listed (strong, and fast), else MD5, else the first."""
    for algorithm in _CHECKSUM_PREFERENCE:
        if algorithm in checksums:
            return algorithm, checksums[algorithm].lower()
    algorithm = next(iter(checksums))
    return algorithm, checksums[algorithm].lower()


def verify_checksum(path: PathLike, algorithm: str, actual: str, checksums: Mapping[str, str]) -> None:
    """Raise ``DatasetError`` unless ``actual``, the hex digest of the decompressed content, is the expected one."""
    expected = checksums[algorithm].lower()
    if actual != expected:
        published = "" if algorithm == "md5" or "md5" not in checksums else f" (published MD5 {checksums['md5']})"
        raise DatasetError(
            f"{os.fspath(path)}: checksum mismatch: the decompressed content has {algorithm.upper()} {actual}, "
            f"expected {expected}{published}. The file is corrupt or not the official one and was not used; "
            "delete it and download it again (or copy the official file in its place)."
        )


def _open(path: Path) -> Any:
    """Open ``path`` for reading (a binary stream with ``readinto``), through gzip when its first bytes say so."""
    with open(path, "rb") as probe:
        compressed = probe.read(2) == _GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def _read_exact(stream: Any, buffer: Any) -> int:
    """Fill ``buffer`` from ``stream`` (several reads if needed); return the number of bytes read."""
    view = memoryview(buffer).cast("B")
    filled = 0
    while filled < len(view):
        count = stream.readinto(view[filled:])
        if not count:
            break
        filled += count
    return filled


def _parse_header(path: Path, stream: Any, hasher: Any) -> tuple[np.dtype, tuple[int, ...], int]:
    """Read and check the header; return (dtype, shape, magic)."""
    start = bytearray(4)
    if _read_exact(stream, start) < 4:
        raise DatasetError(f"{path}: too short to be an IDX file (no 4-byte header)")
    hasher.update(start)
    zeros, code, ndim = bytes(start[:2]), start[2], start[3]
    magic = int.from_bytes(start, "big")
    if zeros != b"\x00\x00" or code not in _TYPES or not 1 <= ndim <= _MAX_DIMS:
        raise DatasetError(
            f"{path}: not an IDX file: magic number {magic} (0x{magic:08x}); IDX files start with 0x0000, "
            "a type code (0x08 for uint8) and the number of dimensions, e.g. 2051 for images, 2049 for labels"
        )
    sizes = bytearray(4 * ndim)
    if _read_exact(stream, sizes) < len(sizes):
        raise DatasetError(f"{path}: truncated header: {ndim} dimension sizes announced, fewer found")
    hasher.update(sizes)
    shape = struct.unpack(f">{ndim}I", sizes)
    return _TYPES[code], shape, magic


def _check_expected(path: Path, dtype: np.dtype, shape: tuple[int, ...], magic: int,
                    expected_dtype: Optional[np.dtype], expected_shape: Optional[tuple[int, ...]]) -> None:
    if expected_dtype is not None:
        expected_magic = idx_magic(expected_dtype, len(expected_shape) if expected_shape else len(shape))
        if magic != expected_magic:
            raise DatasetError(
                f"{path}: magic number {_describe_magic(magic)}, expected {_describe_magic(expected_magic)}"
            )
    if expected_shape is not None and tuple(shape) != tuple(expected_shape):
        raise DatasetError(f"{path}: the header announces shape {tuple(shape)}, expected {tuple(expected_shape)}")


def read_idx(
    path: PathLike,
    *,
    expected_shape: Optional[tuple[int, ...]] = None,
    expected_dtype: Any = None,
    checksums: Optional[Mapping[str, str]] = None,
) -> np.ndarray:
    """Read an IDX file (gzip-compressed or not) into a new, writable array.

    Parameters
    ----------
    path : str or os.PathLike
        The file.  Compression is recognised from its first bytes.
    expected_shape : tuple of int, optional
        Shape the header must announce, e.g. ``(60000, 28, 28)``.
    expected_dtype : dtype, optional
        Element type the magic number must announce, e.g. ``np.uint8``.
    checksums : mapping, optional
        Expected hex digests of the *decompressed* content, by hashlib name
        (``{"sha256": ..., "md5": ...}``); SHA-256 is verified when given, else MD5.

    Returns
    -------
    ndarray
        The array, in native byte order.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    DatasetError
        Not an IDX file, unexpected magic number or shape, a damaged gzip
        stream, fewer or more data bytes than the header announces, or a
        checksum mismatch.  The message names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file not found: {path}")
    algorithm, _ = preferred_checksum(checksums) if checksums else ("sha256", "")
    hasher = hashlib.new(algorithm)
    expected_dtype = None if expected_dtype is None else np.dtype(expected_dtype)
    try:
        with _open(path) as stream:
            dtype, shape, magic = _parse_header(path, stream, hasher)
            _check_expected(path, dtype, shape, magic, expected_dtype, expected_shape)
            count = math.prod(shape)
            if count * dtype.itemsize > _MAX_BYTES:
                raise DatasetError(f"{path}: the header announces shape {shape}, implausibly large (corrupt header?)")
            data = np.empty(count, dtype=dtype)
            got = _read_exact(stream, data)
            if got < data.nbytes:
                raise DatasetError(
                    f"{path}: truncated: the header announces shape {shape} ({data.nbytes:,} data bytes), "
                    f"but only {got:,} bytes follow"
                )
            if stream.read(1):
                raise DatasetError(f"{path}: {data.nbytes:,} data bytes expected for shape {shape}, but more follow")
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise DatasetError(f"{path}: damaged or truncated gzip stream ({error}); the file was not used") from error
    except OSError as error:
        raise DatasetError(f"{path}: cannot be read ({error})") from error
    hasher.update(memoryview(data).cast("B"))  # type: ignore[arg-type]  # ndarray exports the buffer protocol
    if checksums:
        verify_checksum(path, algorithm, hasher.hexdigest(), checksums)
    return data.reshape(shape).astype(dtype.newbyteorder("="), copy=False)


def write_idx(path: PathLike, array: Any, *, compress: Optional[bool] = None) -> None:
    """Write ``array`` as an IDX file; gzip-compressed when ``compress`` is True (default: name ends in ``.gz``).

    Used to build small test files and to export data in the MNIST format.
    """
    array = np.asarray(array)
    if array.ndim < 1:
        raise ValueError(f"write_idx needs an array with at least one dimension, got shape {array.shape}")
    array = np.ascontiguousarray(array)
    magic = idx_magic(array.dtype, array.ndim)
    big_endian = array.astype(array.dtype.newbyteorder(">"), copy=False)
    content = struct.pack(f">I{array.ndim}I", magic, *array.shape) + big_endian.tobytes()
    path = Path(path)
    if compress is None:
        compress = path.suffix == ".gz"
    path.write_bytes(gzip.compress(content, mtime=0) if compress else content)
