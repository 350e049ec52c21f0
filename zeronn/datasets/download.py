"""Downloading dataset files: mirrors in turn, checksum before use, atomic placement.

For each file, each mirror URL is tried in order:

1. stream the response into a hidden temporary file beside the target
   (``.<name>.<random>.part``), with a socket timeout and a size limit;
2. flush and fsync it, then read it back with ``read_idx``, which checks the
   IDX structure and the checksum of the decompressed content;
3. only then rename it onto the target (``os.replace``, atomic), so the target
   is either absent or a complete, verified file - never a partial download.

Anything that fails (no network, HTTP error, timeout, wrong content) removes the
temporary file and moves on to the next mirror; when every mirror failed, the
error lists each attempt.
"""

from __future__ import annotations

import http.client
import os
import secrets
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Optional
from urllib.parse import urlsplit

import numpy as np

from zeronn.datasets.errors import DatasetError, DatasetNotFoundError
from zeronn.datasets.idx import read_idx
from zeronn.datasets.sources import DatasetFile
from zeronn.io.atomic import fsync_folder

__all__ = ["download_file", "DEFAULT_TIMEOUT", "MAX_DOWNLOAD_BYTES"]

DEFAULT_TIMEOUT = 30.0                   # seconds without data before a connection is abandoned
MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024   # the largest file accepted (MNIST's biggest is under 30 MB)
_CHUNK = 1 << 20
_USER_AGENT = "zeronn-datasets/0.1 (Python urllib)"


def _log_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _check_url(url: str) -> None:
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise ValueError(f"dataset URLs must be http:// or https://, got {url!r}")


def _stream_to(response: IO[bytes], out: IO[bytes], url: str) -> int:
    """Copy the response body to ``out``; refuse bodies over MAX_DOWNLOAD_BYTES. Return the byte count."""
    total = 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            return total
        total += len(chunk)
        if total > MAX_DOWNLOAD_BYTES:
            raise DatasetError(f"{url}: more than {MAX_DOWNLOAD_BYTES:,} bytes; not a dataset file of this library")
        out.write(chunk)


def _create_temp(folder: Path, target_name: str) -> tuple[int, Path]:
    """Create ``.<name>.<random>.part`` in ``folder`` (permissions from the umask, like any new file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = folder / f".{target_name}.{secrets.token_hex(6)}.part"
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue


def _fetch_to_temp(url: str, folder: Path, target_name: str, timeout: float) -> tuple[Path, int]:
    """Download ``url`` into a new hidden temporary file in ``folder``; return its path and size."""
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    fd, temp = _create_temp(folder, target_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as response:
            size = _stream_to(response, out, url)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp, size


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"no connection ({error.reason})"
    if isinstance(error, TimeoutError):
        return f"timed out ({error})"
    return f"{type(error).__name__}: {error}"


def download_file(
    urls: Sequence[str],
    target: Path,
    file: DatasetFile,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    log: Optional[Callable[[str], None]] = _log_to_stderr,
) -> Path:
    """Download one IDX file to ``target``, trying ``urls`` in order, and verify it before placing it.

    Parameters
    ----------
    urls : sequence of str
        Candidate http(s) URLs of the same (gzip-compressed) file.
    target : Path
        Final location, e.g. ``~/.cache/zeronn/mnist/train-images-idx3-ubyte.gz``.
        Its folder is created if needed.
    file : DatasetFile
        Expected shape and checksums of the decompressed content.
    timeout : float
        Socket timeout in seconds (per connection attempt and per read).
    log : callable or None
        Receives one line per attempt (default: printed to stderr).

    Returns
    -------
    Path
        ``target``, now holding the verified file.

    Raises
    ------
    DatasetNotFoundError
        Every URL failed; the message lists each URL and why.
    """
    for url in urls:
        _check_url(url)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatasetNotFoundError(f"cannot create the download folder {target.parent}: {error}") from error
    failures = []
    for url in urls:
        if log is not None:
            log(f"Downloading {url}")
        try:
            temp, size = _fetch_to_temp(url, target.parent, target.name, timeout)
        except (OSError, http.client.HTTPException, DatasetError) as error:   # URLError, timeouts: OSErrors
            failures.append(f"{url}: {_describe(error)}")
            continue
        try:
            read_idx(temp, expected_shape=file.shape, expected_dtype=np.uint8, checksums=file.checksums)
            os.replace(temp, target)
        except (DatasetError, OSError) as error:
            temp.unlink(missing_ok=True)
            failures.append(f"{url}: downloaded {size:,} bytes, rejected: {error}")
            continue
        fsync_folder(str(target.parent))
        if log is not None:
            log(f"  {size / 1e6:.1f} MB, checksum ok -> {target}")
        return target
    attempts = "\n".join(f"  - {failure}" for failure in failures)
    raise DatasetNotFoundError(f"could not download {target.name}; tried:\n{attempts}")
