"""Datasets by name for the command line: shapes, scaling rules, test parts."""

from __future__ import annotations

import numpy as np
import pytest

from zeronn.cli.data_sources import DATASETS, apply_preprocessing, load_dataset, load_test_data
from zeronn.cli.errors import CLIError


@pytest.mark.parametrize("name, classes", [("moons", 2), ("circles", 2), ("spirals", 3), ("blobs", 3)])
def test_toy_sets(name, classes):
    bundle = load_dataset(name, seed=1, samples=100)
    assert bundle.kind == "points" and bundle.input_shape == (2,) and bundle.num_classes == classes
    assert len(bundle.x_train) == 80 and len(bundle.x_test) == 20
    assert bundle.x_train.dtype == np.float32 and bundle.y_train.dtype == np.int64
    again = load_dataset(name, seed=1, samples=100)
    assert np.array_equal(bundle.x_train, again.x_train) and np.array_equal(bundle.y_test, again.y_test)
    assert not np.array_equal(bundle.x_train, load_dataset(name, seed=2, samples=100).x_train)


def test_xor_tests_on_its_four_rows():
    bundle = load_dataset("xor")
    assert bundle.input_shape == (3,) and bundle.classes == ["0", "1"]
    np.testing.assert_array_equal(bundle.y_train, [0, 1, 1, 0])
    np.testing.assert_array_equal(bundle.x_test, bundle.x_train)


def test_limit_and_no_test_part():
    assert len(load_dataset("moons", samples=100, limit=30).x_train) == 30
    bundle = load_dataset("moons", samples=100, test_split=0.0)
    assert bundle.x_test is None and len(bundle.x_train) == 100


def test_digits_are_images_in_0_1():
    pytest.importorskip("sklearn")
    bundle = load_dataset("digits", seed=0)
    assert bundle.kind == "images" and bundle.input_shape == (1, 8, 8) and bundle.num_classes == 10
    assert bundle.x_train.dtype == np.float32
    assert bundle.x_train.min() >= 0 and bundle.x_train.max() == pytest.approx(1.0)
    assert bundle.preprocessing == {"kind": "scale", "divide_by": 255.0}


def test_csv_is_standardised_with_training_statistics(iris_like_csv):
    bundle = load_dataset(iris_like_csv, seed=0)
    assert bundle.kind == "table" and bundle.classes == ["setosa", "versicolor", "virginica"]
    np.testing.assert_allclose(bundle.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(bundle.x_train.std(axis=0), 1, atol=1e-4)
    assert bundle.spec["feature_columns"] == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert bundle.spec["label_column"] == "species"


def test_apply_preprocessing_rules():
    x = np.array([[0, 255]], dtype=np.uint8)
    np.testing.assert_array_equal(apply_preprocessing(x, {"kind": "scale", "divide_by": 255.0}), [[0, 1]])
    rule = {"kind": "standardize", "mean": [1.0, 2.0], "std": [2.0, 4.0]}
    out = apply_preprocessing(np.array([[3.0, 10.0]]), rule)
    np.testing.assert_array_equal(out, [[1.0, 2.0]])          # (3 - 1) / 2, (10 - 2) / 4
    assert out.dtype == np.float32
    with pytest.raises(CLIError, match="the model takes 2 features per row, the data has 3"):
        apply_preprocessing(np.zeros((1, 3)), rule)
    with pytest.raises(CLIError, match="unknown preprocessing 'magic'"):
        apply_preprocessing(x, {"kind": "magic"})


def test_test_part_is_rebuilt_from_the_stored_spec():
    bundle = load_dataset("spirals", seed=5, samples=90, noise=0.1)
    info = {"classes": bundle.classes, "data": {"spec": bundle.spec, "preprocessing": bundle.preprocessing}}
    x, y, description = load_test_data(None, info)
    np.testing.assert_array_equal(x, bundle.x_test)
    np.testing.assert_array_equal(y, bundle.y_test)
    assert description.startswith("spirals (test part")


def test_test_data_errors():
    bundle = load_dataset("moons", samples=50)
    info = {"classes": bundle.classes, "data": {"spec": bundle.spec}}
    with pytest.raises(CLIError, match="trained on 'moons'; it cannot be evaluated on 'circles'"):
        load_test_data("circles", info)
    with pytest.raises(CLIError, match="does not say which dataset"):
        load_test_data(None, {})
    with pytest.raises(CLIError, match="unknown dataset 'atlantis'"):
        load_dataset("atlantis")


def test_dataset_names():
    assert DATASETS == ("xor", "moons", "circles", "spirals", "blobs", "digits", "mnist", "fashion-mnist")
