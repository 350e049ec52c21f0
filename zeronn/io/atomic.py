"""Replace a file so that a crash at any moment leaves either the old or the new file, never half of one.

Steps:  1. write the bytes to a temporary file in the same folder
        2. flush and ``os.fsync`` it (the bytes are on disk)
        3. ``os.replace`` it onto the target (an atomic rename on POSIX and Windows)
        4. ``fsync`` the folder (the rename itself is on disk)
If anything fails before step 3, the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import os
import secrets
from typing import Union

__all__ = ["atomic_write_bytes", "fsync_folder"]

PathLike = Union[str, "os.PathLike[str]"]

_CHUNK = 16 * 1024 * 1024


def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename + fsync of the folder).

    Parameters
    ----------
    path : str or os.PathLike
        The file to create or replace.  Its folder must exist.
    data : bytes
        The complete new content.

    Raises
    ------
    FileNotFoundError
        The folder of ``path`` does not exist.
    IsADirectoryError
        ``path`` is a folder.
    OSError
        Anything the file system reports (disk full, no permission...); the
        previous file, if any, is then left exactly as it was.
    """
    target = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"cannot write {os.fspath(path)!r}: the folder {folder!r} does not exist")
    if os.path.isdir(target):
        raise IsADirectoryError(f"cannot write {os.fspath(path)!r}: it is a folder, not a file")
    temp, fd = _create_temp_file(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_all(handle, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise
    fsync_folder(folder)


def _create_temp_file(target: str) -> tuple[str, int]:
    """Create ``.<name>.<random>.tmp`` beside ``target``; the permissions follow the umask like a plain open()."""
    folder, name = os.path.split(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return temp, os.open(temp, flags, 0o666)
        except FileExistsError:
            continue


def _write_all(handle, data: bytes) -> None:
    """Write ``data`` in chunks (so that a failure part-way can happen, and be tested)."""
    view = memoryview(data)
    for start in range(0, len(view), _CHUNK):
        handle.write(view[start : start + _CHUNK])


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def fsync_folder(folder: str) -> None:
    """Make the rename durable; folders cannot be opened for fsync on Windows (nothing to do there)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems do not support fsync on folders
    finally:
        os.close(fd)
