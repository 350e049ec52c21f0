"""Turn an image file (PNG, JPEG, ... of any size) into the input of an image model.

The rule (``zeronn predict`` applies it to every image):

1. Open with Pillow; refuse pictures of more than ``MAX_IMAGE_PIXELS`` pixels
   before decoding them (a 30000 x 30000 "decompression bomb" would need
   gigabytes); apply the EXIF rotation; paint transparent pixels white (a
   drawing exported with a transparent background becomes ink on paper).
2. Convert to grayscale (or RGB for a three-channel model).  16-bit and
   floating-point grayscale pictures are scaled to the 0-255 range by their
   bit depth (a 16-bit value v becomes v * 255 / 65535), not clipped.
3. Invert when the background is light: the models are trained on MNIST-style
   pictures, light strokes on a dark background, while photos and drawings
   usually show dark ink on white paper.  "Background" means the pixels of the
   outer frame (the border 5% of the width and height, at least one pixel);
   when their mean is above 127.5 (mid-grey on the 0-255 scale) the image is
   inverted, value -> 255 - value.  ``invert="yes"`` / ``"no"`` override the rule.
4. Resize to the model's input size (height x width, e.g. 28 x 28) with
   Lanczos resampling; the aspect ratio is not kept, so a square crop around
   the object works best.
5. Scale to [0, 1] (value / 255), as the training images were.

>>> x = load_image("digit.png", (1, 28, 28))          # doctest: +SKIP
>>> x.shape, x.dtype
((1, 28, 28), dtype('float32'))
"""

from __future__ import annotations

import os
from typing import Any, Union

import numpy as np

__all__ = [
    "IMAGE_SUFFIXES", "INVERT_CHOICES", "MAX_IMAGE_PIXELS", "is_image_path", "load_image", "prepare_image",
    "light_background",
]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".pgm", ".ppm")
INVERT_CHOICES = ("auto", "yes", "no")
#: Larger pictures are refused before decoding (64 megapixels, e.g. 8000 x 8000).
MAX_IMAGE_PIXELS = 64_000_000
PathLike = Union[str, "os.PathLike[str]"]


def is_image_path(path: PathLike) -> bool:
    """Whether ``path`` names an image file by its suffix."""
    return os.fspath(path).lower().endswith(IMAGE_SUFFIXES)


def _pillow() -> Any:
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("reading images needs Pillow: pip install pillow (or pip install 'zeronn[plot]')") from None
    return Image


def light_background(gray: np.ndarray) -> bool:
    """True when the outer frame of a grayscale image (0-255, shape (h, w)) averages above mid-grey (127.5).

    The frame is the border 5% of the height and of the width, at least one pixel.
    """
    height, width = gray.shape
    bh, bw = max(1, round(height * 0.05)), max(1, round(width * 0.05))
    frame = np.concatenate([
        gray[:bh].ravel(), gray[-bh:].ravel(),               # top and bottom rows
        gray[:, :bw].ravel(), gray[:, -bw:].ravel(),         # left and right columns
    ])
    return bool(frame.mean() > 127.5)


def _check_input_shape(input_shape: Any) -> tuple[int, int, int]:
    shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else ()
    if (len(shape) != 3 or shape[0] not in (1, 3)
            or not all(isinstance(d, (int, np.integer)) and d > 0 for d in shape)):
        raise ValueError(
            f"images become inputs of shape (channels, height, width) with 1 or 3 channels; this model takes "
            f"{tuple(input_shape) if isinstance(input_shape, (tuple, list)) else input_shape!r}"
            " (give rows of numbers, e.g. a CSV file, instead)"
        )
    return int(shape[0]), int(shape[1]), int(shape[2])


