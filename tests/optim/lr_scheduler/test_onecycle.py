"""Tests for zeronn.optim.lr_scheduler.onecycle: OneCycleLR step for step against torch's."""

import math

import numpy as np
import pytest

from tests.optim.lr_scheduler.helpers import check_resume, check_torch_parity, zeronn_lrs, zeronn_optimizer
from tests.torch_helpers import require_torch
from zeronn import optim
from zeronn.nn import Parameter
from zeronn.optim.lr_scheduler import OneCycleLR


def test_defaults_by_hand():
    # max_lr 1, 10 steps: initial 1/25 = 0.04, peak at step pct_start*10 - 1 = 2, min 0.04 / 1e4 = 4e-6
    lrs = [group[0] for group in zeronn_lrs(lambda s, opt: s.OneCycleLR(opt, max_lr=[1.0, 1.0], total_steps=10),
                                            steps=9)]
    assert lrs[0] == pytest.approx(0.04)
    assert lrs[1] == pytest.approx(1 + (0.04 - 1) / 2 * (math.cos(math.pi / 2) + 1))     # halfway up: 0.52
    assert lrs[2] == pytest.approx(1.0)
    assert lrs[9] == pytest.approx(4e-6)


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(three_phase=True),
    dict(anneal_strategy="linear"),
    dict(pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
    dict(pct_start=0.5, three_phase=True, anneal_strategy="linear"),
    dict(cycle_momentum=False),
])
def test_matches_torch(kwargs):
    check_torch_parity(lambda s, opt: s.OneCycleLR(opt, max_lr=[0.5, 0.1], total_steps=37, **kwargs), steps=37)


def _momenta(torch_side, opt_name, kwargs, steps=25):
    torch = require_torch()
    if torch_side:
        params = [torch.zeros(2, requires_grad=True)]
        opt = torch.optim.SGD(params, lr=0.1, momentum=0.9) if opt_name == "sgd" else torch.optim.Adam(params)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.3, total_steps=steps, **kwargs)
    else:
        params = [Parameter(np.zeros(2))]
        opt = optim.SGD(params, lr=0.1, momentum=0.9) if opt_name == "sgd" else optim.Adam(params)
        scheduler = OneCycleLR(opt, max_lr=0.3, total_steps=steps, **kwargs)
    key = "momentum" if opt_name == "sgd" else "betas"
    seen = []
    for _ in range(steps):
        group = opt.param_groups[0]
        seen.append((group["lr"], group[key] if opt_name == "sgd" else tuple(group[key])))
        opt.step()
        scheduler.step()
    return seen


@pytest.mark.parametrize("opt_name", ["sgd", "adam"])
@pytest.mark.parametrize("kwargs", [dict(), dict(three_phase=True), dict(base_momentum=0.8, max_momentum=0.9)])
def test_momentum_and_beta1_cycle_like_torch(opt_name, kwargs):
    ours, theirs = _momenta(False, opt_name, kwargs), _momenta(True, opt_name, kwargs)
    assert [lr for lr, _ in ours] == pytest.approx([lr for lr, _ in theirs], rel=1e-13)
    if opt_name == "sgd":
        assert [m for _, m in ours] == pytest.approx([m for _, m in theirs], rel=1e-13)
    else:
        assert [b for _, b in ours] == [b for _, b in theirs]


def test_epochs_and_steps_per_epoch():
    scheduler = OneCycleLR(zeronn_optimizer(), max_lr=0.1, epochs=3, steps_per_epoch=4)
    assert scheduler.total_steps == 12


def test_stepping_past_the_cycle_raises():
    scheduler = OneCycleLR(zeronn_optimizer(), max_lr=0.1, total_steps=3)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match="total_steps=3"):
        scheduler.step()


def test_resume():
    check_resume(lambda s, opt: s.OneCycleLR(opt, max_lr=[0.4, 0.2], total_steps=30, three_phase=True))


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(max_lr=0.1), ValueError, "total_steps"),
    (dict(max_lr=0.1, total_steps=0), ValueError, "total_steps"),
    (dict(max_lr=0.1, epochs=2, steps_per_epoch=0), ValueError, "steps_per_epoch"),
    (dict(max_lr=[0.1, 0.2, 0.3], total_steps=5), ValueError, "3 values"),
    (dict(max_lr=0.1, total_steps=5, pct_start=1.5), ValueError, "pct_start"),
    (dict(max_lr=0.1, total_steps=5, anneal_strategy="exp"), ValueError, "anneal_strategy"),
    (dict(max_lr=-0.1, total_steps=5), ValueError, "max_lr"),
])
def test_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        OneCycleLR(zeronn_optimizer(), **kwargs)


def test_optimizer_without_momentum_needs_cycle_momentum_false():
    params = [Parameter(np.zeros(2))]
    with pytest.raises(ValueError, match="cycle_momentum=False"):
        OneCycleLR(optim.Adagrad(params), max_lr=0.1, total_steps=5)
    OneCycleLR(optim.Adagrad(params), max_lr=0.1, total_steps=5, cycle_momentum=False)
