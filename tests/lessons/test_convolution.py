"""The convolution lesson (real MNIST): a CNN and an MLP of similar size, and the CNN's pictures."""

import numpy as np

from tests.lessons.conftest import assert_pictures
from zeronn.lessons.convolution import _worst_mistakes, run, similar_mlp, small_cnn


def test_the_two_models_have_similar_parameter_counts():
    cnn, mlp = small_cnn(), similar_mlp()
    assert abs(cnn.num_parameters() - mlp.num_parameters()) < 0.1 * cnn.num_parameters()
    assert cnn(np.zeros((2, 1, 28, 28), np.float32)).shape == (2, 10)


def test_worst_mistakes_are_the_most_confident_wrong_answers():
    logits = np.array([[5.0, 0.0], [0.0, 1.0], [0.0, 9.0], [2.0, 0.0]])     # predictions 0, 1, 1, 0
    y = np.array([0, 0, 0, 1])                                              # rows 1, 2, 3 are wrong
    assert _worst_mistakes(logits, y, 2).tolist() == [2, 3]


def test_quick_run(tmp_path, mnist_available):
    result = run(True, tmp_path, "en")
    assert_pictures(result, ["cnn_vs_mlp.png", "filters.png", "feature_maps.png", "confusion_matrix.png"])
    assert [row[0] for row in result.tables[0].rows] == ["CNN", "MLP"]
    assert 0.0 <= result.numbers["cnn_accuracy"] <= 1.0
    assert result.numbers["cnn_parameters"] == small_cnn().num_parameters()
