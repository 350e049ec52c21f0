"""Tests for zeronn.plot.decision_boundary."""

import numpy as np
import pytest

import zeronn
from tests.plot.pictures import assert_png, axes_pixels
from zeronn.data import make_blobs, make_moons
from zeronn.losses import BCELoss
from zeronn.nn import Linear, Sequential
from zeronn.nn.activation import Sigmoid, Tanh
from zeronn.optim.adam import Adam
from zeronn.plot import plot_decision_boundary
from zeronn.plot.decision_boundary import grid_extent, predict_grid

DPI = 40


def _trained_moons_model(steps=150):
    """A 2-16-1 tanh/sigmoid network trained briefly on two moons with the plain PyTorch-style loop."""
    x, y = make_moons(120, noise=0.1, seed=0)
    model = Sequential(Linear(2, 16, rng=0), Tanh(), Linear(16, 1, rng=1), Sigmoid())
    loss_fn, optimizer = BCELoss(), Adam(model.parameters(), lr=0.05)
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(model(x), y[:, None].astype(x.dtype))
        model.backward(loss_fn.backward())
        optimizer.step()
    return model, x, y


def test_trained_model_splits_the_plane_and_saves(tmp_path):
    model, x, y = _trained_moons_model()
    figure = plot_decision_boundary(model, x, y, tmp_path / "moons.png", resolution=40, dpi=DPI)
    assert_png(tmp_path / "moons.png", figure, DPI)
    # more than one colour region: both classes are predicted somewhere on the grid ...
    grid = predict_grid(model, grid_extent(x.astype(np.float64)), 40)
    assert grid.kind == "probability" and grid.values.min() < 0.1 and grid.values.max() > 0.9
    # ... and both show on screen: reddish (class 0) and bluish (class 1) regions behind the points
    pixels = axes_pixels(figure, figure.axes[0]).astype(int)                  # (h, w, 3)
    reddish = (pixels[..., 0] - pixels[..., 2] > 60).mean()
    bluish = (pixels[..., 2] - pixels[..., 0] > 60).mean()
    assert reddish > 0.1 and bluish > 0.1


def test_model_is_left_as_it_was():
    model, x, y = _trained_moons_model(steps=1)
    model.train()
    model.layers[1].eval()                                                    # a mixed state survives
    before = model.state_dict()
    plot_decision_boundary(model, x, y, resolution=10, dpi=DPI)
    assert [layer.training for layer in model.layers] == [True, False, True, True]
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])
    assert all(not layer._saved for layer in model.modules())                # ran under no_grad


def test_multiclass_logits_give_class_regions():
    x, y = make_blobs(90, centers=3, seed=0)
    model = Linear(2, 3, rng=0)                                               # logits (N, 3)
    grid = predict_grid(model, grid_extent(x.astype(np.float64)), 30)
    assert grid.kind == "class" and grid.n_classes == 3
    assert set(np.unique(grid.values)) <= {0.0, 1.0, 2.0}
    figure = plot_decision_boundary(model, x, y, resolution=30, dpi=DPI)
    assert len(figure.axes) == 1                                              # no colour bar for classes


def test_single_logit_output_becomes_a_probability():
    model = Linear(2, 1, rng=0)
    model.weight.data[:] = [[4.0], [0.0]]
    model.bias.data[:] = [0.0]                                                # z = 4 * x0, outside [0, 1]
    grid = predict_grid(model, (-1.0, 1.0, -1.0, 1.0), 3)
    # x0 = -1, 0, 1 -> sigmoid(-4), sigmoid(0), sigmoid(4) = 0.01799, 0.5, 0.98201
    np.testing.assert_allclose(grid.values[0], [0.0179862, 0.5, 0.9820138], rtol=1e-5)
    as_probability = predict_grid(model, (-1.0, 1.0, -1.0, 1.0), 3, output="probability")
    np.testing.assert_allclose(as_probability.values[0], [-4.0, 0.0, 4.0])


def test_accepts_one_hot_and_column_labels_and_float64_models():
    zeronn.set_default_dtype("float64")
    model = Sequential(Linear(2, 2, rng=0))
    x = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.5]])
    for labels in (np.eye(2)[[0, 1, 1]], np.array([[0], [1], [1]]), [0.0, 1.0, 1.0]):
        plot_decision_boundary(model, x, labels, resolution=5, dpi=DPI)


def test_three_features_is_a_clear_error():
    model = Linear(3, 1)
    with pytest.raises(ValueError, match=r"x must have shape \(n_samples, 2\), got \(5, 3\); pick two features"):
        plot_decision_boundary(model, np.zeros((5, 3)), np.zeros(5))


@pytest.mark.parametrize(
    "x, y, match",
    [
        (np.zeros(4), np.zeros(4), r"\(n_samples, 2\), got \(4,\)"),
        (np.zeros((4, 2)), np.zeros(3), r"one label per point.*got \(3,\)"),
        (np.zeros((4, 2)), np.full(4, 0.5), "fractional"),
        (np.zeros((4, 2)), np.full(4, -1), "non-negative"),
        (np.full((4, 2), np.nan), np.zeros(4), "NaN"),
    ],
)
def test_bad_data_is_rejected(x, y, match):
    with pytest.raises(ValueError, match=match):
        plot_decision_boundary(Linear(2, 1), x, y)


def test_model_with_the_wrong_input_or_output_is_reported():
    x, y = np.zeros((4, 2)), np.zeros(4)
    with pytest.raises(ValueError, match=r"cannot take 2-D points.*Linear\(5 -> 1\)"):
        plot_decision_boundary(Linear(5, 1), x, y, resolution=4)
    with pytest.raises(ValueError, match=r"output \(n, 1\).*got \(16, 2, 2\)"):
        plot_decision_boundary(lambda points: np.zeros((len(points), 2, 2)), x, y, resolution=4)
    with pytest.raises(ValueError, match="resolution"):
        plot_decision_boundary(Linear(2, 1), x, y, resolution=1)
    with pytest.raises(ValueError, match="Unknown output kind 'probs'"):
        plot_decision_boundary(Linear(2, 1), x, y, output="probs")
    with pytest.raises(TypeError, match="expected a model"):
        plot_decision_boundary("model", x, y)


def test_legend_names_the_classes_and_the_boundary():
    model, x, y = _trained_moons_model()
    figure = plot_decision_boundary(model, x, y, resolution=30, dpi=DPI, class_names=["inner", "outer"])
    legend = figure.axes[0].get_legend()
    assert legend.get_title().get_text() == "points: true class"
    assert [t.get_text() for t in legend.get_texts()] == ["class inner", "class outer",
                                                          "boundary: P(class 1) = 0.5"]


def test_multiclass_legend():
    x, y = make_blobs(90, centers=3, seed=0)
    figure = plot_decision_boundary(Linear(2, 3, rng=0), x, y, resolution=20, dpi=DPI)
    labels = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert labels == ["class 0", "class 1", "class 2", "region: predicted class"]
    with pytest.raises(ValueError, match="class_names has 2 names but the data has 3 classes"):
        plot_decision_boundary(Linear(2, 3, rng=0), x, y, resolution=10, dpi=DPI, class_names=["a", "b"])
