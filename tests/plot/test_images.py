"""Tests for zeronn.plot.images."""

import numpy as np
import pytest
from matplotlib.colors import to_hex

from tests.plot.pictures import assert_png
from zeronn.plot import plot_image_grid
from zeronn.plot._colors import WRONG_COLOR
from zeronn.plot.images import as_display_images

DPI = 30


def _digits(n=12, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    truth = rng.integers(0, 10, size=n)
    predicted = truth.copy()
    predicted[[1, 4]] = (truth[[1, 4]] + 1) % 10                  # two mistakes
    return images, truth, predicted


def test_mistakes_are_marked_red(tmp_path):
    images, truth, predicted = _digits()
    figure = plot_image_grid(images, truth, predicted, n=6, path=tmp_path / "grid.png", dpi=DPI)
    assert_png(tmp_path / "grid.png", figure, DPI)
    assert len(figure.axes) == 6
    wrong = [to_hex(ax.title.get_color()) == WRONG_COLOR for ax in figure.axes]
    assert wrong == [False, True, False, False, True, False]
    assert figure.axes[1].get_title() == f"{predicted[1]} (true {truth[1]})"
    assert to_hex(figure.axes[1].spines["left"].get_edgecolor()) == WRONG_COLOR
    assert "2 of 6 wrong" in figure._suptitle.get_text()


def test_class_names_scores_and_only_errors():
    images, truth, predicted = _digits()
    scores = np.eye(10)[predicted]                                 # model outputs (N, 10) -> arg max
    names = [f"digit {k}" for k in range(10)]
    figure = plot_image_grid(images, truth, scores, class_names=names, only_errors=True, dpi=DPI)
    assert len(figure.axes) == 2
    assert figure.axes[0].get_title() == f"digit {predicted[1]} (true digit {truth[1]})"


@pytest.mark.parametrize(
    "shape, expected",
    [((3, 28, 28), (3, 28, 28)), ((3, 1, 8, 8), (3, 8, 8)), ((3, 784), (3, 28, 28)),
     ((3, 3, 8, 8), (3, 8, 8, 3)), ((3, 8, 8, 3), (3, 8, 8, 3))],
)
def test_accepted_layouts(shape, expected):
    assert as_display_images(np.zeros(shape, dtype=np.float32)).shape == expected


def test_colour_images_and_true_labels_only(tmp_path):
    images = np.random.default_rng(0).random((4, 3, 8, 8)).astype(np.float32)
    figure = plot_image_grid(images, [0, 1, 2, 3], path=tmp_path / "c.png", dpi=DPI, cols=4)
    assert_png(tmp_path / "c.png", figure, DPI)
    assert [ax.get_title() for ax in figure.axes] == ["0", "1", "2", "3"]


@pytest.mark.parametrize(
    "images, truth, predicted, kwargs, match",
    [
        (np.zeros((2, 5, 5, 5, 5)), [0, 1], None, {}, r"expects images of shape.*got \(2, 5, 5, 5, 5\)"),
        (np.zeros((2, 10)), [0, 1], None, {}, r"got \(2, 10\)"),                  # 10 is not a square
        (np.zeros((2, 4, 4)), [0, 1, 1], None, {}, r"true_labels must hold one label per image \(2\)"),
        (np.zeros((2, 4, 4)), [0, 1], [0], {}, "pred_labels"),
        (np.zeros((2, 4, 4)), [0, 1], None, {"only_errors": True}, "needs pred_labels"),
        (np.zeros((2, 4, 4)), [0, 1], [0, 1], {"only_errors": True}, "no misclassified"),
        (np.zeros((2, 4, 4)), [0, 5], None, {"class_names": ["a", "b"]}, "label 5 has no entry"),
    ],
)
def test_bad_input(images, truth, predicted, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_image_grid(images, truth, predicted, **kwargs)


def test_real_digits_after_training(tmp_path):
    from zeronn.datasets import as_images, load_digits, to_float
    from zeronn.nn import Flatten, Linear, Sequential
    from zeronn.train import fit, predict

    (x_train, y_train), (x_test, y_test) = load_digits()
    x_train, x_test = as_images(to_float(x_train)), as_images(to_float(x_test))   # (N, 1, 8, 8)
    model = Sequential(Flatten(), Linear(64, 10, rng=0))
    fit(model, x_train, y_train, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=2, verbose=0, seed=0)
    scores = predict(model, x_test[:16])                                          # (16, 10) logits
    figure = plot_image_grid(x_test[:16], y_test[:16], scores, n=16, path=tmp_path / "digits.png", dpi=DPI)
    assert_png(tmp_path / "digits.png", figure, DPI)
    wrong = int((scores.argmax(axis=1) != y_test[:16]).sum())
    assert sum(to_hex(ax.title.get_color()) == WRONG_COLOR for ax in figure.axes) == wrong
