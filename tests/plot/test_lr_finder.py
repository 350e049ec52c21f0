"""Tests for zeronn.plot.lr_finder: the range test's curve."""

import pytest

from tests.plot.pictures import assert_png
from tests.train.helpers import mlp, moons
from zeronn.plot import plot_lr_finder
from zeronn.train import lr_find

DPI = 40


def test_curve_with_the_suggestion_marked(tmp_path):
    x, y = moons()
    result = lr_find(mlp(), x, y, loss="cross_entropy", num_steps=40, seed=0)
    figure = result.plot(tmp_path / "lr.png", dpi=DPI)
    assert_png(tmp_path / "lr.png", figure, DPI)
    (axes,) = figure.axes
    assert axes.get_xscale() == "log"
    curve, marker = [line for line in axes.get_lines() if len(line.get_xdata()) != 2 or line.get_linestyle() != "--"]
    assert list(curve.get_xdata()) == result.lrs
    assert list(marker.get_xdata()) == [result.suggestion]
    assert "valley" in axes.get_legend().get_texts()[1].get_text()


def test_wrong_input():
    with pytest.raises(TypeError, match="lr_find"):
        plot_lr_finder([1, 2, 3])
