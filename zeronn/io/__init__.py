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
``ModelFileError`` (a ``ValueError``) naming the file and the problem.
"""

from zeronn.io.archive import FORMAT_VERSION, KINDS, read_archive, read_header, write_archive
from zeronn.io.errors import ModelFileError
from zeronn.io.model_file import load, load_metadata, load_weights, save, save_weights

__all__ = [
    "save",
    "load",
    "load_metadata",
    "save_weights",
    "load_weights",
    "ModelFileError",
    "write_archive",
    "read_archive",
    "read_header",
    "FORMAT_VERSION",
    "KINDS",
]
