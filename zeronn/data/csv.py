"""Read a CSV file of numeric features and (optionally) a label column.

Rules, so that a spreadsheet export just works and a wrong file fails clearly:

- Files larger than ``MAX_CSV_BYTES`` (256 MB) and anything that is not a
  regular file (a device, a pipe) are refused before reading.
- The text is decoded as UTF-8 (a byte-order mark is skipped) unless
  ``encoding=`` says otherwise, e.g. ``encoding="latin-1"`` for a file saved
  by an old spreadsheet program.  A file that is not text in that encoding
  (a Latin-1 file read as UTF-8, a PNG image) is refused with the file named.
- The delimiter is detected among comma, semicolon and tab (comma if unsure).
- The first row is a header when it holds fewer numbers than the second row
  (or, for a one-row file, when it holds no number at all).  Without a header
  the columns are called ``col0``, ``col1``, ...
- The label column is named (``label_column="species"``) or given by position
  (``label_column=0``; negative positions count from the end, ``-1`` is the
  last column, the default).  Labels may be numbers or words; the classes are
  the distinct labels, sorted (numerically when they are all numbers).
- Every other cell must be a finite number.  An empty cell, a word, ``nan``,
  ``inf`` or a number too large for a float (``1e999``) stops with the row and
  column named (rows are counted as a spreadsheet shows them).

Example
-------
>>> table = read_csv("iris.csv", label_column="species")      # doctest: +SKIP
>>> table.features.shape, table.columns, class_names(table.labels)
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional, Union

import numpy as np

__all__ = ["CSVTable", "read_csv", "read_features", "class_names", "encode_labels", "finite_number",
           "spells_number", "DEFAULT_ENCODING", "MAX_CSV_BYTES"]

DEFAULT_ENCODING = "utf-8"
#: Larger files are refused before they are read (parsing a CSV in Python takes about ten times its size).
MAX_CSV_BYTES = 256_000_000
LabelColumn = Union[str, int, None]
PathLike = Union[str, "os.PathLike[str]"]

# The first bytes of binary files a user might pass by mistake.
_BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (an .xlsx spreadsheet? export it as CSV)",
    b"\x1f\x8b": "a gzip archive (decompress it first)",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel/Office document (export it as CSV)",
}
_SAMPLE_BYTES = 8192


@dataclass
class CSVTable:
    """The content of a CSV file.

    Attributes
    ----------
    columns : list of str
        Names of the feature columns (``col0``... when the file has no header).
    features : ndarray of shape (n_rows, n_features), float64
    labels : list of str
        The label column's cells.
    label_column : str
        Name of the label column.
    has_header : bool
    """

    columns: list[str]
    features: np.ndarray
    labels: list[str]
    label_column: str
    has_header: bool


def finite_number(text: str) -> Optional[float]:
    """The finite float ``text`` spells, or None (words, empty cells, nan, inf, 1e999)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _check_text_file(path: str, head: bytes, encoding: str) -> None:
    """Refuse binary files (images, archives) before the CSV reader sees them."""
    for signature, what in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise ValueError(f"{path} is not a CSV file: it is {what}")
    if b"\x00" in head and not encoding.lower().replace("-", "").startswith("utf16"):
        raise ValueError(f"{path} is not a CSV text file: it holds binary data (NUL bytes)")


def _decode(path: str, raw: bytes, encoding: str) -> str:
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return raw.decode(codec)
    except LookupError:
        raise ValueError(f"unknown text encoding {encoding!r} for {path} (e.g. 'utf-8', 'latin-1', 'cp1252')") from None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        hint = (" It may have been saved as Latin-1 / Windows-1252: read it with encoding='latin-1' "
                "(zeronn train --encoding latin-1), or save it as UTF-8.") if codec == "utf-8-sig" else ""
        raise ValueError(
            f"{path} is not valid {encoding} text: byte 0x{raw[error.start]:02x} on line {line} cannot be "
            f"decoded.{hint}"
        ) from None


