"""Tests for zeronn.optim.lr_scheduler.sequential_lr."""

import numpy as np
import pytest

from tests.optim.lr_scheduler.helpers import check_resume, check_torch_parity, zeronn_lrs, zeronn_optimizer
from zeronn.optim.lr_scheduler import ExponentialLR, ReduceLROnPlateau, SequentialLR, StepLR


def warmup_then_cosine(s, opt):
    return s.SequentialLR(
        opt, [s.LinearLR(opt, start_factor=0.1, total_iters=4), s.CosineAnnealingLR(opt, T_max=10)], milestones=[4]
    )


def three_stages(s, opt):
    stages = [s.ExponentialLR(opt, gamma=0.9), s.StepLR(opt, step_size=3, gamma=0.5), s.MultiStepLR(opt, [2, 5])]
    return s.SequentialLR(opt, stages, milestones=[3, 10])


def test_hand_worked_warmup_then_constant():
    def make(s, opt):
        return s.SequentialLR(opt, [s.LinearLR(opt, start_factor=0.5, total_iters=2), s.ExponentialLR(opt, 1.0)],
                              milestones=[2])

    lrs = [group[0] for group in zeronn_lrs(make, steps=4)]
    # warm-up 0.5 -> 1 over 2 epochs (0.05, 0.075), then the second scheduler from its epoch 0: 0.1, 0.1...
    np.testing.assert_allclose(lrs, [0.05, 0.075, 0.1, 0.1, 0.1], rtol=1e-15)


@pytest.mark.parametrize("make", [warmup_then_cosine, three_stages])
def test_matches_torch(make):
    check_torch_parity(make)


@pytest.mark.parametrize("make", [warmup_then_cosine, three_stages])
def test_resume(make):
    state = check_resume(make, split=6, steps=20)
    assert len(state["schedulers"]) == (2 if make is warmup_then_cosine else 3)


def test_errors():
    optimizer = zeronn_optimizer()
    step = StepLR(optimizer, step_size=2)
    with pytest.raises(ValueError, match="one milestone fewer than schedulers"):
        SequentialLR(optimizer, [step, ExponentialLR(optimizer, 0.9)], milestones=[])
    message = r"Invalid milestones value: \[5, 3\] \(expected a list of integers >= 1, increasing\)"
    with pytest.raises(ValueError, match=message):
        SequentialLR(optimizer, [step, step, step], milestones=[5, 3])
    with pytest.raises(TypeError, match="scheduler 1 is ReduceLROnPlateau"):
        SequentialLR(optimizer, [step, ReduceLROnPlateau(optimizer)], milestones=[3])
    with pytest.raises(ValueError, match="scheduler 0 \\(StepLR\\) uses another optimizer"):
        SequentialLR(optimizer, [StepLR(zeronn_optimizer(), step_size=2)], milestones=[])
    with pytest.raises(ValueError, match="non-empty list of schedulers"):
        SequentialLR(optimizer, [], milestones=[])
