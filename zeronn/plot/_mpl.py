"""Lazy access to matplotlib: figures drawn off-screen, never through pyplot.

Every picture in ``zeronn.plot`` is a ``matplotlib.figure.Figure`` attached to
the Agg canvas (the raster renderer behind PNG files).  Pyplot is never
imported, so:

- nothing needs a display: the figures work the same on a laptop, a server
  without X, in CI and in a subprocess of the command line tool;
- your own matplotlib backend choice is left alone;
- figures are not registered in pyplot's global list, so nothing has to be
  closed and no "more than 20 figures" warning appears in long runs;
- in Jupyter the returned figure is shown once, as the value of the cell.

matplotlib is an optional dependency, imported on first use; when it is
missing, the ImportError says how to install it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np

from zeronn._validation import check_positive_float

if TYPE_CHECKING:                                   # pragma: no cover - for type checkers only
    from matplotlib.figure import Figure

__all__ = ["INSTALL_HINT", "PathLike", "new_figure", "finish", "save_figure", "figure_to_rgba"]

PathLike = Union[str, "os.PathLike[str]"]

INSTALL_HINT = (
    "zeronn.plot needs matplotlib (and Pillow for GIF animations). "
    "Install them with:  pip install 'zeronn[plot]'   (or: pip install matplotlib pillow)"
)


def _figure_classes() -> tuple[Any, Any]:
    """Import ``Figure`` and the Agg canvas, or raise an ImportError with the install command."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return Figure, FigureCanvasAgg


def new_figure(figsize: tuple[float, float], dpi: float = 100, *, layout: Optional[str] = "constrained") -> "Figure":
    """Return an empty off-screen figure of ``figsize`` inches (``figsize * dpi`` pixels when saved).

    ``layout="constrained"`` keeps titles, labels and colour bars from
    overlapping without changing the figure's size.
    """
    dpi = check_positive_float("dpi", dpi)
    width = check_positive_float("figsize width", figsize[0])
    height = check_positive_float("figsize height", figsize[1])
    figure_class, canvas_class = _figure_classes()
    figure = figure_class(figsize=(width, height), dpi=dpi, layout=layout)
    canvas_class(figure)                            # attaches itself as figure.canvas
    return figure


def save_figure(figure: "Figure", path: PathLike, dpi: float = 100) -> Path:
    """Write ``figure`` to ``path`` (PNG unless the suffix names another format) and return the path.

    Missing parent folders are created.  The image is exactly
    ``figsize * dpi`` pixels: no cropping to the drawn area.
    """
    dpi = check_positive_float("dpi", dpi)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    file_format = None if path.suffix else "png"
    figure.savefig(path, dpi=dpi, format=file_format)
    return path


def finish(figure: "Figure", path: Optional[PathLike], dpi: float) -> "Figure":
    """Save ``figure`` when a path is given; return the figure either way."""
    if path is not None:
        save_figure(figure, path, dpi)
    return figure


def figure_to_rgba(figure: "Figure") -> np.ndarray:
    """Draw ``figure`` and return its pixels, uint8 of shape (height, width, 4)."""
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).copy()   # type: ignore[attr-defined]  # (H, W, 4), Agg canvas