def _read_rows(path: str, encoding: str) -> list[list[str]]:
    if not os.path.exists(path):
        raise FileNotFoundError(f"CSV file not found: {path}")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a folder, not a CSV file")
    if not os.path.isfile(path):
        raise ValueError(f"{path} is not a regular file (a device or a pipe?); give a CSV file")
    size = os.path.getsize(path)
    if size > MAX_CSV_BYTES:
        raise ValueError(f"{path} is {size / 1e6:,.0f} MB; read_csv reads files of at most "
                         f"{MAX_CSV_BYTES / 1e6:,.0f} MB (zeronn.data.csv.MAX_CSV_BYTES): for more, load the arrays "
                         "with NumPy (np.load, np.memmap)")
    with open(path, "rb") as handle:
        raw = handle.read(MAX_CSV_BYTES + 1)
    _check_text_file(path, raw[:_SAMPLE_BYTES], encoding)
    text = _decode(path, raw, encoding)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:_SAMPLE_BYTES], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as error:
        raise ValueError(f"cannot read {path} as CSV: {error}") from None
    rows = [row for row in rows if any(cell for cell in row)]      # skip blank lines
    if not rows:
        raise ValueError(f"{path} is empty")
    return rows


def spells_number(text: str) -> bool:
    """Whether ``text`` spells a float at all (nan, inf and 1e999 included: they are data, not a header)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _has_header(rows: list[list[str]]) -> bool:
    def numbers(row: list[str]) -> int:
        return sum(spells_number(cell) for cell in row)

    if len(rows) == 1:
        return numbers(rows[0]) == 0
    return numbers(rows[0]) < numbers(rows[1])


def _resolve_label_column(label_column: LabelColumn, names: list[str], path: str) -> int:
    if label_column is None:
        return len(names) - 1
    if isinstance(label_column, str) and label_column in names:
        return names.index(label_column)
    if isinstance(label_column, bool) or not isinstance(label_column, (str, int, np.integer)):
        raise TypeError(f"label_column must be a column name or position, got {type(label_column).__name__}")
    try:
        position = int(label_column)
    except ValueError:
        raise ValueError(
            f"{path} has no column named {label_column!r}; its columns are: {', '.join(names)}"
        ) from None
    if not -len(names) <= position < len(names):
        raise ValueError(f"label column {position} is out of range: {path} has {len(names)} columns")
    return position % len(names)


def _describe_bad_cell(cell: str) -> str:
    if cell == "":
        return "an empty cell"
    try:
        value = float(cell)
    except ValueError:
        return f"{cell!r}, which is not a number"
    if math.isnan(value):
        return f"{cell!r} (not a number)"
    if "inf" in cell.lower():
        return f"{cell!r}, which is infinite"
    return f"{cell!r}, which is too large for a float (it reads as infinity)"


def _parse_features(path: str, names: list[str], data_rows: list[list[str]], columns: Sequence[int],
                    first_line: int) -> np.ndarray:
    features = np.empty((len(data_rows), len(columns)), dtype=np.float64)      # (n_rows, n_features)
    for offset, row in enumerate(data_rows):
        for j, column in enumerate(columns):
            value = finite_number(row[column])
            if value is None:
                raise ValueError(
                    f"{path}, row {first_line + offset}, column {names[column]!r}: {_describe_bad_cell(row[column])} "
                    "(feature columns must hold finite numbers; is the label column right?)"
                )
            features[offset, j] = value
    return features


def _read_table(path: str, encoding: str) -> tuple[list[str], list[list[str]], bool, int]:
    """Return (column names, data rows as strings, has_header, spreadsheet line of the first data row)."""
    rows = _read_rows(path, encoding)
    has_header = _has_header(rows)
    width = len(rows[0])
    names = rows[0] if has_header else [f"col{i}" for i in range(width)]
    names = [name or f"col{i}" for i, name in enumerate(names)]
    data_rows = rows[1:] if has_header else rows
    first_line = 2 if has_header else 1
    if not data_rows:
        raise ValueError(f"{path} has a header but no data rows")
    for offset, row in enumerate(data_rows):
        if len(row) != width:
            raise ValueError(
                f"{path}, row {first_line + offset}: expected {width} cells like the first row, got {len(row)}"
            )
    return names, data_rows, has_header, first_line


def _check_encoding(encoding: str) -> str:
    if not isinstance(encoding, str) or not encoding:
        raise TypeError(f"encoding must be the name of a text encoding such as 'utf-8', got {encoding!r}")
    return encoding


def read_csv(path: PathLike, *, label_column: LabelColumn = None, encoding: str = DEFAULT_ENCODING) -> CSVTable:
    """Read ``path`` into a feature matrix and a list of labels.

    Parameters
    ----------
    path : str or os.PathLike
    label_column : str, int or None
        Name or position of the label column (default: the last column).
    encoding : str, default "utf-8"
        Text encoding of the file ("latin-1", "cp1252", ...).

    Returns
    -------
    CSVTable

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        Not text in ``encoding``, not a table, or a bad cell: the message names the file, row and column.
    """
    path = os.fspath(path)
    names, data_rows, has_header, first_line = _read_table(path, _check_encoding(encoding))
    if len(names) < 2:
        raise ValueError(f"{path} has a single column: it needs feature columns besides the label column")
    label_index = _resolve_label_column(label_column, names, path)
    feature_indices = [i for i in range(len(names)) if i != label_index]
    features = _parse_features(path, names, data_rows, feature_indices, first_line)
    labels = [row[label_index] for row in data_rows]
    if any(label == "" for label in labels):
        line = first_line + next(i for i, label in enumerate(labels) if label == "")
        raise ValueError(f"{path}, row {line}: the label column {names[label_index]!r} is empty")
    return CSVTable(
        columns=[names[i] for i in feature_indices],
        features=features,
        labels=labels,
        label_column=names[label_index],
        has_header=has_header,
    )


def read_features(path: PathLike, feature_columns: Sequence[str], label_column: Optional[str] = None, *,
                  encoding: str = DEFAULT_ENCODING) -> np.ndarray:
    """Read a model's feature columns from ``path`` (new rows to predict).

    When the file has a header and the model's columns have names, columns
    are matched by name and any others (such as the label) are ignored.
    Otherwise each row must hold exactly the model's number of values, or one
    more when the label column is still there (named ``label_column``).

    Returns
    -------
    ndarray of shape (n_rows, len(feature_columns)), float64
    """
    path = os.fspath(path)
    names, data_rows, has_header, first_line = _read_table(path, _check_encoding(encoding))
    n = len(feature_columns)
    by_name = has_header and any(name != f"col{i}" for i, name in enumerate(feature_columns))
    if by_name:
        missing = [name for name in feature_columns if name not in names]
        if missing:
            raise ValueError(
                f"{path} lacks the model's feature column(s) {', '.join(map(repr, missing))}; "
                f"its columns are: {', '.join(names)}"
            )
        positions = [names.index(name) for name in feature_columns]
    elif len(names) == n:
        positions = list(range(n))
    elif len(names) == n + 1 and label_column is not None and label_column in names:
        positions = [i for i, name in enumerate(names) if name != label_column]
    else:
        raise ValueError(f"{path} has {len(names)} values per row; the model takes {n}")
    return _parse_features(path, names, data_rows, positions, first_line)


def class_names(labels: Sequence[str]) -> list[str]:
    """The distinct labels, sorted numerically when they are all numbers, else alphabetically."""
    distinct = set(labels)
    if all(finite_number(label) is not None for label in distinct):
        return sorted(distinct, key=lambda label: (float(label), label))
    return sorted(distinct)


def encode_labels(labels: Sequence[str], classes: Sequence[str], *, source: str = "the data") -> np.ndarray:
    """Map each label to its index in ``classes`` (int64, shape (n,)); an unknown label raises ValueError."""
    index = {name: i for i, name in enumerate(classes)}
    # "1.0" and "1" are the same class when the classes are numbers
    numeric = {value: i for i, name in enumerate(classes) if (value := finite_number(name)) is not None}
    codes = np.empty(len(labels), dtype=np.int64)
    for row, label in enumerate(labels):
        value = finite_number(label)
        if label in index:
            codes[row] = index[label]
        elif value is not None and value in numeric:
            codes[row] = numeric[value]
        else:
            raise ValueError(
                f"{source}: label {label!r} (data row {row + 1}) is not one of the model's classes: "
                f"{', '.join(classes)}"
            )
    return codes
