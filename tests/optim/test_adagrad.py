"""Tests for zeronn.optim.adagrad."""

import numpy as np
import pytest

from tests.optim.helpers import (
    check_float32_stays_float32,
    check_resume_is_bit_identical,
    check_torch_parity,
)
from zeronn.nn import Parameter
from zeronn.optim import Adagrad

CONFIGS = {
    "defaults": dict(),
    "lr": dict(lr=0.2),
    "lr_decay": dict(lr=0.2, lr_decay=0.05),
    "weight_decay": dict(lr=0.2, weight_decay=0.1),
    "initial_accumulator_value": dict(lr=0.2, initial_accumulator_value=0.5),
    "eps": dict(lr=0.2, eps=1e-3),
    "maximize": dict(lr=0.1, maximize=True),
    "everything": dict(lr=0.3, lr_decay=0.1, weight_decay=0.2, initial_accumulator_value=0.1, eps=1e-5,
                       maximize=True),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_trajectory_matches_torch(name):
    check_torch_parity(lambda optim, params: optim.Adagrad(params, **CONFIGS[name]))


def test_param_groups_match_torch():
    def make(optim, params):
        return optim.Adagrad([{"params": params[:1], "lr_decay": 0.1}, {"params": params[1:]}], lr=0.1)

    check_torch_parity(make)


def test_resume_is_bit_identical():
    check_resume_is_bit_identical(lambda optim, params: optim.Adagrad(params, **CONFIGS["everything"]))


def test_float32_stays_float32():
    check_float32_stays_float32(lambda optim, params: optim.Adagrad(params, **CONFIGS["everything"]))


def test_hand_worked_two_steps():
    p = Parameter(np.array([1.0]))
    optimizer = Adagrad([p], lr=0.5, lr_decay=1.0, eps=1e-300)   # eps > 0, too small to change 3 or 5
    p.grad = np.array([3.0])
    optimizer.step()
    # t = 1: lr_t = 0.5;  G = 9;   p = 1 - 0.5 * 3 / 3 = 0.5
    np.testing.assert_allclose(p.data, [0.5], rtol=1e-15)
    p.grad = np.array([4.0])
    optimizer.step()
    # t = 2: lr_t = 0.5 / (1 + 1 * 1) = 0.25;  G = 9 + 16 = 25;  p = 0.5 - 0.25 * 4 / 5 = 0.3
    np.testing.assert_allclose(p.data, [0.3], rtol=1e-15)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-0.5), r"Invalid learning rate: -0.5 \(expected a number >= 0"),
        (dict(eps=0.0), r"Invalid epsilon value: 0.0 \(expected a number > 0\)"),
        (dict(lr_decay=-1.0), r"Invalid lr_decay value: -1.0"),
        (dict(weight_decay=-1.0), r"Invalid weight_decay value: -1.0"),
        (dict(initial_accumulator_value=-1.0), r"Invalid initial_accumulator_value value: -1.0"),
        (dict(eps=-1.0), r"Invalid epsilon value: -1.0"),
    ],
)
def test_rejects_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adagrad([Parameter(np.zeros(2))], **kwargs)
