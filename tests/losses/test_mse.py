"""Tests for zeronn.losses.mse."""

import numpy as np
import pytest

import zeronn
from tests.losses.helpers import REDUCTIONS, assert_matches_torch
from tests.torch_helpers import require_torch
from zeronn.losses import MSELoss


def test_hand_worked_example():
    loss = MSELoss()
    # errors p - y = [1, -2, 0, 3]: squares 1, 4, 0, 9 -> mean 14 / 4 = 3.5
    assert loss(np.array([1.0, 0.0, 2.0, 3.0]), np.array([0.0, 2.0, 2.0, 0.0])) == 3.5
    # dL/dp = 2 * (p - y) / n = [2, -4, 0, 6] / 4
    np.testing.assert_allclose(loss.backward(), [0.5, -1.0, 0.0, 1.5])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck(reduction, rng):
    zeronn.gradcheck(MSELoss(reduction), (rng.normal(size=(4, 3)), rng.normal(size=(4, 3))))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(reduction, dtype, rng):
    torch = require_torch()
    assert_matches_torch(MSELoss(reduction), torch.nn.MSELoss(reduction=reduction),
                         rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), dtype=dtype)


def test_shape_mismatch_names_the_loss_both_shapes_and_a_fix():
    with pytest.raises(ValueError, match=r"MSELoss\(\) expects prediction and target of the same shape, "
                                         r"got prediction \(4, 1\) and target \(4,\); reshape the target "
                                         r"with y.reshape\(4, 1\)"):
        MSELoss()(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match=r"got prediction \(4, 2\) and target \(3, 2\)$"):
        MSELoss()(np.zeros((4, 2)), np.zeros((3, 2)))


def test_float32_prediction_keeps_float32_with_float64_or_integer_targets():
    loss = MSELoss()
    for target in (np.array([[0.0], [1.0]]), np.array([[0], [1]])):
        loss(np.array([[0.5], [0.5]], dtype=np.float32), target)
        assert loss.backward().dtype == np.float32


def test_rejects_non_numeric_targets():
    with pytest.raises(TypeError, match=r"MSELoss\(\) expects real numbers \(bool, int or float\) as target, got text"):
        MSELoss()(np.zeros(2), np.array(["a", "b"]))


def test_backward_before_forward_is_an_error():
    with pytest.raises(RuntimeError, match="backward"):
        MSELoss().backward()


def test_config_and_repr():
    assert MSELoss("sum").get_config() == {"reduction": "sum"}
    assert repr(MSELoss()) == "MSELoss()" and repr(MSELoss("none")) == "MSELoss(reduction='none')"
    with pytest.raises(ValueError, match="Unknown reduction 'avg'; valid choices are: mean, none, sum"):
        MSELoss("avg")
