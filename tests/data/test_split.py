"""train_test_split: sizes, disjointness, stratification, reproducibility, errors."""

import numpy as np
import pytest

from zeronn.data import train_test_split


def test_sizes_and_partition():
    x = np.arange(10).reshape(10, 1)
    y = np.arange(10)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, seed=0)
    # ceil(0.25 * 10) = 3 test samples, 7 training samples
    assert len(x_test) == 3 and len(x_train) == 7
    np.testing.assert_array_equal(x_train[:, 0], y_train)       # rows stay paired
    np.testing.assert_array_equal(np.sort(np.concatenate([y_train, y_test])), y)


def test_int_test_size_and_no_shuffle():
    x = np.arange(6)
    x_train, x_test = train_test_split(x, test_size=2, shuffle=False)
    assert x_train.tolist() == [0, 1, 2, 3] and x_test.tolist() == [4, 5]


def test_same_seed_same_split():
    x = np.arange(20)
    a = train_test_split(x, seed=3)
    b = train_test_split(x, seed=3)
    c = train_test_split(x, seed=4)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_stratified_split_keeps_class_shares():
    y = np.array([0] * 30 + [1] * 10)
    x = np.arange(40)
    _, _, y_train, y_test = train_test_split(x, y, test_size=0.25, stratify=True, seed=0)
    # 10 test samples: 30 * 0.25 = 7.5 and 10 * 0.25 = 2.5 -> 8 + 2 or 7 + 3 (largest remainder, tie)
    assert len(y_test) == 10
    assert np.count_nonzero(y_test == 1) in (2, 3)
    assert np.count_nonzero(y_test == 0) + np.count_nonzero(y_test == 1) == 10
    assert len(y_train) == 30


def test_stratify_accepts_one_hot():
    y = np.eye(2)[[0, 0, 0, 0, 1, 1, 1, 1]]
    _, _, _, y_test = train_test_split(np.arange(8), y, test_size=0.5, stratify=True, seed=1)
    assert y_test.sum(axis=0).tolist() == [2.0, 2.0]


def test_errors():
    x = np.arange(10)
    with pytest.raises(ValueError, match="test_size must be a fraction in \\(0, 1\\)"):
        train_test_split(x, test_size=1.5)
    with pytest.raises(ValueError, match="between 1 and 9"):
        train_test_split(x, test_size=10)
    with pytest.raises(TypeError, match="test_size must be"):
        train_test_split(x, test_size="half")
    with pytest.raises(ValueError, match="same number of samples"):
        train_test_split(x, np.arange(9))
    with pytest.raises(ValueError, match="at least 2 samples"):
        train_test_split(np.arange(1))
    with pytest.raises(ValueError, match="needs the class labels y"):
        train_test_split(x, stratify=True)
    with pytest.raises(ValueError, match="needs shuffle=True"):
        train_test_split(x, x, stratify=True, shuffle=False)
    with pytest.raises(ValueError, match="whole numbers"):
        train_test_split(x, x + 0.5, stratify=True)


def test_fraction_rounding_is_not_fooled_by_float_noise():
    # 0.1 * 30 is 3.0000000000000004 in floating point: still 3 test samples
    _, x_test = train_test_split(np.arange(30), test_size=0.1, seed=0)
    assert len(x_test) == 3
