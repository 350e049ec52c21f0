"""Tests for zeronn._ones."""

import numpy as np
import pytest

from zeronn._ones import ones


def test_ones_are_shared_read_only_and_typed():
    vector = ones(5, np.float32)
    assert vector.dtype == np.float32 and vector.shape == (5,) and np.all(vector == 1)
    assert ones(5, "float32") is vector and ones(np.int64(5), np.dtype("float32")) is vector
    assert ones(5, np.float64) is not vector
    with pytest.raises(ValueError, match="read-only"):
        vector[0] = 2


def test_ones_turn_sums_into_products():
    g = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(ones(4, g.dtype) @ g, g.sum(axis=0))
    np.testing.assert_array_equal(g @ ones(3, g.dtype), g.sum(axis=1))
