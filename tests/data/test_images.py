"""Image files to model inputs: grayscale, inversion rule, resizing, scaling."""

from __future__ import annotations

import numpy as np
import pytest

from zeronn.data.images import light_background, load_image, prepare_image

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
    image, inverted = prepare_image(save(tmp_path, ink_on_paper()), (1, 28, 28))
    assert inverted
    assert image.shape == (1, 28, 28) and image.dtype == np.float32
    assert image[0, 0, 0] == pytest.approx(0.0)            # the paper became black
    assert image[0, 14, 14] > 0.9                          # the ink became white
    assert 0.0 <= image.min() and image.max() <= 1.0


def test_dark_background_is_kept(tmp_path):
    image, inverted = prepare_image(save(tmp_path, 255 - ink_on_paper(), "dark.jpg"), (1, 8, 8))
    assert not inverted and image.shape == (1, 8, 8)
    assert image[0, 0, 0] < 0.1


def test_invert_override(tmp_path):
    path = save(tmp_path, ink_on_paper())
    assert not prepare_image(path, (1, 28, 28), invert="no")[1]
    assert prepare_image(save(tmp_path, 255 - ink_on_paper(), "d.png"), (1, 28, 28), invert="yes")[1]
    with pytest.raises(ValueError, match="invert must be one of auto, yes, no, got 'maybe'"):
        load_image(path, invert="maybe")


def test_transparent_background_counts_as_paper(tmp_path):
    rgba = np.zeros((40, 40, 4), dtype=np.uint8)           # fully transparent black...
    rgba[10:30, 18:22] = (0, 0, 0, 255)                    # ...with an opaque black stroke
    image, inverted = prepare_image(save(tmp_path, rgba, "t.png"), (1, 28, 28))
    assert inverted and image[0, 0, 0] == pytest.approx(0.0) and image[0, 14, 14] > 0.5


def test_colour_image_to_grey_or_rgb(tmp_path):
    rgb = np.zeros((30, 20, 3), dtype=np.uint8)
    rgb[..., 0] = 200
    path = save(tmp_path, rgb, "c.png")
    assert load_image(path, (1, 28, 28)).shape == (1, 28, 28)
    assert load_image(path, (3, 32, 32)).shape == (3, 32, 32)


def test_light_background_rule_uses_the_border():
    frame = np.zeros((20, 20))
    frame[0, :] = frame[-1, :] = frame[:, 0] = frame[:, -1] = 255
    assert light_background(frame)                         # white border, black middle
    assert not light_background(255 - frame)


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="this model takes \\(2,\\) \\(give rows of numbers"):
        load_image("x.png", (2,))
    with pytest.raises(FileNotFoundError, match="image file not found"):
        load_image(str(tmp_path / "missing.png"), (1, 28, 28))
    fake = tmp_path / "fake.png"
    fake.write_text("not a picture")
    with pytest.raises(ValueError, match="fake.png is not an image Pillow can read"):
        load_image(str(fake), (1, 28, 28))


def test_sixteen_bit_grey_is_scaled_not_saturated(tmp_path):
    # a 16-bit ramp 0..65535: as 8-bit it must still be a ramp 0..1, not all white
    ramp = np.linspace(0, 65535, 28 * 28).reshape(28, 28).astype(np.uint16)
    path = save(tmp_path, ramp, "g16.png")
    assert Image.open(path).mode.startswith("I")
    image = load_image(path, (1, 28, 28), invert="no")
    assert image.min() == pytest.approx(0.0) and image.max() == pytest.approx(1.0)
    assert image.mean() == pytest.approx(0.5, abs=0.01)
    half = np.full((10, 10), 32768, dtype=np.uint16)       # mid-grey stays mid-grey
    assert load_image(save(tmp_path, half, "half.png"), (1, 10, 10), invert="no").mean() == pytest.approx(
        128 / 255, abs=0.01)


def test_float_grey_image(tmp_path):
    values = np.full((8, 8), 0.25, dtype=np.float32)
    path = str(tmp_path / "f.tiff")
    Image.fromarray(values, mode="F").save(path)
    assert load_image(path, (1, 8, 8), invert="no").mean() == pytest.approx(0.25, abs=0.01)


def _blank_png(width: int, height: int) -> bytes:
    """A valid all-black 1-bit PNG of ``width`` x ``height``: a few kilobytes, however large."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    row = b"\x00" * (1 + (width + 7) // 8)                  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [9000, 30000])        # above our cap only; above Pillow's own too
def test_decompression_bomb_is_refused_before_decoding(tmp_path, side):
    path = tmp_path / "bomb.png"
    path.write_bytes(_blank_png(side, side))
    assert path.stat().st_size < 200_000
    with pytest.raises(ValueError, match="bomb.png is too large"):
        load_image(str(path), (1, 28, 28))
