"""Training curves: the tutorial's loss plot, and loss / metric curves of a ``History``.

Both functions accept what a training run leaves behind:

- a plain sequence of losses, one per iteration (the tutorial's ``loss_values``);
- a ``zeronn.train.History`` (its ``history`` dict of lists and ``epoch`` list);
- a plain dict of lists keyed like a History: ``"loss"``, ``"val_loss"``,
  ``"accuracy"``, ``"val_accuracy"``, ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from zeronn._validation import check_positive_int
from zeronn.plot._colors import class_color
from zeronn.plot._mpl import PathLike, finish, new_figure

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_loss", "plot_history", "history_series"]

#: History entries that are not curves of a metric (drawn only when asked for by name).
_NOT_METRICS = frozenset({"lr", "learning_rate", "time", "epoch_time", "seconds", "duration"})
_TRAIN_COLOR, _VAL_COLOR = class_color(0), class_color(1)


def _as_curve(name: str, values: Any) -> np.ndarray:
    """Turn a list of numbers (None allowed for a missing value) into a float64 array with NaN gaps."""
    try:
        curve = np.array([np.nan if v is None else v for v in values], dtype=np.float64)   # (epochs,)
    except (TypeError, ValueError):
        raise TypeError(f"history entry {name!r} must be a list of numbers, got {values!r:.100}") from None
    if curve.ndim != 1:
        raise ValueError(f"history entry {name!r} must be one number per epoch, got shape {curve.shape}")
    return curve


def history_series(history: Any) -> tuple[dict[str, np.ndarray], Optional[np.ndarray]]:
    """Return ``(curves, epochs)`` from a History or a dict of lists.

    ``epochs`` is the History's ``epoch`` list as given (None for a plain dict).
    """
    epochs = None
    if not isinstance(history, Mapping) and isinstance(getattr(history, "history", None), Mapping):
        epoch_list = getattr(history, "epoch", None)
        epochs = None if epoch_list is None else np.asarray(epoch_list, dtype=np.float64)
        history = history.history
    if not isinstance(history, Mapping):
        raise TypeError(
            "expected a History (from zeronn.train.fit) or a dict of lists such as "
            f"{{'loss': [...], 'val_loss': [...]}}, got {type(history).__name__}"
        )
    curves = {str(name): _as_curve(str(name), values) for name, values in history.items()}
    if not curves or all(len(c) == 0 for c in curves.values()):
        raise ValueError("the history is empty: train for at least one epoch before plotting it")
    return curves, epochs


def _epoch_axis(curves: dict[str, np.ndarray], epochs: Optional[np.ndarray]) -> np.ndarray:
    """x values for the curves: epoch numbers counted from 1 (a History counts from 0, as Keras)."""
    length = max(len(c) for c in curves.values())
    if epochs is not None and len(epochs) == length:
        return epochs + 1.0
    return np.arange(1, length + 1, dtype=np.float64)


def _best_point(x: np.ndarray, curves: dict[str, np.ndarray], name: str) -> Optional[tuple[str, float, float]]:
    """(key, epoch, value) of the best value of ``val_name`` (else ``name``): lowest, or highest for accuracies."""
    from zeronn.train.history import higher_is_better

    for key in (f"val_{name}", name):
        curve = curves.get(key)
        if curve is None or not np.isfinite(curve).any():
            continue
        finite = np.where(np.isfinite(curve), curve, -np.inf if higher_is_better(key) else np.inf)
        index = int(np.argmax(finite) if higher_is_better(key) else np.argmin(finite))   # the first best
        return key, float(x[index]), float(curve[index])
    return None


def _draw_pair(ax: "Axes", x: np.ndarray, curves: dict[str, np.ndarray], name: str, logy: bool, *,
               mark_best: bool = True, restored_epoch: Optional[int] = None) -> None:
    """Draw ``name`` (training) and ``val_name`` (validation) on one axes, with the best and restored epochs."""
    from matplotlib.ticker import MaxNLocator

    drawn = False
    length = 0
    for key, label, color in ((name, "train", _TRAIN_COLOR), (f"val_{name}", "validation", _VAL_COLOR)):
        curve = curves.get(key)
        if curve is None or not np.isfinite(curve).any():
            continue
        marker = "o" if len(curve) <= 30 else None
        ax.plot(x[: len(curve)], curve, label=label, color=color, marker=marker, markersize=3 if len(curve) > 1 else 6)
        if len(curve) == 1:                          # a single epoch: a dot, with its value written beside it
            ax.annotate(f"{curve[0]:.4g}", (x[0], curve[0]), textcoords="offset points", xytext=(8, 0),
                        va="center", color=color)
        length = max(length, len(curve))
        drawn = True
    best = _best_point(x, curves, name) if drawn and mark_best and length > 1 else None
    if best is not None:
        key, epoch, value = best
        ax.plot([epoch], [value], linestyle="none", marker="*", markersize=12, color="#ffbf00",
                markeredgecolor="black", markeredgewidth=0.6, zorder=5,
                label=f"best {key.replace('_', ' ')}: epoch {epoch:.0f}")
    if restored_epoch is not None and drawn:
        ax.axvline(restored_epoch, color="#555555", linestyle="--", linewidth=1.0,
                   label=f"weights restored: epoch {restored_epoch}")
    ax.set_title(name.replace("_", " "))
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))     # epochs are whole numbers
    if length == 1:
        ax.set_xlim(0.5, 1.5)
        ax.set_xticks([1])
    ax.set_ylabel(name.replace("_", " "))
    ax.grid(True, alpha=0.3)
    if logy and drawn:
        ax.set_yscale("log")
    if drawn:
        ax.legend(fontsize=8)


def _default_panels(curves: dict[str, np.ndarray]) -> list[str]:
    """"loss" first, then every metric (train or validation) in the order the history lists them."""
    names: list[str] = []
    for key in curves:
        base = key[4:] if key.startswith("val_") else key
        if base not in names and base not in _NOT_METRICS:
            names.append(base)
    if "loss" in names:
        names.remove("loss")
        names.insert(0, "loss")
    return names


def plot_loss(
    losses: Any,
    path: Optional[PathLike] = None,
    *,
    title: str = "Training loss",
    xlabel: Optional[str] = None,
    logy: bool = False,
    figsize: tuple[float, float] = (6.0, 4.0),
    dpi: float = 100,
) -> "Figure":
    """Plot a loss curve, as the tutorial's ``plt.plot(loss_values)``.

    Parameters
    ----------
    losses : sequence of float, History, or dict of lists
        One loss per iteration (x axis "iteration"), or a training history
        (x axis "epoch"; its ``"loss"`` and, when present, ``"val_loss"``).
    path : str or Path, optional
        Also save the figure there as a PNG of ``figsize * dpi`` pixels.
    title, xlabel : str, optional
        Axes title and x-axis label.
    logy : bool, default False
        Logarithmic loss axis (useful when the loss falls by orders of magnitude).
    figsize : (float, float), default (6, 4)
        Size in inches.
    dpi : float, default 100
        Pixels per inch of the saved PNG.

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure = new_figure(figsize, dpi)
    ax = figure.add_subplot()
    if isinstance(losses, Mapping) or isinstance(getattr(losses, "history", None), Mapping):
        curves, epochs = history_series(losses)
        if "loss" not in curves:
            raise ValueError(f"the history has no 'loss' entry (it has: {', '.join(curves)})")
        _draw_pair(ax, _epoch_axis(curves, epochs), curves, "loss", logy)
        ax.set_xlabel(xlabel or "epoch")
    else:
        curve = _as_curve("losses", losses)
        if curve.size == 0:
            raise ValueError("plot_loss needs at least one loss value, got an empty sequence")
        ax.plot(np.arange(1, curve.size + 1), curve, color=_TRAIN_COLOR)
        ax.set_xlabel(xlabel or "iteration")
        ax.set_ylabel("loss")
        ax.grid(True, alpha=0.3)
        if logy:
            ax.set_yscale("log")
    ax.set_title(title)
    return finish(figure, path, dpi)


