"""Tests for zeronn.gradcheck: it must pass correct layers and catch wrong ones."""

import numpy as np
import pytest

import zeronn
from zeronn.nn import Layer, Linear


class WrongBackward(Layer):
    """y = x ** 2 with a backward that forgets the factor 2."""

    def forward(self, x):
        self.save_for_backward(x=x)
        return x * x

    def backward(self, grad_out):
        return grad_out * self.saved("x")


def test_reports_each_tensor(rng):
    result = zeronn.gradcheck(Linear(3, 2), rng.normal(size=(4, 3)))
    assert set(result.errors) == {"input", "weight", "bias"}
    assert result.passed and "all gradients agree" in str(result)


def test_catches_a_wrong_backward(rng):
    with pytest.raises(zeronn.GradcheckError, match="WRONG"):
        zeronn.gradcheck(WrongBackward(), rng.normal(size=(3, 3)))
    result = zeronn.gradcheck(WrongBackward(), rng.normal(size=(3, 3)), raise_on_failure=False)
    assert not result.passed and result.errors["input"] > 0.1


def test_leaves_the_layer_untouched(rng):
    layer = Linear(3, 2)
    before = layer.state_dict()
    zeronn.gradcheck(layer, rng.normal(size=(2, 3)))
    assert layer.dtype == np.float32 and layer.weight.grad is None
    assert all(np.array_equal(v, layer.state_dict()[k]) for k, v in before.items())


def test_rejects_other_objects():
    with pytest.raises(TypeError, match="Layer or Loss"):
        zeronn.gradcheck(lambda x: x, np.zeros(3))
