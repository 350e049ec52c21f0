"""Tests for zeronn.optim.lr_scheduler.scheduler (the base class, through StepLR)."""

import json

import numpy as np
import pytest

from tests.optim.helpers import assert_state_tree
from tests.optim.lr_scheduler.helpers import check_torch_parity, zeronn_optimizer
from zeronn.nn import Parameter
from zeronn.optim import SGD
from zeronn.optim.lr_scheduler import LRScheduler, StepLR


def test_sets_initial_lr_and_base_lrs():
    optimizer = zeronn_optimizer()
    scheduler = StepLR(optimizer, step_size=2)
    assert scheduler.base_lrs == [0.1, 0.02]
    assert [g["initial_lr"] for g in optimizer.param_groups] == [0.1, 0.02]
    assert scheduler.last_epoch == 0
    assert scheduler.get_last_lr() == [0.1, 0.02]


def test_manual_lr_change_is_carried_on_like_torch():
    check_torch_parity(lambda s, opt: s.StepLR(opt, step_size=3, gamma=0.5), set_lr_at=(4, 0.7))


def test_two_schedulers_chain_like_torch():
    def make(s, opt):
        s.ExponentialLR(opt, gamma=0.9)
        return s.StepLR(opt, step_size=4, gamma=0.5)

    # only the last scheduler is stepped; the first one's initial step already happened
    check_torch_parity(make)


def test_state_dict_is_json():
    scheduler = StepLR(zeronn_optimizer(), step_size=2, gamma=0.5)
    scheduler.step()
    state = scheduler.state_dict()
    assert_state_tree(state)
    assert state == {"last_epoch": 1, "base_lrs": [0.1, 0.02], "last_lr": [0.1, 0.02], "step_size": 2, "gamma": 0.5}
    json.dumps(state)


def test_load_state_dict_restores_arguments_like_torch():
    source = StepLR(zeronn_optimizer(), step_size=2, gamma=0.5)
    target = StepLR(zeronn_optimizer(), step_size=10, gamma=0.1)
    target.load_state_dict(source.state_dict())
    assert (target.step_size, target.gamma) == (2, 0.5)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.pop("gamma"), r"missing \['gamma'\]"),
        (lambda s: s.__setitem__("T_max", 3), r"unknown \['T_max'\]\); was it saved by a different scheduler\?"),
        (lambda s: s.__setitem__("base_lrs", [0.1]),
         r"StepLR.load_state_dict: Invalid base_lrs \(one rate per parameter group\): \[0.1\] \(expected a list of 2"),
    ],
)
def test_load_state_dict_errors(change, message):
    state = StepLR(zeronn_optimizer(), step_size=2).state_dict()
    change(state)
    with pytest.raises(ValueError, match=message):
        StepLR(zeronn_optimizer(), step_size=2).load_state_dict(state)


def test_needs_a_zeronn_optimizer():
    with pytest.raises(TypeError, match="StepLR expects a zeronn.optim optimizer"):
        StepLR([Parameter(np.zeros(2))], step_size=2)


def test_group_added_after_scheduler():
    optimizer = SGD([Parameter(np.zeros(2))], lr=0.1)
    scheduler = StepLR(optimizer, step_size=2)
    optimizer.add_param_group({"params": [Parameter(np.zeros(2))]})
    with pytest.raises(RuntimeError, match="create the scheduler after adding every parameter group"):
        scheduler.step()


def test_base_class_needs_subclass():
    with pytest.raises(NotImplementedError, match="LRScheduler does not implement _next_lrs"):
        LRScheduler(zeronn_optimizer())


def test_lrs_are_python_floats():
    optimizer = SGD([Parameter(np.zeros(2, dtype=np.float32))], lr=np.float32(0.1))
    scheduler = StepLR(optimizer, step_size=1, gamma=np.float64(0.5))
    scheduler.step()
    assert type(optimizer.param_groups[0]["lr"]) is float
    assert all(type(lr) is float for lr in scheduler.get_last_lr())


@pytest.mark.parametrize(
    "key, value, error, message",
    [
        ("last_epoch", "abc", TypeError, r"Invalid last_epoch value: 'abc' \(expected an integer >= -1, got str\)"),
        ("last_epoch", -5, ValueError, r"Invalid last_epoch value: -5"),
        ("gamma", -2.0, ValueError, r"Invalid gamma value: -2.0 \(expected a number > 0\)"),
        ("step_size", 0, ValueError, r"Invalid step_size value: 0 \(expected an integer >= 1\)"),
        ("last_lr", [0.1, float("nan")], ValueError, r"Invalid last_lr\[1\]: nan"),
    ],
)
def test_validate_state_dict_refuses_bad_values_and_changes_nothing(key, value, error, message):
    state = StepLR(zeronn_optimizer(), step_size=2).state_dict()
    state[key] = value
    target = StepLR(zeronn_optimizer(), step_size=3, gamma=0.5)
    before = target.state_dict()
    for method in (target.validate_state_dict, target.load_state_dict):
        with pytest.raises(error, match=r"^StepLR.load_state_dict: " + message):
            method(state)
        assert target.state_dict() == before


def test_subclass_states_its_arguments_once():
    assert StepLR.hyperparameter_names == ("step_size", "gamma")
    assert set(StepLR(zeronn_optimizer(), step_size=2).state_dict()) == {
        "last_epoch", "base_lrs", "last_lr", "step_size", "gamma"}
