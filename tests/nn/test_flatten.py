"""Tests for zeronn.nn.flatten and zeronn.nn.identity."""

import numpy as np

from zeronn.nn import Flatten, Identity
from zeronn.testing import check_layer


def test_flatten_passes_layer_checks():
    check_layer(Flatten(), (2, 3, 4, 5), expected_output_shape=(2, 60))


def test_flatten_backward_restores_shape():
    layer = Flatten()
    y = layer(np.arange(24.0).reshape(2, 3, 4))
    assert layer.backward(y).shape == (2, 3, 4)


def test_identity_passes_layer_checks():
    check_layer(Identity(), (3, 2), expected_output_shape=(3, 2))
