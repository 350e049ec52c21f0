"""The errors raised by the dataset loaders."""

from __future__ import annotations

__all__ = ["DatasetError", "DatasetNotFoundError"]


class DatasetError(ValueError):
    """A dataset file is corrupt, truncated, of the wrong kind or fails its checksum.

    The message names the file and says what was wrong.  Such a file is never
    used: delete it and download it again (or copy a good one in its place).
    """


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """The dataset files are in none of the searched folders and could not be downloaded.

    The message lists the folders searched, the file names expected, and
    where to place the files by hand.  Also a ``FileNotFoundError``.
    """
