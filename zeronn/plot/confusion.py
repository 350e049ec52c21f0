"""A confusion matrix as a heat map: row = true class, column = predicted class.

The diagonal holds the correct predictions; every other cell counts one kind
of mistake ("true 4, predicted 9").  The cells are coloured so that mistakes
show even when they are rare (correct ones in blue, mistakes in red, see
``error_colors``); the counts are written in the cells.  With ``normalize`` the counts become
fractions, per true class ("true": each row sums to 1, i.e. recall on the
diagonal), per predicted class ("pred": precision on the diagonal) or of all
samples ("all").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np

from zeronn._validation import check_choice, format_shape
from zeronn.plot._mpl import PathLike, finish, new_figure

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["NORMALIZE_MODES", "COLOR_MODES", "normalize_confusion", "error_colors", "plot_confusion_matrix"]

NORMALIZE_MODES = ("true", "pred", "all")
COLOR_MODES = ("errors", "row", "log", "value")
_MAX_ANNOTATED_CLASSES = 20      # beyond this the numbers in the cells become unreadable
_MODE_TEXT = {"true": "each row sums to 1", "pred": "each column sums to 1", "all": "fraction of all samples"}


def _check_matrix(matrix: Any) -> np.ndarray:
    """Return ``matrix`` as a float64 (C, C) array of non-negative counts, or raise."""
    counts = np.asarray(matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or counts.shape[0] == 0:
        raise ValueError(
            "plot_confusion_matrix expects a square matrix of shape (n_classes, n_classes) "
            f"(rows = true class, columns = predicted class), got {format_shape(counts.shape)}"
        )
    if counts.dtype.kind not in "biuf":
        raise TypeError(f"plot_confusion_matrix expects numbers, got dtype {counts.dtype}")
    counts = counts.astype(np.float64)
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("plot_confusion_matrix expects non-negative finite counts")
    return counts


def normalize_confusion(counts: np.ndarray, mode: str) -> np.ndarray:
    """Divide ``counts`` by row sums ("true"), column sums ("pred") or the total ("all"); 0/0 gives 0."""
    check_choice("normalize mode", mode, NORMALIZE_MODES)
    if mode == "true":
        totals = counts.sum(axis=1, keepdims=True)               # (C, 1)
    elif mode == "pred":
        totals = counts.sum(axis=0, keepdims=True)               # (1, C)
    else:
        totals = np.full((1, 1), counts.sum())                   # (1, 1)
    return np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)


def error_colors(counts: np.ndarray, cmap: str = "Blues", error_cmap: str = "Reds") -> np.ndarray:
    """RGBA colour of each cell (C, C, 4): mistakes stand out however rare they are.

    Each row is first divided by its total (the share of the true class).
    Diagonal cells (correct predictions) take ``cmap`` by that share, 0..1.
    Off-diagonal cells with at least one sample take ``error_cmap`` by their
    share relative to the largest mistake, from 0.25 (light but visible) to
    0.9 (the most frequent mistake), so a confusion of 2 in 1,000 is still
    seen next to a diagonal of 998.  Empty cells are white.
    """
    from matplotlib import colormaps

    shares = normalize_confusion(counts, "true")                          # (C, C), rows sum to 1
    colors = np.ones(counts.shape + (4,))                                 # (C, C, RGBA), white
    diagonal = np.eye(len(counts), dtype=bool)
    colors[diagonal] = colormaps[cmap](0.15 + 0.85 * shares[diagonal])
    mistakes = ~diagonal & (counts > 0)
    if mistakes.any():
        largest = shares[mistakes].max()
        colors[mistakes] = colormaps[error_cmap](0.25 + 0.65 * shares[mistakes] / largest)
    return colors


def plot_confusion_matrix(
    matrix: Any,
    class_names: Optional[Sequence[Any]] = None,
    normalize: Union[bool, str] = False,
    path: Optional[PathLike] = None,
    *,
    title: Optional[str] = None,
    color: str = "errors",
    cmap: str = "Blues",
    figsize: Optional[tuple[float, float]] = None,
    dpi: float = 100,
) -> "Figure":
    """Draw a confusion matrix with the count (or fraction) written in each cell.

    Parameters
    ----------
    matrix : array-like of shape (n_classes, n_classes)
        ``matrix[i, j]`` = number of samples of true class i predicted as j
        (as returned by ``zeronn.metrics.confusion_matrix``).
    class_names : sequence, optional
        Tick labels; default 0, 1, 2, ...
    normalize : bool or {"true", "pred", "all"}, default False
        Write fractions instead of counts; True means "true" (rows sum to 1).
    path : str or Path, optional
        Also save the figure there as a PNG of ``figsize * dpi`` pixels.
    title : str, optional
        Default "Confusion matrix" (with the normalisation named).
    color : {"errors", "row", "log", "value"}, default "errors"
        How cells are coloured.  "errors": correct predictions in blue by the
        share of their true class, mistakes in red relative to the largest
        mistake (see ``error_colors``), so rare mistakes are not invisible;
        "row": every cell by the share of its true class (row-normalised);
        "log": by count on a logarithmic scale; "value": by the number
        written in the cell on a linear scale (mistakes of a few samples
        next to a diagonal of thousands are nearly white).
    cmap : str, default "Blues"
        The matplotlib colour map of the correct predictions ("errors") or of every cell.
    figsize : (float, float), optional
        Default grows with the number of classes.
    dpi : float, default 100

    Returns
    -------
    matplotlib.figure.Figure
    """
    counts = _check_matrix(matrix)
    check_choice("color", color, COLOR_MODES)
    n_classes = counts.shape[0]
    names = [str(k) for k in range(n_classes)] if class_names is None else [str(name) for name in class_names]
    if len(names) != n_classes:
        raise ValueError(f"class_names has {len(names)} names but the matrix has {n_classes} classes")
    mode = "true" if normalize is True else (normalize or None)
    shown = normalize_confusion(counts, mode) if mode else counts

    side = min(max(4.0, 0.45 * n_classes + 2.5), 16.0)
    figure = new_figure(figsize or (side + 1.0, side), dpi)
    ax = figure.add_subplot()
    dark = _draw_cells(figure, ax, counts, shown, color, cmap, as_fraction=bool(mode))
    long_names = max(len(name) for name in names) > 3           # tilt long names so they don't collide
    ax.set_xticks(range(n_classes), names, rotation=45 if long_names else 0, ha="right" if long_names else "center")
    ax.set_yticks(range(n_classes), names)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    default_title = "Confusion matrix" + (f" ({_MODE_TEXT[mode]})" if mode else "")
    ax.set_title(title or default_title)
    if color == "errors":
        mistakes = int(counts.sum() - np.trace(counts))
        ax.set_xlabel(f"predicted label\n(blue: correct; red: the {mistakes:,} mistakes, darker = more frequent)")
    if n_classes <= _MAX_ANNOTATED_CLASSES:
        _annotate(ax, shown, dark, as_fraction=bool(mode), fontsize=max(5.0, 11.0 - 0.3 * n_classes))
    return finish(figure, path, dpi)


def _draw_cells(figure: Any, ax: Any, counts: np.ndarray, shown: np.ndarray, color: str, cmap: str, *,
                as_fraction: bool) -> np.ndarray:
    """Colour the cells; return which cells are dark (for white text)."""
    from matplotlib.colors import LogNorm

    if color == "errors":
        rgba = error_colors(counts, cmap)                                  # (C, C, 4)
        ax.imshow(rgba)
        luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])       # (C, C)
        return luminance < 0.5
    if color == "row":
        values, top, label = normalize_confusion(counts, "true"), 1.0, "share of the true class (row)"
        image = ax.imshow(values, cmap=cmap, vmin=0.0, vmax=top)
    elif color == "log":
        values, top, label = counts, max(float(counts.max()), 1.0), "count (log scale)"
        masked = np.ma.masked_less_equal(counts, 0)                        # 0 has no logarithm: left white
        image = ax.imshow(masked, cmap=cmap, norm=LogNorm(vmin=1.0, vmax=max(top, 10.0)))
        figure.colorbar(image, ax=ax, label=label)
        return np.log10(np.maximum(counts, 1.0)) > 0.5 * np.log10(max(top, 10.0))
    else:
        values = shown
        top = 1.0 if as_fraction else max(float(shown.max()), 1.0)
        label = "fraction" if as_fraction else "count"
        image = ax.imshow(values, cmap=cmap, vmin=0.0, vmax=top)
    figure.colorbar(image, ax=ax, label=label)
    return values > 0.5 * top


def _annotate(ax: Any, shown: np.ndarray, dark: np.ndarray, *, as_fraction: bool, fontsize: float) -> None:
    """Write each cell's value in it, white on dark cells, else black."""
    for (row, column), value in np.ndenumerate(shown):
        text = f"{value:.2f}" if as_fraction else f"{value:.0f}"
        color = "white" if dark[row, column] else "black"
        ax.text(column, row, text, ha="center", va="center", color=color, fontsize=fontsize)
