"""The error raised for any file ZeroNN cannot read, and the warning for files it reads with less certainty."""

from __future__ import annotations

import sys
import warnings
from types import FrameType
from typing import Optional

__all__ = ["ModelFileError", "ModelFileWarning", "warn_file"]


class ModelFileError(ValueError):
    """A model, weights or checkpoint file is missing, damaged, tampered with or from a newer ZeroNN.

    The message names the file and the problem.  It is a ``ValueError``, so
    ``except ValueError`` catches it too.
    """


class ModelFileWarning(UserWarning):
    """A file is read, but something about it deserves attention (e.g. it has no checksums to verify)."""


def warn_file(message: str) -> None:
    """Issue a ``ModelFileWarning`` attributed to the first caller outside ZeroNN (the user's line)."""
    level = 2                                       # stacklevel 2 is our caller, which is frame 1
    frame: Optional[FrameType] = sys._getframe(1)
    while frame is not None and _in_zeronn(frame.f_globals.get("__name__", "")):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, ModelFileWarning, stacklevel=level)


def _in_zeronn(module: str) -> bool:
    return module == "zeronn" or module.startswith("zeronn.")
