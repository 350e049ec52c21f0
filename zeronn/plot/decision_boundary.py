"""The decision boundary of a 2-D classifier: what the model predicts at every point of the plane.

The plane around the data is cut into a ``resolution x resolution`` grid; the
model classifies every grid point (in batches, in eval mode, without caches)
and the picture colours each point by

- the probability of class 1, for a binary model with one output per sample
  (probabilities after a Sigmoid, or logits, turned into probabilities here);
- the predicted class (arg max), for a model with one output per class
  (logits, probabilities or log-probabilities alike).

The training points are drawn on top in their true class colours, so errors
show up as points on the wrong side of the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from zeronn._validation import check_choice, check_positive_int, format_shape
from zeronn.plot._colors import class_color, light_class_color
from zeronn.plot._inference import model_dtype, predict_in_batches
from zeronn.plot._mpl import PathLike, finish, new_figure

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "OUTPUT_KINDS",
    "BoundaryGrid",
    "check_points",
    "check_labels",
    "grid_extent",
    "predict_grid",
    "draw_boundary",
    "plot_decision_boundary",
]

#: How a single model output per sample is read: "auto" takes values outside [0, 1] as logits.
OUTPUT_KINDS = ("auto", "probability", "logit")
_BINARY_CMAP = "RdBu"                              # P(class 1) = 0 red ... 1 blue
_BINARY_POINT_COLORS = ("#b2182b", "#2166ac")      # the two ends of RdBu


@dataclass(frozen=True)
class BoundaryGrid:
    """A model's predictions over a grid of the plane.

    Attributes
    ----------
    xx, yy : ndarray of shape (resolution, resolution)
        Coordinates of the grid points (``np.meshgrid`` layout).
    values : ndarray of shape (resolution, resolution)
        P(class 1) for ``kind == "probability"``, the class index for ``kind == "class"``.
    kind : str
        "probability" (binary model, one output) or "class" (one output per class).
    n_classes : int
        Number of classes the model distinguishes.
    """

    xx: np.ndarray
    yy: np.ndarray
    values: np.ndarray
    kind: str
    n_classes: int


def check_points(x: Any, owner: str = "plot_decision_boundary") -> np.ndarray:
    """Return ``x`` as a float64 array of shape (n_samples, 2), or raise a ValueError saying why not."""
    points = np.asarray(x)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(
            f"{owner} draws data on a plane: x must have shape (n_samples, 2), got {format_shape(points.shape)}"
            + ("; pick two features (x[:, [i, j]]) or project the data to 2-D first"
               if points.ndim == 2 and points.shape[1] > 2 else "")
        )
    if points.dtype.kind not in "biuf":
        raise TypeError(f"{owner}: x must hold numbers, got dtype {points.dtype}")
    points = points.astype(np.float64)
    if not np.isfinite(points).all():
        raise ValueError(f"{owner}: x contains NaN or infinite values")
    return points


def check_labels(y: Any, n_samples: int, owner: str = "plot_decision_boundary") -> np.ndarray:
    """Return class indices (n_samples,) from labels (n,), a column (n, 1) or one-hot rows (n, C)."""
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] > 1:
        labels = labels.argmax(axis=1)              # one-hot (n, C) -> (n,)
    elif labels.ndim == 2:
        labels = labels[:, 0]                       # (n, 1) -> (n,)
    if labels.ndim != 1 or labels.shape[0] != n_samples:
        raise ValueError(
            f"{owner}: y must hold one label per point, shape ({n_samples},), ({n_samples}, 1) or one-hot "
            f"({n_samples}, n_classes); got {format_shape(np.shape(y))}"
        )
    if labels.dtype.kind == "f" and not np.array_equal(labels, np.round(labels)):
        raise ValueError(f"{owner}: y must hold class labels 0, 1, 2, ..., got fractional values")
    if labels.dtype.kind not in "biuf" or (labels.size and labels.min() < 0):
        raise ValueError(f"{owner}: y must hold class labels 0, 1, 2, ... (non-negative integers)")
    return labels.astype(np.int64)


def grid_extent(points: np.ndarray, margin: float = 0.15) -> tuple[float, float, float, float]:
    """(x_min, x_max, y_min, y_max) around ``points`` with ``margin`` times the data range on each side."""
    low, high = points.min(axis=0), points.max(axis=0)                 # (2,), (2,)
    span = high - low                                                  # (2,)
    pad = np.where(span > 0, span * margin, 0.5)                       # a flat axis still gets some room
    return float(low[0] - pad[0]), float(high[0] + pad[0]), float(low[1] - pad[1]), float(high[1] + pad[1])


def _read_outputs(outputs: np.ndarray, output: str, owner: str) -> tuple[np.ndarray, str, int]:
    """Turn raw model outputs (M, 1) or (M, C) into grid values, their kind and the class count."""
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    if outputs.ndim != 2:
        raise ValueError(
            f"{owner} expects the model to output (n, 1) for a binary classifier or (n, n_classes), "
            f"got {format_shape(outputs.shape)} for input (n, 2)"
        )
    if outputs.shape[1] > 1:
        return outputs.argmax(axis=1).astype(np.float64), "class", outputs.shape[1]   # (M,)
    values = outputs[:, 0].astype(np.float64)                                        # (M,)
    is_logit = output == "logit" or (output == "auto" and (values.min() < 0.0 or values.max() > 1.0))
    if is_logit:
        values = 0.5 * (1.0 + np.tanh(0.5 * values))     # sigmoid, without overflow for large |z|
    return values, "probability", 2


def predict_grid(
    model: Any,
    extent: tuple[float, float, float, float],
    resolution: int = 200,
    *,
    output: str = "auto",
    batch_size: int = 8192,
    owner: str = "plot_decision_boundary",
) -> BoundaryGrid:
    """Classify every point of a ``resolution x resolution`` grid over ``extent``; see ``BoundaryGrid``."""
    resolution = check_positive_int("resolution", resolution)
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2 grid points per axis, got {resolution}")
    check_choice("output kind", output, OUTPUT_KINDS)
    x_min, x_max, y_min, y_max = extent
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    points = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(model_dtype(model))   # (R*R, 2)
    try:
        outputs = predict_in_batches(model, points, batch_size)                      # (R*R, 1) or (R*R, C)
    except ValueError as error:
        raise ValueError(f"{owner}: the model cannot take 2-D points as input: {error}") from error
    values, kind, n_classes = _read_outputs(outputs, output, owner)
    return BoundaryGrid(xx, yy, values.reshape(xx.shape), kind, n_classes)


def draw_boundary(
    ax: "Axes", grid: BoundaryGrid, points: np.ndarray, labels: np.ndarray, *, colorbar: bool = True,
    legend: bool = True, class_names: Optional[Sequence[Any]] = None,
) -> None:
    """Draw the coloured regions of ``grid`` and the labelled points on ``ax``, with a legend.

    The legend names each class's point colour (the true class) and, for a
    binary model, the line where P(class 1) = 0.5; the regions show the
    predicted class.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    n_classes = max(grid.n_classes, int(labels.max()) + 1 if len(labels) else 1, 2)
    names = [str(k) for k in range(n_classes)] if class_names is None else [str(c) for c in class_names]
    if len(names) < n_classes:
        raise ValueError(f"class_names has {len(names)} names but the data has {n_classes} classes")
    handles: list[Any] = []
    if grid.kind == "probability":
        regions = ax.contourf(grid.xx, grid.yy, grid.values, levels=np.linspace(0.0, 1.0, 11),
                              cmap=_BINARY_CMAP, vmin=0.0, vmax=1.0, alpha=0.75)
        if grid.values.min() < 0.5 < grid.values.max():
            ax.contour(grid.xx, grid.yy, grid.values, levels=[0.5], colors="black", linewidths=1.0)
            handles.append(Line2D([], [], color="black", linewidth=1.0, label="boundary: P(class 1) = 0.5"))
        if colorbar:
            ax.figure.colorbar(regions, ax=ax, label="P(class 1)")
        point_colors = list(_BINARY_POINT_COLORS)
        colors = [point_colors[min(int(label), 1)] for label in labels]
    else:
        ax.contourf(grid.xx, grid.yy, grid.values, levels=np.arange(n_classes + 1) - 0.5,
                    colors=[light_class_color(k) for k in range(n_classes)])
        point_colors = [class_color(k) for k in range(n_classes)]
        colors = [class_color(int(label)) for label in labels]
        handles.append(Patch(facecolor=light_class_color(0), edgecolor="none", label="region: predicted class"))
    present = sorted({min(int(label), len(point_colors) - 1) for label in labels})
    handles = [Line2D([], [], linestyle="none", marker="o", markersize=6, markerfacecolor=point_colors[k],
                      markeredgecolor="black", markeredgewidth=0.4, label=f"class {names[k]}")
               for k in present] + handles
    ax.scatter(points[:, 0], points[:, 1], c=colors, s=14, edgecolors="black", linewidths=0.4)
    ax.set_xlim(grid.xx[0, 0], grid.xx[0, -1])
    ax.set_ylim(grid.yy[0, 0], grid.yy[-1, 0])
    ax.set_xlabel("feature 0")
    ax.set_ylabel("feature 1")
    if legend and handles:
        ax.legend(handles=handles, loc="best", fontsize=8, framealpha=0.85, title="points: true class",
                  title_fontsize=8)


