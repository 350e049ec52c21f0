"""Tests for zeronn.losses.huber."""

import numpy as np
import pytest

import zeronn
from tests.losses.helpers import REDUCTIONS, assert_matches_torch
from tests.torch_helpers import require_torch
from zeronn.losses import HuberLoss


def test_hand_worked_example():
    loss = HuberLoss("none", delta=1.0)
    # d = 0.5: quadratic 0.5 * 0.25 = 0.125;  d = -3: linear 1 * (3 - 0.5) = 2.5
    np.testing.assert_allclose(loss(np.array([0.5, -3.0]), np.zeros(2)), [0.125, 2.5])
    # gradient clip(d, -1, 1) = [0.5, -1]
    np.testing.assert_allclose(loss.backward(np.ones(2)), [0.5, -1.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck(reduction, rng):
    # errors spread over both pieces, none close to |d| = delta where the second derivative jumps
    p = np.array([[-2.5, -0.4, 0.3], [0.9, 1.8, -1.3]])
    zeronn.gradcheck(HuberLoss(reduction, delta=1.1), (p, np.zeros((2, 3))))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [1.0, 0.5])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(reduction, delta, dtype, rng):
    torch = require_torch()
    assert_matches_torch(HuberLoss(reduction, delta=delta), torch.nn.HuberLoss(reduction=reduction, delta=delta),
                         rng.normal(size=(5, 3)) * 2, rng.normal(size=(5, 3)), dtype=dtype)


@pytest.mark.parametrize("delta", [0, -1.0, float("inf"), "1"])
def test_rejects_bad_delta(delta):
    with pytest.raises(ValueError, match="Invalid delta value"):
        HuberLoss(delta=delta)


def test_config_and_repr():
    assert HuberLoss(delta=2.0).get_config() == {"reduction": "mean", "delta": 2.0}
    assert repr(HuberLoss("sum", delta=2.0)) == "HuberLoss(reduction='sum', delta=2.0)"
