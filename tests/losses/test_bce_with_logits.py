"""Tests for zeronn.losses.bce_with_logits."""

import warnings

import numpy as np
import pytest

import zeronn
from tests.losses.helpers import REDUCTIONS, assert_matches_torch
from tests.torch_helpers import require_torch
from zeronn.functional import sigmoid
from zeronn.losses import BCELoss, BCEWithLogitsLoss


def test_hand_worked_example():
    loss = BCEWithLogitsLoss("none")
    # z = 0: sigmoid = 1/2, loss ln 2 whatever y;  z = ln 3, y = 1: sigmoid = 3/4, loss -ln(3/4)
    np.testing.assert_allclose(loss(np.array([0.0, np.log(3.0)]), np.array([1.0, 1.0])), [np.log(2), -np.log(0.75)])
    # gradient sigmoid(z) - y = [-1/2, -1/4]
    np.testing.assert_allclose(loss.backward(np.ones(2)), [-0.5, -0.25])


def test_equals_sigmoid_then_bce(rng):
    z, y = rng.normal(size=(5, 2)), rng.uniform(size=(5, 2))
    fused, plain = BCEWithLogitsLoss(), BCELoss()
    assert fused(z, y) == pytest.approx(plain(sigmoid(z), y), rel=1e-12)
    p = sigmoid(z)
    np.testing.assert_allclose(fused.backward(), plain.backward() * p * (1 - p), rtol=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck(reduction, rng):
    zeronn.gradcheck(BCEWithLogitsLoss(reduction), (rng.normal(size=(4, 3)) * 3, rng.uniform(size=(4, 3))))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(reduction, dtype, rng):
    torch = require_torch()
    z = np.concatenate([rng.normal(size=(5, 3)) * 4, [[-1000.0, 1000.0, 30.0]]])
    assert_matches_torch(BCEWithLogitsLoss(reduction), torch.nn.BCEWithLogitsLoss(reduction=reduction),
                         z, rng.uniform(size=(6, 3)), dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stable_at_plus_minus_1000(dtype):
    z = np.array([-1000.0, 1000.0, -1000.0, 1000.0], dtype=dtype)
    y = np.array([0.0, 1.0, 1.0, 0.0], dtype=dtype)
    loss = BCEWithLogitsLoss("none")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            values = loss(z, y)
            grad = loss.backward(np.ones(4, dtype=dtype))
    # right and certain: 0;  wrong and certain: |z| = 1000 (no clamp needed)
    np.testing.assert_array_equal(values, [0.0, 0.0, 1000.0, 1000.0])
    np.testing.assert_array_equal(grad, [0.0, 0.0, -1.0, 1.0])
    assert values.dtype == grad.dtype == dtype


def test_targets_outside_0_1_are_refused():
    with pytest.raises(ValueError, match=r"^BCEWithLogitsLoss\(\) expects targets in \[0, 1\].*from -0.5 to 1"):
        BCEWithLogitsLoss()(np.zeros((2, 1)), np.array([[-0.5], [1.0]]))