def plot_decision_boundary(
    model: Any,
    x: Any,
    y: Any,
    path: Optional[PathLike] = None,
    resolution: int = 200,
    *,
    output: str = "auto",
    title: str = "Decision boundary",
    class_names: Optional[Sequence[Any]] = None,
    figsize: tuple[float, float] = (6.0, 5.0),
    dpi: float = 100,
) -> "Figure":
    """Picture what a 2-D classifier predicts over the plane, with the data points on top and a legend.

    Parameters
    ----------
    model : Layer or callable
        Maps (n, 2) points to (n, 1) probabilities or logits of class 1, or
        (n, n_classes) scores.  Run in eval mode under ``zeronn.no_grad()``;
        its training flags are restored afterwards.
    x : array-like of shape (n_samples, 2)
        The points (e.g. ``make_moons`` or ``make_spirals`` data).
    y : array-like of shape (n_samples,), (n_samples, 1) or one-hot (n_samples, n_classes)
        Their true classes.
    path : str or Path, optional
        Also save the figure there as a PNG of ``figsize * dpi`` pixels.
    resolution : int, default 200
        Grid points per axis (the model runs on ``resolution**2`` points).
    output : {"auto", "probability", "logit"}, default "auto"
        How a single output is read; "auto" treats it as a logit when any
        value lies outside [0, 1].
    title : str
    class_names : sequence, optional
        Names of the classes in the legend (default 0, 1, ...).
    figsize : (float, float), default (6, 5)
    dpi : float, default 100

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``x`` is not (n_samples, 2), ``y`` does not match it, or the model's
        output is not (n, 1) or (n, n_classes).
    """
    points = check_points(x)
    labels = check_labels(y, len(points))
    grid = predict_grid(model, grid_extent(points), resolution, output=output)
    figure = new_figure(figsize, dpi)
    ax = figure.add_subplot()
    draw_boundary(ax, grid, points, labels, class_names=class_names)
    ax.set_title(title)
    return finish(figure, path, dpi)
