"""Tests for zeronn.plot.activations."""

import numpy as np
import pytest

import zeronn
from tests.plot.pictures import assert_png
from zeronn.nn.activation import ACTIVATIONS
from zeronn.plot import plot_activations
from zeronn.plot.activations import activation_curves

DPI = 30


def test_every_activation_beside_its_derivative(tmp_path):
    figure = plot_activations(path=tmp_path / "activations.png", points=41, dpi=DPI)
    assert_png(tmp_path / "activations.png", figure, DPI)
    titles = [ax.get_title() for ax in figure.axes]
    distinct = len(ACTIVATIONS) - 1                                # "swish" is an alias of "silu"
    assert len(titles) == 2 * distinct
    assert titles[:4] == ["sigmoid(x)", "sigmoid'(x)", "tanh(x)", "tanh'(x)"]
    assert "swish(x)" not in titles and "silu'(x)" in titles


def test_derivative_comes_from_the_layer_backward():
    x = np.array([-2.0, 0.0, 3.0])
    values, slopes = activation_curves("sigmoid", x)
    s = 1.0 / (1.0 + np.exp(-x))
    np.testing.assert_allclose(values, s)
    np.testing.assert_allclose(slopes, s * (1.0 - s))              # the tutorial's s * (1 - s); 0.25 at 0
    _, relu_slopes = activation_curves("relu", x)
    np.testing.assert_array_equal(relu_slopes, [0.0, 0.0, 1.0])
    _, leaky = activation_curves("leaky_relu", x)
    np.testing.assert_allclose(leaky, [0.01, 0.01, 1.0])          # PyTorch's default slope 0.01 (at 0 too)


def test_works_inside_no_grad_and_leaves_it_on():
    with zeronn.no_grad():
        figure = plot_activations(["tanh"], points=11, dpi=DPI)
        assert not zeronn.is_grad_enabled()
    line = figure.axes[1].get_lines()[-1]
    np.testing.assert_allclose(line.get_ydata()[5], 1.0)           # tanh'(0) = 1


def test_chosen_names_and_layout():
    figure = plot_activations("relu", points=11, dpi=DPI, x_range=(-1.0, 1.0))
    assert [ax.get_title() for ax in figure.axes] == ["relu(x)", "relu'(x)"]
    np.testing.assert_allclose(figure.get_size_inches(), (4.8, 2.1))


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="Unknown activation 'sigmoidd'; valid choices are: .*relu"):
        plot_activations(["relu", "sigmoidd"])
    with pytest.raises(ValueError, match="at least one"):
        plot_activations([])
    with pytest.raises(ValueError, match="low < high"):
        plot_activations(["relu"], x_range=(1.0, -1.0))
