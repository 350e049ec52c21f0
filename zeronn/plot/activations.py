"""Every activation function beside its derivative, both as the library computes them.

The derivative is not a separate formula written for the picture: each
activation layer runs forward on a grid of inputs and then backward with an
upstream gradient of ones, so that

    backward(ones) = ones * f'(x) = f'(x)        (the layers are element-wise)

and the right-hand panel shows exactly the gradient that training uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

import numpy as np

from zeronn._validation import check_positive_int
from zeronn.grad_mode import is_grad_enabled, set_grad_enabled
from zeronn.plot._colors import class_color
from zeronn.plot._mpl import PathLike, finish, new_figure

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["activation_curves", "plot_activations"]


def activation_curves(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(f(x), f'(x))`` of the activation ``name``, from its layer's forward and backward.

    ``x`` is a 1-D float array; gradients are recorded even inside ``zeronn.no_grad()``.
    """
    from zeronn.nn.activation import get_activation

    layer = get_activation(name)
    inputs = x.reshape(1, -1)                                    # (1, points): a batch of one row
    previous = is_grad_enabled()
    set_grad_enabled(True)                                       # backward needs the forward's cache
    try:
        values = layer(inputs)                                   # (1, points)
        slopes = layer.backward(np.ones_like(values))            # (1, points) = f'(x)
    finally:
        set_grad_enabled(previous)
    return np.asarray(values).reshape(-1), np.asarray(slopes).reshape(-1)


def _default_names() -> list[str]:
    """All activation names, one per layer class (so "swish", an alias of "silu", is drawn once)."""
    from zeronn.nn.activation import ACTIVATIONS, get_activation

    names, seen = [], set()
    for name in ACTIVATIONS:
        cls = type(get_activation(name))
        if cls not in seen:
            seen.add(cls)
            names.append(name)
    return names


def plot_activations(
    names: Optional[Sequence[str]] = None,
    path: Optional[PathLike] = None,
    *,
    x_range: tuple[float, float] = (-5.0, 5.0),
    points: int = 401,
    pairs_per_row: int = 2,
    figsize: Optional[tuple[float, float]] = None,
    dpi: float = 100,
) -> "Figure":
    """Draw each activation f(x) and its derivative f'(x) side by side.

    Parameters
    ----------
    names : sequence of str, optional
        Names accepted by ``zeronn.nn.get_activation`` (e.g. ``["sigmoid", "relu"]``).
        Default: every activation in ``zeronn.nn.activation.ACTIVATIONS``
        (aliases drawn once).
    path : str or Path, optional
        Also save the figure there as a PNG of ``figsize * dpi`` pixels.
    x_range : (float, float), default (-5, 5)
        Inputs drawn.
    points : int, default 401
        Number of inputs in ``x_range`` (odd, so that 0 is one of them).
    pairs_per_row : int, default 2
        Activations per row; each takes two panels, f then f'.
    figsize : (float, float), optional
        Default: 2.4 x 2.1 inches per panel.
    dpi : float, default 100

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For an unknown activation name (the message lists the valid ones).
    """
    names = _default_names() if names is None else [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError("plot_activations needs at least one activation name")
    points = check_positive_int("points", points)
    pairs_per_row = check_positive_int("pairs_per_row", min(pairs_per_row, len(names)))
    low, high = float(x_range[0]), float(x_range[1])
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {tuple(x_range)}")
    x = np.linspace(low, high, points)                           # (points,) float64
    curves = [(name, *activation_curves(name, x)) for name in names]   # checks every name before drawing

    rows, cols = -(-len(names) // pairs_per_row), 2 * pairs_per_row
    figure = new_figure(figsize or (2.4 * cols, 2.1 * rows), dpi)
    for position, (name, values, slopes) in enumerate(curves):
        row, pair = divmod(position, pairs_per_row)
        for column, (curve, label, color) in enumerate(
            ((values, f"{name}(x)", class_color(0)), (slopes, f"{name}'(x)", class_color(1)))
        ):
            ax = figure.add_subplot(rows, cols, row * cols + 2 * pair + column + 1)
            ax.axhline(0.0, color="#999999", linewidth=0.6)
            ax.axvline(0.0, color="#999999", linewidth=0.6)
            ax.plot(x, curve, color=color, linewidth=1.6)
            ax.set_title(label, fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(True, alpha=0.25)
    return finish(figure, path, dpi)
