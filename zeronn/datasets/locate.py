"""Where the loaders look for dataset files, in order.

1. ``data_dir`` when the caller passes one (then nothing else is searched):
   ``data_dir/<dataset>/`` and ``data_dir/`` itself.
2. The folder named by the environment variable ``ZERONN_DATA``:
   ``$ZERONN_DATA/<dataset>/`` (e.g. ``mnist/``, ``fashion-mnist/``), then ``$ZERONN_DATA/`` itself.
3. The cache, where downloads go: ``$ZERONN_CACHE/<dataset>/``, else
   ``$XDG_CACHE_HOME/zeronn/<dataset>/``, else ``~/.cache/zeronn/<dataset>/``.
4. Folders of operating-system packages, e.g. ``/usr/share/datasets/fashion-mnist``
   (Debian's ``dataset-fashion-mnist``).

Each file is looked up on its own, first as ``<name>.gz`` and then uncompressed
as ``<name>``; the first folder that has it wins.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

from zeronn.datasets.sources import DatasetFile, DatasetSpec

__all__ = ["DATA_ENV", "CACHE_ENV", "cache_dir", "search_dirs", "download_dir", "find_file"]

DATA_ENV = "ZERONN_DATA"
CACHE_ENV = "ZERONN_CACHE"

PathLike = Union[str, "os.PathLike[str]"]


def cache_dir(spec: DatasetSpec) -> Path:
    """The folder downloads of ``spec`` go to (it may not exist yet)."""
    root = os.environ.get(CACHE_ENV)
    if root:
        return Path(root).expanduser() / spec.name
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "zeronn" / spec.name


def search_dirs(spec: DatasetSpec, data_dir: Optional[PathLike] = None) -> list[tuple[Path, str]]:
    """The folders to search, in order, each with a short note saying where it comes from."""
    if data_dir is not None:
        root = Path(data_dir).expanduser()
        return [(root / spec.name, "data_dir"), (root, "data_dir")]
    dirs: list[tuple[Path, str]] = []
    env = os.environ.get(DATA_ENV)
    if env:
        root = Path(env).expanduser()
        dirs += [(root / spec.name, f"${DATA_ENV}"), (root, f"${DATA_ENV}")]
    dirs.append((cache_dir(spec), "cache"))
    dirs += [(Path(folder), "system package") for folder in spec.system_dirs]
    return dirs


def download_dir(spec: DatasetSpec, data_dir: Optional[PathLike] = None) -> Path:
    """Where missing files are downloaded to: ``data_dir/<dataset>`` if given, else the cache."""
    return Path(data_dir).expanduser() / spec.name if data_dir is not None else cache_dir(spec)


def find_file(file: DatasetFile, dirs: list[tuple[Path, str]]) -> Optional[Path]:
    """The first existing ``<name>.gz`` or ``<name>`` in ``dirs``, or None."""
    for folder, _ in dirs:
        for candidate in (folder / f"{file.name}.gz", folder / file.name):
            if candidate.is_file():
                return candidate
    return None
