"""Image files to model inputs: grayscale, inversion rule, resizing, scaling."""

from __future__ import annotations

import numpy as np
import pytest

from zeronn.cli.errors import CLIError
from zeronn.cli.images import is_image_path, light_background, load_image

Image = pytest.importorskip("PIL.Image")


def save(tmp_path, array, name="img.png", mode=None):
    path = tmp_path / name
    Image.fromarray(array, mode=mode).save(path)
    return str(path)


def ink_on_paper(size=56):
    """Black vertical bar on white paper."""
    picture = np.full((size, size), 255, dtype=np.uint8)
    picture[size // 4: 3 * size // 4, size // 2 - 3: size // 2 + 3] = 0
    return picture


def test_light_background_is_inverted_and_resized(tmp_path):
    image, inverted = load_image(save(tmp_path, ink_on_paper()), (1, 28, 28))
    assert inverted
    assert image.shape == (1, 28, 28) and image.dtype == np.float32
    assert image[0, 0, 0] == pytest.approx(0.0)            # the paper became black
    assert image[0, 14, 14] > 0.9                          # the ink became white
    assert 0.0 <= image.min() and image.max() <= 1.0


def test_dark_background_is_kept(tmp_path):
    image, inverted = load_image(save(tmp_path, 255 - ink_on_paper(), "dark.jpg"), (1, 8, 8))
    assert not inverted and image.shape == (1, 8, 8)
    assert image[0, 0, 0] < 0.1


def test_invert_override(tmp_path):
    path = save(tmp_path, ink_on_paper())
    assert not load_image(path, (1, 28, 28), invert="no")[1]
    assert load_image(save(tmp_path, 255 - ink_on_paper(), "d.png"), (1, 28, 28), invert="yes")[1]


def test_transparent_background_counts_as_paper(tmp_path):
    rgba = np.zeros((40, 40, 4), dtype=np.uint8)           # fully transparent black...
    rgba[10:30, 18:22] = (0, 0, 0, 255)                    # ...with an opaque black stroke
    image, inverted = load_image(save(tmp_path, rgba, "t.png"), (1, 28, 28))
    assert inverted and image[0, 0, 0] == pytest.approx(0.0) and image[0, 14, 14] > 0.5


def test_colour_image_to_grey_or_rgb(tmp_path):
    rgb = np.zeros((30, 20, 3), dtype=np.uint8)
    rgb[..., 0] = 200
    path = save(tmp_path, rgb, "c.png")
    assert load_image(path, (1, 28, 28))[0].shape == (1, 28, 28)
    assert load_image(path, (3, 32, 32))[0].shape == (3, 32, 32)


def test_light_background_rule_uses_the_border():
    frame = np.zeros((20, 20))
    frame[0, :] = frame[-1, :] = frame[:, 0] = frame[:, -1] = 255
    assert light_background(frame)                         # white border, black middle
    assert not light_background(255 - frame)


def test_errors(tmp_path):
    with pytest.raises(CLIError, match="this model takes input of shape \\(2,\\), not images"):
        load_image("x.png", (2,))
    with pytest.raises(FileNotFoundError, match="image file not found"):
        load_image(str(tmp_path / "missing.png"), (1, 28, 28))
    fake = tmp_path / "fake.png"
    fake.write_text("not a picture")
    with pytest.raises(CLIError, match="cannot read .*fake.png as an image"):
        load_image(str(fake), (1, 28, 28))


def test_is_image_path():
    assert is_image_path("a/B.PNG") and is_image_path("x.jpeg") and not is_image_path("rows.csv")
