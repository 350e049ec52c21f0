"""Tests for zeronn.testing.check_layer: it passes good layers and catches each kind of broken one."""

import numpy as np
import pytest

from zeronn.nn import LAYER_REGISTRY, Layer, Linear, ReLU, Sequential, register_layer
from zeronn.nn import layer as layer_module
from zeronn.testing import LayerCheckError, check_layer


class Scale(Layer):
    """y = 2x, a correct layer apart from what the subclasses below break.

    Forward:   y = 2 * x
    Backward:  dx = 2 * g
    """

    def forward(self, x):
        self.save_for_backward(shape=x.shape)
        return 2 * x

    def backward(self, grad_out):
        if np.shape(grad_out) != self.saved("shape"):
            raise ValueError(f"{self!r}: backward() expects a gradient of shape {self.saved('shape')}, got "
                             f"{np.shape(grad_out)}")
        return 2 * grad_out


class IgnoresGradientShape(Scale):
    def backward(self, grad_out):
        self.saved("shape")
        return 2 * grad_out


class FailsOnEmptyBatch(Scale):
    def forward(self, x):
        if len(x) == 0:
            raise ValueError("no samples")
        return super().forward(x)


@pytest.fixture(autouse=True)
def _registered():
    """check_layer rebuilds layers from their config, so they must be registered; only during these tests."""
    added = [register_layer(namespace="tests_testing")(cls) for cls in (Scale, IgnoresGradientShape,
                                                                          FailsOnEmptyBatch)]
    yield
    for key in [key for key, cls in LAYER_REGISTRY.items() if cls in added]:
        del layer_module._REGISTRY[key]                      # no public way back: the registry is read-only


def test_a_correct_layer_and_model_pass():
    check_layer(Scale(), (3, 4), expected_output_shape=(3, 4))
    check_layer(Sequential(Linear(4, 3), ReLU(), Linear(3, 2)), (5, 4), expected_output_shape=(5, 2),
                inputs=np.random.default_rng(0).uniform(0.5, 1.0, (5, 4)))


def test_a_layer_ignoring_the_gradient_shape_fails():
    with pytest.raises(LayerCheckError, match="wrongly shaped gradient|did not raise ValueError"):
        check_layer(IgnoresGradientShape(), (3, 4))


def test_a_layer_failing_on_an_empty_batch_fails():
    with pytest.raises(ValueError, match="no samples"):
        check_layer(FailsOnEmptyBatch(), (3, 4))
