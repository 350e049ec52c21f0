"""Helpers shared by the plot tests: read a saved picture back and check it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from zeronn.plot._mpl import figure_to_rgba


def assert_png(path: Path, figure: Figure, dpi: float) -> np.ndarray:
    """Check ``path`` is a PNG of ``figsize * dpi`` pixels with something drawn; return its RGB pixels."""
    assert isinstance(figure, Figure)
    assert path.stat().st_size > 0
    width, height = figure.get_size_inches()
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (round(width * dpi), round(height * dpi))
        pixels = np.asarray(image.convert("RGB"))                       # (H, W, 3)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 10, "the picture is (nearly) blank"
    return pixels


def axes_pixels(figure: Figure, ax) -> np.ndarray:
    """RGB pixels inside ``ax`` (its frame excluded) of the drawn figure."""
    rgba = figure_to_rgba(figure)                                       # (H, W, 4)
    box = ax.get_window_extent()
    height = rgba.shape[0]
    top, bottom = int(height - box.y1) + 3, int(height - box.y0) - 3   # image rows count from the top
    left, right = int(box.x0) + 3, int(box.x1) - 3
    return rgba[top:bottom, left:right, :3]
