"""Tests for zeronn.optim.lr_scheduler.exponential_lr."""

import pytest

from tests.optim.lr_scheduler.helpers import check_resume, check_torch_parity, zeronn_lrs, zeronn_optimizer
from zeronn.optim.lr_scheduler import ExponentialLR


def test_hand_worked_example():
    lrs = zeronn_lrs(lambda s, opt: s.ExponentialLR(opt, gamma=0.5), steps=3)
    # 0.1, 0.1 * 0.5, 0.1 * 0.5^2, 0.1 * 0.5^3
    assert [group[0] for group in lrs] == [0.1, 0.05, 0.025, 0.0125]


@pytest.mark.parametrize("gamma", [0.9, 0.5, 1.0])
def test_matches_torch(gamma):
    check_torch_parity(lambda s, opt: s.ExponentialLR(opt, gamma=gamma))


def test_resume():
    check_resume(lambda s, opt: s.ExponentialLR(opt, gamma=0.8))


def test_errors():
    with pytest.raises(ValueError, match=r"Invalid gamma value: -0.5"):
        ExponentialLR(zeronn_optimizer(), gamma=-0.5)
