"""Tests for zeronn.optim.sgd."""

import numpy as np
import pytest

from tests.optim.helpers import (
    check_float32_stays_float32,
    check_resume_is_bit_identical,
    check_torch_parity,
)
from zeronn.nn import Parameter
from zeronn.optim import SGD

CONFIGS = {
    "plain": dict(lr=0.1),
    "momentum": dict(lr=0.1, momentum=0.9),
    "dampening": dict(lr=0.1, momentum=0.8, dampening=0.3),
    "nesterov": dict(lr=0.1, momentum=0.9, nesterov=True),
    "weight_decay": dict(lr=0.1, weight_decay=0.05),
    "maximize": dict(lr=0.05, momentum=0.5, maximize=True),
    "everything": dict(lr=0.05, momentum=0.7, nesterov=True, weight_decay=0.1, maximize=True),
    "default_lr": dict(momentum=0.9),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_trajectory_matches_torch(name):
    check_torch_parity(lambda optim, params: optim.SGD(params, **CONFIGS[name]))


def test_param_groups_and_frozen_parameter_match_torch():
    def make(optim, params):
        return optim.SGD(
            [{"params": params[:2]}, {"params": params[2:], "lr": 0.02, "nesterov": True}],
            lr=0.1, momentum=0.9, weight_decay=0.01,
        )

    check_torch_parity(make)
    check_torch_parity(lambda optim, params: optim.SGD(params, lr=0.1, momentum=0.9), frozen=0)


@pytest.mark.parametrize("name", ["momentum", "everything"])
def test_resume_is_bit_identical(name):
    state = check_resume_is_bit_identical(lambda optim, params: optim.SGD(params, **CONFIGS[name]))
    assert set(state["state"]) == {"0", "1", "2"}
    assert set(state["state"]["0"]) == {"momentum_buffer"}


def test_float32_stays_float32():
    check_float32_stays_float32(lambda optim, params: optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=0.01))


def test_hand_worked_momentum_steps():
    p = Parameter(np.array([1.0]))
    optimizer = SGD([p], lr=0.1, momentum=0.9)
    p.grad = np.array([0.5])
    optimizer.step()
    # step 1: b = g = 0.5;               p = 1 - 0.1 * 0.5 = 0.95
    np.testing.assert_allclose(p.data, [0.95], rtol=1e-15)
    p.grad = np.array([0.5])
    optimizer.step()
    # step 2: b = 0.9 * 0.5 + 0.5 = 0.95; p = 0.95 - 0.1 * 0.95 = 0.855
    np.testing.assert_allclose(p.data, [0.855], rtol=1e-15)
    np.testing.assert_allclose(optimizer.state[p]["momentum_buffer"], [0.95], rtol=1e-15)


def test_hand_worked_nesterov_and_weight_decay_step():
    p = Parameter(np.array([2.0]))
    optimizer = SGD([p], lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.25)
    p.grad = np.array([1.0])
    optimizer.step()
    # g = 1 + 0.25 * 2 = 1.5;  b = 1.5;  nesterov g = 1.5 + 0.5 * 1.5 = 2.25;  p = 2 - 0.1 * 2.25 = 1.775
    np.testing.assert_allclose(p.data, [1.775], rtol=1e-15)


def test_gradient_is_not_modified():
    p = Parameter(np.array([1.0, 2.0]))
    grad = np.array([0.5, -0.5])
    p.grad = grad
    optimizer = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.1, maximize=True)
    optimizer.step()
    optimizer.step()
    np.testing.assert_array_equal(grad, [0.5, -0.5])
    assert p.grad is grad


def test_updates_in_place():
    p = Parameter(np.ones(3))
    data = p.data
    p.grad = np.ones(3)
    SGD([p], lr=0.1).step()
    assert p.data is data


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1.0), r"Invalid learning rate: -1.0"),
        (dict(lr=-1), r"Invalid learning rate: -1 \(expected a number >= 0, e.g. lr=0.01\)"),
        (dict(lr=float("nan")), r"Invalid learning rate: nan"),
        (dict(lr="0.1"), r"Invalid learning rate: '0.1'"),
        (dict(momentum=-0.5), r"Invalid momentum value: -0.5 \(expected a number in \[0, 1\)\)"),
        (dict(momentum=1.0), r"Invalid momentum value: 1.0"),
        (dict(dampening=1.5), r"Invalid dampening value: 1.5"),
        (dict(weight_decay=-1e-4), r"Invalid weight_decay value: -0.0001"),
        (dict(nesterov=True), r"Nesterov momentum requires a momentum and zero dampening"),
        (dict(nesterov=True, momentum=0.9, dampening=0.1), r"Nesterov momentum requires"),
    ],
)
def test_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD([Parameter(np.zeros(2))], **kwargs)


def test_rejects_non_bool_flags():
    with pytest.raises(TypeError, match="nesterov must be True or False, got 1"):
        SGD([Parameter(np.zeros(2))], lr=0.1, momentum=0.9, nesterov=1)


def test_string_momentum_is_a_clear_type_error():
    with pytest.raises(TypeError, match=r"^Invalid momentum value: '0.9' \(expected a number in \[0, 1\), got str\)$"):
        SGD([Parameter(np.zeros(2))], lr=0.1, momentum="0.9")


def test_learning_rate_zero_is_allowed():
    p = Parameter(np.ones(2))
    optimizer = SGD([p], lr=0, momentum=0.9)
    p.grad = np.ones(2)
    optimizer.step()
    np.testing.assert_array_equal(p.data, [1.0, 1.0])
    assert optimizer.param_groups[0]["lr"] == 0.0 and type(optimizer.param_groups[0]["lr"]) is float
