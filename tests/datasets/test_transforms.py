"""Tests for zeronn.datasets.transforms."""

import numpy as np
import pytest

from zeronn.datasets import MNIST_MEAN, MNIST_STD, as_images, normalize, to_float


def test_to_float_hand_worked():
    images = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    # 0/255 = 0, 255/255 = 1, 51/255 = 0.2, 102/255 = 0.4
    x = to_float(images)
    assert x.dtype == np.float32 and x.shape == (1, 2, 2)
    np.testing.assert_array_equal(x, np.array([[[0.0, 1.0], [0.2, 0.4]]], dtype=np.float32))
    assert to_float(images, dtype="float64").dtype == np.float64


def test_to_float_twice_is_harmless_and_unscaled_floats_are_refused():
    x = to_float(np.array([0, 128, 255], np.uint8))
    np.testing.assert_array_equal(to_float(x), x)
    with pytest.raises(ValueError, match=r"floats already in \[0, 1\], got float32 values in \[0, 255\]"):
        to_float(np.array([0, 128, 255], np.float32))
    with pytest.raises(ValueError, match="got dtype int64"):
        to_float(np.array([0, 128, 255]))


def test_as_images_adds_the_channel_axis_without_copying():
    x = np.zeros((5, 28, 28), np.float32)
    images = as_images(x)
    assert images.shape == (5, 1, 28, 28) and np.shares_memory(images, x)
    assert as_images(np.zeros((5, 784))).shape == (5, 1, 28, 28)
    assert as_images(images) is images
    with pytest.raises(ValueError, match=r"cannot make square images from 10 values"):
        as_images(np.zeros((5, 10)))
    with pytest.raises(ValueError, match=r"expects \(N, H, W\).*got \(5,\)"):
        as_images(np.zeros(5))


def test_normalize_scalar_and_per_channel():
    x = np.array([0.0, 0.5, 1.0], np.float32)
    y = normalize(x, 0.5, 0.25)                          # (x - 0.5) / 0.25 = -2, 0, 2
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, [-2.0, 0.0, 2.0])
    images = np.ones((2, 3, 2, 2), np.float32) * np.array([1.0, 2.0, 3.0], np.float32)[:, None, None]
    y = normalize(images, [1.0, 1.0, 1.0], [1.0, 2.0, 4.0])   # channel c: (c + 1 - 1) / std_c = 0, 0.5, 0.5
    np.testing.assert_allclose(y[0, :, 0, 0], [0.0, 0.5, 0.5])
    mnist_like = normalize(np.full((1, 1, 2, 2), MNIST_MEAN, np.float32), MNIST_MEAN, MNIST_STD)
    np.testing.assert_allclose(mnist_like, 0.0, atol=1e-7)


def test_normalize_errors():
    with pytest.raises(ValueError, match="std > 0"):
        normalize(np.zeros(3), 0.0, 0.0)
    with pytest.raises(ValueError, match=r"2 means and 2 stds for input of shape \(4, 3, 2, 2\)"):
        normalize(np.zeros((4, 3, 2, 2)), [0.0, 0.0], [1.0, 1.0])
