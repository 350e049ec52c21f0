"""Tests for zeronn.datasets.digits (scikit-learn's bundled 8x8 digits)."""

import sys

import numpy as np
import pytest

from zeronn.datasets import load_digits, to_float


@pytest.fixture(scope="module")
def digits():
    pytest.importorskip("sklearn")
    return load_digits()


def test_shapes_dtypes_and_values(digits):
    (x_train, y_train), (x_test, y_test) = digits
    assert x_train.shape == (1437, 8, 8) and x_test.shape == (360, 8, 8)        # 360 = ceil(0.2 * 1797)
    assert y_train.shape == (1437,) and y_test.shape == (360,)
    assert all(a.dtype == np.uint8 for a in (x_train, y_train, x_test, y_test))
    assert x_train.max() == 255 and to_float(x_train).max() == 1.0             # 16 * 255/16 = 255
    assert set(np.unique(y_train)) == set(range(10))
    counts = np.bincount(y_train, minlength=10) + np.bincount(y_test, minlength=10)
    assert counts.sum() == 1797 and counts.min() >= 170                         # about 180 of each digit


def test_same_seed_same_split_other_seed_other_split(digits):
    pytest.importorskip("sklearn")
    (_, y_train), _ = digits
    (_, again), _ = load_digits()
    (_, other), _ = load_digits(rng=1)
    np.testing.assert_array_equal(y_train, again)
    assert not np.array_equal(y_train, other)
    (x_small, _), (x_big_test, _) = load_digits(test_size=0.5)
    assert len(x_big_test) == 899 and len(x_small) == 898


def test_clear_message_without_scikit_learn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)             # makes the import fail
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        load_digits()


@pytest.mark.parametrize("test_size", [0.0, 1.0, -0.1])
def test_rejects_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        load_digits(test_size=test_size)
