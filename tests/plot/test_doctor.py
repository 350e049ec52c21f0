"""Tests for zeronn.plot.doctor: the doctor's pictures."""

import numpy as np
import pytest

from tests.doctor.helpers import blobs, fit_with_doctor, mlp
from tests.plot.pictures import assert_png
from zeronn.doctor import Doctor
from zeronn.plot import plot_activation_histograms, plot_gradient_stats
from zeronn.plot.doctor import UPDATE_RATIO_GUIDE

DPI = 40


@pytest.fixture(scope="module")
def doctor():
    x, y = blobs(300)
    return fit_with_doctor(mlp([2, 16, 16, 3]), x, y, epochs=3, every=2)


def test_activation_histograms(tmp_path, doctor):
    figure = plot_activation_histograms(doctor, tmp_path / "act.png", dpi=DPI)
    assert_png(tmp_path / "act.png", figure, DPI)
    titles = [axes.get_title() for axes in figure.axes]
    assert titles == ["1 (ReLU)", "3 (ReLU)"]                   # layers with activations come first
    image = figure.axes[0].get_images()[0].get_array()
    assert image.shape == (40, len(doctor.record.sampled_steps))  # bins x sampled steps


def test_gradient_stats_draw_the_minus_three_line(tmp_path, doctor):
    figure = plot_gradient_stats(doctor.record, tmp_path / "grad.png", dpi=DPI)
    assert_png(tmp_path / "grad.png", figure, DPI)
    norms, ratios = figure.axes
    assert len(norms.get_lines()) == 3                           # one line per Linear layer
    guide = [line for line in ratios.get_lines() if list(line.get_ydata()) == [UPDATE_RATIO_GUIDE] * 2]
    assert len(guide) == 1
    logged = ratios.get_lines()[0].get_ydata()
    expected = np.log10(doctor.record.update_ratios["0 (Linear)"])
    assert np.allclose(logged, expected, equal_nan=True)


def test_errors():
    with pytest.raises(ValueError, match="recorded nothing"):
        plot_activation_histograms(Doctor())
    with pytest.raises(TypeError, match="Doctor"):
        plot_gradient_stats({"steps": []})
