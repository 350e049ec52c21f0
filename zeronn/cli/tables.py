"""Plain-text tables for the terminal (no dependency, aligned columns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["format_table", "format_number"]


def format_number(value: Any, digits: int = 4) -> str:
    """Format floats with ``digits`` decimals, everything else with ``str``."""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, align_right: Sequence[bool] = ()) -> str:
    """Return ``rows`` under ``header`` as aligned text columns separated by two spaces.

    Parameters
    ----------
    header : sequence of str
        Column titles.
    rows : sequence of sequences
        Cell values; floats are shown with 4 decimals.
    align_right : sequence of bool, optional
        Per column, whether to right-align (numbers read better that way).
        Columns without an entry are left-aligned.
    """
    cells = [[str(title) for title in header]] + [[format_number(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    right = list(align_right) + [False] * (len(header) - len(align_right))

    def line(row: list[str]) -> str:
        parts = [cell.rjust(w) if r else cell.ljust(w) for cell, w, r in zip(row, widths, right)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])
