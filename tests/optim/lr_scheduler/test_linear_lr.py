"""Tests for zeronn.optim.lr_scheduler.linear_lr."""

import numpy as np
import pytest

from tests.optim.lr_scheduler.helpers import check_resume, check_torch_parity, zeronn_lrs, zeronn_optimizer
from zeronn.optim.lr_scheduler import LinearLR


def test_hand_worked_warmup():
    lrs = [group[0] for group in zeronn_lrs(lambda s, opt: s.LinearLR(opt, start_factor=0.25, total_iters=3), steps=5)]
    # factor 0.25 -> 1 over 3 epochs: 0.25, 0.5, 0.75, 1, 1, 1 (times base 0.1)
    np.testing.assert_allclose(lrs, [0.025, 0.05, 0.075, 0.1, 0.1, 0.1], rtol=1e-15)


@pytest.mark.parametrize(
    "kwargs",
    [dict(), dict(start_factor=0.1, total_iters=10), dict(start_factor=1.0, end_factor=0.2, total_iters=8),
     dict(start_factor=0.5, end_factor=0.0, total_iters=4)],
)
def test_matches_torch(kwargs):
    check_torch_parity(lambda s, opt: s.LinearLR(opt, **kwargs))


def test_resume():
    check_resume(lambda s, opt: s.LinearLR(opt, start_factor=0.1, total_iters=10))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(start_factor=0.0), r"Invalid start_factor value: 0.0 \(expected a number in \(0.0, 1.0\]\)"),
        (dict(start_factor=1.5), "Invalid start_factor value: 1.5"),
        (dict(end_factor=-0.1), "Invalid end_factor value: -0.1"),
        (dict(total_iters=0), r"Invalid total_iters value: 0 \(expected an integer >= 1\)"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LinearLR(zeronn_optimizer(), **kwargs)
