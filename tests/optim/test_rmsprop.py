"""Tests for zeronn.optim.rmsprop."""

import numpy as np
import pytest

from tests.optim.helpers import (
    check_float32_stays_float32,
    check_resume_is_bit_identical,
    check_torch_parity,
)
from zeronn.nn import Parameter
from zeronn.optim import RMSprop

CONFIGS = {
    "defaults": dict(),
    "alpha": dict(lr=0.02, alpha=0.9),
    "momentum": dict(lr=0.01, momentum=0.9),
    "centered": dict(lr=0.01, centered=True),
    "centered_momentum": dict(lr=0.01, centered=True, momentum=0.5),
    "weight_decay": dict(lr=0.01, weight_decay=0.1),
    "maximize": dict(lr=0.01, maximize=True),
    "everything": dict(lr=0.005, alpha=0.8, eps=1e-4, weight_decay=0.2, momentum=0.7, centered=True, maximize=True),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_trajectory_matches_torch(name):
    check_torch_parity(lambda optim, params: optim.RMSprop(params, **CONFIGS[name]))


def test_param_groups_match_torch():
    def make(optim, params):
        return optim.RMSprop([{"params": params[:2], "centered": True}, {"params": params[2:], "momentum": 0.9}])

    check_torch_parity(make)


@pytest.mark.parametrize("name", ["defaults", "everything"])
def test_resume_is_bit_identical(name):
    check_resume_is_bit_identical(lambda optim, params: optim.RMSprop(params, **CONFIGS[name]))


def test_float32_stays_float32():
    check_float32_stays_float32(lambda optim, params: optim.RMSprop(params, **CONFIGS["everything"]))


def test_hand_worked_first_step():
    p = Parameter(np.array([1.0]))
    optimizer = RMSprop([p], lr=0.01, alpha=0.99, eps=1e-300)   # eps > 0, too small to change 0.2
    p.grad = np.array([2.0])
    optimizer.step()
    # v = 0.01 * 2^2 = 0.04;  s = sqrt(0.04) = 0.2;  p = 1 - 0.01 * 2 / 0.2 = 0.9
    np.testing.assert_allclose(optimizer.state[p]["square_avg"], [0.04], rtol=1e-15)
    np.testing.assert_allclose(p.data, [0.9], rtol=1e-14)


def test_centered_variance_never_negative():
    # a constant gradient makes v - a^2 shrink to rounding noise; it must not turn into NaN
    p = Parameter(np.array([1.0, -1.0, 0.5]))
    optimizer = RMSprop([p], lr=1e-6, alpha=0.5, centered=True)
    for _ in range(200):
        p.grad = np.array([0.3, 0.3, 0.7])
        optimizer.step()
    assert np.all(np.isfinite(p.data))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-0.1), r"Invalid learning rate: -0.1"),
        (dict(alpha=1.0), r"Invalid alpha value: 1.0"),
        (dict(alpha=-0.1), r"Invalid alpha value: -0.1"),
        (dict(eps=-1.0), r"Invalid epsilon value: -1.0"),
        (dict(momentum=-0.1), r"Invalid momentum value: -0.1"),
        (dict(weight_decay=-0.1), r"Invalid weight_decay value: -0.1"),
    ],
)
def test_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RMSprop([Parameter(np.zeros(2))], **kwargs)
