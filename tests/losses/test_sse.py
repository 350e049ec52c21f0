"""Tests for zeronn.losses.sse (the tutorial's sum of squared errors)."""

import numpy as np
import pytest

import zeronn
from tests.losses.helpers import REDUCTIONS
from zeronn.losses import MSELoss, SSELoss


def test_tutorial_loss_on_the_xor_rows():
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    output = np.array([[0.5], [0.5], [0.5], [0.5]])
    loss = SSELoss()
    # ((output - y)**2).sum() = 4 * 0.25 = 1.0
    assert loss(output, y) == 1.0
    # dL/d(output) = 2 * (output - y) = [1, -1, -1, 1]; the tutorial adds 2 * (y - output), the negative
    np.testing.assert_allclose(loss.backward(), [[1.0], [-1.0], [-1.0], [1.0]])


def test_is_mse_with_a_sum(rng):
    p, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    assert SSELoss()(p, y) == pytest.approx(MSELoss("sum")(p, y), rel=1e-15)
    assert SSELoss("mean")(p, y) == pytest.approx(MSELoss()(p, y), rel=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck(reduction, rng):
    zeronn.gradcheck(SSELoss(reduction), (rng.normal(size=(4, 1)), rng.normal(size=(4, 1))))


def test_config_and_repr():
    assert SSELoss().reduction == "sum" and SSELoss().get_config() == {"reduction": "sum"}
    assert repr(SSELoss()) == "SSELoss()" and repr(SSELoss("mean")) == "SSELoss(reduction='mean')"


def test_shape_mismatch_names_the_loss():
    with pytest.raises(ValueError, match=r"SSELoss\(\) expects prediction and target of the same shape"):
        SSELoss()(np.zeros((4, 1)), np.zeros(4))
