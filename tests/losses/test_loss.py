"""Tests for zeronn.losses.loss (the base class): what every loss accepts, reductions and backward's grad_out."""

import numpy as np
import pytest

from tests.torch_helpers import require_torch
from zeronn.losses import BCELoss, CrossEntropyLoss, MSELoss


def test_empty_batch_mean_is_a_clear_error_sum_and_none_work():
    with pytest.raises(ValueError, match=r"^MSELoss\(\) got an empty batch \(prediction of shape \(0, 2\)\): "
                                         "the mean of no losses is undefined"):
        MSELoss()(np.zeros((0, 2)), np.zeros((0, 2)))
    summed = MSELoss("sum")
    assert summed(np.zeros((0, 2)), np.zeros((0, 2))) == 0.0
    assert summed.backward().shape == (0, 2)
    assert CrossEntropyLoss("none")(np.zeros((0, 3)), np.zeros(0, dtype=int)).shape == (0,)


def test_empty_batch_sum_matches_torch():
    torch = require_torch()
    expected = torch.nn.MSELoss(reduction="sum")(torch.zeros(0, 2), torch.zeros(0, 2))
    assert MSELoss("sum")(np.zeros((0, 2)), np.zeros((0, 2))) == float(expected) == 0.0


def test_nan_targets_are_refused_naming_the_loss():
    with pytest.raises(ValueError, match=r"^MSELoss\(\): the target holds 1 NaN or infinite value\(s\)"):
        MSELoss()(np.zeros(3), np.array([0.0, np.nan, 1.0]))


def test_complex_prediction_is_refused():
    with pytest.raises(TypeError, match=r"^MSELoss\(\) expects real numbers \(bool, int or float\) as prediction, "
                                        "got complex128"):
        MSELoss()(np.zeros(3) + 1j, np.zeros(3))


def test_integer_and_list_predictions_are_computed_in_float64():
    loss = MSELoss()
    assert loss([1, 2, 3], [1.0, 2.0, 5.0]) == pytest.approx(4 / 3)             # (0 + 0 + 4) / 3
    assert loss.backward().dtype == np.float64


def test_none_backward_checks_grad_out_shape():
    loss = MSELoss("none")
    loss(np.zeros((4, 2)), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"^MSELoss\(reduction='none'\)\.backward\(\) expects grad_out of the "
                                         r"loss's shape \(4, 2\) \(or a scalar\), got \(4,\)"):
        loss.backward(np.ones(4))
    np.testing.assert_allclose(loss.backward(np.full((4, 2), 0.5)), np.full((4, 2), -1.0))   # 0.5 * 2 * (0 - 1)


def test_mean_backward_needs_a_scalar():
    loss = BCELoss()
    loss(np.full(3, 0.5), np.ones(3))
    with pytest.raises(ValueError, match=r"^BCELoss\(\)\.backward\(\) expects a scalar grad_out for "
                                         r"reduction='mean' \(the loss is one number\), got shape \(3,\)"):
        loss.backward(np.ones(3))
