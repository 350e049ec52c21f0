"""Tests for zeronn.optim.adam."""

import numpy as np
import pytest

from tests.optim.helpers import (
    check_float32_stays_float32,
    check_resume_is_bit_identical,
    check_torch_parity,
)
from zeronn.nn import Parameter
from zeronn.optim import Adam

CONFIGS = {
    "defaults": dict(),
    "lr": dict(lr=0.05),
    "betas_eps": dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3),
    "weight_decay": dict(lr=0.05, weight_decay=0.1),
    "amsgrad": dict(lr=0.05, amsgrad=True),
    "maximize": dict(lr=0.05, maximize=True),
    "everything": dict(lr=0.02, betas=(0.5, 0.9), weight_decay=0.2, amsgrad=True, maximize=True),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_trajectory_matches_torch(name):
    check_torch_parity(lambda optim, params: optim.Adam(params, **CONFIGS[name]))


def test_param_groups_and_frozen_parameter_match_torch():
    def make(optim, params):
        return optim.Adam([{"params": params[:1], "amsgrad": True}, {"params": params[1:], "lr": 0.01}], lr=0.05)

    check_torch_parity(make)
    check_torch_parity(lambda optim, params: optim.Adam(params, lr=0.05), frozen=2)


@pytest.mark.parametrize("name", ["defaults", "everything"])
def test_resume_is_bit_identical(name):
    state = check_resume_is_bit_identical(lambda optim, params: optim.Adam(params, **CONFIGS[name]))
    # parameter 1 skipped steps 1, 4, 7: after 10 steps it was updated 7 times
    assert state["state"]["0"]["step"] == 10
    assert state["state"]["1"]["step"] == 7
    assert state["param_groups"][0]["betas"] == list(CONFIGS[name].get("betas", (0.9, 0.999)))


def test_float32_stays_float32():
    check_float32_stays_float32(lambda optim, params: optim.Adam(params, lr=0.05, amsgrad=True, weight_decay=0.1))


def test_hand_worked_first_step():
    p = Parameter(np.array([1.0, -1.0]))
    optimizer = Adam([p], lr=0.1)
    p.grad = np.array([0.5, -2.0])
    optimizer.step()
    # m = 0.1 * g,  v = 0.001 * g^2;  m_hat = m / (1 - 0.9) = g,  v_hat = v / (1 - 0.999) = g^2
    # p = p - 0.1 * g / (|g| + 1e-8):
    #   1 - 0.1 * 0.5 / 0.50000001 = 1 - 0.099999998 = 0.900000002
    #  -1 + 0.1 * 2 / 2.00000001 = -1 + 0.0999999995 = -0.9000000005
    np.testing.assert_allclose(p.data, [1 - 0.05 / 0.50000001, -1 + 0.2 / 2.00000001], rtol=1e-14)
    np.testing.assert_allclose(optimizer.state[p]["exp_avg"], [0.05, -0.2], rtol=1e-14)
    np.testing.assert_allclose(optimizer.state[p]["exp_avg_sq"], [0.00025, 0.004], rtol=1e-14)


def test_float32_with_numpy_float64_learning_rate():
    p = Parameter(np.ones(3, dtype=np.float32))
    optimizer = Adam([p], lr=np.float64(0.1))
    assert type(optimizer.param_groups[0]["lr"]) is float
    p.grad = np.ones(3, dtype=np.float32)
    optimizer.step()
    assert p.data.dtype == np.float32


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1.0), r"Invalid learning rate: -1.0"),
        (dict(eps=-1e-8), r"Invalid epsilon value: -1e-08"),
        (dict(betas=(1.0, 0.999)), r"Invalid beta parameter at index 0: 1.0"),
        (dict(betas=(0.9, -0.1)), r"Invalid beta parameter at index 1: -0.1"),
        (dict(betas=0.9), r"Invalid betas: 0.9 \(expected a pair"),
        (dict(weight_decay=-1), r"Invalid weight_decay value: -1"),
    ],
)
def test_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adam([Parameter(np.zeros(2))], **kwargs)


def test_rejects_non_bool_amsgrad():
    with pytest.raises(TypeError, match="amsgrad must be True or False"):
        Adam([Parameter(np.zeros(2))], amsgrad="yes")


def test_eps_zero_is_refused_because_a_zero_gradient_would_give_nan():
    with pytest.raises(ValueError, match=r"^Invalid epsilon value: 0 \(expected a number > 0\)$"):
        Adam([Parameter(np.zeros(2))], eps=0)
    p = Parameter(np.ones(2))
    optimizer = Adam([p], eps=1e-8)
    p.grad = np.zeros(2)
    optimizer.step()                                     # m = v = 0: p - lr * 0 / (0 + eps) = p
    np.testing.assert_array_equal(p.data, [1.0, 1.0])


def test_learning_rate_zero_is_allowed_as_in_torch():
    p = Parameter(np.ones(2))
    optimizer = Adam([p], lr=0.0)
    p.grad = np.ones(2)
    optimizer.step()
    np.testing.assert_array_equal(p.data, [1.0, 1.0])


def test_string_hyperparameter_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match=r"^Invalid beta parameter at index 0: '0.9' \(expected a number in "
                                        r"\[0, 1\), got str\)$"):
        Adam([Parameter(np.zeros(2))], betas=("0.9", 0.999))
