"""Pictures of what the training doctor recorded: activations, gradient norms, update/weight ratios.

>>> doctor = Doctor()
>>> zeronn.fit(model, x, y, ..., callbacks=[doctor])                 # doctest: +SKIP
>>> plot_activation_histograms(doctor, "activations.png")            # doctest: +SKIP
>>> plot_gradient_stats(doctor, "gradients.png")                     # doctest: +SKIP
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from zeronn._validation import check_positive_int
from zeronn.plot._colors import class_color
from zeronn.plot._mpl import PathLike, finish, new_figure

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.figure import Figure

    from zeronn.doctor.recorder import TrainingRecord

__all__ = ["plot_activation_histograms", "plot_gradient_stats", "UPDATE_RATIO_GUIDE"]

#: log10 of the update/weight ratio that CS231n calls healthy (about 1e-3), drawn as a line.
UPDATE_RATIO_GUIDE = -3.0

#: Value bins of each layer's histogram.
_BINS = 40


def _record_of(source: Any) -> "TrainingRecord":
    from zeronn.doctor.doctor import Doctor
    from zeronn.doctor.recorder import TrainingRecord

    if isinstance(source, Doctor):
        if source.record is None:
            raise ValueError("the doctor has recorded nothing yet: train with it first")
        source = source.record
    if not isinstance(source, TrainingRecord):
        raise TypeError(f"expected a zeronn.doctor.Doctor or its TrainingRecord, got {type(source).__name__}")
    if not source.sampled_steps:
        raise ValueError("the doctor has recorded no sampled step yet: train for at least one step")
    return source


def plot_activation_histograms(source: Any, path: Optional[PathLike] = None, *, max_layers: int = 8,
                               dpi: float = 100) -> "Figure":
    """One panel per layer: the histogram of its outputs (colour) at each sampled step (x axis).

    A healthy layer keeps a broad band; a band collapsing onto 0 (dead ReLUs)
    or onto the limits of a sigmoid/tanh (saturation) shows trouble.  Layers
    with activation functions are shown first (at most ``max_layers`` panels).

    Parameters
    ----------
    source : Doctor or TrainingRecord
    path : str or path, optional
        Write a PNG there.
    max_layers : int, default 8
    dpi : float, default 100
    """
    record = _record_of(source)
    max_layers = check_positive_int("max_layers", max_layers)
    layers = [info for info in record.layers if any(v is not None for v in record.samples[info.label])]
    preferred = [info for info in layers if not info.has_parameters] or layers
    shown = preferred[:max_layers]
    if not shown:
        raise ValueError("no layer output was recorded")
    columns = min(4, len(shown))
    rows = math.ceil(len(shown) / columns)
    figure = new_figure((3.2 * columns, 2.6 * rows))
    steps = np.asarray(record.sampled_steps, dtype=float)                 # (S,)
    for number, info in enumerate(shown):
        axes = figure.add_subplot(rows, columns, number + 1)
        samples = record.samples[info.label]
        values = [v for v in samples if v is not None and v.size]
        low = float(min(v.min() for v in values))
        high = float(max(v.max() for v in values))
        if not (math.isfinite(low) and math.isfinite(high)):
            axes.set_title(f"{info.label}: non-finite", fontsize=9)
            continue
        if high <= low:
            low, high = low - 0.5, high + 0.5
        edges = np.linspace(low, high, _BINS + 1)                          # (B + 1,)
        counts = np.zeros((_BINS, len(samples)))                           # (B, S)
        for column, v in enumerate(samples):
            if v is not None and v.size:
                counts[:, column] = np.histogram(v[np.isfinite(v)], bins=edges)[0]
        axes.imshow(np.log1p(counts), aspect="auto", origin="lower", cmap="viridis", interpolation="nearest",
                    extent=(steps[0], steps[-1] if len(steps) > 1 else steps[0] + 1, low, high))
        axes.set_title(info.label, fontsize=9)
        axes.set_xlabel("step", fontsize=8)
        axes.set_ylabel("output value", fontsize=8)
        axes.tick_params(labelsize=7)
    figure.suptitle("Layer outputs over training (colour: log count)", fontsize=10)
    return finish(figure, path, dpi)


def plot_gradient_stats(source: Any, path: Optional[PathLike] = None, *, dpi: float = 100) -> "Figure":
    """Two panels over the sampled steps: each layer's gradient norm (log scale) and log10 update/weight ratio.

    The dashed line at -3 marks an update of 1/1000 of the weights, about
    what CS231n calls healthy: far below, learning is slow (learning rate too
    low, or vanishing gradients); far above, it is unstable (too high).

    Parameters
    ----------
    source : Doctor or TrainingRecord
    path : str or path, optional
    dpi : float, default 100
    """
    record = _record_of(source)
    layers = record.parameter_layers()
    if not layers:
        raise ValueError("the model has no layer with parameters: there are no gradients to draw")
    figure = new_figure((10, 3.8))
    norms_axes = figure.add_subplot(1, 2, 1)
    ratio_axes = figure.add_subplot(1, 2, 2)
    steps = np.asarray(record.sampled_steps, dtype=float)
    for number, info in enumerate(layers):
        color = class_color(number)
        norms = np.asarray(record.grad_norms[info.label], dtype=float)
        positive = np.where(norms > 0, norms, np.nan)
        norms_axes.plot(steps[: len(norms)], positive, color=color, label=info.label, linewidth=1.2)
        ratios = np.asarray(record.update_ratios[info.label], dtype=float)
        with np.errstate(all="ignore"):
            logs = np.where(ratios > 0, np.log10(ratios), np.nan)
        ratio_axes.plot(steps[: len(logs)], logs, color=color, label=info.label, linewidth=1.2)
    norms_axes.set_yscale("log")
    norms_axes.set_title("gradient norm per layer", fontsize=10)
    norms_axes.set_xlabel("step")
    norms_axes.set_ylabel("|dL/dW|")
    ratio_axes.axhline(UPDATE_RATIO_GUIDE, color="#444444", linestyle="--", linewidth=1, label="-3 (healthy)")
    ratio_axes.set_title("log10(|update| / |weights|) per layer", fontsize=10)
    ratio_axes.set_xlabel("step")
    ratio_axes.set_ylabel("log10 ratio")
    ratio_axes.legend(fontsize=7, loc="best")
    if len(layers) <= 10:
        norms_axes.legend(fontsize=7, loc="best")
    return finish(figure, path, dpi)
