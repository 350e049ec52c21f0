"""Colours shared by the pictures, so a class has the same colour everywhere.

Plain hex strings: no matplotlib import is needed to read them.
"""

from __future__ import annotations

__all__ = ["CLASS_COLORS", "LIGHT_CLASS_COLORS", "WRONG_COLOR", "RIGHT_COLOR", "class_color", "light_class_color"]

#: matplotlib's "tab10" palette: one strong colour per class (points, curves).
CLASS_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)

#: The same colours lightened, for the regions behind the points.
LIGHT_CLASS_COLORS = (
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)

#: Titles and borders of misclassified images; correct ones.
WRONG_COLOR = "#d62728"
RIGHT_COLOR = "#222222"


def class_color(index: int) -> str:
    """Strong colour of class ``index`` (the palette repeats after 10 classes)."""
    return CLASS_COLORS[index % len(CLASS_COLORS)]


def light_class_color(index: int) -> str:
    """Light colour of class ``index`` (the palette repeats after 10 classes)."""
    return LIGHT_CLASS_COLORS[index % len(LIGHT_CLASS_COLORS)]
