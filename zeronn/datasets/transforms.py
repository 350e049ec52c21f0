"""Turning uint8 images into network inputs: scale to [0, 1], add the channel axis, standardise.

>>> import numpy as np
>>> images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)        # (1, 2, 2)
>>> x = as_images(to_float(images))                                  # (1, 1, 2, 2), float32
>>> x.dtype, x.shape, x.ravel().tolist()
(dtype('float32'), (1, 1, 2, 2), [0.0, 1.0, 0.20000000298023224, 0.4000000059604645])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from zeronn._validation import format_shape
from zeronn.dtype import resolve_dtype

__all__ = ["to_float", "as_images", "normalize"]


def to_float(images: Any, *, dtype: Any = None) -> np.ndarray:
    """Scale uint8 pixels 0-255 to floats in [0, 1]:  x = images / 255.

    Parameters
    ----------
    images : array_like of uint8
        Any shape, e.g. (N, 28, 28).  Float arrays already in [0, 1] are
        returned converted to ``dtype`` (so calling this twice is harmless).
    dtype : float32 or float64, optional
        Result dtype; the library default (float32) when omitted.

    Returns
    -------
    ndarray of the same shape, values in [0, 1].

    Raises
    ------
    ValueError
        Float input with values outside [0, 1] (it was probably not scaled
        yet: pass the uint8 array), or an integer type other than uint8.
    """
    dtype = resolve_dtype(dtype)
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images.astype(dtype) / dtype.type(255.0)
    if images.dtype.kind == "f":
        if images.size and (np.nanmin(images) < 0.0 or np.nanmax(images) > 1.0):
            raise ValueError(
                f"to_float expects uint8 pixels (0-255) or floats already in [0, 1], got {images.dtype} values "
                f"in [{np.nanmin(images):g}, {np.nanmax(images):g}]; pass the uint8 images as loaded"
            )
        return images.astype(dtype, copy=False)
    raise ValueError(f"to_float expects uint8 pixels (0-255) or floats in [0, 1], got dtype {images.dtype}")


def as_images(x: Any) -> np.ndarray:
    """Give a batch of grey images the channel axis that ``Conv2d`` expects (NCHW).

    (N, H, W) -> (N, 1, H, W);  (N, D) with D a square, e.g. 784 -> (N, 1, 28, 28);
    (N, C, H, W) is returned unchanged.  No data is copied.
    """
    x = np.asarray(x)
    if x.ndim == 4:
        return x
    if x.ndim == 3:
        return x[:, None, :, :]                                         # (N, 1, H, W)
    if x.ndim == 2:
        side = math.isqrt(x.shape[1])
        if side * side == x.shape[1]:
            return x.reshape(x.shape[0], 1, side, side)                 # (N, 1, side, side)
        raise ValueError(
            f"as_images cannot make square images from {x.shape[1]} values per sample "
            f"(input shape {format_shape(x.shape)}); reshape to (N, H, W) first"
        )
    raise ValueError(f"as_images expects (N, H, W), (N, H*W) or (N, C, H, W), got {format_shape(x.shape)}")


def normalize(x: Any, mean: Union[float, Sequence[float]], std: Union[float, Sequence[float]]) -> np.ndarray:
    """Standardise:  (x - mean) / std, per channel when given sequences (axis 1 of NCHW).

    For MNIST use ``normalize(to_float(x), MNIST_MEAN, MNIST_STD)`` (0.1307, 0.3081).
    The result keeps a float ``x``'s dtype (float32 stays float32); integers become float32.
    """
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    mean_arr = np.asarray(mean, dtype=dtype)
    std_arr = np.asarray(std, dtype=dtype)
    if mean_arr.ndim > 1 or std_arr.ndim > 1:
        raise ValueError(f"normalize takes a number or one value per channel for mean and std, "
                         f"got shapes {format_shape(mean_arr.shape)} and {format_shape(std_arr.shape)}")
    if np.any(std_arr <= 0):
        raise ValueError(f"normalize needs std > 0, got {std!r}")
    if mean_arr.ndim == 1 or std_arr.ndim == 1:
        channels = max(mean_arr.size, std_arr.size)
        sizes_fit = mean_arr.size in (1, channels) and std_arr.size in (1, channels)
        if x.ndim < 2 or x.shape[1] != channels or not sizes_fit:
            raise ValueError(
                f"normalize got {mean_arr.size} means and {std_arr.size} stds for input of shape "
                f"{format_shape(x.shape)}; per-channel values must match axis 1 (channels)"
            )
        extra = (1,) * (x.ndim - 2)
        mean_arr = mean_arr.reshape(-1, *extra)
        std_arr = std_arr.reshape(-1, *extra)
    return (x.astype(dtype, copy=False) - mean_arr) / std_arr
