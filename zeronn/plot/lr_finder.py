"""The learning-rate finder's curve: smoothed loss against learning rate, the suggestion marked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from zeronn.plot._colors import class_color
from zeronn.plot._mpl import PathLike, finish, new_figure

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_lr_finder"]


def plot_lr_finder(result: Any, path: Optional[PathLike] = None, *, dpi: float = 100) -> "Figure":
    """Draw ``lr_find``'s smoothed loss against the learning rate (log axis), with the suggestion marked.

    Parameters
    ----------
    result : LRFinderResult
        What ``zeronn.lr_find`` returned.
    path : str or path, optional
        Write a PNG there.
    dpi : float, default 100
    """
    from zeronn.train.lr_finder import LRFinderResult

    if not isinstance(result, LRFinderResult):
        raise TypeError(f"plot_lr_finder expects the result of zeronn.lr_find, got {type(result).__name__}")
    lrs = np.asarray(result.lrs, dtype=float)                 # (steps,)
    losses = np.asarray(result.losses, dtype=float)           # (steps,)
    figure = new_figure((6, 4))
    axes = figure.add_subplot(1, 1, 1)
    axes.plot(lrs, np.where(np.isfinite(losses), losses, np.nan), color=class_color(0), linewidth=1.5,
              label="smoothed loss")
    chosen = result.suggestion_index
    axes.axvline(result.suggestion, color=class_color(3), linestyle="--", linewidth=1)
    axes.plot([result.suggestion], [losses[chosen]], "o", color=class_color(3), markersize=8,
              label=f"suggestion ({result.method}): {result.suggestion:.2g}")
    axes.set_xscale("log")
    finite = losses[np.isfinite(losses)]
    if finite.size:
        top = min(float(finite.max()), float(finite[0]) * 2.5 if finite[0] > 0 else float(finite.max()))
        bottom = float(finite.min())
        margin = 0.05 * (top - bottom) if top > bottom else 0.5
        axes.set_ylim(bottom - margin, top + margin)
    axes.set_xlabel("learning rate (log scale)")
    axes.set_ylabel("loss (smoothed)")
    axes.set_title("Learning-rate range test")
    axes.legend(loc="best", fontsize=8)
    return finish(figure, path, dpi)
