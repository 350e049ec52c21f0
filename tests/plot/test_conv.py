"""Tests for zeronn.plot.conv."""

import numpy as np
import pytest

from tests.plot.pictures import assert_png
from zeronn.nn import Flatten, Linear, Sequential
from zeronn.nn.activation import ReLU
from zeronn.nn.conv import Conv2d
from zeronn.nn.pooling import MaxPool2d
from zeronn.plot import plot_conv_filters, plot_feature_maps

DPI = 30


def _cnn(in_channels=1):
    return Sequential(
        Conv2d(in_channels, 4, 3, padding=1, rng=0), ReLU(), MaxPool2d(2),
        Conv2d(4, 6, 3, rng=1), ReLU(), Flatten(), Linear(6 * 2 * 2, 10, rng=2),
    )


def test_filters_of_the_first_conv(tmp_path):
    model = _cnn()
    figure = plot_conv_filters(model, tmp_path / "filters.png", dpi=DPI)
    assert_png(tmp_path / "filters.png", figure, DPI)
    pictures = [ax for ax in figure.axes if ax.images]
    assert len(pictures) == 4                                      # out_channels of the first conv
    first = pictures[0].images[0].get_array()
    np.testing.assert_allclose(first, model.layers[0].weight.data[0, 0], rtol=1e-6)
    limit = np.abs(model.layers[0].weight.data).max()
    assert pictures[0].images[0].get_clim() == pytest.approx((-limit, limit))   # one shared scale


def test_filters_with_several_or_three_input_channels():
    inner = Conv2d(4, 6, 3, rng=1)
    figure = plot_conv_filters(inner, dpi=DPI, max_filters=2)
    assert len([ax for ax in figure.axes if ax.images]) == 2 * 4   # (filter, input channel) pairs
    rgb = plot_conv_filters(Conv2d(3, 5, 3, rng=0), dpi=DPI)
    images = [ax.images[0] for ax in rgb.axes if ax.images]
    assert len(images) == 5 and images[0].get_array().shape == (3, 3, 3)


def test_feature_maps_of_the_first_conv(tmp_path):
    model = _cnn()
    image = np.random.default_rng(0).random((8, 8)).astype(np.float32)
    figure = plot_feature_maps(model, image, tmp_path / "maps.png", dpi=DPI)
    assert all(not layer._saved for layer in model.modules())    # run under no_grad
    assert_png(tmp_path / "maps.png", figure, DPI)
    panels = [ax for ax in figure.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["input", "channel 0", "channel 1", "channel 2", "channel 3"]
    expected = model.layers[0](image[None, None])[0, 2]            # conv output, channel 2
    np.testing.assert_allclose(panels[3].images[0].get_array(), expected, rtol=1e-5)


def test_feature_maps_of_a_chosen_layer():
    model = _cnn()
    image = np.random.default_rng(0).integers(0, 256, (1, 1, 8, 8), dtype=np.uint8)
    by_index = plot_feature_maps(model, image, layer=4, dpi=DPI)  # ReLU after the second conv: (1, 6, 2, 2)
    by_name = plot_feature_maps(model, image, layer="4", dpi=DPI)
    for figure in (by_index, by_name):
        panels = [ax for ax in figure.axes if ax.images]
        assert len(panels) == 1 + 6
        assert panels[1].images[0].get_array().shape == (2, 2)
        assert panels[0].images[0].get_array().max() <= 1.0         # uint8 scaled to [0, 1]


def test_errors_are_clear():
    image = np.zeros((8, 8), dtype=np.float32)
    with pytest.raises(ValueError, match="has no Conv2d"):
        plot_conv_filters(Sequential(Linear(2, 2)))
    with pytest.raises(TypeError, match="expects a Conv2d"):
        plot_conv_filters(np.zeros((4, 1, 3, 3)))
    with pytest.raises(ValueError, match=r"one image of shape \(H, W\).*got \(2, 1, 8, 8\)"):
        plot_feature_maps(_cnn(), np.zeros((2, 1, 8, 8)))
    with pytest.raises(ValueError, match=r"outputs shape \(1, 10\)"):
        plot_feature_maps(_cnn(), image, layer=-1)
    with pytest.raises(ValueError, match="out of range"):
        plot_feature_maps(_cnn(), image, layer=7)
    with pytest.raises(ValueError, match="Unknown layer 'conv1'"):
        plot_feature_maps(_cnn(), image, layer="conv1")
    with pytest.raises(ValueError, match="not part of the model"):
        plot_feature_maps(_cnn(), image, layer=Conv2d(1, 2, 3))


def test_feature_maps_of_a_real_digit(tmp_path):
    from zeronn.datasets import load_digits

    (images, _), _ = load_digits()                                 # uint8 (N, 8, 8)
    figure = plot_feature_maps(_cnn(), images[0], tmp_path / "digit.png", dpi=DPI)
    assert_png(tmp_path / "digit.png", figure, DPI)
