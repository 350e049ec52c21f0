"""Tests for zeronn.losses.l1."""

import numpy as np
import pytest

import zeronn
from tests.losses.helpers import REDUCTIONS, assert_matches_torch
from tests.torch_helpers import require_torch
from zeronn.losses import L1Loss


def test_hand_worked_example():
    loss = L1Loss("sum")
    # |p - y| = |1|, |-2|, |0| -> 3;  gradient sign(p - y) = [1, -1, 0] (0 at a tie, like PyTorch)
    assert loss(np.array([1.0, 0.0, 2.0]), np.array([0.0, 2.0, 2.0])) == 3.0
    np.testing.assert_array_equal(loss.backward(), [1.0, -1.0, 0.0])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck(reduction, rng):
    zeronn.gradcheck(L1Loss(reduction), (rng.normal(size=(4, 3)), rng.normal(size=(4, 3))))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(reduction, dtype, rng):
    torch = require_torch()
    assert_matches_torch(L1Loss(reduction), torch.nn.L1Loss(reduction=reduction),
                         rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), dtype=dtype)


def test_shape_mismatch_names_the_loss():
    with pytest.raises(ValueError, match=r"L1Loss\(\) expects prediction and target of the same shape, "
                                         r"got prediction \(2, 3\) and target \(3, 2\)"):
        L1Loss()(np.zeros((2, 3)), np.zeros((3, 2)))