def _open(path: str) -> Any:
    """Open, check the size before decoding, decode and apply the EXIF rotation."""
    Image = _pillow()
    from PIL import ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            width, height = opened.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValueError(
                    f"{path} is too large: {width} x {height} pixels, more than the limit of "
                    f"{MAX_IMAGE_PIXELS:,} pixels (zeronn.data.images.MAX_IMAGE_PIXELS); shrink it first"
                )
            picture = ImageOps.exif_transpose(opened)
            picture.load()
            return picture
    except Image.DecompressionBombError as error:
        raise ValueError(f"{path} is too large to decode safely: {error}") from None
    except UnidentifiedImageError:
        raise ValueError(f"{path} is not an image Pillow can read (PNG, JPEG, BMP, GIF, WebP, TIFF...)") from None
    except (OSError, SyntaxError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ValueError(f"cannot read {path} as an image: {' '.join(str(error).split())}") from None


def _to_8bit_gray(picture: Any) -> Any:
    """16-bit / 32-bit / float grayscale -> 8-bit grayscale, scaled by bit depth (not clipped)."""
    Image = _pillow()
    values = np.asarray(picture, dtype=np.float64)                 # (h, w)
    if picture.mode.startswith("I;16"):
        scaled = values * (255.0 / 65535.0)
    elif picture.mode == "F":
        top = float(np.nanmax(values)) if values.size else 0.0
        scaled = values * 255.0 if top <= 1.0 else values
    else:                                                          # "I": 32-bit integers (16-bit PNGs often open so)
        top = float(values.max()) if values.size else 0.0
        scaled = values if top <= 255 else values * (255.0 / (65535.0 if top <= 65535 else top))
    gray = np.clip(np.nan_to_num(scaled), 0, 255).round().astype(np.uint8)
    return Image.fromarray(gray, mode="L")


def _flatten_transparency(picture: Any) -> Any:
    Image = _pillow()
    if picture.mode in ("RGBA", "LA", "P", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba)                  # transparent -> white
    return picture


def prepare_image(path: PathLike, input_shape: tuple[int, ...], *, invert: str = "auto") -> tuple[np.ndarray, bool]:
    """Like ``load_image``, and also say whether the picture was inverted.

    Returns
    -------
    image : ndarray of shape input_shape, float32 in [0, 1]
    inverted : bool
    """
    from PIL import ImageOps

    if invert not in INVERT_CHOICES:
        raise ValueError(f"invert must be one of {', '.join(INVERT_CHOICES)}, got {invert!r}")
    channels, height, width = _check_input_shape(input_shape)
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"image file not found: {path}")
    picture = _open(path)
    if picture.mode.startswith("I") or picture.mode == "F":
        picture = _to_8bit_gray(picture)
    picture = _flatten_transparency(picture)
    gray = np.asarray(picture.convert("L"), dtype=np.float32)                 # (h, w) in 0..255
    inverted = light_background(gray) if invert == "auto" else invert == "yes"
    converted = picture.convert("L" if channels == 1 else "RGB")
    if inverted:
        converted = ImageOps.invert(converted)
    resized = converted.resize((width, height), _pillow().Resampling.LANCZOS)
    pixels = np.asarray(resized, dtype=np.float32) / np.float32(255.0)       # (H, W) or (H, W, 3)
    image = pixels[None] if channels == 1 else pixels.transpose(2, 0, 1)    # (C, H, W)
    return np.ascontiguousarray(image), inverted


def load_image(path: PathLike, input_shape: tuple[int, ...] = (1, 28, 28), *, invert: str = "auto") -> np.ndarray:
    """Read ``path`` and prepare it for a model taking ``input_shape`` = (channels, height, width).

    Parameters
    ----------
    path : str or os.PathLike
    input_shape : (channels, height, width), default (1, 28, 28)
        Channels 1 (grayscale) or 3 (RGB).
    invert : {"auto", "yes", "no"}, default "auto"
        "auto" inverts pictures with a light background (see the module docstring).

    Returns
    -------
    ndarray of shape input_shape, float32 in [0, 1]

    Raises
    ------
    FileNotFoundError
    ValueError
        Not an image, too many pixels, or an input shape that is not an image's.
    """
    return prepare_image(path, input_shape, invert=invert)[0]