def plot_history(
    history: Any,
    path: Optional[PathLike] = None,
    *,
    metrics: Optional[Sequence[str]] = None,
    logy: bool = False,
    mark_best: bool = True,
    restored_epoch: Optional[int] = None,
    figsize: Optional[tuple[float, float]] = None,
    dpi: float = 100,
) -> "Figure":
    """Plot loss and metric curves, training and validation, one panel per quantity side by side.

    Each panel marks its best epoch with a star (the validation curve's when
    there is one: lowest loss, highest accuracy), and ``restored_epoch`` draws
    a dashed line where ``EarlyStopping(restore_best_weights=True)`` took the
    final weights from.  A one-epoch history shows its values as labelled dots.

    Parameters
    ----------
    history : History or dict of lists
        ``zeronn.train.History`` (from ``fit``) or a dict such as
        ``{"loss": [...], "val_loss": [...], "accuracy": [...], "val_accuracy": [...]}``.
    path : str or Path, optional
        Also save the figure there as a PNG of ``figsize * dpi`` pixels.
    metrics : sequence of str, optional
        Panels to draw, e.g. ``("loss", "accuracy", "lr")``; each shows the
        entry and its ``"val_"`` twin.  Default: ``"loss"`` and every metric in
        the history (not bookkeeping entries such as ``"lr"``).
    logy : bool, default False
        Logarithmic y axis for the loss panel.
    mark_best : bool, default True
        Mark the best epoch of each panel with a star.
    restored_epoch : int, optional
        The epoch (counted from 1, as printed during training) whose weights
        the model kept, e.g. ``EarlyStopping.restored_epoch``.
    figsize : (float, float), optional
        Default: 4.5 x 3.5 inches per panel.
    dpi : float, default 100

    Returns
    -------
    matplotlib.figure.Figure
    """
    curves, epochs = history_series(history)
    if restored_epoch is not None:
        restored_epoch = check_positive_int("restored_epoch", restored_epoch)
    panels = list(metrics) if metrics is not None else _default_panels(curves)
    unknown = [name for name in panels if name not in curves and f"val_{name}" not in curves]
    if unknown or not panels:
        raise ValueError(
            f"cannot plot {unknown or 'nothing'}: the history has {', '.join(curves)}"
        )
    figure = new_figure(figsize or (4.5 * len(panels), 3.5), dpi)
    x = _epoch_axis(curves, epochs)
    for position, name in enumerate(panels):
        ax = figure.add_subplot(1, len(panels), position + 1)
        _draw_pair(ax, x, curves, name, logy and name == "loss", mark_best=mark_best, restored_epoch=restored_epoch)
    return finish(figure, path, dpi)
