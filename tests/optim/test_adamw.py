"""Tests for zeronn.optim.adamw."""

import numpy as np
import pytest

from tests.optim.helpers import (
    check_float32_stays_float32,
    check_resume_is_bit_identical,
    check_torch_parity,
)
from zeronn.nn import Parameter
from zeronn.optim import Adam, AdamW

CONFIGS = {
    "defaults": dict(),
    "weight_decay": dict(lr=0.05, weight_decay=0.1),
    "no_decay": dict(lr=0.05, weight_decay=0.0),
    "amsgrad": dict(lr=0.05, amsgrad=True),
    "maximize": dict(lr=0.05, maximize=True),
    "everything": dict(lr=0.02, betas=(0.5, 0.9), eps=1e-4, weight_decay=0.3, amsgrad=True, maximize=True),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_trajectory_matches_torch(name):
    check_torch_parity(lambda optim, params: optim.AdamW(params, **CONFIGS[name]))


def test_resume_is_bit_identical():
    check_resume_is_bit_identical(lambda optim, params: optim.AdamW(params, **CONFIGS["everything"]))


def test_float32_stays_float32():
    check_float32_stays_float32(lambda optim, params: optim.AdamW(params, lr=0.05, weight_decay=0.1))


def test_default_weight_decay_is_one_hundredth():
    optimizer = AdamW([Parameter(np.zeros(2))])
    assert optimizer.defaults["weight_decay"] == 1e-2


def test_hand_worked_decoupled_decay():
    # With a zero gradient, m = v = 0 and the Adam part is 0 / (0 + eps) = 0: only the decay acts.
    # p = 2 * (1 - lr * weight_decay) = 2 * (1 - 0.1 * 0.5) = 1.9
    p = Parameter(np.array([2.0]))
    optimizer = AdamW([p], lr=0.1, weight_decay=0.5)
    p.grad = np.array([0.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [1.9], rtol=1e-15)


def test_differs_from_adam_with_l2_penalty():
    pa, pw = Parameter(np.array([2.0])), Parameter(np.array([2.0]))
    adam, adamw = Adam([pa], lr=0.1, weight_decay=0.5), AdamW([pw], lr=0.1, weight_decay=0.5)
    for optimizer, p in ((adam, pa), (adamw, pw)):
        p.grad = np.array([0.0])
        optimizer.step()
    # Adam: g = 0 + 0.5 * 2 = 1, so the first step is about lr * sign(g) = 0.1  ->  1.9 as well, but through m, v
    assert adam.state[pa]["exp_avg"][0] != 0
    assert adamw.state[pw]["exp_avg"][0] == 0


def test_rejects_bad_hyperparameters():
    with pytest.raises(ValueError, match=r"Invalid weight_decay value: -0.01"):
        AdamW([Parameter(np.zeros(2))], weight_decay=-0.01)
