"""The error raised for any file ZeroNN cannot read."""

from __future__ import annotations

__all__ = ["ModelFileError"]


class ModelFileError(ValueError):
    """A model, weights or checkpoint file is missing, damaged, tampered with or from a newer ZeroNN.

    The message names the file and the problem.  It is a ``ValueError``, so
    ``except ValueError`` catches it too.
    """
