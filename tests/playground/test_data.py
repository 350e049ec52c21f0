"""The playground's points: built-in sets in the page's square, CSV files checked, features computed."""

from __future__ import annotations

import numpy as np
import pytest

from zeronn.playground import ConfigError, PlaygroundConfig, make_data, read_csv_source
from zeronn.playground.data import MAX_CSV_ROWS, feature_matrix, train_size


@pytest.mark.parametrize("name", ["circles", "xor", "gauss", "spirals", "moons", "blobs", "plane", "multigauss"])
def test_builtin_sets_fill_the_square_and_split(name):
    data = make_data(PlaygroundConfig(data=name, ratio=40, points=200), None)
    assert len(data.x_train) == 80 and len(data.x_test) == 120
    everything = np.concatenate([data.x_train, data.x_test])
    assert 3.0 < np.abs(everything).max() < 6.5


def test_features_are_the_textbook_formulas():
    x = np.array([[1.0, 2.0], [-0.5, 3.0]])
    got = feature_matrix(x, ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"])
    expected = np.stack([x[:, 0], x[:, 1], x[:, 0] ** 2, x[:, 1] ** 2, x[:, 0] * x[:, 1],
                         np.sin(x[:, 0]), np.sin(x[:, 1])], axis=1)
    np.testing.assert_array_equal(got, expected)


def test_train_size_keeps_one_point_on_each_side():
    assert train_size(20, 90) == 18 and train_size(2, 90) == 1 and train_size(2, 10) == 1


def test_csv_classes_regression_and_mistakes(tmp_path):
    path = tmp_path / "reg.csv"
    rows = np.random.default_rng(0).uniform(size=(30, 2))
    path.write_text("a,b,t\n" + "\n".join(f"{x},{y},{x + y * 10}" for x, y in rows))
    source = read_csv_source(str(path))
    assert source.is_regression
    data = make_data(PlaygroundConfig(data="csv"), source)
    assert data.task == "regression" and data.y_train.shape == (15, 1)
    assert np.abs(np.concatenate([data.y_train, data.y_test])).max() == pytest.approx(1.0)
    assert np.abs(np.concatenate([data.x_train, data.x_test])).max() == pytest.approx(5.0)

    one_class = tmp_path / "one.csv"
    one_class.write_text("a,b,label\n1,2,x\n3,4,x\n")
    with pytest.raises(ConfigError, match="2 to 8 classes"):
        read_csv_source(str(one_class))
    big = tmp_path / "big.csv"
    big.write_text("a,b,label\n" + "1,2,0\n3,4,1\n" * (MAX_CSV_ROWS // 2 + 1))
    with pytest.raises(ConfigError, match="rows"):
        read_csv_source(str(big))
    with pytest.raises(ConfigError, match="needs a CSV file"):
        make_data(PlaygroundConfig(data="csv"), None)
