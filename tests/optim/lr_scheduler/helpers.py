"""Shared tools for the scheduler tests: the same schedule in zeronn and torch, side by side."""

from __future__ import annotations

import numpy as np

from tests.torch_helpers import require_torch
from zeronn.nn import Parameter
from zeronn.optim import SGD, lr_scheduler

BASE_LRS = (0.1, 0.02)


def zeronn_optimizer(lrs=BASE_LRS):
    """An SGD optimizer with one parameter group per learning rate."""
    return SGD([{"params": [Parameter(np.zeros(2))], "lr": lr} for lr in lrs], lr=lrs[0])


def zeronn_lrs(make, steps=40, metrics=None, set_lr_at=None):
    """Learning rates after construction and after each step: a list of per-group lists.

    ``make(lr_scheduler_module, optimizer)`` builds the scheduler, so one lambda serves zeronn and torch.
    ``set_lr_at = (step, lr)`` sets every group's rate by hand before that step.
    """
    optimizer = zeronn_optimizer()
    scheduler = make(lr_scheduler, optimizer)
    return _record(optimizer, scheduler, steps, metrics, set_lr_at, lambda: None)


def torch_lrs(make, steps=40, metrics=None, set_lr_at=None):
    """The same schedule with ``torch.optim.lr_scheduler``."""
    torch = require_torch()
    optimizer = torch.optim.SGD([{"params": [torch.zeros(2, requires_grad=True)], "lr": lr} for lr in BASE_LRS])
    scheduler = make(torch.optim.lr_scheduler, optimizer)
    return _record(optimizer, scheduler, steps, metrics, set_lr_at, optimizer.step)


def _record(optimizer, scheduler, steps, metrics, set_lr_at, optimizer_step):
    history = [_snapshot(optimizer, scheduler)]
    for step in range(steps):
        if set_lr_at is not None and step == set_lr_at[0]:
            for group in optimizer.param_groups:
                group["lr"] = set_lr_at[1]
        optimizer_step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[step])
        history.append(_snapshot(optimizer, scheduler))
    return history


def _snapshot(optimizer, scheduler):
    last = [float(lr) for lr in scheduler.get_last_lr()]
    current = [float(group["lr"]) for group in optimizer.param_groups]
    assert last == current
    return current


def check_torch_parity(make, **kwargs):
    """Both libraries give the same learning rates at every step (they follow the same arithmetic)."""
    ours, theirs = zeronn_lrs(make, **kwargs), torch_lrs(make, **kwargs)
    np.testing.assert_allclose(np.array(ours), np.array(theirs), rtol=1e-13, atol=0)


def check_resume(make, split=7, steps=20, metrics=None):
    """Save optimizer + scheduler mid-run, load into fresh ones: the rates continue exactly."""
    step = (lambda s, i: s.step()) if metrics is None else (lambda s, i: s.step(metrics[i]))
    optimizer = zeronn_optimizer()
    scheduler = make(lr_scheduler, optimizer)
    for i in range(split):
        step(scheduler, i)
    saved = (optimizer.state_dict(), scheduler.state_dict())
    expected = []
    for i in range(split, steps):
        step(scheduler, i)
        expected.append(scheduler.get_last_lr())

    fresh_optimizer = zeronn_optimizer(lrs=(0.5, 0.5))
    fresh = make(lr_scheduler, fresh_optimizer)
    fresh_optimizer.load_state_dict(saved[0])
    fresh.load_state_dict(saved[1])
    resumed = []
    for i in range(split, steps):
        step(fresh, i)
        resumed.append(fresh.get_last_lr())
    assert resumed == expected
    return saved[1]
