"""Tests for zeronn.optim.lr_scheduler.step_lr."""

import pytest

from tests.optim.lr_scheduler.helpers import check_resume, check_torch_parity, zeronn_lrs, zeronn_optimizer
from zeronn.optim.lr_scheduler import StepLR


def test_hand_worked_example():
    lrs = zeronn_lrs(lambda s, opt: s.StepLR(opt, step_size=2, gamma=0.5), steps=5)
    # base 0.1: epochs 0-1 -> 0.1, 2-3 -> 0.05, 4-5 -> 0.025
    assert [group[0] for group in lrs] == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]


@pytest.mark.parametrize("step_size, gamma", [(1, 0.5), (3, 0.1), (7, 0.9), (2, 1.5)])
def test_matches_torch(step_size, gamma):
    check_torch_parity(lambda s, opt: s.StepLR(opt, step_size=step_size, gamma=gamma))


def test_default_gamma_and_resume():
    state = check_resume(lambda s, opt: s.StepLR(opt, step_size=3))
    assert state["gamma"] == 0.1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(step_size=0), r"Invalid step_size value: 0 \(expected an integer >= 1\)"),
        (dict(step_size=2.5), r"Invalid step_size value: 2.5 \(expected an integer >= 1, got float\)"),
        (dict(step_size=2, gamma=0), r"Invalid gamma value: 0 \(expected a number > 0\)"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        StepLR(zeronn_optimizer(), **kwargs)
