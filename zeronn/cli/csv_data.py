"""Read a CSV file of numeric features and (optionally) a label column.

Rules, so that a newcomer's spreadsheet export just works:

- The delimiter is detected among comma, semicolon and tab (comma if unsure).
- The first row is a header when it holds fewer numbers than the second row
  (or, for a one-row file, when it holds no number at all).  Without a header
  the columns are called ``col0``, ``col1``, ...
- The label column is named (``--label-column species``) or given by position
  (``--label-column 0``; negative positions count from the end, ``-1`` is the
  last column, the default).  Labels may be numbers or words; the classes are
  the distinct labels, sorted (numerically when they are all numbers).
- Every other cell must be a number.  An empty cell or a word there stops with
  the row and column named (rows are counted like a spreadsheet shows them).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from typing import Optional, Sequence, Union

import numpy as np

from zeronn.cli.errors import CLIError

__all__ = ["CSVTable", "read_csv", "read_features", "class_names", "encode_labels"]

LabelColumn = Union[str, int, None]


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


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")


def _read_rows(path: str) -> list[list[str]]:
    if not os.path.exists(path):
        raise FileNotFoundError(f"CSV file not found: {path}")
    if os.path.isdir(path):
        raise CLIError(f"{path} is a folder, not a CSV file")
    with open(path, newline="", encoding="utf-8-sig") as handle:
        sample = handle.read(8192)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            rows = [[cell.strip() for cell in row] for row in csv.reader(handle, dialect)]
        except (csv.Error, UnicodeDecodeError) as error:
            raise CLIError(f"cannot read {path} as CSV: {error}") from None
    rows = [row for row in rows if any(cell for cell in row)]      # skip blank lines
    if not rows:
        raise CLIError(f"{path} is empty")
    return rows


def _has_header(rows: list[list[str]]) -> bool:
    numeric_first = sum(_is_number(cell) for cell in rows[0])
    if len(rows) == 1:
        return numeric_first == 0
    return numeric_first < sum(_is_number(cell) for cell in rows[1])


def _resolve_label_column(label_column: LabelColumn, names: list[str], path: str) -> int:
    if label_column is None:
        return len(names) - 1
    if isinstance(label_column, str) and label_column in names:
        return names.index(label_column)
    try:
        position = int(label_column)
    except (TypeError, ValueError):
        raise CLIError(
            f"{path} has no column named {label_column!r}; its columns are: {', '.join(names)}"
        ) from None
    if not -len(names) <= position < len(names):
        raise CLIError(f"label column {position} is out of range: {path} has {len(names)} columns")
    return position % len(names)


def _parse_features(path: str, names: list[str], data_rows: list[list[str]], columns: Sequence[int],
                    first_line: int) -> np.ndarray:
    features = np.empty((len(data_rows), len(columns)), dtype=np.float64)
    for offset, row in enumerate(data_rows):
        for j, column in enumerate(columns):
            cell = row[column]
            if not _is_number(cell):
                what = "an empty cell" if cell == "" else f"{cell!r}, which is not a number"
                raise CLIError(
                    f"{path}, row {first_line + offset}, column {names[column]!r}: {what} "
                    "(feature columns must hold numbers; is the label column right?)"
                )
            features[offset, j] = float(cell)
    return features


def _read_table(path: str) -> tuple[list[str], list[list[str]], bool, int]:
    """Return (column names, data rows as strings, has_header, spreadsheet line of the first data row)."""
    rows = _read_rows(path)
    has_header = _has_header(rows)
    width = len(rows[0])
    names = rows[0] if has_header else [f"col{i}" for i in range(width)]
    names = [name or f"col{i}" for i, name in enumerate(names)]
    data_rows = rows[1:] if has_header else rows
    first_line = 2 if has_header else 1
    if not data_rows:
        raise CLIError(f"{path} has a header but no data rows")
    for offset, row in enumerate(data_rows):
        if len(row) != width:
            raise CLIError(
                f"{path}, row {first_line + offset}: expected {width} cells like the first row, got {len(row)}"
            )
    return names, data_rows, has_header, first_line


def read_csv(path: Union[str, "os.PathLike[str]"], *, label_column: LabelColumn = None) -> CSVTable:
    """Read ``path`` into a feature matrix and a list of labels.

    Parameters
    ----------
    path : str or os.PathLike
    label_column : str, int or None
        Name or position of the label column (default: the last column).

    Raises
    ------
    FileNotFoundError, CLIError
        With the file, row and column named.
    """
    path = os.fspath(path)
    names, data_rows, has_header, first_line = _read_table(path)
    if len(names) < 2:
        raise CLIError(f"{path} has a single column: it needs feature columns besides the label column")
    label_index = _resolve_label_column(label_column, names, path)
    feature_indices = [i for i in range(len(names)) if i != label_index]
    features = _parse_features(path, names, data_rows, feature_indices, first_line)
    labels = [row[label_index] for row in data_rows]
    if any(label == "" for label in labels):
        line = first_line + next(i for i, label in enumerate(labels) if label == "")
        raise CLIError(f"{path}, row {line}: the label column {names[label_index]!r} is empty")
    return CSVTable(
        columns=[names[i] for i in feature_indices],
        features=features,
        labels=labels,
        label_column=names[label_index],
        has_header=has_header,
    )


def read_features(path: Union[str, "os.PathLike[str]"], feature_columns: Sequence[str],
                  label_column: Optional[str] = None) -> np.ndarray:
    """Read the model's feature columns from ``path`` (for ``zeronn predict``).

    When the training file had a header, columns are matched by name and any
    others (such as the label) are ignored.  Otherwise each row must hold
    exactly the model's number of values (a header, if any, is skipped), or
    one more when the label column is still there at the position the
    training file had it.

    Returns
    -------
    ndarray of shape (n_rows, len(feature_columns)), float64
    """
    path = os.fspath(path)
    names, data_rows, has_header, first_line = _read_table(path)
    n = len(feature_columns)
    by_name = has_header and any(name != f"col{i}" for i, name in enumerate(feature_columns))
    if by_name:
        missing = [name for name in feature_columns if name not in names]
        if missing:
            raise CLIError(
                f"{path} lacks the model's feature column(s) {', '.join(map(repr, missing))}; "
                f"its columns are: {', '.join(names)}"
            )
        positions = [names.index(name) for name in feature_columns]
    elif len(names) == n:
        positions = list(range(n))
    elif len(names) == n + 1 and label_column is not None and label_column in names:
        positions = [i for i, name in enumerate(names) if name != label_column]
    else:
        raise CLIError(f"{path} has {len(names)} values per row; the model takes {n}")
    return _parse_features(path, names, data_rows, positions, first_line)


def class_names(labels: Sequence[str]) -> list[str]:
    """The distinct labels, sorted numerically when they are all numbers, else alphabetically."""
    distinct = set(labels)
    if all(_is_number(label) for label in distinct):
        return sorted(distinct, key=lambda label: (float(label), label))
    return sorted(distinct)


def encode_labels(labels: Sequence[str], classes: Sequence[str], *, source: str = "the data") -> np.ndarray:
    """Map each label to its index in ``classes`` (int64); unknown labels raise ``CLIError``."""
    index = {name: i for i, name in enumerate(classes)}
    # "1.0" and "1" are the same class when the classes are numbers
    numeric = {float(name): i for i, name in enumerate(classes) if _is_number(name)}
    codes = np.empty(len(labels), dtype=np.int64)
    for row, label in enumerate(labels):
        if label in index:
            codes[row] = index[label]
        elif _is_number(label) and float(label) in numeric:
            codes[row] = numeric[float(label)]
        else:
            raise CLIError(
                f"{source}: label {label!r} (data row {row + 1}) is not one of the model's classes: "
                f"{', '.join(classes)}"
            )
    return codes
