"""A grid of images with their labels: predicted vs true, mistakes marked in red.

Accepted image layouts (the first axis is always the sample):

- (N, H, W)                 grey images, e.g. MNIST as loaded (uint8 or float);
- (N, 1, H, W)              grey images in NCHW, as fed to ``Conv2d``;
- (N, 3, H, W) / (N, H, W, 3)   colour images;
- (N, D) with D a square    flattened grey images, e.g. (N, 784) for an MLP -> 28 x 28.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from zeronn._validation import check_positive_int, format_shape
from zeronn.plot._colors import RIGHT_COLOR, WRONG_COLOR
from zeronn.plot._mpl import PathLike, finish, new_figure

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["as_display_images", "plot_image_grid"]

_SHAPES_TEXT = "(N, H, W), (N, 1, H, W), (N, 3, H, W), (N, H, W, 3) or flattened (N, side*side)"


def as_display_images(images: Any, owner: str = "plot_image_grid") -> np.ndarray:
    """Return images as (N, H, W) grey or (N, H, W, 3) colour arrays, or raise naming the accepted shapes."""
    array = np.asarray(images)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{owner}: images must hold numbers, got dtype {array.dtype}")
    if array.ndim == 2:
        side = math.isqrt(array.shape[1])
        if side * side == array.shape[1] and side > 0:
            return array.reshape(len(array), side, side)                 # (N, side, side)
    elif array.ndim == 3:
        return array                                                     # (N, H, W)
    elif array.ndim == 4 and array.shape[1] in (1, 3):
        return array[:, 0] if array.shape[1] == 1 else array.transpose(0, 2, 3, 1)   # NCHW -> (N, H, W[, 3])
    elif array.ndim == 4 and array.shape[3] in (1, 3):
        return array[..., 0] if array.shape[3] == 1 else array           # NHWC
    raise ValueError(f"{owner} expects images of shape {_SHAPES_TEXT}, got {format_shape(array.shape)}")


def _as_label_vector(labels: Any, n_images: int, what: str) -> np.ndarray:
    """Class indices (N,) from labels (N,), a column (N, 1) or scores / one-hot rows (N, C)."""
    array = np.asarray(labels)
    if array.ndim == 2:
        array = array.argmax(axis=1) if array.shape[1] > 1 else array[:, 0]   # (N, C) -> (N,)
    if array.ndim != 1 or len(array) != n_images:
        raise ValueError(
            f"plot_image_grid: {what} must hold one label per image ({n_images}), "
            f"got shape {format_shape(np.shape(labels))}"
        )
    return array


def _name(label: Any, class_names: Optional[Sequence[Any]]) -> str:
    """Text for a label: its class name when given, else the label itself."""
    if class_names is not None:
        index = int(label)
        if not 0 <= index < len(class_names):
            raise ValueError(f"plot_image_grid: label {index} has no entry in class_names ({len(class_names)} names)")
        return str(class_names[index])
    return str(label.item() if hasattr(label, "item") else label)


def _rescaled_color(image: np.ndarray) -> np.ndarray:
    """Colour image for imshow: uint8 as is, floats stretched to [0, 1]."""
    if image.dtype == np.uint8:
        return image
    image = image.astype(np.float64)
    low, high = image.min(), image.max()
    return (image - low) / (high - low) if high > low else np.zeros_like(image)


def plot_image_grid(
    images: Any,
    true_labels: Any,
    pred_labels: Any = None,
    class_names: Optional[Sequence[Any]] = None,
    n: int = 25,
    path: Optional[PathLike] = None,
    *,
    only_errors: bool = False,
    cols: Optional[int] = None,
    cmap: str = "gray",
    title: Optional[str] = None,
    figsize: Optional[tuple[float, float]] = None,
    dpi: float = 100,
) -> "Figure":
    """Show the first ``n`` images with their labels; misclassified ones get a red title and border.

    Parameters
    ----------
    images : array-like
        (N, H, W), (N, 1, H, W), (N, 3, H, W), (N, H, W, 3), or flattened (N, side*side).
    true_labels : array-like of shape (N,), or one-hot (N, n_classes)
    pred_labels : array-like of shape (N,) or model outputs (N, n_classes), optional
        Predictions; scores are turned into classes with arg max.  Without
        them only the true labels are shown.
    class_names : sequence, optional
        Names shown instead of the class indices (e.g. Fashion-MNIST's "Sneaker").
    n : int, default 25
        Number of images shown (fewer if there are fewer).
    path : str or Path, optional
        Also save the figure there as a PNG of ``figsize * dpi`` pixels.
    only_errors : bool, default False
        Show only misclassified images (needs ``pred_labels``).
    cols : int, optional
        Images per row; default about the square root of ``n``.
    cmap : str, default "gray"
        Colour map for grey images.
    title : str, optional
        Figure title; default says how many of the shown images are wrong.
    figsize : (float, float), optional
        Default 1.6 x 1.8 inches per image.
    dpi : float, default 100

    Returns
    -------
    matplotlib.figure.Figure
    """
    pictures = as_display_images(images)
    truth = _as_label_vector(true_labels, len(pictures), "true_labels")
    predicted = None if pred_labels is None else _as_label_vector(pred_labels, len(pictures), "pred_labels")
    n = check_positive_int("n", n)
    chosen = np.arange(len(pictures))
    if only_errors:
        if predicted is None:
            raise ValueError("plot_image_grid: only_errors=True needs pred_labels")
        chosen = chosen[predicted != truth]
    chosen = chosen[:n]
    if len(chosen) == 0:
        raise ValueError("plot_image_grid: no images to show" + (" (no misclassified ones)" if only_errors else ""))

    cols = check_positive_int("cols", cols) if cols is not None else math.ceil(math.sqrt(len(chosen)))
    rows = math.ceil(len(chosen) / cols)
    figure = new_figure(figsize or (1.6 * cols, 1.8 * rows + 0.4), dpi)
    wrong_count = 0
    for position, index in enumerate(chosen):
        ax = figure.add_subplot(rows, cols, position + 1)
        picture = pictures[index]
        if picture.ndim == 3:
            ax.imshow(_rescaled_color(picture))
        else:
            ax.imshow(picture, cmap=cmap)
        wrong = predicted is not None and predicted[index] != truth[index]
        wrong_count += bool(wrong)
        _label_panel(ax, truth[index], None if predicted is None else predicted[index], class_names, wrong)
    if title is None and predicted is not None:
        title = f"predicted label; {wrong_count} of {len(chosen)} wrong, in red as: predicted (true)"
    if title:
        figure.suptitle(title, fontsize=10)
    return finish(figure, path, dpi)


def _label_panel(ax: Any, truth: Any, predicted: Any, class_names: Optional[Sequence[Any]], wrong: bool) -> None:
    """Title and frame of one image: "7" when right, "3 (true 5)" in red with a red border when wrong."""
    ax.set_xticks([])
    ax.set_yticks([])
    if predicted is None:
        text = _name(truth, class_names)
    elif wrong:
        text = f"{_name(predicted, class_names)} (true {_name(truth, class_names)})"
    else:
        text = _name(predicted, class_names)
    color = WRONG_COLOR if wrong else RIGHT_COLOR
    ax.set_title(text, color=color, fontsize=8)
    for spine in ax.spines.values():
        spine.set_edgecolor(color if wrong else "#cccccc")
        spine.set_linewidth(2.5 if wrong else 0.5)
