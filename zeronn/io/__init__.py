"""Model files, weights files and checkpoints: safe by construction.

Every ZeroNN file is a standard safetensors file: the arrays are raw numbers,
everything else (architecture, hyper-parameters, counters) is JSON in its
metadata.  Loading never runs code from the file (no pickle anywhere).

>>> import zeronn
>>> zeronn.io.save(model, "model.safetensors")          # architecture + weights
>>> model = zeronn.io.load("model.safetensors")
>>> zeronn.io.save_weights(model, "weights.safetensors")  # weights only
>>> model.load_state_dict(zeronn.io.load_weights("weights.safetensors"))

``write_archive`` / ``read_archive`` store any nested dict of arrays and JSON
values (checkpoints use them).  Every problem with a file raises
``ModelFileError`` (a ``ValueError``) naming the file and the problem; files
are checked before anything is allocated (``zeronn.io.limits``) and verified
against SHA-256 checksums (``zeronn.io.checksum``).  Files written by older
versions, without checksums, load with a ``ModelFileWarning``.
"""

from zeronn.io.archive import FORMAT_VERSION, KINDS, Archive, open_archive, read_archive, read_header, write_archive
from zeronn.io.errors import ModelFileError, ModelFileWarning
from zeronn.io.limits import DEFAULT_MAX_BYTES
from zeronn.io.model_file import load, load_metadata, load_weights, save, save_weights

__all__ = [
    "save",
    "load",
    "load_metadata",
    "save_weights",
    "load_weights",
    "ModelFileError",
    "ModelFileWarning",
    "DEFAULT_MAX_BYTES",
    "Archive",
    "open_archive",
    "write_archive",
    "read_archive",
    "read_header",
    "FORMAT_VERSION",
    "KINDS",
]
