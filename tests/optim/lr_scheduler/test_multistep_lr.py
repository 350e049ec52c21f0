"""Tests for zeronn.optim.lr_scheduler.multistep_lr."""

import pytest

from tests.optim.lr_scheduler.helpers import check_resume, check_torch_parity, zeronn_lrs, zeronn_optimizer
from zeronn.optim.lr_scheduler import MultiStepLR


def test_hand_worked_example():
    lrs = zeronn_lrs(lambda s, opt: s.MultiStepLR(opt, milestones=[2, 4], gamma=0.5), steps=5)
    # 0.1 until epoch 2, then 0.05, from epoch 4 on 0.025
    assert [group[0] for group in lrs] == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]


@pytest.mark.parametrize("milestones", [[3, 10, 25], [5, 5, 12], [30], [20, 1]])
def test_matches_torch(milestones):
    check_torch_parity(lambda s, opt: s.MultiStepLR(opt, milestones=milestones, gamma=0.3))


def test_resume():
    check_resume(lambda s, opt: s.MultiStepLR(opt, milestones=[3, 8, 8, 12]))


@pytest.mark.parametrize("milestones", [[], [0, 3], [2.5], "10"])
def test_errors(milestones):
    with pytest.raises((ValueError, TypeError), match=r"Invalid milestones"):
        MultiStepLR(zeronn_optimizer(), milestones=milestones)
