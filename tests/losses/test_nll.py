"""Tests for zeronn.losses.nll."""

import numpy as np
import pytest

import zeronn
from tests.losses.helpers import REDUCTIONS, assert_matches_torch
from tests.torch_helpers import require_torch
from zeronn.losses import CrossEntropyLoss, NLLLoss
from zeronn.nn import LogSoftmax


def test_hand_worked_example():
    loss = NLLLoss()
    log_p = np.log(np.array([[0.25, 0.75], [0.5, 0.5]]))
    # mean of -log 0.75 and -log 0.5
    assert loss(log_p, np.array([1, 0])) == pytest.approx((-np.log(0.75) - np.log(0.5)) / 2, rel=1e-15)
    # -1 at each target, divided by N = 2
    np.testing.assert_array_equal(loss.backward(), [[0.0, -0.5], [-0.5, 0.0]])


def test_log_softmax_then_nll_is_cross_entropy(rng):
    logits, labels = rng.normal(size=(5, 4)), rng.integers(0, 4, 5)
    log_softmax, nll, ce = LogSoftmax(), NLLLoss(), CrossEntropyLoss()
    assert nll(log_softmax(logits), labels) == pytest.approx(ce(logits, labels), rel=1e-14)
    np.testing.assert_allclose(log_softmax.backward(nll.backward()), ce.backward(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck(reduction, rng):
    zeronn.gradcheck(NLLLoss(reduction), (rng.normal(size=(4, 3)), rng.integers(0, 3, 4)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(reduction, dtype, rng):
    torch = require_torch()
    log_p = np.log(rng.dirichlet(np.ones(4), 6))
    assert_matches_torch(NLLLoss(reduction), torch.nn.NLLLoss(reduction=reduction),
                         log_p, rng.integers(0, 4, 6), dtype=dtype)


def test_errors_name_the_loss():
    with pytest.raises(ValueError, match=r"NLLLoss\(\): class index 4 is out of range for 4 classes"):
        NLLLoss()(np.zeros((2, 4)), np.array([4, 0]))
    with pytest.raises(ValueError, match=r"NLLLoss\(\) expects integer class indices as targets"):
        NLLLoss()(np.zeros((2, 4)), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"NLLLoss\(\) expects log-probabilities of shape \(batch, classes\), "
                                         r"got \(2, 4, 1\)"):
        NLLLoss()(np.zeros((2, 4, 1)), np.array([1, 0]))
