"""What a convolutional network looks at: its first-layer filters and the feature maps of one image.

- ``plot_conv_filters``: each output channel's kernel W[o] (in_channels, kh, kw)
  as a small picture, blue for negative weights and red for positive ones on
  one shared scale, so strong and weak filters can be compared;
- ``plot_feature_maps``: one image run through the model layer by layer,
  stopping at a chosen layer (default: the first ``Conv2d``), whose output
  channels are shown as images: where each filter "fires".
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np

from zeronn._validation import check_positive_int, format_shape
from zeronn.nn.layer import Layer
from zeronn.nn.sequential import Sequential
from zeronn.plot._inference import evaluation, model_dtype
from zeronn.plot._mpl import PathLike, finish, new_figure

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["find_conv", "resolve_layer", "run_until", "plot_conv_filters", "plot_feature_maps"]


def _conv_class() -> type:
    from zeronn.nn.conv import Conv2d

    return Conv2d


def find_conv(model: Layer, owner: str = "plot_conv_filters") -> Any:
    """Return ``model`` if it is a ``Conv2d``, else the first ``Conv2d`` inside it."""
    conv_class = _conv_class()
    if not isinstance(model, Layer):
        raise TypeError(f"{owner} expects a Conv2d layer or a model containing one, got {type(model).__name__}")
    for layer in model.modules():
        if isinstance(layer, conv_class):
            return layer
    raise ValueError(f"{owner}: the model has no Conv2d layer:\n{model!r}")


def resolve_layer(model: Layer, layer: Union[None, int, str, Layer]) -> Layer:
    """The layer whose output ``plot_feature_maps`` shows.

    None: the first Conv2d; int: ``model.layers[layer]``; str: a dotted name
    from ``model.named_modules()`` such as ``"0"`` or ``"features.0"``; a Layer:
    itself (it must be part of ``model``).
    """
    if layer is None:
        return find_conv(model, "plot_feature_maps")
    modules = dict(model.named_modules())
    if isinstance(layer, bool):
        raise TypeError(f"plot_feature_maps: layer must be None, an index, a name or a Layer, got {layer!r}")
    if isinstance(layer, (int, np.integer)):
        if not isinstance(model, Sequential):
            raise TypeError(f"plot_feature_maps: a layer index needs a Sequential model, got {type(model).__name__}")
        if not -len(model) <= layer < len(model):
            raise ValueError(f"plot_feature_maps: layer index {layer} is out of range for {len(model)} layers")
        return model.layers[layer]
    if isinstance(layer, str):
        if layer not in modules:
            raise ValueError(f"Unknown layer {layer!r}; valid choices are: {', '.join(n for n in modules if n)}")
        return modules[layer]
    if isinstance(layer, Layer):
        if not any(candidate is layer for candidate in modules.values()):
            raise ValueError(f"plot_feature_maps: {layer!r} is not part of the model")
        return layer
    raise TypeError(f"plot_feature_maps: layer must be None, an index, a name or a Layer, got {type(layer).__name__}")


def run_until(model: Layer, target: Layer, x: np.ndarray) -> tuple[bool, np.ndarray]:
    """Run ``x`` through ``model`` layer by layer; stop right after ``target``.

    Sequential models are stepped through one layer at a time (nested ones
    too); any other layer runs as a whole.  Returns ``(found, output)``:
    ``output`` is ``target``'s output when found, else the model's output.
    """
    if model is target:
        return True, model(x)
    if isinstance(model, Sequential):
        for child in model.layers:
            found, x = run_until(child, target, x)        # x: the output so far
            if found:
                return True, x
        return False, x
    if any(layer is target for layer in model.modules()):
        raise ValueError(
            f"plot_feature_maps can only step through Sequential models, but {target!r} sits inside "
            f"{type(model).__name__}; pass that layer's enclosing Sequential, or the layer index of the block"
        )
    return False, model(x)


def _as_batch_of_one(image: Any, dtype: np.dtype) -> np.ndarray:
    """(H, W), (C, H, W) or (1, C, H, W) -> float (1, C, H, W); uint8 pixels are scaled to [0, 1]."""
    array = np.asarray(image)
    if array.ndim == 2:
        array = array[None, None]                          # (1, 1, H, W)
    elif array.ndim == 3:
        array = array[None]                                # (1, C, H, W)
    if array.ndim != 4 or array.shape[0] != 1:
        raise ValueError(
            "plot_feature_maps expects one image of shape (H, W), (C, H, W) or (1, C, H, W), "
            f"got {format_shape(np.shape(image))}"
        )
    if array.dtype == np.uint8:
        return (array / 255.0).astype(dtype)               # the scaling of zeronn.datasets.to_float
    return array.astype(dtype)


def _panel_grid(count: int, cols: Optional[int]) -> tuple[int, int]:
    cols = cols or math.ceil(math.sqrt(count))
    return math.ceil(count / cols), cols


def _filter_pictures(weight: np.ndarray) -> tuple[list[np.ndarray], list[str], bool]:
    """One picture per (filter, input channel); colour (RGB) pictures when there are 3 input channels."""
    out_channels, in_channels = weight.shape[:2]
    if in_channels == 3:
        low, high = weight.min(), weight.max()
        scaled = (weight - low) / (high - low) if high > low else np.zeros_like(weight)
        pictures = [scaled[o].transpose(1, 2, 0) for o in range(out_channels)]     # (kh, kw, 3) each
        return pictures, [f"filter {o}" for o in range(out_channels)], True
    pictures, titles = [], []
    for o in range(out_channels):
        for c in range(in_channels):
            pictures.append(weight[o, c])                  # (kh, kw)
            titles.append(f"filter {o}" if in_channels == 1 else f"f{o} in {c}")
    return pictures, titles, False


def plot_conv_filters(
    conv_layer_or_model: Layer,
    path: Optional[PathLike] = None,
    *,
    max_filters: int = 64,
    cols: Optional[int] = None,
    figsize: Optional[tuple[float, float]] = None,
    dpi: float = 100,
) -> "Figure":
    """Show the kernels of a ``Conv2d`` (or of the first ``Conv2d`` of a model).

    Parameters
    ----------
    conv_layer_or_model : Conv2d or Layer
        The layer, or a model whose first Conv2d (in ``modules()`` order) is shown.
    path : str or Path, optional
        Also save the figure there as a PNG of ``figsize * dpi`` pixels.
    max_filters : int, default 64
        At most this many output channels are drawn.
    cols : int, optional
        Pictures per row.  With 1 input channel there is one picture per
        filter; with 3 one colour picture per filter; otherwise one per
        (filter, input channel) and by default one row per filter.
    figsize : (float, float), optional
        Default 1.2 inches per picture.
    dpi : float, default 100

    Returns
    -------
    matplotlib.figure.Figure
    """
    conv = find_conv(conv_layer_or_model)
    max_filters = check_positive_int("max_filters", max_filters)
    weight = np.asarray(conv.weight.data, dtype=np.float64)[:max_filters]      # (O, C, kh, kw)
    pictures, titles, colour = _filter_pictures(weight)
    in_channels = weight.shape[1]
    rows, cols = _panel_grid(len(pictures), cols or (in_channels if in_channels not in (1, 3) else None))
    figure = new_figure(figsize or (1.2 * cols + (0.8 if not colour else 0.0), 1.25 * rows + 0.4), dpi)
    limit = float(np.abs(weight).max()) or 1.0                                  # one colour scale for all
    image = None
    axes = []
    for position, (picture, title) in enumerate(zip(pictures, titles)):
        ax = figure.add_subplot(rows, cols, position + 1)
        image = ax.imshow(picture) if colour else ax.imshow(picture, cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_title(title, fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
        axes.append(ax)
    if not colour and image is not None:
        figure.colorbar(image, ax=axes, label="weight", shrink=0.8)
    figure.suptitle(f"Filters of {conv!r}", fontsize=10)
    return finish(figure, path, dpi)


def plot_feature_maps(
    model: Layer,
    image: Any,
    path: Optional[PathLike] = None,
    layer: Union[None, int, str, Layer] = None,
    *,
    max_channels: int = 32,
    cols: Optional[int] = None,
    cmap: str = "viridis",
    figsize: Optional[tuple[float, float]] = None,
    dpi: float = 100,
) -> "Figure":
    """Run one image through ``model`` and show the channels of one layer's output.

    Parameters
    ----------
    model : Layer
        Usually a ``Sequential`` CNN (stepped through layer by layer), or a
        single ``Conv2d``.  Run in eval mode under ``zeronn.no_grad()``.
    image : array-like of shape (H, W), (C, H, W) or (1, C, H, W)
        One input.  uint8 pixels are scaled to [0, 1] like
        ``zeronn.datasets.to_float``; floats are used as given.
    path : str or Path, optional
        Also save the figure there as a PNG of ``figsize * dpi`` pixels.
    layer : None, int, str or Layer, optional
        Whose output to show: default the first Conv2d; an int indexes
        ``model.layers`` (e.g. the ReLU after the conv); a str is a dotted
        name from ``named_modules()``.
    max_channels : int, default 32
        At most this many channels are drawn.
    cols : int, optional
        Panels per row (the input image takes the first panel).
    cmap : str, default "viridis"
    figsize : (float, float), optional
        Default 1.5 inches per panel.
    dpi : float, default 100

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For a wrong image shape, a model without Conv2d (default ``layer``),
        or a layer whose output is not (1, channels, H, W).
    """
    if not isinstance(model, Layer):
        raise TypeError(f"plot_feature_maps expects a zeronn model (Layer), got {type(model).__name__}")
    target = resolve_layer(model, layer)
    max_channels = check_positive_int("max_channels", max_channels)
    x = _as_batch_of_one(image, model_dtype(model))                 # (1, C, H, W)
    with evaluation(model):
        _, maps = run_until(model, target, x)                       # (1, O, H', W')
    maps = np.asarray(maps)
    if maps.ndim != 4:
        raise ValueError(
            f"plot_feature_maps shows images, but {target!r} outputs shape {format_shape(maps.shape)}; "
            "choose a convolution or pooling layer (or its activation)"
        )
    channels = maps[0, :max_channels].astype(np.float64)            # (O, H', W')
    rows, cols = _panel_grid(len(channels) + 1, cols)
    figure = new_figure(figsize or (1.5 * cols, 1.6 * rows + 0.4), dpi)
    panels = [("input", x[0].transpose(1, 2, 0) if x.shape[1] == 3 else x[0, 0], "gray")]
    panels += [(f"channel {k}", channel, cmap) for k, channel in enumerate(channels)]
    for position, (title, picture, colours) in enumerate(panels):
        ax = figure.add_subplot(rows, cols, position + 1)
        shown = picture.astype(np.float64)
        if shown.ndim == 3:                                         # RGB input: stretch to [0, 1]
            span = shown.max() - shown.min()
            shown = (shown - shown.min()) / span if span > 0 else np.zeros_like(shown)
        ax.imshow(shown, cmap=colours)
        ax.set_title(title, fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    figure.suptitle(f"Feature maps of {target!r}", fontsize=10)
    return finish(figure, path, dpi)
