"""Tests for zeronn.optim.lr_scheduler.plateau."""

import math

import numpy as np
import pytest

from tests.optim.lr_scheduler.helpers import check_resume, check_torch_parity, zeronn_optimizer
from zeronn.optim.lr_scheduler import ReduceLROnPlateau

# falls, stalls, falls a little (less than the threshold), jumps, falls again...
LOSSES = [1.0, 0.8, 0.8, 0.79995, 0.81, 0.9, 0.7, 0.7, 0.7, 0.7, 0.69, 0.69, 0.69, 0.69, 0.69,
          0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
ACCURACIES = [0.5, 0.6, 0.6, 0.60001, 0.59, 0.7, 0.7, 0.7, 0.705, 0.7, 0.7, 0.7, 0.8, 0.8, 0.8,
              0.8, 0.8, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9]


def test_hand_worked_example():
    optimizer = zeronn_optimizer(lrs=(1.0,))
    scheduler = ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
    lrs = []
    for loss in [3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0]:
        scheduler.step(loss)
        lrs.append(scheduler.get_last_lr()[0])
    # bad epochs: 0, 0, 1, 2 (> patience 1: halve, reset), 0 (better), 1, 2 (halve)
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]


@pytest.mark.parametrize(
    "kwargs, metrics",
    [
        (dict(patience=2), LOSSES),
        (dict(patience=1, factor=0.5, cooldown=2), LOSSES),
        (dict(patience=0, threshold=0.05, threshold_mode="abs"), LOSSES),
        (dict(patience=1, factor=0.5, min_lr=[0.01, 0.015]), LOSSES),
        (dict(patience=0, factor=0.2, min_lr=0.005, eps=1e-3), LOSSES),
        (dict(mode="max", patience=1), ACCURACIES),
        (dict(mode="max", patience=0, threshold=0.01, threshold_mode="abs", cooldown=1), ACCURACIES),
    ],
)
def test_matches_torch(kwargs, metrics):
    check_torch_parity(lambda s, opt: s.ReduceLROnPlateau(opt, **kwargs), steps=len(metrics), metrics=metrics)


def test_resume():
    state = check_resume(lambda s, opt: s.ReduceLROnPlateau(opt, patience=1, cooldown=1), split=8, steps=25,
                         metrics=LOSSES)
    assert set(state) >= {"best", "num_bad_epochs", "cooldown_counter", "min_lrs"}


def test_state_dict_before_any_metric_keeps_infinite_best():
    scheduler = ReduceLROnPlateau(zeronn_optimizer())
    assert scheduler.state_dict()["best"] == math.inf
    other = ReduceLROnPlateau(zeronn_optimizer(), mode="max")
    other.load_state_dict(scheduler.state_dict())
    assert other.mode == "min" and other.best == math.inf


def test_accepts_numpy_scalars():
    scheduler = ReduceLROnPlateau(zeronn_optimizer(), patience=0)
    scheduler.step(np.float32(1.0))
    scheduler.step(np.array(2.0))
    assert scheduler.get_last_lr() == [0.1 * 0.1, 0.02 * 0.1]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(factor=1.0), r"Invalid factor value: 1.0 \(expected a number in \(0.0, 1.0\)\)"),
        (dict(mode="minimum"), "Unknown mode 'minimum'; valid choices are: max, min"),
        (dict(threshold_mode="relative"), "Unknown threshold_mode 'relative'; valid choices are: abs, rel"),
        (dict(patience=-1), r"Invalid patience value: -1 \(expected an integer >= 0\)"),
        (dict(cooldown=1.5), r"Invalid cooldown value: 1.5 \(expected an integer >= 0, got float\)"),
        (dict(min_lr=[0.1]), "expected 2 min_lrs"),
        (dict(min_lr=-1.0), r"Invalid min_lrs\[0\]: -1.0 \(expected a number >= 0\)"),
    ],
)
def test_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ReduceLROnPlateau(zeronn_optimizer(), **kwargs)


def test_step_needs_a_number():
    scheduler = ReduceLROnPlateau(zeronn_optimizer())
    with pytest.raises(TypeError, match=r"ReduceLROnPlateau.step\(\) expects the monitored value"):
        scheduler.step("low")
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'metric'"):
        scheduler.step()
