"""Tests for zeronn.nn.dropout."""

import numpy as np
import pytest

from zeronn.nn import Dropout
from zeronn.testing import check_layer


def test_passes_layer_checks():
    check_layer(Dropout(0.3, rng=0), (4, 5), expected_output_shape=(4, 5))


def test_inverted_scaling_keeps_the_mean():
    layer = Dropout(0.25, rng=0)
    y = layer(np.ones((200, 500), np.float32))
    # kept entries are 1 / (1 - 0.25) = 4/3, dropped ones 0: mean stays about 1
    assert set(np.unique(y)) <= {0.0, np.float32(4 / 3)}
    assert abs(y.mean() - 1.0) < 0.01
    assert abs((y == 0).mean() - 0.25) < 0.01


def test_backward_uses_the_same_mask():
    layer = Dropout(0.5, rng=1)
    y = layer(np.ones((3, 8)))
    np.testing.assert_array_equal(layer.backward(np.ones((3, 8))), y)


def test_identity_in_eval_mode():
    layer = Dropout(0.9).eval()
    x = np.arange(6.0).reshape(2, 3)
    assert layer(x) is x and layer.backward(x) is x


@pytest.mark.parametrize("p", [-0.1, 1.0, 2])
def test_rejects_bad_probability(p):
    with pytest.raises(ValueError, match="dropout probability"):
        Dropout(p)
