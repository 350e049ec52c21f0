"""check_data and the class counting behind class_imbalance."""

import numpy as np
import pytest

from zeronn.doctor import check_data
from zeronn.doctor.data_checks import class_counts_of


def test_class_counts_of_every_target_format():
    assert class_counts_of(np.array([0, 1, 1, 2])) == {0: 1, 1: 2, 2: 1}
    assert class_counts_of(np.eye(3)[[0, 2, 2]]) == {0: 1, 1: 0, 2: 2}           # one-hot rows
    assert class_counts_of(np.array([[0.0], [1.0], [1.0]])) == {0: 1, 1: 2}       # binary 0/1 column
    assert class_counts_of(np.array([0.5, 1.2])) == {}                             # regression values
    assert class_counts_of(np.array([], dtype=np.int64)) == {}


def test_arguments_are_checked():
    x = np.zeros((4, 2))
    with pytest.raises(ValueError, match="unknown task"):
        check_data(x, task="ranking")
    with pytest.raises(TypeError, match="numeric"):
        check_data(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="4 samples, y has 3"):
        check_data(x, np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="class targets"):
        check_data(x, np.array([0.5, 1.5, 2.5, 0.1]), task="classification")


def test_standardised_and_unit_interval_data_pass():
    rng = np.random.default_rng(0)
    assert check_data(rng.normal(size=(500, 4)), rng.integers(0, 3, 500)) == []
    images = rng.random((50, 1, 28, 28))                                    # pixels in [0, 1], like MNIST / 255
    assert check_data(images) == []


def test_one_unscaled_column_is_named():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 3))
    x[:, 2] = rng.normal(50_000, 10_000, size=300)                          # an income column
    (finding,) = check_data(x, lang="zh")
    assert finding.evidence["worst_feature"] == 2
    assert finding.evidence["features_off_scale"] == 1
    assert "标准化" in finding.advice
