"""The activations lesson: quick run, its numbers, and its measurements of dead units and vanishing gradients."""

import numpy as np

from tests.lessons.conftest import assert_pictures
from zeronn.lessons.activations import (
    ACTIVATION_NAMES,
    dead_unit_share,
    first_to_last_gradient,
    run,
    spirals_network,
    tutorial_network,
)
from zeronn.lessons.lesson import render_text


def test_quick_run_writes_pictures_and_tables(tmp_path):
    result = run(True, tmp_path, "en")
    assert_pictures(result, ["activations.png", "tutorial_losses.png", "spirals_losses.png",
                             "decision_boundaries.png", "gradient_per_layer.png"])
    tutorial, spirals = result.tables
    assert [row[0] for row in tutorial.rows] == list(ACTIVATION_NAMES)
    assert [row[0] for row in spirals.rows] == list(ACTIVATION_NAMES)
    # Four sigmoid layers let through far less gradient than four ReLU or tanh layers (derivative <= 0.25).
    assert result.numbers["gradient_ratio_sigmoid"] < 0.01 * result.numbers["gradient_ratio_relu"]
    assert result.numbers["gradient_ratio_sigmoid"] < 0.01 * result.numbers["gradient_ratio_tanh"]
    text = render_text(result, "en")
    assert "Why ReLU units die" in text and "0.25" in text


def test_dead_units_are_units_without_gradient():
    model = tutorial_network("relu")
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    assert dead_unit_share(model, x) == 0.0             # U[0, 1) weights and inputs >= 0: every unit is alive
    model[0].weight.data[:, :2] = -1.0                 # two of the four units now get a negative sum everywhere
    assert dead_unit_share(model, x) == 0.5


def test_gradient_ratio_of_a_deep_sigmoid_network_is_tiny():
    x = np.random.default_rng(0).normal(size=(32, 2))
    y = (x[:, 0] > 0).astype(np.int64)
    assert first_to_last_gradient(spirals_network("sigmoid"), x, y) < 0.25 ** 4
