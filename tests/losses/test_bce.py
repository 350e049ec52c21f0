"""Tests for zeronn.losses.bce."""

import warnings

import numpy as np
import pytest

import zeronn
from tests.losses.helpers import REDUCTIONS, assert_matches_torch
from tests.torch_helpers import require_torch
from zeronn.losses import BCELoss


def test_hand_worked_example():
    loss = BCELoss("none")
    # p = 0.8, y = 1: -ln 0.8 = 0.2231;  p = 0.8, y = 0: -ln 0.2 = 1.6094
    np.testing.assert_allclose(loss(np.array([0.8, 0.8]), np.array([1.0, 0.0])), [-np.log(0.8), -np.log(0.2)])
    # gradient (p - y) / (p (1 - p)) = -0.2 / 0.16 = -1.25 and 0.8 / 0.16 = 5
    np.testing.assert_allclose(loss.backward(np.ones(2)), [-1.25, 5.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck(reduction, rng):
    p = rng.uniform(0.05, 0.95, size=(4, 3))
    zeronn.gradcheck(BCELoss(reduction), (p, rng.uniform(size=(4, 3))))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(reduction, dtype, rng):
    torch = require_torch()
    assert_matches_torch(BCELoss(reduction), torch.nn.BCELoss(reduction=reduction),
                         rng.uniform(0.02, 0.98, size=(6, 2)), rng.uniform(size=(6, 2)), dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_certain_wrong_answers_cost_100_like_torch(dtype):
    torch = require_torch()
    p, y = np.array([0.0, 1.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            # log(0) is floored at -100: two certain mistakes cost 100 each, two certain hits 0
            assert_matches_torch(BCELoss("none"), torch.nn.BCELoss(reduction="none"), p, y, dtype=dtype)
    assert BCELoss("sum")(p.astype(dtype), y.astype(dtype)) == 200.0


def test_rejects_values_outside_0_1_with_a_hint():
    with pytest.raises(ValueError, match=r"BCELoss\(\) expects probabilities in \[0, 1\] .*got values from "
                                         r"-0.5 to 2; for raw scores use BCEWithLogitsLoss"):
        BCELoss()(np.array([-0.5, 2.0]), np.array([0.0, 1.0]))


def test_shape_mismatch_names_the_loss():
    with pytest.raises(ValueError, match=r"BCELoss\(\) expects prediction and target of the same shape"):
        BCELoss()(np.full((3, 1), 0.5), np.zeros(3))


@pytest.mark.parametrize("bad", [2.0, -1.0])
def test_targets_outside_0_1_are_refused(bad):
    # accepted, a target of 2 with p = 0.9 would give a negative "loss":
    # -(2 * log 0.9 + (1 - 2) * log 0.1) = -(2 * -0.105 + 2.303) = -2.09
    with pytest.raises(ValueError, match=r"^BCELoss\(\) expects targets in \[0, 1\] \(0/1 labels or "
                                         r"probabilities\), got values from"):
        BCELoss()(np.full((2, 1), 0.9), np.array([[bad], [0.0]]))
