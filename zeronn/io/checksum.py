"""SHA-256 checksums that let a reader tell a damaged or edited file from the file that was written.

A ZeroNN file stores, in the ``sha256`` entry of its metadata, the JSON::

    {"header": "<hex>", "tensors": {"<tensor name>": "<hex>", ...}}

- ``tensors``: the SHA-256 of each tensor's raw bytes, as stored (little-endian,
  C order);
- ``header``: the SHA-256 of the canonical JSON (sorted keys, no spaces,
  ASCII) of ``{"metadata": <every other metadata entry>, "tensors": {name:
  [dtype code, shape]}}``: the architecture, the tree, the version and every
  tensor's dtype and shape.

With both verified, every byte of the file is accounted for: one flipped bit
anywhere is either invalid (an error of its own) or a checksum mismatch.
Checksums detect damage and accidental edits, not a deliberate forger (who
can recompute them); a forged file still cannot run code or make ZeroNN
allocate more than the limits in ``zeronn.io.limits``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["CHECKSUM_KEY", "tensor_digest", "header_digest", "is_digest"]

#: The metadata entry that holds the checksums.
CHECKSUM_KEY = "sha256"


def tensor_digest(array: np.ndarray) -> str:
    """Hex SHA-256 of a C-contiguous array's bytes (the bytes the file stores)."""
    flat = np.ascontiguousarray(array).reshape(-1)                  # (size,), no copy when contiguous
    return hashlib.sha256(flat.view(np.uint8).data).hexdigest()


def header_digest(metadata: Mapping[str, str], tensors: Mapping[str, tuple[str, list[int]]]) -> str:
    """Hex SHA-256 of the metadata (without the checksum entry) and each tensor's (dtype code, shape)."""
    described = {
        "metadata": {key: value for key, value in metadata.items() if key != CHECKSUM_KEY},
        "tensors": {name: [code, list(shape)] for name, (code, shape) in tensors.items()},
    }
    text = json.dumps(described, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def is_digest(value: Any) -> bool:
    """Whether ``value`` looks like a hex SHA-256 (64 lowercase hex digits)."""
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
