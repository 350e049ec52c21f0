"""Turn an image file (PNG, JPEG, ... of any size) into the input of an image model.

The rule, applied by ``zeronn predict``:

1. Open with Pillow, apply the EXIF rotation, and paint transparent pixels
   white (a drawing exported with a transparent background becomes ink on paper).
2. Convert to grayscale (or RGB for a three-channel model).
3. Invert when the background is light: the models are trained on MNIST-style
   pictures, light strokes on a dark background, while photos and drawings
   usually show dark ink on white paper.  "Background" means the pixels of the
   outer frame (the border 5% of the width and height, at least one pixel);
   when their mean is above 127.5 (mid-grey on the 0-255 scale) the image is
   inverted, value -> 255 - value.  ``--invert yes`` / ``--invert no`` override
   the rule.
4. Resize to the model's input size (height x width, e.g. 28 x 28) with
   Lanczos resampling; the aspect ratio is not kept, so a square crop around
   the object works best.
5. Scale to [0, 1] (value / 255), as the training images were.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from zeronn.cli.errors import CLIError

__all__ = ["IMAGE_SUFFIXES", "INVERT_CHOICES", "is_image_path", "load_image", "light_background"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".pgm", ".ppm")
INVERT_CHOICES = ("auto", "yes", "no")


def is_image_path(path: str) -> bool:
    """Whether ``path`` names an image file by its suffix."""
    return path.lower().endswith(IMAGE_SUFFIXES)


def _pillow() -> Any:
    try:
        from PIL import Image, ImageOps
    except ImportError:
        raise ImportError("reading images needs Pillow: pip install pillow") from None
    return Image, ImageOps


def light_background(gray: np.ndarray) -> bool:
    """True when the outer frame of a grayscale image (0-255) averages above mid-grey (127.5).

    The frame is the border 5% of the height and of the width, at least one pixel.
    """
    height, width = gray.shape
    bh, bw = max(1, round(height * 0.05)), max(1, round(width * 0.05))
    frame = np.concatenate([
        gray[:bh].ravel(), gray[-bh:].ravel(),               # top and bottom rows
        gray[:, :bw].ravel(), gray[:, -bw:].ravel(),         # left and right columns
    ])
    return bool(frame.mean() > 127.5)


def load_image(path: str, input_shape: tuple[int, ...], *, invert: str = "auto") -> tuple[np.ndarray, bool]:
    """Read ``path`` and prepare it for a model taking ``input_shape`` = (channels, height, width).

    Returns
    -------
    image : ndarray of shape input_shape, float32 in [0, 1]
    inverted : bool
        Whether the image was inverted (light background).
    """
    Image, ImageOps = _pillow()
    if len(input_shape) != 3 or input_shape[0] not in (1, 3):
        raise CLIError(
            f"this model takes input of shape {tuple(input_shape)}, not images; give a CSV file of rows instead"
        )
    channels, height, width = input_shape
    if not os.path.isfile(path):
        raise FileNotFoundError(f"image file not found: {path}")
    try:
        with Image.open(path) as opened:
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except (OSError, SyntaxError, ValueError) as error:
        raise CLIError(f"cannot read {path} as an image: {error}") from None
    if picture.mode in ("RGBA", "LA", "P", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        picture = Image.alpha_composite(paper, rgba)          # transparent -> white
    gray = np.asarray(picture.convert("L"), dtype=np.float32)                 # (h, w) in 0..255
    inverted = light_background(gray) if invert == "auto" else invert == "yes"
    converted = picture.convert("L" if channels == 1 else "RGB")
    if inverted:
        converted = ImageOps.invert(converted)
    resized = converted.resize((width, height), Image.Resampling.LANCZOS)
    pixels = np.asarray(resized, dtype=np.float32) / np.float32(255.0)       # (H, W) or (H, W, 3)
    image = pixels[None] if channels == 1 else pixels.transpose(2, 0, 1)    # (C, H, W)
    return np.ascontiguousarray(image), inverted
