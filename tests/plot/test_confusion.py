"""Tests for zeronn.plot.confusion."""

import numpy as np
import pytest

from tests.plot.pictures import assert_png
from zeronn.plot import plot_confusion_matrix
from zeronn.plot.confusion import normalize_confusion

DPI = 30


def _cell_texts(figure):
    return [text.get_text() for text in figure.axes[0].texts]


def test_counts_in_cells_and_png(tmp_path):
    matrix = np.array([[5, 1], [2, 8]])
    figure = plot_confusion_matrix(matrix, class_names=["cat", "dog"], path=tmp_path / "cm.png", dpi=DPI)
    assert_png(tmp_path / "cm.png", figure, DPI)
    assert _cell_texts(figure) == ["5", "1", "2", "8"]
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]
    assert ax.get_xlabel().startswith("predicted label\n(blue: correct; red: the 3 mistakes")
    assert ax.get_ylabel() == "true label"


def test_normalization_hand_worked():
    counts = np.array([[3.0, 1.0], [0.0, 0.0]])
    # rows: [3, 1] / 4 = [0.75, 0.25]; the empty row stays 0 (no division by zero)
    np.testing.assert_allclose(normalize_confusion(counts, "true"), [[0.75, 0.25], [0.0, 0.0]])
    # columns: 3 / 3 = 1, 1 / 1 = 1
    np.testing.assert_allclose(normalize_confusion(counts, "pred"), [[1.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(normalize_confusion(counts, "all"), [[0.75, 0.25], [0.0, 0.0]])
    figure = plot_confusion_matrix(counts, normalize=True, dpi=DPI)
    assert _cell_texts(figure) == ["0.75", "0.25", "0.00", "0.00"]
    assert "each row sums to 1" in figure.axes[0].get_title()


def test_text_is_white_on_dark_cells():
    figure = plot_confusion_matrix(np.array([[90, 1], [2, 40]]), color="value", dpi=DPI)
    colours = [text.get_color() for text in figure.axes[0].texts]
    assert colours == ["white", "black", "black", "black"]          # only 90 > half of the scale (45)


def _cell_rgb(figure):
    return np.asarray(figure.axes[0].images[0].get_array())[..., :3]


def test_rare_mistakes_are_visible():
    # 2 mistakes next to 998 correct: on a linear count scale the mistake is white (2 / 998 of the scale)
    counts = np.array([[998, 2, 0], [0, 1000, 0], [0, 0, 1000]])
    rgb = _cell_rgb(plot_confusion_matrix(counts, dpi=DPI))
    red, white = rgb[0, 1], rgb[0, 2]
    assert np.allclose(white, 1.0)                                   # no mistake: white
    assert red[0] > red[1] + 0.3 and red[0] > red[2] + 0.3           # the rare mistake: clearly red
    assert rgb[1, 1][2] > rgb[1, 1][0]                               # correct: blue
    texts = [t.get_text() for t in plot_confusion_matrix(counts, dpi=DPI).axes[0].texts]
    assert texts[:3] == ["998", "2", "0"]                            # the counts are written


def test_the_most_frequent_mistake_is_darkest():
    counts = np.array([[90, 10, 1], [0, 100, 0], [5, 0, 95]])
    rgb = _cell_rgb(plot_confusion_matrix(counts, dpi=DPI))
    brightness = rgb.sum(axis=-1)
    assert brightness[0, 1] < brightness[2, 0] < brightness[0, 2] < 3.0


@pytest.mark.parametrize("color", ["row", "log", "value"])
def test_other_colour_modes(color, tmp_path):
    counts = np.array([[998, 2], [0, 1000]])
    figure = plot_confusion_matrix(counts, color=color, path=tmp_path / "cm.png", dpi=DPI)
    assert_png(tmp_path / "cm.png", figure, DPI)
    assert [t.get_text() for t in figure.axes[0].texts] == ["998", "2", "0", "1000"]
    with pytest.raises(ValueError, match="valid choices are"):
        plot_confusion_matrix(counts, color="rainbow")


def test_many_classes_skip_the_numbers(tmp_path):
    figure = plot_confusion_matrix(np.eye(30, dtype=int) * 7, path=tmp_path / "big.png", dpi=10)
    assert_png(tmp_path / "big.png", figure, 10)
    assert _cell_texts(figure) == []


@pytest.mark.parametrize(
    "matrix, kwargs, error, match",
    [
        (np.zeros((2, 3)), {}, ValueError, r"square.*got \(2, 3\)"),
        (np.zeros(4), {}, ValueError, r"got \(4,\)"),
        (np.array([[1, -1], [0, 1]]), {}, ValueError, "non-negative"),
        (np.eye(2), {"class_names": ["a"]}, ValueError, "1 names but the matrix has 2"),
        (np.eye(2), {"normalize": "rows"}, ValueError, "valid choices are: all, pred, true"),
        (np.array([["a"]]), {}, TypeError, "numbers"),
    ],
)
def test_bad_input(matrix, kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_confusion_matrix(matrix, **kwargs)


def test_from_the_library_confusion_matrix(tmp_path):
    from zeronn.metrics import confusion_matrix

    y_true = np.array([0, 0, 1, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0, 2])
    matrix = confusion_matrix(y_true, y_pred)
    figure = plot_confusion_matrix(matrix, ["a", "b", "c"], path=tmp_path / "abc.png", dpi=DPI)
    assert_png(tmp_path / "abc.png", figure, DPI)
    assert _cell_texts(figure) == ["1", "1", "0", "0", "2", "0", "1", "0", "2"]
