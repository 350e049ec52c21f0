"""Tests for zeronn.optim.lr_scheduler.cosine_lr."""

import math

import numpy as np
import pytest

from tests.optim.lr_scheduler.helpers import check_resume, check_torch_parity, zeronn_lrs, zeronn_optimizer
from zeronn.optim.lr_scheduler import CosineAnnealingLR


def test_hand_worked_example():
    lrs = [group[0] for group in zeronn_lrs(lambda s, opt: s.CosineAnnealingLR(opt, T_max=2), steps=4)]
    # eta_min = 0, base 0.1:  e=0: 0.1;  e=1: 0.1 * (1 + cos(pi/2)) / 2 = 0.05;  e=2: 0.1 * (1 + cos(pi)) / 2 = 0
    # then back up along the wave: e=3: 0.05, e=4: 0.1
    np.testing.assert_allclose(lrs, [0.1, 0.05, 0.0, 0.05, 0.1], atol=1e-17)


def test_follows_the_closed_form():
    lrs = [group[0] for group in zeronn_lrs(lambda s, opt: s.CosineAnnealingLR(opt, T_max=10, eta_min=0.01))]
    closed = [0.01 + (0.1 - 0.01) * (1 + math.cos(math.pi * e / 10)) / 2 for e in range(41)]
    np.testing.assert_allclose(lrs, closed, rtol=1e-12)


@pytest.mark.parametrize("T_max, eta_min", [(10, 0.0), (7, 0.001), (1, 0.0), (25, 0.01)])
def test_matches_torch(T_max, eta_min):
    check_torch_parity(lambda s, opt: s.CosineAnnealingLR(opt, T_max=T_max, eta_min=eta_min), steps=60)


def test_resume():
    check_resume(lambda s, opt: s.CosineAnnealingLR(opt, T_max=6, eta_min=0.001))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(T_max=0), r"Invalid T_max value: 0 \(expected an integer >= 1\)"),
        (dict(T_max=5, eta_min=-1.0), "Invalid eta_min value"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CosineAnnealingLR(zeronn_optimizer(), **kwargs)
